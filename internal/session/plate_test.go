package session

import (
	"errors"
	"testing"
)

func TestNormalizePlate(t *testing.T) {
	for in, want := range map[string]string{"abc-123": "ABC123", " xy 9 ": "XY9", "A": "A"} {
		if got, err := NormalizePlate(in); err != nil || got != want {
			t.Errorf("%q → %q %v, want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", " - ", "ABC_123", "ÄBC", "A\n", "12345678901234567"} {
		if _, err := NormalizePlate(in); !errors.Is(err, ErrInvalid) {
			t.Errorf("%q accepted", in)
		}
	}
}

// FuzzNormalizePlate: plates are untrusted. Never panics; output is 1..16
// upper-case letters and digits, and normalising is idempotent.
func FuzzNormalizePlate(f *testing.F) {
	f.Add("abc-123")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		p, err := NormalizePlate(s)
		if err != nil {
			return
		}
		if len(p) == 0 || len(p) > MaxPlateLen {
			t.Fatalf("%q", p)
		}
		for i := 0; i < len(p); i++ {
			if !(p[i] >= 'A' && p[i] <= 'Z' || p[i] >= '0' && p[i] <= '9') {
				t.Fatalf("%q", p)
			}
		}
		if q, _ := NormalizePlate(p); q != p {
			t.Fatalf("not idempotent: %q → %q", p, q)
		}
	})
}
