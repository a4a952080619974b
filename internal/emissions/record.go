package emissions

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"time"
	"unicode"
	"unicode/utf8"
)

// Record is a stored estimate, owned by the driver it was made for.
type Record struct {
	ID        string    `json:"record_id" bson:"_id"`
	DriverID  string    `json:"-" bson:"driver"`
	SessionID string    `json:"session_id,omitempty" bson:"session,omitempty"`
	Endpoint  string    `json:"endpoint_used" bson:"endpoint"`
	Estimate  Estimate  `json:"estimate" bson:"estimate"`
	CreatedAt time.Time `json:"created_at" bson:"created_at"`
}

// NewRecordID returns "em_" and 96 random bits in hex, read from rnd
// (crypto/rand when nil).
func NewRecordID(rnd io.Reader) (string, error) {
	if rnd == nil {
		rnd = rand.Reader
	}
	var b [12]byte
	if _, err := io.ReadFull(rnd, b[:]); err != nil {
		return "", fmt.Errorf("emissions: random id: %w", err)
	}
	return "em_" + hex.EncodeToString(b[:]), nil
}

func okText(s string, max int) bool {
	if len(s) > max || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}

func (r *Record) check() error {
	if r.ID == "" || !okText(r.ID, 64) || r.DriverID == "" || !okText(r.DriverID, 256) ||
		!okText(r.SessionID, 64) || !okText(r.Endpoint, 64) || r.CreatedAt.IsZero() {
		return fmt.Errorf("%w: record", ErrInvalid)
	}
	return nil
}

// Filter selects a driver's records, newest first.
type Filter struct {
	SessionID string
	Method    Method
	Limit     int // 1..100; 0 means 10
}

func (f Filter) norm() (Filter, error) {
	if f.Limit == 0 {
		f.Limit = 10
	}
	if f.Limit < 1 || f.Limit > 100 || (f.Method != "" && f.Method != Static && f.Method != Dynamic) {
		return f, fmt.Errorf("%w: filter", ErrInvalid)
	}
	return f, nil
}

func (f Filter) match(r *Record) bool {
	return (f.SessionID == "" || r.SessionID == f.SessionID) && (f.Method == "" || r.Estimate.Method == f.Method)
}

// Repository stores records. Every method is scoped to one driver, so a
// driver can only ever see or delete their own. Implementations are safe
// for concurrent use and pass emissionstest.Run.
type Repository interface {
	// Add stores a new record (ids are unique; a reused one is
	// [ErrInvalid]).
	Add(ctx context.Context, r Record) error
	// Get returns one of the driver's records, or [ErrNotFound].
	Get(ctx context.Context, driverID, id string) (Record, error)
	// List returns the driver's records, newest first.
	List(ctx context.Context, driverID string, f Filter) ([]Record, error)
	// Delete removes the driver's records ("" sessionID: all of them) and
	// returns how many.
	Delete(ctx context.Context, driverID, sessionID string) (int, error)
}
