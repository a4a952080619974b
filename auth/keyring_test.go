package auth_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"

	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/store/memory"
)

func TestHMACKeyLength(t *testing.T) {
	for _, tc := range []struct {
		alg string
		n   int
		ok  bool
	}{
		{"HS256", 31, false}, {"HS256", 32, true}, {"HS256", 0, false},
		{"HS384", 47, false}, {"HS384", 48, true},
		{"HS512", 63, false}, {"HS512", 64, true},
		{"RS256", 64, false}, {"none", 64, false},
	} {
		_, err := auth.NewHMACKeyWithAlg("k", tc.alg, bytes.Repeat([]byte{1}, tc.n))
		if (err == nil) != tc.ok {
			t.Errorf("%s with %d bytes: %v", tc.alg, tc.n, err)
		}
		if tc.ok == false && tc.n < 64 && strings.HasPrefix(tc.alg, "HS") && !errors.Is(err, auth.ErrWeakKey) {
			t.Errorf("%s with %d bytes: %v, want ErrWeakKey", tc.alg, tc.n, err)
		}
	}
	if _, err := auth.NewHMACKey("k", make([]byte, 31)); !errors.Is(err, auth.ErrWeakKey) {
		t.Fatalf("31-byte HS256 key: %v", err)
	}
}

func TestKeyIDs(t *testing.T) {
	for _, id := range []string{"", "../../dev/null", "a b", "k\x00", strings.Repeat("k", 65), `k"`} {
		if _, err := auth.NewHMACKey(id, testSecret); !errors.Is(err, auth.ErrInvalidKeyID) {
			t.Errorf("kid %q: %v", id, err)
		}
	}
	k1 := mustHMACKey(t, "k1", testSecret)
	if _, err := auth.NewKeyRing(k1, mustHMACKey(t, "k1", testSecret)); !errors.Is(err, auth.ErrInvalidKeyID) {
		t.Fatalf("duplicate kid: %v", err)
	}
	if _, err := auth.NewKeyRing(nil); !errors.Is(err, auth.ErrInvalidConfig) {
		t.Fatalf("empty ring: %v", err)
	}
	pub, _ := auth.NewEd25519PublicKey("pub", edKeyFromSeed(1).Public().(ed25519.PublicKey))
	if _, err := auth.NewKeyRing(pub); !errors.Is(err, auth.ErrInvalidConfig) {
		t.Fatalf("public key as signer: %v", err)
	}
}

func TestKeyCopiesSecret(t *testing.T) {
	secret := bytes.Clone(testSecret)
	e := newEnv(t)
	k := mustHMACKey(t, "k1", secret)
	ring := mustRing(t, k)
	if err := e.svc.SetKeyRing(ring); err != nil {
		t.Fatal(err)
	}
	secret[0] ^= 0xff // the caller reuses its buffer
	p := e.login(t, driver)
	if _, err := newEnv(t).svc.VerifyAccess(ctx, p.AccessToken); err != nil {
		t.Fatalf("key aliased the caller's secret: %v", err)
	}
}

// TestKeyRotation: one key signs, all verify; a secret rotates without
// logging anyone out, and dropping the old key ends its tokens.
func TestKeyRotation(t *testing.T) {
	e := newEnv(t)
	old := e.login(t, driver)
	newKey := mustHMACKey(t, "k2", bytes.Repeat([]byte("n"), 32))
	oldKey := mustHMACKey(t, "k1", testSecret)
	if err := e.svc.SetKeyRing(mustRing(t, newKey, oldKey)); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.VerifyAccess(ctx, old.AccessToken); err != nil {
		t.Fatalf("old token after rotation: %v", err)
	}
	p, err := e.svc.Refresh(ctx, old.RefreshToken)
	if err != nil {
		t.Fatalf("old refresh token after rotation: %v", err)
	}
	if hdr := decodeHeader(t, p.AccessToken); hdr["kid"] != "k2" {
		t.Fatalf("new tokens signed by %v", hdr["kid"])
	}
	if err := e.svc.SetKeyRing(mustRing(t, newKey)); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.VerifyAccess(ctx, old.AccessToken); !errors.Is(err, auth.ErrTokenInvalid) {
		t.Fatalf("token of a dropped key: %v", err)
	}
	if _, err := e.svc.VerifyAccess(ctx, p.AccessToken); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.SetKeyRing(nil); !errors.Is(err, auth.ErrInvalidConfig) {
		t.Fatal(err)
	}
	if e.svc.KeyRing().SigningKey().ID() != "k2" {
		t.Fatal("KeyRing")
	}
}

