package auth_test

import (
	"context"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/store/memory"
)

func TestVerifyAccessValid(t *testing.T) {
	e := newEnv(t)
	tok := signWith(t, jwt.SigningMethodHS256, testSecret, map[string]any{"kid": "k1"}, validClaims(e.clock.Now()))
	c, err := e.svc.VerifyAccess(context.Background(), tok)
	if err != nil {
		t.Fatal(err)
	}
	if c.Subject != "user-1" || c.Session != "session-1" || c.Type != auth.TypeAccess || !c.HasRole(auth.RoleDriver) {
		t.Fatalf("claims %+v", c)
	}
}

// TestAttackCatalogueJWT holds the JWT rows of the attack catalogue in
// shared/SECURITY.md, plus their close relatives. Each token must be
// rejected with ErrTokenInvalid (and the more specific error, if any).
func TestAttackCatalogueJWT(t *testing.T) {
	e := newEnv(t)
	now := e.clock.Now()
	kid := map[string]any{"kid": "k1"}
	hs := func(claims jwt.MapClaims) string {
		return signWith(t, jwt.SigningMethodHS256, testSecret, kid, claims)
	}
	with := func(k string, v any) jwt.MapClaims {
		c := validClaims(now)
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
		return c
	}
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	attackerEd := edKeyFromSeed(7)
	valid := hs(validClaims(now))
	parts := strings.Split(valid, ".")
	// A payload promoting the user to admin, glued to the valid signature.
	tampered := parts[0] + "." + b64(with("roles", []string{"admin"})) + "." + parts[2]
	// Same, with a signature that is valid for *some* key (the attacker's).
	forged := signWith(t, jwt.SigningMethodHS256, []byte("attacker-secret-attacker-secret!"), kid, with("roles", []string{"admin"}))
	hmacSig := func(input string, key []byte) []byte {
		m := hmac.New(sha256.New, key)
		m.Write([]byte(input))
		return m.Sum(nil)
	}
	noneInput := func(alg string) string {
		return b64(map[string]any{"alg": alg, "typ": "JWT", "kid": "k1"}) + "." + b64(validClaims(now))
	}

	cases := []struct {
		name  string
		token string
		want  error // besides ErrTokenInvalid
	}{
		// alg: none / None / empty signature
		{"alg none", noneInput("none") + ".", nil},
		{"alg None", noneInput("None") + ".", nil},
		{"alg NONE", noneInput("NONE") + ".", nil},
		{"alg none signed by golang-jwt", signWith(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, kid, validClaims(now)), nil},
		{"alg none with a real HS256 signature", noneInput("none") + "." + b64(string(hmacSig(noneInput("none"), testSecret))), nil},
		{"HS256 with empty signature", parts[0] + "." + parts[1] + ".", nil},
		{"alg missing", rawToken(map[string]any{"kid": "k1"}, validClaims(now), hmacSig("x", testSecret)), nil},
		{"alg empty", rawToken(map[string]any{"alg": "", "kid": "k1"}, validClaims(now), nil), nil},
		// HS512 / HS384 / RS256 / ES / EdDSA where HS256 is expected
		{"HS512 with the server's own secret", signWith(t, jwt.SigningMethodHS512, testSecret, kid, validClaims(now)), nil},
		{"HS384 with the server's own secret", signWith(t, jwt.SigningMethodHS384, testSecret, kid, validClaims(now)), nil},
		{"RS256 with the attacker's key", signWith(t, jwt.SigningMethodRS256, rsaKey, kid, validClaims(now)), nil},
		{"PS256 with the attacker's key", signWith(t, jwt.SigningMethodPS256, rsaKey, kid, validClaims(now)), nil},
		{"EdDSA with the attacker's key", signWith(t, jwt.SigningMethodEdDSA, attackerEd, kid, validClaims(now)), nil},
		// kid path traversal, unknown kid, embedded keys
		{"kid ../../dev/null with empty HMAC key", rawToken(map[string]any{"alg": "HS256", "kid": "../../dev/null"}, validClaims(now), hmacSig(noneInput("HS256"), nil)), nil},
		{"kid ../../dev/null signed with empty key", signWith(t, jwt.SigningMethodHS256, []byte{}, map[string]any{"kid": "../../dev/null"}, validClaims(now)), nil},
		{"kid unknown", signWith(t, jwt.SigningMethodHS256, testSecret, map[string]any{"kid": "k2"}, validClaims(now)), nil},
		{"kid missing", signWith(t, jwt.SigningMethodHS256, testSecret, nil, validClaims(now)), nil},
		{"kid not a string", signWith(t, jwt.SigningMethodHS256, testSecret, map[string]any{"kid": 1}, validClaims(now)), nil},
		{"kid SQL-ish", signWith(t, jwt.SigningMethodHS256, testSecret, map[string]any{"kid": "k1' OR '1'='1"}, validClaims(now)), nil},
		{"embedded jwk header (attacker key)", signWith(t, jwt.SigningMethodEdDSA, attackerEd, map[string]any{
			"kid": "k1", "jwk": map[string]any{"kty": "OKP", "crv": "Ed25519", "x": b64(string(attackerEd.Public().(ed25519.PublicKey)))},
		}, validClaims(now)), nil},
		{"embedded jwk header on an otherwise valid token", signWith(t, jwt.SigningMethodHS256, testSecret, map[string]any{"kid": "k1", "jwk": map[string]any{"kty": "oct", "k": b64("x")}}, validClaims(now)), nil},
		{"jku header", signWith(t, jwt.SigningMethodHS256, testSecret, map[string]any{"kid": "k1", "jku": "https://evil.test/jwks.json"}, validClaims(now)), nil},
		{"x5u header", signWith(t, jwt.SigningMethodHS256, testSecret, map[string]any{"kid": "k1", "x5u": "https://evil.test/cert.pem"}, validClaims(now)), nil},
		{"x5c header", signWith(t, jwt.SigningMethodHS256, testSecret, map[string]any{"kid": "k1", "x5c": []string{"MIIB"}}, validClaims(now)), nil},
		{"crit header", signWith(t, jwt.SigningMethodHS256, testSecret, map[string]any{"kid": "k1", "crit": []string{"exp"}}, validClaims(now)), nil},
		// exp, nbf, iat, iss, aud
		{"no exp", hs(with("exp", nil)), nil},
		{"exp null", hs(with("exp", "")), nil},
		{"expired", hs(with("exp", now.Add(-time.Minute).Unix())), auth.ErrTokenExpired},
		{"expired just beyond leeway", hs(with("exp", now.Add(-auth.DefaultLeeway-time.Second).Unix())), auth.ErrTokenExpired},
		{"nbf in the future", hs(with("nbf", now.Add(time.Minute).Unix())), auth.ErrTokenNotYetValid},
		{"iat in the future", hs(with("iat", now.Add(time.Hour).Unix())), auth.ErrTokenNotYetValid},
		{"wrong iss", hs(with("iss", "evil")), nil},
		{"no iss", hs(with("iss", nil)), nil},
		{"wrong aud", hs(with("aud", []string{"other-service"})), nil},
		{"no aud", hs(with("aud", nil)), nil},
		// token types
		{"refresh token used as access token", hs(with("typ", "refresh")), auth.ErrTokenType},
		{"no typ", hs(with("typ", nil)), nil},
		{"unknown typ", hs(with("typ", "id")), nil},
		{"no sub", hs(with("sub", nil)), nil},
		{"no sid", hs(with("sid", nil)), nil},
		{"no jti", hs(with("jti", nil)), nil},
		// tampering
		{"tampered payload with the original signature", tampered, nil},
		{"tampered payload signed with another key", forged, nil},
		{"signature of another token", parts[0] + "." + b64(with("sub", "user-2")) + "." + parts[2], nil},
		{"truncated signature", valid[:len(valid)-2], nil},
		{"non-canonical base64 in signature", parts[0] + "." + parts[1] + "." + flipLastBits(parts[2]), nil},
		{"four segments", valid + ".x", nil},
		{"two segments", parts[0] + "." + parts[1], nil},
		{"empty", "", nil},
		{"garbage", "not a jwt", nil},
		{"1 MB of dots", strings.Repeat(".", 1<<20), auth.ErrTokenTooLong},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := e.svc.VerifyAccess(context.Background(), tc.token)
			if err == nil {
				t.Fatalf("accepted: %+v", c)
			}
			if !errors.Is(err, auth.ErrTokenInvalid) {
				t.Fatalf("error %v does not match ErrTokenInvalid", err)
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("error %v, want %v", err, tc.want)
			}
		})
	}
}

