package app

import (
	"strings"
	"testing"

	"github.com/autospot/autospot/cryptofield"
)

// TestEmailProtector: the index follows the cryptofield email normaliser
// and is not the address; a sealed address opens only for its own user.
func TestEmailProtector(t *testing.T) {
	k, err := cryptofield.GenerateAEADKey(1)
	if err != nil {
		t.Fatal(err)
	}
	ring, err := cryptofield.NewKeyring([]cryptofield.AEADKey{k})
	if err != nil {
		t.Fatal(err)
	}
	bi, err := cryptofield.NewBlindIndex([]byte(strings.Repeat("k", 32)))
	if err != nil {
		t.Fatal(err)
	}
	p := emailProtector{ring: ring, index: bi}
	const addr = "ada.lovelace@example.com"
	idx := p.Index(addr)
	if idx != p.Index(" ADA.Lovelace@example.COM ") || idx == p.Index("ada.lovelace@example.org") {
		t.Fatal("index does not follow the email normaliser")
	}
	if idx != bi.Email(addr) || strings.Contains(idx, "ada") {
		t.Fatalf("index %q", idx)
	}
	sealed, err := p.Seal("u1", addr)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(sealed, "ada") {
		t.Fatalf("sealed %q", sealed)
	}
	for _, tc := range []struct {
		name, id string
		ok       bool
	}{{"own user", "u1", true}, {"another user", "u2", false}, {"empty id", "", false}} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := p.Open(tc.id, sealed)
			if (err == nil) != tc.ok || (tc.ok && got != addr) {
				t.Fatalf("Open(%q) = %q, %v", tc.id, got, err)
			}
		})
	}
	// The profile's associated data differs: a profile field never opens
	// as an email.
	ct, _ := ring.EncryptString(addr, cryptofield.AssociatedData("profile", "u1", "email"))
	if _, err := p.Open("u1", ct); err == nil {
		t.Fatal("a ciphertext bound to another purpose opened")
	}
}

// BenchmarkEmailProtector: the cost email protection adds to each lookup
// (Index: one HMAC-SHA256), user creation (Seal: AES-256-GCM) and each
// user read (Open + the Index check): microseconds beside a bcrypt
// compare.
func BenchmarkEmailProtector(b *testing.B) {
	k, _ := cryptofield.GenerateAEADKey(1)
	ring, _ := cryptofield.NewKeyring([]cryptofield.AEADKey{k})
	bi, _ := cryptofield.NewBlindIndex([]byte(strings.Repeat("k", 32)))
	p := emailProtector{ring: ring, index: bi}
	const addr = "ada.lovelace@example.com"
	sealed, _ := p.Seal("u1", addr)
	b.Run("Index", func(b *testing.B) {
		for b.Loop() {
			_ = p.Index(addr)
		}
	})
	b.Run("Seal", func(b *testing.B) {
		for b.Loop() {
			if _, err := p.Seal("u1", addr); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("OpenAndCheck", func(b *testing.B) {
		for b.Loop() {
			got, err := p.Open("u1", sealed)
			if err != nil || p.Index(got) == "" {
				b.Fatal(err)
			}
		}
	})
}
