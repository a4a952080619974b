package password

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// FuzzVerify: Verify with arbitrary hash strings and passwords never panics,
// answers only with the package's typed errors, and never starts a hash
// whose cost is above the limits (set low here so that anything the parser
// lets through is cheap to run).
func FuzzVerify(f *testing.F) {
	for _, v := range loadPasslibVectors(f) {
		f.Add(v.Hash, v.Password)
	}
	for _, s := range []string{
		"", "$", "$$$$", "$2b$", "$2b$99$", "$2b$04$" + strings.Repeat(".", 53), "$2x$04$" + strings.Repeat("a", 53),
		"$bcrypt-sha256$v=2,t=2b,r=4$", "$bcrypt-sha256$v=2,t=2b,r=4$" + strings.Repeat("a", 21) + "e$" + strings.Repeat("b", 31),
		"$bcrypt-sha256$2a,31$" + strings.Repeat("a", 22) + "$" + strings.Repeat("b", 31),
		"$argon2id$v=19$m=4294967295,t=4294967295,p=255$AAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA",
		"$argon2id$v=19$m=8,t=1,p=1$AAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA",
	} {
		f.Add(s, "password")
	}
	lim := Limits{MaxBcryptCost: 5, MaxArgon2Memory: 256, MaxArgon2Time: 2, MaxArgon2Parallelism: 2}
	h, err := New(Config{BcryptCost: 4, Argon2: Argon2Params{Memory: 64, Time: 1, Parallelism: 1}, Limits: lim})
	if err != nil {
		f.Fatal(err)
	}
	typed := []error{ErrMismatch, ErrMalformedHash, ErrUnknownScheme, ErrCostLimit, ErrEmptyPassword, ErrPasswordTooLong, ErrPasswordNUL}
	f.Fuzz(func(t *testing.T, hash, pw string) {
		if s, err := parse(hash, h.cfg.Limits); err == nil {
			switch s := s.(type) {
			case *bcryptHash:
				if s.cost > lim.MaxBcryptCost {
					t.Fatalf("parsed bcrypt cost %d over limit", s.cost)
				}
			case *bcryptSHA256Hash:
				if s.cost > lim.MaxBcryptCost {
					t.Fatalf("parsed bcrypt_sha256 cost %d over limit", s.cost)
				}
			case *argon2Hash:
				if lim.checkArgon2(s.params) != nil || len(s.key) > argon2MaxKey || len(s.salt) > argon2MaxSalt {
					t.Fatalf("parsed argon2 %+v over limit", s.params)
				}
			}
		}
		_, err := h.Verify(context.Background(), pw, hash)
		if err == nil {
			return
		}
		for _, e := range typed {
			if errors.Is(err, e) {
				return
			}
		}
		t.Fatalf("Verify(%q, %q) = %v: not a typed error", pw, hash, err)
	})
}
