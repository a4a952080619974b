package auth_test

import (
	"errors"
	"math/rand/v2"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"

	"github.com/autospot/autospot/auth"
)

// fuzzEnv is deterministic: every fuzzing worker process must sign the
// same token as the coordinator that recorded the seeds.
func fuzzEnv(f *testing.F) *env {
	return newEnv(f, auth.WithRandom(rand.NewChaCha8([32]byte{1})))
}

func fuzzSeeds(f *testing.F, e *env) (valid string) {
	p := e.login(f, driver)
	valid = p.AccessToken
	parts := strings.Split(valid, ".")
	f.Add(valid)
	f.Add(p.RefreshToken)
	f.Add(parts[0] + "." + parts[1] + ".")
	f.Add(parts[0] + ".." + parts[2])
	f.Add(b64(map[string]any{"alg": "none", "kid": "k1"}) + "." + parts[1] + ".")
	f.Add(signWith(f, jwt.SigningMethodHS512, testSecret, map[string]any{"kid": "k1"}, validClaims(e.clock.Now())))
	f.Add(b64(`{"alg":"HS256","kid":"k1","jwk":{}}`) + "." + parts[1] + "." + parts[2])
	f.Add(b64(`{"alg":"HS256","kid":["k1"]}`) + "." + b64(`{"exp":"soon","aud":{"x":1}}`) + "." + parts[2])
	f.Add(b64(`{"alg":"HS256","kid":"k1"}`) + "." + b64(`{"exp":1e400}`) + "." + parts[2])
	f.Add("....")
	f.Add("")
	f.Add(strings.Repeat("e", 9000))
	return valid
}

// FuzzVerifyAccess feeds arbitrary strings to the token parser: it must
// never panic, must reject with ErrTokenInvalid, and may only accept the
// one token the service signed.
func FuzzVerifyAccess(f *testing.F) {
	e := fuzzEnv(f)
	valid := fuzzSeeds(f, e)
	f.Fuzz(func(t *testing.T, tok string) {
		c, err := e.svc.VerifyAccess(ctx, tok)
		if err != nil {
			if !errors.Is(err, auth.ErrTokenInvalid) {
				t.Fatalf("error %v does not match ErrTokenInvalid", err)
			}
			return
		}
		if tok != valid || c.Type != auth.TypeAccess || c.Subject != driver.ID {
			t.Fatalf("accepted %q as %+v", tok, c)
		}
	})
}

// FuzzAuthenticateHeader feeds arbitrary Authorization values to the
// middleware: 200 only for the valid token, 401 otherwise.
func FuzzAuthenticateHeader(f *testing.F) {
	e := fuzzEnv(f)
	valid := fuzzSeeds(f, e)
	f.Add("Bearer " + valid)
	f.Add("bearer  " + valid)
	f.Add("Basic " + valid)
	f.Add("Bearer")
	h := e.svc.Authenticate()(whoami)
	f.Fuzz(func(t *testing.T, v string) {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header["Authorization"] = []string{v}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		switch w.Code {
		case 200:
			if len(v) < 7 || !strings.EqualFold(v[:7], "bearer ") || strings.TrimLeft(v[7:], " ") != valid {
				t.Fatalf("accepted %q", v)
			}
		case 401:
		default:
			t.Fatalf("status %d for %q", w.Code, v)
		}
	})
}

// FuzzParseJWKS: no panic; every key returned is a verify-only Ed25519 key.
func FuzzParseJWKS(f *testing.F) {
	f.Add([]byte(`{"keys":[{"kty":"OKP","crv":"Ed25519","x":"A6EHv_POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg","kid":"a"}]}`))
	f.Add([]byte(`{"keys":[{"kty":"oct","k":"c2VjcmV0"}]}`))
	f.Add([]byte(`{"keys":null}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		keys, err := auth.ParseJWKS(data)
		if err != nil {
			return
		}
		for _, k := range keys {
			if k.CanSign() || k.Alg() != "EdDSA" || len(k.PublicKey()) != 32 {
				t.Fatalf("bad key %+v", k)
			}
		}
	})
}
