package auth_test

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/autospot/autospot/auth"
)

type benchCase struct {
	name string
	key  func(testing.TB) (*auth.Key, any) // signing key, bare verification key
}

var benchKeys = []benchCase{
	{"HS256", func(tb testing.TB) (*auth.Key, any) {
		return mustHMACKey(tb, "k1", testSecret), testSecret
	}},
	{"EdDSA", func(tb testing.TB) (*auth.Key, any) {
		priv := edKeyFromSeed(9)
		k, err := auth.NewEd25519Key("e1", priv)
		if err != nil {
			tb.Fatal(err)
		}
		return k, k.PublicKey()
	}},
}

// bareParser is golang-jwt configured with the same validation as the
// Service: allowed algorithms, exp required, iat checked, iss, aud, leeway,
// strict base64, the same clock and the same Claims type (whose Validate
// checks sub, sid and typ).
func bareParser(now func() time.Time) *jwt.Parser {
	return jwt.NewParser(
		jwt.WithValidMethods([]string{"HS256", "HS384", "HS512", "EdDSA"}),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithIssuer(auth.DefaultIssuer),
		jwt.WithAudience(auth.DefaultAudience),
		jwt.WithLeeway(auth.DefaultLeeway),
		jwt.WithTimeFunc(now),
		jwt.WithStrictDecoding(),
	)
}

func benchEnv(tb testing.TB, k *auth.Key, opts ...auth.Option) *env {
	e := newEnv(tb, opts...)
	if err := e.svc.SetKeyRing(mustRing(tb, k)); err != nil {
		tb.Fatal(err)
	}
	return e
}

// BenchmarkVerify compares, in one run, a bare golang-jwt ParseWithClaims
// of an access token with Service.VerifyAccess of the same token, which
// adds the length cap, header checks, kid lookup, type check and the
// revocation check against the memory store.
func BenchmarkVerify(b *testing.B) {
	for _, kc := range benchKeys {
		key, bareKey := kc.key(b)
		e := benchEnv(b, key)
		tok := e.login(b, driver).AccessToken
		parser := bareParser(e.clock.Now)
		keyfunc := func(*jwt.Token) (any, error) { return bareKey, nil }

		b.Run(kc.name+"/jwt.ParseWithClaims", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				c := new(auth.Claims)
				if _, err := parser.ParseWithClaims(tok, c, keyfunc); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(kc.name+"/VerifyAccess", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := e.svc.VerifyAccess(context.Background(), tok); err != nil {
					b.Fatal(err)
				}
			}
		})
		cached := benchEnv(b, key, auth.WithRevocationCacheTTL(time.Second))
		b.Run(kc.name+"/VerifyAccess-cache1s", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := cached.svc.VerifyAccess(context.Background(), tok); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkVerifyVsBare interleaves the two in batches of 32 calls, so
// that both see the same machine load, and reports each one's ns/op and
// their ratio (target ≤ 1.2). Allocations per call are equal (see
// TestVerifyAllocsNearBareParse).
func BenchmarkVerifyVsBare(b *testing.B) {
	for _, kc := range benchKeys {
		key, bareKey := kc.key(b)
		e := benchEnv(b, key)
		tok := e.login(b, driver).AccessToken
		parser := bareParser(e.clock.Now)
		keyfunc := func(*jwt.Token) (any, error) { return bareKey, nil }
		b.Run(kc.name, func(b *testing.B) {
			const batch = 32
			var bare, ours time.Duration
			n := 0
			for b.Loop() {
				start := time.Now()
				for range batch {
					if _, err := parser.ParseWithClaims(tok, new(auth.Claims), keyfunc); err != nil {
						b.Fatal(err)
					}
				}
				mid := time.Now()
				for range batch {
					if _, err := e.svc.VerifyAccess(context.Background(), tok); err != nil {
						b.Fatal(err)
					}
				}
				bare += mid.Sub(start)
				ours += time.Since(mid)
				n += batch
			}
			b.ReportMetric(float64(bare.Nanoseconds())/float64(n), "bare-ns/op")
			b.ReportMetric(float64(ours.Nanoseconds())/float64(n), "verify-ns/op")
			b.ReportMetric(float64(ours)/float64(bare), "ratio")
		})
	}
}

// BenchmarkAuthenticate is the middleware end to end, per request.
func BenchmarkAuthenticate(b *testing.B) {
	e := newEnv(b)
	tok := e.login(b, driver).AccessToken
	h := e.svc.Authenticate()(whoami)
	r := httptest.NewRequest("GET", "/x", nil)
	r.Header.Set("Authorization", "Bearer "+tok)
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != 200 {
			b.Fatal(w.Code)
		}
	}
}

// BenchmarkIssuePair is a login: family creation plus two signatures.
func BenchmarkIssuePair(b *testing.B) {
	for _, kc := range benchKeys {
		key, _ := kc.key(b)
		e := benchEnv(b, key)
		b.Run(kc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := e.svc.IssuePair(context.Background(), driver); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRefresh is one rotation: verify, revocation check, atomic
// compare-and-swap in the memory store, two signatures.
func BenchmarkRefresh(b *testing.B) {
	for _, kc := range benchKeys {
		key, _ := kc.key(b)
		e := benchEnv(b, key)
		b.Run(kc.name, func(b *testing.B) {
			p := e.login(b, driver)
			b.ReportAllocs()
			for b.Loop() {
				var err error
				if p, err = e.svc.Refresh(context.Background(), p.RefreshToken); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestVerifyAllocsNearBareParse guards the benchmark's allocation figure:
// VerifyAccess (with the revocation check) may allocate at most two objects
// more than a bare golang-jwt parse of the same token.
func TestVerifyAllocsNearBareParse(t *testing.T) {
	e := newEnv(t)
	tok := e.login(t, driver).AccessToken
	parser := bareParser(e.clock.Now)
	var key any = testSecret
	keyfunc := func(*jwt.Token) (any, error) { return key, nil }
	bare := testing.AllocsPerRun(200, func() {
		if _, err := parser.ParseWithClaims(tok, new(auth.Claims), keyfunc); err != nil {
			t.Fatal(err)
		}
	})
	ours := testing.AllocsPerRun(200, func() {
		if _, err := e.svc.VerifyAccess(ctx, tok); err != nil {
			t.Fatal(err)
		}
	})
	t.Logf("allocs/op: bare %.0f, VerifyAccess %.0f", bare, ours)
	if ours > bare+2 {
		t.Fatalf("VerifyAccess allocates %.0f objects per call, bare parse %.0f", ours, bare)
	}
}
