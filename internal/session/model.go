package session

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/autospot/autospot/internal/parking"
)

// Status is a session's state.
type Status string

// Session states.
const (
	StatusActive Status = "active"
	StatusEnded  Status = "ended"
)

// Payment is how an ended session's fare was settled.
type Payment string

// Payment states of an ended session.
const (
	PaymentNone    Payment = ""        // not ended yet
	PaymentPaid    Payment = "paid"    // from the wallet (or nothing owed)
	PaymentPending Payment = "pending" // a pay-later transaction is open
	PaymentUnpaid  Payment = "unpaid"  // neither: the driver must pay it
)

// Session is one parking stay. The driver comes from the access token;
// the slot is keyed by building + level + id.
type Session struct {
	ID         string          `json:"session_id" bson:"_id"`
	DriverID   string          `json:"-" bson:"driver"`
	Vehicle    string          `json:"vehicle_id" bson:"vehicle"`
	FacilityID string          `json:"facility_id" bson:"facility"`
	MapID      string          `json:"map_id" bson:"map"`
	Slot       parking.SlotRef `json:"slot" bson:"slot"`
	EntranceID string          `json:"entrance_id,omitempty" bson:"entrance,omitempty"`
	ExitID     string          `json:"exit_id,omitempty" bson:"exit,omitempty"`
	Status     Status          `json:"status" bson:"status"`
	StartedAt  time.Time       `json:"start_time" bson:"started_at"`
	EndedAt    *time.Time      `json:"end_time" bson:"ended_at,omitempty"`
	Outcome    `bson:",inline"`
}

// Outcome is what ending a session produced.
type Outcome struct {
	FareCents        int64   `json:"fare_cents" bson:"fare"`
	Payment          Payment `json:"payment_status,omitempty" bson:"payment,omitempty"`
	TransactionID    string  `json:"transaction_id,omitempty" bson:"tx,omitempty"`
	EmissionRecordID string  `json:"emission_record_id,omitempty" bson:"emission,omitempty"`
}

// NewID returns "session-" and 128 random bits in hex, read from rnd
// (crypto/rand when nil).
func NewID(rnd io.Reader) (string, error) {
	if rnd == nil {
		rnd = rand.Reader
	}
	var b [16]byte
	if _, err := io.ReadFull(rnd, b[:]); err != nil {
		return "", fmt.Errorf("session: random id: %w", err)
	}
	return "session-" + hex.EncodeToString(b[:]), nil
}

// MaxPlateLen bounds a normalised licence plate.
const MaxPlateLen = 16

// NormalizePlate upper-cases a licence plate and removes spaces and
// hyphens; the result must be 1..[MaxPlateLen] ASCII letters and digits.
func NormalizePlate(s string) (string, error) {
	if len(s) > 64 {
		return "", fmt.Errorf("%w: vehicle plate too long", ErrInvalid)
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '-':
		case c >= 'a' && c <= 'z':
			b.WriteByte(c - 'a' + 'A')
		case c >= 'A' && c <= 'Z' || c >= '0' && c <= '9':
			b.WriteByte(c)
		default:
			return "", fmt.Errorf("%w: vehicle plate may hold letters and digits only", ErrInvalid)
		}
	}
	if b.Len() == 0 || b.Len() > MaxPlateLen {
		return "", fmt.Errorf("%w: vehicle plate must have 1 to %d letters or digits", ErrInvalid, MaxPlateLen)
	}
	return b.String(), nil
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

func (s *Session) check() error {
	bad := func(what string) error { return fmt.Errorf("%w: %s", ErrInvalid, what) }
	switch {
	case s.ID == "" || !okText(s.ID, 64):
		return bad("id")
	case s.DriverID == "" || !okText(s.DriverID, 256):
		return bad("driver")
	case s.Vehicle == "" || !okText(s.Vehicle, MaxPlateLen):
		return bad("vehicle")
	case s.Slot.Building == "" || s.Slot.ID == "" || !okText(s.Slot.Building, 200) || !okText(s.Slot.ID, 64):
		return bad("slot")
	case !okText(s.FacilityID, 200) || !okText(s.MapID, 64) || !okText(s.EntranceID, 64) || !okText(s.ExitID, 64):
		return bad("metadata")
	case s.StartedAt.IsZero():
		return bad("start time")
	case s.Status != StatusActive || s.EndedAt != nil:
		return bad("a new session is active")
	}
	return nil
}

// checkExit validates an exit id given to SetExit.
func checkExit(exitID string) error {
	if exitID == "" || !okText(exitID, 64) {
		return fmt.Errorf("%w: exit id", ErrInvalid)
	}
	return nil
}

// Claim keys: one active session per driver, per vehicle and per slot.
func driverClaim(id string) string { return "driver\x00" + id }
func vehicleClaim(p string) string { return "vehicle\x00" + p }
func slotClaim(r parking.SlotRef) string {
	return fmt.Sprintf("slot\x00%s\x00%d\x00%s", parking.BuildingKey(r.Building), r.Level, r.ID)
}

// SlotKey is the claim key of a slot (building key, level, id); two
// refs with the same key are the same slot.
func SlotKey(r parking.SlotRef) string { return slotClaim(r) }

// Counts summarise sessions.
type Counts struct {
	Total  int `json:"total_sessions"`
	Active int `json:"active_sessions"`
}
