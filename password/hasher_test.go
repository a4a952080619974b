package password

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

func TestHashVerifyRoundTrip(t *testing.T) {
	ctx := context.Background()
	a72 := strings.Repeat("a", 72)
	tests := []struct {
		name   string
		cfg    Config
		pw     string
		prefix string
	}{
		{"bcrypt/short", Config{}, "Gh7#kq9!Zp", "$2b$04$"},
		{"bcrypt/72 bytes stays plain", Config{}, a72, "$2b$04$"},
		{"bcrypt/73 bytes goes sha256", Config{}, a72 + "b", "$bcrypt-sha256$v=2,t=2b,r=4$"},
		{"bcrypt/128 characters of unicode", Config{}, strings.Repeat("ü🔑", 64), "$bcrypt-sha256$v=2,t=2b,r=4$"},
		{"bcrypt/NUL goes sha256", Config{}, "a\x00b", "$bcrypt-sha256$v=2,t=2b,r=4$"},
		{"bcrypt_sha256/short", Config{Scheme: SchemeBcryptSHA256}, "Gh7#kq9!Zp", "$bcrypt-sha256$v=2,t=2b,r=4$"},
		{"argon2id/short", Config{Scheme: SchemeArgon2id}, "Gh7#kq9!Zp", "$argon2id$v=19$m=64,t=1,p=1$"},
		{"argon2id/long", Config{Scheme: SchemeArgon2id}, strings.Repeat("ü", 128), "$argon2id$v=19$m=64,t=1,p=1$"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newTestHasher(t, tt.cfg)
			hash, err := h.Hash(ctx, tt.pw)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(hash, tt.prefix) {
				t.Fatalf("Hash = %q, want prefix %q", hash, tt.prefix)
			}
			again, _ := h.Hash(ctx, tt.pw)
			if again == hash {
				t.Error("two hashes of one password are equal: salt not random")
			}
			if rehash, err := h.Verify(ctx, tt.pw, hash); err != nil || rehash {
				t.Fatalf("Verify(own hash) = %v, %v; want false, nil", rehash, err)
			}
			for _, wrong := range []string{tt.pw + "!", tt.pw[:len(tt.pw)-1], strings.ToUpper(tt.pw[:1]) + tt.pw[1:] + "x"} {
				// (ErrPasswordTooLong for a 73-byte guess against "$2b$")
				if _, err := h.Verify(ctx, wrong, hash); !errors.Is(err, ErrMismatch) && !errors.Is(err, ErrPasswordTooLong) {
					t.Errorf("Verify(%q) = %v, want ErrMismatch", wrong, err)
				}
			}
			if strings.HasPrefix(hash, "$2b$") {
				// x/crypto, independent of this package's bcrypt, agrees.
				if err := bcrypt.CompareHashAndPassword([]byte(hash), []byte(tt.pw)); err != nil {
					t.Errorf("x/crypto/bcrypt rejects our hash: %v", err)
				}
			}
		})
	}
}

