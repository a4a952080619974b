package redis

import (
	"strings"
	"testing"

	goredis "github.com/redis/go-redis/v9"

	"github.com/autospot/autospot/auth"
)

// FuzzKeys checks the key scheme for any caller-supplied ids: a key is the
// prefix, the kind and a 43-character base64url hash, whatever the id;
// the (purpose, subject) encoding of OTP keys is injective; different
// pairs get different keys.
func FuzzKeys(f *testing.F) {
	f.Add("registration", "alice@example.com", "reset", "alice@example.com")
	f.Add("ab", "c", "a", "bc")
	f.Add("", ":x", "1", "x")
	f.Add("a\x00", "*", "a", "\x00*")
	c := nopClient()
	f.Cleanup(func() { _ = c.Close() })
	s, err := New(c, WithPrefix("p:"))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, p1, s1, p2, s2 string) {
		for _, id := range []string{p1, s1} {
			k := s.key(kindAttempt, id)
			rest, ok := strings.CutPrefix(k, "p:"+kindAttempt+":")
			if !ok || len(rest) != 43 || strings.Trim(rest, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != "" {
				t.Fatalf("key(%q) = %q", id, k)
			}
		}
		same := p1 == p2 && s1 == s2
		if (otpID(auth.OTPPurpose(p1), s1) == otpID(auth.OTPPurpose(p2), s2)) != same {
			t.Fatalf("otpID(%q, %q) vs otpID(%q, %q): equal ids for different pairs", p1, s1, p2, s2)
		}
		o := s.OTPs()
		if (o.otpKey(auth.OTPPurpose(p1), s1) == o.otpKey(auth.OTPPurpose(p2), s2)) != same {
			t.Fatalf("otpKey collision for (%q, %q) and (%q, %q)", p1, s1, p2, s2)
		}
	})
}

// nopClient is a client that is never used: key building does no I/O.
func nopClient() *goredis.Client {
	return goredis.NewClient(&goredis.Options{Addr: "127.0.0.1:1"})
}
