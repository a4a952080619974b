package password

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
)

// passlibVector is one entry of testdata/passlib_vectors.json, made by
// testdata/gen_passlib_vectors.py with Debian's python3-passlib (and
// libargon2 for argon2id).
type passlibVector struct {
	Scheme   string `json:"scheme"`
	Password string `json:"password"`
	Hash     string `json:"hash"`
	Expect   string `json:"expect"` // "match" or "too_long"
	Note     string `json:"note"`
}

func loadPasslibVectors(t testing.TB) []passlibVector {
	t.Helper()
	b, err := os.ReadFile("testdata/passlib_vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Passlib string          `json:"passlib"`
		Vectors []passlibVector `json:"vectors"`
	}
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	if f.Passlib == "" || len(f.Vectors) < 40 {
		t.Fatalf("vectors file looks truncated: passlib %q, %d vectors", f.Passlib, len(f.Vectors))
	}
	return f.Vectors
}

// TestPasslibVectors verifies every hash passlib (and libargon2) made, with
// the right password, and refuses each with a wrong one.
func TestPasslibVectors(t *testing.T) {
	h := newTestHasher(t, Config{})
	ctx := context.Background()
	seen := map[string]bool{}
	for _, v := range loadPasslibVectors(t) {
		id := v.Hash[:strings.IndexByte(v.Hash[1:], '$')+1]
		seen[id] = true
		t.Run(v.Note+"/"+shorten(v.Password), func(t *testing.T) {
			if !strings.HasPrefix(v.Hash, "$2") {
				t.Parallel() // the bcrypt ones are cost 4 and quick
			}
			_, err := h.Verify(ctx, v.Password, v.Hash)
			switch v.Expect {
			case "match":
				if err != nil {
					t.Fatalf("Verify(%q, %q) = %v, want match", v.Password, v.Hash, err)
				}
			case "too_long":
				if !errors.Is(err, ErrPasswordTooLong) {
					t.Fatalf("Verify of passlib-truncated hash = %v, want ErrPasswordTooLong", err)
				}
				// The 72 bytes passlib really hashed still match, so the
				// user can be told to reset rather than locked out silently.
				if _, err := h.Verify(ctx, v.Password[:72], v.Hash); err != nil {
					t.Fatalf("first 72 bytes: %v", err)
				}
				return
			default:
				t.Fatalf("unknown expect %q", v.Expect)
			}
			wrongs := []string{v.Password + "x", "x" + v.Password, strings.ToUpper(v.Password) + "!"}
			if strings.Contains(v.Note, "rounds=12") {
				wrongs = wrongs[:1] // cost 12 is slow under -race
			}
			for _, wrong := range wrongs {
				if wrong == v.Password {
					continue
				}
				if _, err := h.Verify(ctx, wrong, v.Hash); !errors.Is(err, ErrMismatch) && !errors.Is(err, ErrPasswordTooLong) {
					t.Errorf("Verify(wrong %q) = %v, want ErrMismatch", wrong, err)
				}
			}
		})
	}
	for _, id := range []string{"$2a", "$2b", "$2y", "$bcrypt-sha256", "$argon2id"} {
		if !seen[id] {
			t.Errorf("no %s vector in testdata", id)
		}
	}
}

// TestPasslibVectorsRecompute recomputes each passlib bcrypt and
// bcrypt_sha256 digest with this package's own bcrypt (the one Hash uses),
// byte for byte.
func TestPasslibVectorsRecompute(t *testing.T) {
	cost12 := 0
	for _, v := range loadPasslibVectors(t) {
		if v.Expect != "match" || strings.HasPrefix(v.Hash, argon2idPrefix) {
			continue
		}
		if strings.Contains(v.Note, "rounds=12") {
			if cost12++; cost12 > 1 {
				continue // one at cost 12 is enough; it is slow under -race
			}
		}
		s, err := parse(v.Hash, Limits{}.withDefaults())
		if err != nil {
			t.Fatalf("%s: %v", v.Hash, err)
		}
		var key []byte
		var salt, digest string
		var cost int
		switch s := s.(type) {
		case *bcryptHash:
			key, cost, salt, digest = []byte(v.Password), s.cost, v.Hash[7:29], v.Hash[29:]
		case *bcryptSHA256Hash:
			key, cost, salt, digest = bcryptSHA256Key(s.version, s.salt, []byte(v.Password)), s.cost, s.salt, s.digest
		}
		raw := make([]byte, bcryptSaltLen)
		if _, err := bcryptB64.Decode(raw, []byte(salt)); err != nil {
			t.Fatal(err)
		}
		got, err := bcryptDigest(key, cost, raw)
		if err != nil || string(got) != digest {
			t.Errorf("%s: digest %s, %v; passlib wrote %s", v.Note, got, err, digest)
		}
	}
}

func shorten(s string) string {
	if r := []rune(s); len(r) > 12 {
		return string(r[:12]) + "…"
	}
	return s
}