// TestNoTruncation: a stored hash of a 72-byte password never verifies with
// that password plus a suffix. Plain bcrypt reads 72 bytes; x/crypto's
// CompareHashAndPassword alone would accept the suffix.
func TestNoTruncation(t *testing.T) {
	ctx := context.Background()
	h := newTestHasher(t, Config{})
	a72 := strings.Repeat("a", 72)
	e72 := strings.Repeat("é", 36)
	for _, tt := range []struct{ name, pw, suffix string }{
		{"ascii", a72, "SUFFIX"},
		{"one byte", a72, "b"},
		{"two-byte characters", e72, "é"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			hash, err := h.Hash(ctx, tt.pw)
			if err != nil || !strings.HasPrefix(hash, "$2b$") {
				t.Fatalf("Hash = %q, %v", hash, err)
			}
			if bcrypt.CompareHashAndPassword([]byte(hash), []byte(tt.pw+tt.suffix)) != nil {
				t.Fatal("premise: bare x/crypto should truncate and accept")
			}
			if _, err := h.Verify(ctx, tt.pw+tt.suffix, hash); !errors.Is(err, ErrPasswordTooLong) {
				t.Fatalf("Verify(72 bytes + suffix) = %v, want ErrPasswordTooLong", err)
			}
			// Two long passwords sharing 72 bytes hash apart.
			long, err := h.Hash(ctx, tt.pw+tt.suffix)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := h.Verify(ctx, tt.pw+tt.suffix+"x", long); !errors.Is(err, ErrMismatch) {
				t.Fatalf("Verify(other long password) = %v, want ErrMismatch", err)
			}
			if _, err := h.Verify(ctx, tt.pw, long); !errors.Is(err, ErrMismatch) {
				t.Fatalf("Verify(72-byte prefix) against long hash = %v, want ErrMismatch", err)
			}
		})
	}
	t.Run("NUL through plain bcrypt", func(t *testing.T) {
		hash, _ := h.Hash(ctx, "ab")
		if _, err := h.Verify(ctx, "ab\x00cd", hash); !errors.Is(err, ErrPasswordNUL) {
			t.Fatalf("Verify = %v, want ErrPasswordNUL", err)
		}
	})
}