func decodeHeader(t *testing.T, tok string) map[string]any {
	t.Helper()
	var h map[string]any
	parts := strings.SplitN(tok, ".", 2)
	b, err := jwt.NewParser().DecodeSegment(parts[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &h); err != nil {
		t.Fatal(err)
	}
	return h
}

// TestEdDSAWithJWKS: an EdDSA issuer publishes its public keys; a separate
// verify-only service loads them and verifies without any secret.
func TestEdDSAWithJWKS(t *testing.T) {
	edKey, err := auth.NewEd25519Key("ed-1", edKeyFromSeed(3))
	if err != nil {
		t.Fatal(err)
	}
	hmacKey := mustHMACKey(t, "k1", testSecret)
	ring := mustRing(t, edKey, hmacKey)
	clock := newClock()
	revoke := memory.NewRevocationStore()
	issuer, err := auth.NewService(ring, memory.NewRefreshStore(), revoke, auth.WithClock(clock.Now))
	if err != nil {
		t.Fatal(err)
	}
	p, err := issuer.IssuePair(ctx, driver)
	if err != nil {
		t.Fatal(err)
	}
	if hdr := decodeHeader(t, p.AccessToken); hdr["alg"] != "EdDSA" || hdr["kid"] != "ed-1" {
		t.Fatalf("header %v", hdr)
	}

	srv := httptest.NewServer(ring.JWKSHandler())
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/jwk-set+json" {
		t.Fatalf("JWKS response %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if bytes.Contains(body, []byte(`"oct"`)) || bytes.Contains(body, []byte(`"k"`)) || bytes.Contains(body, []byte(`"d"`)) {
		t.Fatalf("JWKS leaks secret material: %s", body)
	}
	var set struct{ Keys []map[string]string }
	if err := json.Unmarshal(body, &set); err != nil || len(set.Keys) != 1 || set.Keys[0]["kid"] != "ed-1" || set.Keys[0]["crv"] != "Ed25519" {
		t.Fatalf("JWKS %s (%v)", body, err)
	}
	resp, err = http.Post(srv.URL, "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("POST to JWKS: %d", resp.StatusCode)
	}

	keys, err := auth.ParseJWKS(body)
	if err != nil || len(keys) != 1 || keys[0].CanSign() {
		t.Fatalf("ParseJWKS: %v %v", keys, err)
	}
	verifyRing := mustRing(t, nil, keys...)
	verifier, err := auth.NewService(verifyRing, nil, revoke, auth.WithClock(clock.Now))
	if err != nil {
		t.Fatal(err)
	}
	c, err := verifier.VerifyAccess(ctx, p.AccessToken)
	if err != nil || c.Subject != driver.ID {
		t.Fatalf("verify-only service: %+v %v", c, err)
	}
	if _, err := verifier.IssuePair(ctx, driver); !errors.Is(err, auth.ErrInvalidConfig) {
		t.Fatalf("verify-only issue: %v", err)
	}
	noStore, _ := auth.NewService(verifyRing, memory.NewRefreshStore(), revoke)
	if _, err := noStore.IssuePair(ctx, driver); !errors.Is(err, auth.ErrNoSigningKey) {
		t.Fatalf("issue without a signing key: %v", err)
	}
	// HS256 signed with the public key bytes as the HMAC secret, kid of
	// the Ed25519 key: the classic asymmetric/HMAC confusion.
	pub := edKey.PublicKey()
	confused := signWith(t, jwt.SigningMethodHS256, []byte(pub), map[string]any{"kid": "ed-1"}, validClaims(clock.Now()))
	if _, err := verifier.VerifyAccess(ctx, confused); !errors.Is(err, auth.ErrTokenInvalid) {
		t.Fatalf("HS256 with the public key as secret: %v", err)
	}
	if _, err := issuer.VerifyAccess(ctx, confused); !errors.Is(err, auth.ErrTokenInvalid) {
		t.Fatalf("HS256 with the public key as secret (issuer): %v", err)
	}
	// An HMAC-only ring publishes an empty set.
	if got := string(mustRing(t, hmacKey).JWKS()); got != `{"keys":[]}` {
		t.Fatalf("HMAC-only JWKS %s", got)
	}
}

func TestParseJWKSRejects(t *testing.T) {
	x := "A6EHv_POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg"
	for name, in := range map[string]string{
		"not JSON":     `{`,
		"no keys":      `{"keys":[]}`,
		"only RSA":     `{"keys":[{"kty":"RSA","n":"x","e":"AQAB","kid":"r"}]}`,
		"wrong alg":    `{"keys":[{"kty":"OKP","crv":"Ed25519","x":"` + x + `","kid":"a","alg":"HS256"}]}`,
		"enc use":      `{"keys":[{"kty":"OKP","crv":"Ed25519","x":"` + x + `","kid":"a","use":"enc"}]}`,
		"short x":      `{"keys":[{"kty":"OKP","crv":"Ed25519","x":"AAAA","kid":"a"}]}`,
		"padded x":     `{"keys":[{"kty":"OKP","crv":"Ed25519","x":"` + x + `=","kid":"a"}]}`,
		"no kid":       `{"keys":[{"kty":"OKP","crv":"Ed25519","x":"` + x + `"}]}`,
		"bad kid":      `{"keys":[{"kty":"OKP","crv":"Ed25519","x":"` + x + `","kid":"../x"}]}`,
		"oversize set": `{"keys":[],"pad":"` + strings.Repeat("x", 70<<10) + `"}`,
	} {
		if _, err := auth.ParseJWKS([]byte(in)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	keys, err := auth.ParseJWKS([]byte(`{"keys":[{"kty":"RSA","kid":"r"},{"kty":"OKP","crv":"Ed25519","x":"` + x + `","kid":"a","alg":"EdDSA","use":"sig"}]}`))
	if err != nil || len(keys) != 1 || keys[0].ID() != "a" || keys[0].Alg() != "EdDSA" {
		t.Fatalf("mixed set: %v %v", keys, err)
	}
}

func TestEd25519KeyConstructors(t *testing.T) {
	if _, err := auth.NewEd25519Key("e", ed25519.PrivateKey(make([]byte, 10))); !errors.Is(err, auth.ErrWeakKey) {
		t.Fatalf("short private key: %v", err)
	}
	if _, err := auth.NewEd25519PublicKey("e", make([]byte, 31)); !errors.Is(err, auth.ErrWeakKey) {
		t.Fatalf("short public key: %v", err)
	}
	if _, err := auth.NewEd25519Key("../e", edKeyFromSeed(1)); !errors.Is(err, auth.ErrInvalidKeyID) {
		t.Fatalf("bad kid: %v", err)
	}
	k, err := auth.GenerateEd25519Key("gen", nil)
	if err != nil || !k.CanSign() || k.Alg() != "EdDSA" || len(k.PublicKey()) != ed25519.PublicKeySize {
		t.Fatalf("generated key %v %v", k, err)
	}
	h := mustHMACKey(t, "h", testSecret)
	if h.PublicKey() != nil || h.Alg() != "HS256" || !h.CanSign() {
		t.Fatal("HMAC key accessors")
	}
	ring := mustRing(t, k, h)
	if ids := ring.IDs(); len(ids) != 2 || ids[0] != "gen" || ids[1] != "h" {
		t.Fatalf("IDs %v", ids)
	}
	if got, ok := ring.Key("h"); !ok || got != h {
		t.Fatal("Key lookup")
	}
	if _, ok := ring.Key("nope"); ok {
		t.Fatal("unknown key found")
	}
}

// TestHS512KeyRefusesHS256: the key decides the algorithm in both
// directions; an HS256 token signed with an HS512 key's secret fails.
func TestHS512KeyRefusesHS256(t *testing.T) {
	secret := bytes.Repeat([]byte("s"), 64)
	k, err := auth.NewHMACKeyWithAlg("k5", "HS512", secret)
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t)
	if err := e.svc.SetKeyRing(mustRing(t, k)); err != nil {
		t.Fatal(err)
	}
	claims := validClaims(e.clock.Now())
	good := signWith(t, jwt.SigningMethodHS512, secret, map[string]any{"kid": "k5"}, claims)
	if _, err := e.svc.VerifyAccess(ctx, good); err != nil {
		t.Fatalf("HS512 token for the HS512 key: %v", err)
	}
	for _, m := range []jwt.SigningMethod{jwt.SigningMethodHS256, jwt.SigningMethodHS384} {
		bad := signWith(t, m, secret, map[string]any{"kid": "k5"}, claims)
		if _, err := e.svc.VerifyAccess(ctx, bad); !errors.Is(err, auth.ErrTokenInvalid) {
			t.Fatalf("%s token for the HS512 key: %v", m.Alg(), err)
		}
	}
	p := e.login(t, driver)
	if hdr := decodeHeader(t, p.AccessToken); hdr["alg"] != "HS512" {
		t.Fatalf("issued with %v", hdr["alg"])
	}
}
