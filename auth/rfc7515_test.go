package auth

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// TestRFC7515A1 is the known-answer vector of RFC 7515 Appendix A.1 (HS256
// with the RFC's JWK key). The example token has no kid and expired in
// 2011, so the key is selected explicitly and the clock set before exp.
func TestRFC7515A1(t *testing.T) {
	raw, err := os.ReadFile("testdata/rfc7515-a1.json")
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		JWK struct{ K string } `json:"jwk"`
		JWS string             `json:"jws"`
		Oct []int              `json:"signature_octets"`
		Exp int64              `json:"exp"`
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	secret, err := base64.RawURLEncoding.DecodeString(v.JWK.K)
	if err != nil {
		t.Fatal(err)
	}
	k, err := NewHMACKey("rfc7515-a1", secret)
	if err != nil {
		t.Fatal(err)
	}
	want := make([]byte, len(v.Oct))
	for i, o := range v.Oct {
		want[i] = byte(o)
	}
	dot := strings.LastIndexByte(v.JWS, '.')
	signingInput := v.JWS[:dot]

	t.Run("signature bytes", func(t *testing.T) {
		got, err := k.method.Sign(signingInput, k.sign)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("HS256 signature\n got %v\nwant %v", got, want)
		}
		if enc := base64.RawURLEncoding.EncodeToString(got); enc != v.JWS[dot+1:] {
			t.Fatalf("encoded signature %s", enc)
		}
	})

	ring, err := NewKeyRing(k)
	if err != nil {
		t.Fatal(err)
	}
	keyfunc := func(tok *jwt.Token) (any, error) {
		tok.Header["kid"] = "rfc7515-a1" // the example has no kid
		return ring.verificationKey(tok)
	}
	parse := func(now time.Time) (jwt.MapClaims, error) {
		c := jwt.MapClaims{}
		_, err := jwt.NewParser(
			jwt.WithValidMethods(allAlgs()), jwt.WithExpirationRequired(), jwt.WithStrictDecoding(),
			jwt.WithTimeFunc(func() time.Time { return now }),
		).ParseWithClaims(v.JWS, c, keyfunc)
		return c, err
	}
	t.Run("verifies before exp", func(t *testing.T) {
		c, err := parse(time.Unix(v.Exp-60, 0))
		if err != nil {
			t.Fatal(err)
		}
		if c["iss"] != "joe" || c["http://example.com/is_root"] != true {
			t.Fatalf("claims %v", c)
		}
	})
	t.Run("expired after exp", func(t *testing.T) {
		if _, err := parse(time.Unix(v.Exp+1, 0)); !errors.Is(err, jwt.ErrTokenExpired) {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("one flipped bit fails", func(t *testing.T) {
		sig := bytes.Clone(want)
		sig[0] ^= 1
		if k.method.Verify(signingInput, sig, k.verify) == nil {
			t.Fatal("tampered signature verified")
		}
	})
}