func TestNeedsRehash(t *testing.T) {
	ctx := context.Background()
	pw := "Gh7#kq9!Zp"
	long := strings.Repeat("x", 80)
	hashWith := func(cfg Config, pw string) string {
		t.Helper()
		s, err := newTestHasher(t, cfg).Hash(ctx, pw)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	bcrypt4 := Config{BcryptCost: 4}
	argon := Config{Scheme: SchemeArgon2id}
	tests := []struct {
		name   string
		cfg    Config // the verifier's
		pw     string
		stored string
		want   bool
	}{
		{"same bcrypt", bcrypt4, pw, hashWith(bcrypt4, pw), false},
		{"bcrypt cost up", Config{BcryptCost: 5}, pw, hashWith(bcrypt4, pw), true},
		{"bcrypt cost down", bcrypt4, pw, hashWith(Config{BcryptCost: 5}, pw), true},
		{"2a ident", bcrypt4, pw, "$2a$" + hashWith(bcrypt4, pw)[4:], true},
		{"2y ident", bcrypt4, pw, "$2y$" + hashWith(bcrypt4, pw)[4:], true},
		{"long password in bcrypt_sha256", bcrypt4, long, hashWith(bcrypt4, long), false},
		{"short password in bcrypt_sha256", bcrypt4, pw, hashWith(Config{Scheme: SchemeBcryptSHA256}, pw), true},
		{"bcrypt_sha256 scheme keeps it", Config{Scheme: SchemeBcryptSHA256}, pw, hashWith(Config{Scheme: SchemeBcryptSHA256}, pw), false},
		{"bcrypt to bcrypt_sha256 scheme", Config{Scheme: SchemeBcryptSHA256}, pw, hashWith(bcrypt4, pw), true},
		{"bcrypt to argon2id", argon, pw, hashWith(bcrypt4, pw), true},
		{"argon2id to bcrypt", bcrypt4, pw, hashWith(argon, pw), true},
		{"same argon2id", argon, pw, hashWith(argon, pw), false},
		{"argon2id memory", Config{Scheme: SchemeArgon2id, Argon2: Argon2Params{Memory: 128, Time: 1, Parallelism: 1}}, pw, hashWith(argon, pw), true},
		{"argon2id time", Config{Scheme: SchemeArgon2id, Argon2: Argon2Params{Memory: 64, Time: 2, Parallelism: 1}}, pw, hashWith(argon, pw), true},
		{"argon2id lanes", Config{Scheme: SchemeArgon2id, Argon2: Argon2Params{Memory: 64, Time: 1, Parallelism: 2}}, pw, hashWith(argon, pw), true},
	}
	for _, v := range loadPasslibVectors(t) {
		if strings.Contains(v.Note, "v=1") && v.Password == "password" {
			tests = append(tests, struct {
				name   string
				cfg    Config
				pw     string
				stored string
				want   bool
			}{"bcrypt_sha256 v1 (" + v.Note + ")", Config{Scheme: SchemeBcryptSHA256}, v.Password, v.Hash, true})
		}
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := newTestHasher(t, tt.cfg).Verify(ctx, tt.pw, tt.stored)
			if err != nil {
				t.Fatalf("Verify(%q) = %v", tt.stored, err)
			}
			if got != tt.want {
				t.Fatalf("needsRehash = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestMalformedHashes: each bad hash gets its typed error, before any work.
func TestMalformedHashes(t *testing.T) {
	ctx := context.Background()
	h := newTestHasher(t, Config{})
	good := "$2b$04$ajRyDzhEPLWhK9IbHvD.cOJwoRlcgtHPWzO2ou/o/eJ6bKIJ4Eb8q"
	sha := "$bcrypt-sha256$v=2,t=2b,r=4$zd191TtM.9sUzHLzR5QGQu$798Ik6bbF4NLHEfNCHs9FBTt6pORsl."
	argon := "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHQwMTIzNDU2$K1IH/4APVj2n9j81QbyElfO1RmeIPFG1sEwNaNgFnuY"
	tests := []struct {
		name string
		hash string
		want error
	}{
		{"empty", "", ErrMalformedHash},
		{"plaintext", "hunter2", ErrUnknownScheme},
		{"md5-crypt", "$1$saltsalt$2vnaRpHa6Jxjz5n83ok8Z0", ErrUnknownScheme},
		{"2x", "$2x$" + good[4:], ErrUnknownScheme},
		{"argon2i", strings.Replace(argon, "argon2id", "argon2i", 1), ErrUnknownScheme},
		{"too long", good + strings.Repeat("a", 600), ErrMalformedHash},
		{"newline", good[:30] + "\n" + good[31:], ErrMalformedHash},
		{"bcrypt short", good[:59], ErrMalformedHash},
		{"bcrypt long", good + "a", ErrMalformedHash},
		{"bcrypt cost one digit", "$2b$4$" + good[7:] + "a", ErrMalformedHash},
		{"bcrypt cost letters", "$2b$1x$" + good[7:], ErrMalformedHash},
		{"bcrypt cost 03", "$2b$03$" + good[7:], ErrMalformedHash},
		{"bcrypt cost 32", "$2b$32$" + good[7:], ErrMalformedHash},
		{"bcrypt cost 17 over limit", "$2b$17$" + good[7:], ErrCostLimit},
		{"bcrypt cost 31 over limit", "$2b$31$" + good[7:], ErrCostLimit},
		{"bcrypt bad base64", good[:40] + "*" + good[41:], ErrMalformedHash},
		{"sha256 v3", strings.Replace(sha, "v=2", "v=3", 1), ErrUnknownScheme},
		{"sha256 v=1 in v2 layout", strings.Replace(sha, "v=2", "v=1", 1), ErrMalformedHash},
		{"sha256 t=2a", strings.Replace(sha, "t=2b", "t=2a", 1), ErrMalformedHash},
		{"sha256 r=04", strings.Replace(sha, "r=4", "r=04", 1), ErrMalformedHash},
		{"sha256 r=17", strings.Replace(sha, "r=4", "r=17", 1), ErrCostLimit},
		{"sha256 r=99", strings.Replace(sha, "r=4", "r=99", 1), ErrMalformedHash},
		{"sha256 salt padding bits", strings.Replace(sha, "QGQu$", "QGQv$", 1), ErrMalformedHash},
		{"sha256 no digest", sha[:strings.LastIndexByte(sha, '$')], ErrMalformedHash},
		{"sha256 v1 2y", "$bcrypt-sha256$2y,4$zd191TtM.9sUzHLzR5QGQu$798Ik6bbF4NLHEfNCHs9FBTt6pORsl.", ErrMalformedHash},
		{"argon2 v16", strings.Replace(argon, "v=19", "v=16", 1), ErrUnknownScheme},
		{"argon2 no version", strings.Replace(argon, "v=19$", "", 1), ErrMalformedHash},
		{"argon2 memory over limit", strings.Replace(argon, "m=64", "m=4194304", 1), ErrCostLimit},
		{"argon2 time over limit", strings.Replace(argon, "t=1", "t=1000000", 1), ErrCostLimit},
		{"argon2 lanes over limit", strings.Replace(argon, "m=64,t=1,p=1", "m=256,t=1,p=16", 1), ErrCostLimit},
		{"argon2 lanes over 255", strings.Replace(argon, "p=1", "p=4096", 1), ErrCostLimit},
		{"argon2 uint32 overflow", strings.Replace(argon, "m=64", "m=99999999999", 1), ErrMalformedHash},
		{"argon2 t=0", strings.Replace(argon, "t=1", "t=0", 1), ErrMalformedHash},
		{"argon2 m < 8p", strings.Replace(argon, "m=64,t=1,p=1", "m=8,t=1,p=2", 1), ErrMalformedHash},
		{"argon2 leading zero", strings.Replace(argon, "m=64", "m=064", 1), ErrMalformedHash},
		{"argon2 order", strings.Replace(argon, "m=64,t=1", "t=1,m=64", 1), ErrMalformedHash},
		{"argon2 extra param", strings.Replace(argon, "p=1", "p=1,keyid=x", 1), ErrMalformedHash},
		{"argon2 padded base64", argon + "=", ErrMalformedHash},
		{"argon2 short salt", strings.Replace(argon, "c29tZXNhbHQwMTIzNDU2", "c29tZQ", 1), ErrMalformedHash},
		{"argon2 short tag", strings.Replace(argon, "K1IH/4APVj2n9j81QbyElfO1RmeIPFG1sEwNaNgFnuY", "K1IH/4APVj2n9j8", 1), ErrMalformedHash},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rehash, err := h.Verify(ctx, "password", tt.hash)
			if !errors.Is(err, tt.want) || rehash {
				t.Fatalf("Verify(%q) = %v, %v; want %v", tt.hash, rehash, err, tt.want)
			}
		})
	}
	// A plaintext "hash" is not echoed into the error (errors get logged).
	if _, err := h.Verify(ctx, "x", "hunter2-secret"); err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("Verify(plaintext) error %v echoes the stored value", err)
	}
	// The three well-formed originals do parse (so the cases above test
	// what they say).
	for _, s := range []string{good, sha, argon} {
		if _, err := parse(s, h.cfg.Limits); err != nil {
			t.Errorf("parse(%q) = %v", s, err)
		}
	}
}

func TestPasswordLength(t *testing.T) {
	ctx := context.Background()
	h := newTestHasher(t, Config{})
	hash, _ := h.Hash(ctx, "x")
	for _, tt := range []struct {
		name string
		pw   string
		want error
	}{
		{"empty", "", ErrEmptyPassword},
		{"over MaxPasswordBytes", strings.Repeat("a", MaxPasswordBytes+1), ErrPasswordTooLong},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := h.Hash(ctx, tt.pw); !errors.Is(err, tt.want) {
				t.Errorf("Hash = %v, want %v", err, tt.want)
			}
			if _, err := h.Verify(ctx, tt.pw, hash); !errors.Is(err, tt.want) {
				t.Errorf("Verify = %v, want %v", err, tt.want)
			}
			if err := h.DummyVerify(ctx, tt.pw); !errors.Is(err, tt.want) {
				t.Errorf("DummyVerify = %v, want %v", err, tt.want)
			}
		})
	}
	if _, err := h.Hash(ctx, strings.Repeat("a", MaxPasswordBytes)); err != nil {
		t.Errorf("Hash(MaxPasswordBytes) = %v", err)
	}
}

