package cryptofield_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"testing"

	"github.com/autospot/autospot/cryptofield"
)

func TestBlindIndexFindsEqualValues(t *testing.T) {
	b, err := cryptofield.NewBlindIndex(bytes.Repeat([]byte{5}, 32))
	if err != nil {
		t.Fatal(err)
	}
	emails := []string{"alice@example.com", " Alice@Example.COM ", "ALICE@EXAMPLE.COM\n"}
	for _, e := range emails {
		if b.Email(e) != b.Email(emails[0]) {
			t.Errorf("Email(%q) differs from Email(%q)", e, emails[0])
		}
	}
	phones := []string{"+61 (2) 9876-5432", "61298765432", "61 2 9876 5432"}
	for _, p := range phones {
		if b.Phone(p) != b.Phone(phones[0]) {
			t.Errorf("Phone(%q) differs from Phone(%q)", p, phones[0])
		}
	}
	if b.Email("bob@example.com") == b.Email("alice@example.com") {
		t.Error("different e-mails share an index")
	}
	if b.Index("email", "61298765432") == b.Index("phone", "61298765432") {
		t.Error("the field name does not separate indexes")
	}
	other, _ := cryptofield.NewBlindIndex(bytes.Repeat([]byte{6}, 32))
	if other.Email("alice@example.com") == b.Email("alice@example.com") {
		t.Error("the key does not change the index")
	}
}

// Known answer: HMAC-SHA256(key, uvarint(len(field)) ‖ field ‖ value),
// unpadded URL-safe base64.
func TestBlindIndexKnownAnswer(t *testing.T) {
	key := bytes.Repeat([]byte{5}, 32)
	b, _ := cryptofield.NewBlindIndex(key)
	m := hmac.New(sha256.New, key)
	m.Write([]byte{5})
	m.Write([]byte("email"))
	m.Write([]byte("alice@example.com"))
	want := base64.RawURLEncoding.EncodeToString(m.Sum(nil))
	if got := b.Email("Alice@Example.com"); got != want {
		t.Fatalf("Email = %s, want %s", got, want)
	}
}

func TestBlindIndexShortKey(t *testing.T) {
	if _, err := cryptofield.NewBlindIndex(make([]byte, 31)); !errors.Is(err, cryptofield.ErrInvalidKey) {
		t.Fatalf("err = %v, want ErrInvalidKey", err)
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct{ name, in, email, phone string }{
		{"plain", "alice@example.com", "alice@example.com", ""},
		{"spaces and case", "  Alice@Example.COM\t", "alice@example.com", ""},
		{"phone", "+61 (2) 9876-5432", "+61 (2) 9876-5432", "61298765432"},
		{"non-ASCII digits dropped", "٠١٢ 34", "٠١٢ 34", "34"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := cryptofield.NormalizeEmail(tc.in); got != tc.email {
				t.Errorf("NormalizeEmail = %q, want %q", got, tc.email)
			}
			if got := cryptofield.NormalizePhone(tc.in); got != tc.phone {
				t.Errorf("NormalizePhone = %q, want %q", got, tc.phone)
			}
		})
	}
}
