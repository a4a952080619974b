package auth_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/store/memory"
)

// t0 is the tests' start time.
var t0 = time.Date(2025, 6, 15, 10, 0, 0, 0, time.UTC)

// testSecret is the HS256 secret of key "k1" in the tests.
var testSecret = []byte("0123456789abcdef0123456789abcdef")

// fakeClock is an injectable, advanceable clock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock { return &fakeClock{t: t0} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type env struct {
	svc     *auth.Service
	clock   *fakeClock
	refresh *memory.RefreshStore
	revoke  *memory.RevocationStore
	ring    *auth.KeyRing
}

func mustHMACKey(t testing.TB, id string, secret []byte) *auth.Key {
	t.Helper()
	k, err := auth.NewHMACKey(id, secret)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func mustRing(t testing.TB, signing *auth.Key, verify ...*auth.Key) *auth.KeyRing {
	t.Helper()
	r, err := auth.NewKeyRing(signing, verify...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func newEnv(t testing.TB, opts ...auth.Option) *env {
	t.Helper()
	e := &env{
		clock:   newClock(),
		refresh: memory.NewRefreshStore(),
		revoke:  memory.NewRevocationStore(),
		ring:    mustRing(t, mustHMACKey(t, "k1", testSecret)),
	}
	opts = append([]auth.Option{auth.WithClock(e.clock.Now)}, opts...)
	svc, err := auth.NewService(e.ring, e.refresh, e.revoke, opts...)
	if err != nil {
		t.Fatal(err)
	}
	e.svc = svc
	return e
}

var driver = auth.Subject{ID: "user-1", Roles: []auth.Role{auth.RoleDriver}}

func (e *env) login(t testing.TB, sub auth.Subject) auth.Pair {
	t.Helper()
	p, err := e.svc.IssuePair(context.Background(), sub)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// validClaims returns the claims of a valid access token at the env clock.
func validClaims(now time.Time) jwt.MapClaims {
	return jwt.MapClaims{
		"sub":   "user-1",
		"sid":   "session-1",
		"typ":   "access",
		"jti":   "jti-1",
		"iss":   auth.DefaultIssuer,
		"aud":   []string{auth.DefaultAudience},
		"iat":   now.Unix(),
		"nbf":   now.Unix(),
		"exp":   now.Add(time.Hour).Unix(),
		"roles": []string{"driver"},
	}
}

// signWith signs claims with method and key, setting header fields
// (a nil value deletes the field).
func signWith(t testing.TB, method jwt.SigningMethod, key any, header map[string]any, claims jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, claims)
	for k, v := range header {
		if v == nil {
			delete(tok.Header, k)
		} else {
			tok.Header[k] = v
		}
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func b64(v any) string {
	var b []byte
	switch v := v.(type) {
	case string:
		b = []byte(v)
	default:
		b, _ = json.Marshal(v)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// rawToken assembles header.payload.signature without signing.
func rawToken(header, claims any, sig []byte) string {
	return b64(header) + "." + b64(claims) + "." + base64.RawURLEncoding.EncodeToString(sig)
}

// decodePayload returns the JSON payload of a token without verifying.
func decodePayload(t testing.TB, tok string) map[string]any {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("token has %d parts", len(parts))
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

func edKeyFromSeed(seed byte) ed25519.PrivateKey {
	return ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize))
}