// flipLastBits changes the unused low bits of the last base64 character,
// which a lenient decoder would ignore.
func flipLastBits(s string) string {
	last := s[len(s)-1]
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	i := strings.IndexByte(alphabet, last)
	return s[:len(s)-1] + string(alphabet[i^1])
}

func TestLeeway(t *testing.T) {
	e := newEnv(t, auth.WithLeeway(5*time.Second))
	now := e.clock.Now()
	for _, tc := range []struct {
		name string
		key  string
		at   time.Time
		ok   bool
	}{
		{"exp 4s ago", "exp", now.Add(-4 * time.Second), true},
		{"exp 6s ago", "exp", now.Add(-6 * time.Second), false},
		{"nbf in 4s", "nbf", now.Add(4 * time.Second), true},
		{"nbf in 6s", "nbf", now.Add(6 * time.Second), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := validClaims(now)
			c[tc.key] = tc.at.Unix()
			_, err := e.svc.VerifyAccess(context.Background(), signWith(t, jwt.SigningMethodHS256, testSecret, map[string]any{"kid": "k1"}, c))
			if (err == nil) != tc.ok {
				t.Fatalf("err = %v, want ok = %v", err, tc.ok)
			}
		})
	}
}

func TestIssuedTokenContents(t *testing.T) {
	e := newEnv(t)
	op := auth.Subject{ID: "op-7", Roles: []auth.Role{auth.RoleOperator}, Facility: "westfield-sydney"}
	p := e.login(t, op)
	c, err := e.svc.VerifyAccess(context.Background(), p.AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	now := e.clock.Now()
	switch {
	case c.Subject != "op-7", c.Facility != "westfield-sydney", !c.HasRole(auth.RoleOperator), c.HasRole(auth.RoleAdmin):
		t.Fatalf("identity claims %+v", c)
	case c.Issuer != auth.DefaultIssuer || len(c.Audience) != 1 || c.Audience[0] != auth.DefaultAudience:
		t.Fatalf("iss/aud %q %v", c.Issuer, c.Audience)
	case !c.IssuedAt.Equal(now) || !c.NotBefore.Equal(now) || !c.ExpiresAt.Equal(now.Add(time.Hour)):
		t.Fatalf("times iat %v nbf %v exp %v", c.IssuedAt, c.NotBefore, c.ExpiresAt)
	case c.Session != p.SessionID || c.CSRF != p.CSRFToken || len(c.CSRF) < 22 || len(c.ID) < 22:
		t.Fatalf("sid %q csrf %q jti %q", c.Session, c.CSRF, c.ID)
	case !p.AccessExpiresAt.Equal(now.Add(auth.DefaultAccessTTL)) || !p.RefreshExpiresAt.Equal(now.Add(auth.DefaultRefreshTTL)):
		t.Fatalf("pair expiries %v %v", p.AccessExpiresAt, p.RefreshExpiresAt)
	case p.TokenType() != "Bearer":
		t.Fatal(p.TokenType())
	}
	rc := decodePayload(t, p.RefreshToken)
	if rc["typ"] != "refresh" || rc["roles"] != nil || rc["csrf"] != nil || rc["sid"] != p.SessionID {
		t.Fatalf("refresh claims %v", rc)
	}
	if _, err := e.svc.VerifyAccess(context.Background(), p.RefreshToken); !errors.Is(err, auth.ErrTokenType) {
		t.Fatalf("refresh token as access token: %v", err)
	}
	if _, err := e.svc.Refresh(context.Background(), p.AccessToken); !errors.Is(err, auth.ErrTokenType) {
		t.Fatalf("access token as refresh token: %v", err)
	}
	if err := e.svc.Logout(context.Background(), p.AccessToken); !errors.Is(err, auth.ErrTokenType) {
		t.Fatalf("access token to Logout: %v", err)
	}
	// Header: kid and alg of the signing key.
	hdr := strings.Split(p.AccessToken, ".")[0]
	if hdr != b64(map[string]any{"alg": "HS256", "kid": "k1", "typ": "JWT"}) {
		t.Fatalf("header %s", hdr)
	}
}

func TestIssueRejectsBadSubjects(t *testing.T) {
	e := newEnv(t)
	for name, sub := range map[string]auth.Subject{
		"empty id":                  {},
		"id too long":               {ID: strings.Repeat("x", 257)},
		"operator without facility": {ID: "op", Roles: []auth.Role{auth.RoleOperator}},
	} {
		if _, err := e.svc.IssuePair(context.Background(), sub); !errors.Is(err, auth.ErrInvalidSubject) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestMaxTokenLength(t *testing.T) {
	e := newEnv(t, auth.WithMaxTokenLength(512))
	c := validClaims(e.clock.Now())
	c["pad"] = strings.Repeat("x", 600)
	tok := signWith(t, jwt.SigningMethodHS256, testSecret, map[string]any{"kid": "k1"}, c)
	if _, err := e.svc.VerifyAccess(context.Background(), tok); !errors.Is(err, auth.ErrTokenTooLong) {
		t.Fatalf("over-long valid token: %v", err)
	}
	if _, err := e.svc.Refresh(context.Background(), tok); !errors.Is(err, auth.ErrTokenTooLong) {
		t.Fatalf("over-long refresh: %v", err)
	}
}

// TestLongTokenBoundedMemory checks that a huge token is rejected before
// anything proportional to its size is allocated.
func TestLongTokenBoundedMemory(t *testing.T) {
	e := newEnv(t)
	huge := strings.Repeat(".", 1<<20)
	allocated := measureAlloc(func() {
		if _, err := e.svc.VerifyAccess(context.Background(), huge); !errors.Is(err, auth.ErrTokenTooLong) {
			t.Errorf("err = %v", err)
		}
	})
	if allocated > 16<<10 {
		t.Fatalf("rejecting a 1 MB token allocated %d bytes", allocated)
	}
}

func TestNewServiceValidation(t *testing.T) {
	ring := mustRing(t, mustHMACKey(t, "k1", testSecret))
	rs, vs := memory.NewRefreshStore(), memory.NewRevocationStore()
	bad := map[string]func() error{
		"nil ring": func() error { _, err := auth.NewService(nil, rs, vs); return err },
		"nil revocation store": func() error {
			_, err := auth.NewService(ring, rs, nil)
			return err
		},
		"refresh shorter than access": func() error {
			_, err := auth.NewService(ring, rs, vs, auth.WithRefreshTTL(time.Minute))
			return err
		},
		"negative leeway": func() error { _, err := auth.NewService(ring, rs, vs, auth.WithLeeway(-1)); return err },
		"huge grace":      func() error { _, err := auth.NewService(ring, rs, vs, auth.WithRefreshGrace(time.Hour)); return err },
		"zero access TTL": func() error { _, err := auth.NewService(ring, rs, vs, auth.WithAccessTTL(0)); return err },
		"empty issuer":    func() error { _, err := auth.NewService(ring, rs, vs, auth.WithIssuer("")); return err },
		"empty audience":  func() error { _, err := auth.NewService(ring, rs, vs, auth.WithAudience()); return err },
		"tiny max length": func() error { _, err := auth.NewService(ring, rs, vs, auth.WithMaxTokenLength(10)); return err },
		"nil clock":       func() error { _, err := auth.NewService(ring, rs, vs, auth.WithClock(nil)); return err },
		"nil random":      func() error { _, err := auth.NewService(ring, rs, vs, auth.WithRandom(nil)); return err },
		"cache TTL too big": func() error {
			_, err := auth.NewService(ring, rs, vs, auth.WithRevocationCacheTTL(time.Hour))
			return err
		},
	}
	for name, f := range bad {
		if err := f(); !errors.Is(err, auth.ErrInvalidConfig) {
			t.Errorf("%s: %v, want ErrInvalidConfig", name, err)
		}
	}
	if _, err := auth.NewService(ring, nil, nil, auth.WithoutRevocationCheck()); err != nil {
		t.Fatalf("verify-only service: %v", err)
	}
}

func TestCustomIssuerAudience(t *testing.T) {
	e := newEnv(t, auth.WithIssuer("https://auth.autospot.test"), auth.WithAudience("parking-api", "admin-api"))
	p := e.login(t, driver)
	if _, err := e.svc.VerifyAccess(context.Background(), p.AccessToken); err != nil {
		t.Fatal(err)
	}
	other := newEnv(t) // default iss/aud, same key
	if _, err := other.svc.VerifyAccess(context.Background(), p.AccessToken); !errors.Is(err, auth.ErrTokenInvalid) {
		t.Fatalf("token for another issuer/audience accepted: %v", err)
	}
}
