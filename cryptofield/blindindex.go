package cryptofield

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"strings"
)

// MinBlindIndexKeyLen is the shortest key [NewBlindIndex] accepts.
const MinBlindIndexKeyLen = 32

// BlindIndex computes blind indexes: a keyed HMAC-SHA256 of a normalised
// value, stored next to the encrypted value so that records can still be
// found by equality ("find the user with this e-mail") without decrypting
// every record. Use a key of its own, never one of the encryption keys:
// whoever holds it can test guesses against the index.
//
// The field name is mixed into the HMAC, so the same value indexed as
// "email" and as "backup_email" gives unrelated indexes.
//
// A BlindIndex is safe for concurrent use.
type BlindIndex struct {
	key []byte
}

// NewBlindIndex returns a BlindIndex with the given key, at least
// [MinBlindIndexKeyLen] bytes of random data (see [GenerateBlindIndexKey]).
func NewBlindIndex(key []byte) (*BlindIndex, error) {
	if len(key) < MinBlindIndexKeyLen {
		return nil, fmt.Errorf("%w: a blind index key is at least %d bytes, got %d", ErrInvalidKey, MinBlindIndexKeyLen, len(key))
	}
	return &BlindIndex{key: append([]byte(nil), key...)}, nil
}

// Index returns the index of value, as given, for field: 43 characters of
// unpadded URL-safe base64. Normalise value first (see [NormalizeEmail]
// and [NormalizePhone]) so that equal values give equal indexes.
func (b *BlindIndex) Index(field, value string) string {
	m := hmac.New(sha256.New, b.key)
	var n [binary.MaxVarintLen64]byte
	m.Write(n[:binary.PutUvarint(n[:], uint64(len(field)))])
	m.Write([]byte(field))
	m.Write([]byte(value))
	var sum [sha256.Size]byte
	return base64.RawURLEncoding.EncodeToString(m.Sum(sum[:0]))
}

// Email returns the "email" index of an address normalised with [NormalizeEmail].
func (b *BlindIndex) Email(address string) string {
	return b.Index("email", NormalizeEmail(address))
}

// Phone returns the "phone" index of a number normalised with [NormalizePhone].
func (b *BlindIndex) Phone(number string) string {
	return b.Index("phone", NormalizePhone(number))
}

// NormalizeEmail trims white space and lower-cases an e-mail address, the
// rule the AutoSpot user store applies ("Alice@Example.COM " and
// "alice@example.com" are the same user).
func NormalizeEmail(s string) string {
	return strings.ToLower(strings.TrimSpace(s))
}

// NormalizePhone keeps only the ASCII digits of a phone number, so
// "+61 (2) 9876-5432" and "61298765432" are equal.
func NormalizePhone(s string) string {
	var sb strings.Builder
	sb.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= '0' && c <= '9' {
			sb.WriteByte(c)
		}
	}
	return sb.String()
}
