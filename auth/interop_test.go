package auth_test

import (
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/store/memory"
)

type pyVectors struct {
	Now  int64 `json:"now"`
	HMAC struct {
		Kid       string `json:"kid"`
		SecretHex string `json:"secret_hex"`
	} `json:"hmac"`
	Ed25519 struct {
		Kid       string `json:"kid"`
		SeedHex   string `json:"seed_hex"`
		PublicHex string `json:"public_hex"`
	} `json:"ed25519"`
	Vectors []struct {
		Name, Token, Expect string
	} `json:"vectors"`
}

func loadPyVectors(t *testing.T) (pyVectors, []byte, ed25519.PrivateKey) {
	t.Helper()
	raw, err := os.ReadFile("testdata/pyjwt_vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var v pyVectors
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	secret, err := hex.DecodeString(v.HMAC.SecretHex)
	if err != nil {
		t.Fatal(err)
	}
	seed, err := hex.DecodeString(v.Ed25519.SeedHex)
	if err != nil {
		t.Fatal(err)
	}
	priv := ed25519.NewKeyFromSeed(seed)
	if hex.EncodeToString(priv.Public().(ed25519.PublicKey)) != v.Ed25519.PublicHex {
		t.Fatal("Ed25519 public key derived from the seed differs from PyJWT's")
	}
	return v, secret, priv
}

// TestPyJWTVectors verifies tokens made by PyJWT (Debian's python3-jwt, the
// seed stack's library); see testdata/gen_pyjwt_vectors.py.
func TestPyJWTVectors(t *testing.T) {
	v, secret, priv := loadPyVectors(t)
	hk, err := auth.NewHMACKey(v.HMAC.Kid, secret)
	if err != nil {
		t.Fatal(err)
	}
	ek, err := auth.NewEd25519PublicKey(v.Ed25519.Kid, priv.Public().(ed25519.PublicKey))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Unix(v.Now, 0)
	svc, err := auth.NewService(mustRing(t, hk, ek), nil, memory.NewRevocationStore(), auth.WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]error{
		"expired": auth.ErrTokenExpired, "not_yet_valid": auth.ErrTokenNotYetValid,
		"wrong_type": auth.ErrTokenType, "invalid": auth.ErrTokenInvalid,
	}
	if len(v.Vectors) < 20 {
		t.Fatalf("only %d vectors", len(v.Vectors))
	}
	for _, vec := range v.Vectors {
		t.Run(vec.Name, func(t *testing.T) {
			c, err := svc.VerifyAccess(ctx, vec.Token)
			if vec.Expect == "ok" {
				if err != nil {
					t.Fatal(err)
				}
				if c.Session != "session-42" || c.ID != "jti-42" || c.CSRF != "csrf-42" || len(c.Roles) != 1 {
					t.Fatalf("claims %+v", c)
				}
				if c.HasRole(auth.RoleOperator) && c.Facility != "westfield-sydney" {
					t.Fatalf("facility %q", c.Facility)
				}
				return
			}
			w, ok := want[vec.Expect]
			if !ok {
				t.Fatalf("unknown expectation %q", vec.Expect)
			}
			if !errors.Is(err, auth.ErrTokenInvalid) || !errors.Is(err, w) {
				t.Fatalf("err %v, want %v", err, w)
			}
		})
	}
}

// TestPyJWTVerifiesOurTokens checks the other direction when python3-jwt
// is installed: PyJWT accepts the access tokens this package issues.
func TestPyJWTVerifiesOurTokens(t *testing.T) {
	py := "/usr/bin/python3"
	if _, err := os.Stat(py); err != nil {
		t.Skip("no /usr/bin/python3")
	}
	if err := exec.Command(py, "-c", "import jwt, cryptography").Run(); err != nil {
		t.Skip("python3-jwt or python3-cryptography not installed")
	}
	_, secret, priv := loadPyVectors(t)
	hk, _ := auth.NewHMACKey("go-hs", secret)
	ek, _ := auth.NewEd25519Key("go-ed", priv)
	const script = `
import json, sys, jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
d = json.load(sys.stdin)
key = bytes.fromhex(d["secret"]) if d["alg"] == "HS256" else Ed25519PrivateKey.from_private_bytes(bytes.fromhex(d["seed"])).public_key()
c = jwt.decode(d["token"], key, algorithms=[d["alg"]], audience="autospot", issuer="autospot", options={"require": ["exp", "iat", "nbf", "sub", "jti"]})
print(c["sub"], c["typ"], c["sid"] == d["sid"], ",".join(c["roles"]), c.get("fac", ""))
`
	for _, k := range []*auth.Key{hk, ek} {
		t.Run(k.Alg(), func(t *testing.T) {
			svc, err := auth.NewService(mustRing(t, k), memory.NewRefreshStore(), memory.NewRevocationStore())
			if err != nil {
				t.Fatal(err)
			}
			p, err := svc.IssuePair(ctx, auth.Subject{ID: "op-1", Roles: []auth.Role{auth.RoleOperator}, Facility: "westfield-sydney"})
			if err != nil {
				t.Fatal(err)
			}
			in, _ := json.Marshal(map[string]string{
				"token": p.AccessToken, "alg": k.Alg(), "sid": p.SessionID,
				"secret": hex.EncodeToString(secret), "seed": hex.EncodeToString(priv.Seed()),
			})
			cmd := exec.Command(py, "-c", script)
			cmd.Stdin = bytesReader(in)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("PyJWT rejected our token: %v\n%s", err, out)
			}
			if got := string(out); got != "op-1 access True operator westfield-sydney\n" {
				t.Fatalf("PyJWT read %q", got)
			}
		})
	}
}
