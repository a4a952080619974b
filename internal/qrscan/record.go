package qrscan

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
	"unicode"
	"unicode/utf8"
)

var (
	// ErrInvalid reports a malformed record or query.
	ErrInvalid = errors.New("qrscan: invalid input")
)

// Limits of [Repository.List].
const (
	DefaultLimit = 50
	MaxLimit     = 100
)

// Record is one entrance code scanned by one driver: where it leads,
// when it expires and when the driver first scanned it.
type Record struct {
	ID         string    `json:"scan_id" bson:"_id"`
	DriverID   string    `json:"-" bson:"driver"`
	Building   string    `json:"building" bson:"building"`
	EntranceID string    `json:"entrance_id" bson:"entrance"`
	Level      int       `json:"level" bson:"level"`
	ExpiresAt  time.Time `json:"expires_at" bson:"expires_at"`
	ScannedAt  time.Time `json:"scanned_at" bson:"scanned_at"`
}

// ID returns the record id of driverID's scan of code: "qs_" and the
// hex SHA-256 of the length-prefixed driver id followed by the code. The
// same driver and code always give the same id; the code cannot be
// recovered from it.
func ID(driverID, code string) string {
	h := sha256.New()
	h.Write(binary.AppendUvarint(nil, uint64(len(driverID))))
	h.Write([]byte(driverID))
	h.Write([]byte(code))
	return "qs_" + hex.EncodeToString(h.Sum(nil))
}

func okText(s string, max int) bool {
	if s == "" || len(s) > max || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}

// norm checks r and returns it with UTC times truncated to milliseconds
// (what MongoDB stores), so every backend returns the same values.
func (r Record) norm() (Record, error) {
	if !okText(r.ID, 80) || !okText(r.DriverID, 256) || !okText(r.Building, 200) || !okText(r.EntranceID, 200) ||
		r.ExpiresAt.IsZero() || r.ScannedAt.IsZero() {
		return r, fmt.Errorf("%w: record", ErrInvalid)
	}
	r.ExpiresAt = r.ExpiresAt.UTC().Truncate(time.Millisecond)
	r.ScannedAt = r.ScannedAt.UTC().Truncate(time.Millisecond)
	return r, nil
}

func normLimit(limit int) (int, error) {
	if limit == 0 {
		return DefaultLimit, nil
	}
	if limit < 1 || limit > MaxLimit {
		return 0, fmt.Errorf("%w: limit %d (1..%d)", ErrInvalid, limit, MaxLimit)
	}
	return limit, nil
}

// newestFirst orders by scan time, newest first, then by id (descending).
func newestFirst(a, b Record) int {
	if c := b.ScannedAt.Compare(a.ScannedAt); c != 0 {
		return c
	}
	switch {
	case a.ID > b.ID:
		return -1
	case a.ID < b.ID:
		return 1
	}
	return 0
}

// Repository stores scan records. Every method is scoped to one driver.
// Implementations are safe for concurrent use and pass qrscantest.Run.
type Repository interface {
	// Add stores r unless a record with its id is stored already, and
	// reports whether it did. A second scan of a code keeps the first
	// record (its scan time included); concurrent adds of one id store
	// one record.
	Add(ctx context.Context, r Record) (created bool, err error)
	// List returns the driver's records, newest scan first, at most limit
	// (1..[MaxLimit]; 0 means [DefaultLimit]; anything else is
	// [ErrInvalid]).
	List(ctx context.Context, driverID string, limit int) ([]Record, error)
	// DeleteDriver removes all the driver's records (account deletion)
	// and returns how many.
	DeleteDriver(ctx context.Context, driverID string) (int, error)
}
