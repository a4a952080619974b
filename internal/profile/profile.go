package profile

import (
	"context"
	"errors"
	"time"
)

// ErrNotFound is returned by a [Store] for a user without a profile record.
var ErrNotFound = errors.New("profile: not found")

// Record is a profile as a [Store] keeps it: ciphertexts only.
type Record struct {
	UserID string `json:"user_id"`
	// Phone, Address and LicencePlate are AEAD ciphertexts (base64), or
	// empty when the field is not set.
	Phone        string `json:"phone,omitempty"`
	Address      string `json:"address,omitempty"`
	LicencePlate string `json:"licence_plate,omitempty"`
	// PhoneIndex is the blind index of the phone number.
	PhoneIndex string    `json:"phone_index,omitempty"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// Store keeps profile records by user id. Implementations are safe for
// concurrent use and return copies.
type Store interface {
	// Get returns the record of userID or ErrNotFound.
	Get(ctx context.Context, userID string) (Record, error)
	// Put stores r, replacing any record of r.UserID.
	Put(ctx context.Context, r Record) error
	// Delete removes the record of userID; absent is not an error.
	Delete(ctx context.Context, userID string) error
}

// Profile is the plaintext view of a [Record].
type Profile struct {
	Phone        string `json:"phone"`
	Address      string `json:"address"`
	LicencePlate string `json:"licence_plate"`
}