// TestInjectedRand: salts come from Config.Rand, so hashes are reproducible
// in tests, and a failing source fails the hash.
func TestInjectedRand(t *testing.T) {
	ctx := context.Background()
	for _, scheme := range []Scheme{SchemeBcrypt, SchemeBcryptSHA256, SchemeArgon2id} {
		t.Run(string(scheme), func(t *testing.T) {
			mk := func() *Hasher {
				return newTestHasher(t, Config{Scheme: scheme, Rand: bytes.NewReader(bytes.Repeat([]byte{7}, 4096))})
			}
			a, err1 := mk().Hash(ctx, "pw")
			b, err2 := mk().Hash(ctx, "pw")
			if err1 != nil || err2 != nil || a != b {
				t.Fatalf("same Rand, different hashes: %q %v, %q %v", a, err1, b, err2)
			}
			h := newTestHasher(t, Config{Scheme: scheme, Rand: bytes.NewReader(make([]byte, 200))})
			// 200 bytes are enough for New's dummies and then run out.
			var err error
			for range 10 {
				if _, err = h.Hash(ctx, "pw"); err != nil {
					break
				}
			}
			if err == nil || !strings.Contains(err.Error(), "salt") {
				t.Fatalf("Hash with exhausted Rand = %v, want a salt error", err)
			}
		})
	}
}

func TestDummyVerify(t *testing.T) {
	ctx := context.Background()
	for _, scheme := range []Scheme{SchemeBcrypt, SchemeBcryptSHA256, SchemeArgon2id} {
		t.Run(string(scheme), func(t *testing.T) {
			h := newTestHasher(t, Config{Scheme: scheme})
			var ops int
			h.hook = func() { ops++ }
			for _, pw := range []string{"password", strings.Repeat("é", 100)} {
				if err := h.DummyVerify(ctx, pw); !errors.Is(err, ErrMismatch) {
					t.Errorf("DummyVerify = %v, want ErrMismatch", err)
				}
			}
			if ops != 2 {
				t.Errorf("DummyVerify ran %d hash operations, want 2", ops)
			}
		})
	}
	// A password refused by plain bcrypt still costs one hash operation,
	// like an unknown user's, so the refusal is not a timing oracle.
	h := newTestHasher(t, Config{})
	hash, _ := h.Hash(ctx, "password")
	var ops int
	h.hook = func() { ops++ }
	if _, err := h.Verify(ctx, strings.Repeat("a", 80), hash); !errors.Is(err, ErrPasswordTooLong) || ops != 1 {
		t.Errorf("Verify(80 bytes, plain) = %v after %d operations; want ErrPasswordTooLong after 1", err, ops)
	}
}

func TestNewInvalidConfig(t *testing.T) {
	for _, tt := range []struct {
		name string
		cfg  Config
	}{
		{"unknown scheme", Config{Scheme: "md5"}},
		{"bcrypt cost 3", Config{BcryptCost: 3}},
		{"bcrypt cost over limit", Config{BcryptCost: 17}},
		{"bcrypt limit 32", Config{Limits: Limits{MaxBcryptCost: 32}}},
		{"argon2 t=0", Config{Argon2: Argon2Params{Memory: 64, Parallelism: 1}}},
		{"argon2 m<8p", Config{Argon2: Argon2Params{Memory: 8, Time: 1, Parallelism: 2}}},
		{"argon2 over limit", Config{Argon2: Argon2Params{Memory: 1 << 20, Time: 1, Parallelism: 1}}},
		{"negative concurrency", Config{Concurrency: -1}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := New(tt.cfg); !errors.Is(err, ErrInvalidConfig) {
				t.Fatalf("New = %v, want ErrInvalidConfig", err)
			}
		})
	}
	h, err := New(Config{})
	if err != nil || h.cfg.BcryptCost != 12 || h.cfg.Scheme != SchemeBcrypt || h.cfg.Concurrency < 1 {
		t.Fatalf("New(Config{}) = %+v, %v", h, err)
	}
}
