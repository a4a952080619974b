package session

import (
	"context"
	"time"
)

// Repository stores sessions. Implementations are safe for concurrent use
// and pass sessiontest.Run. [Repository.Start] claims the driver, the
// vehicle and the slot in one atomic step (never read-then-write): of
// concurrent starts on one slot, one driver or one vehicle exactly one
// wins.
type Repository interface {
	// Start stores a new active session, or fails with [ErrDriverActive],
	// [ErrVehicleActive] or [ErrSlotTaken] leaving nothing behind.
	Start(ctx context.Context, s Session) error
	// End ends the driver's active session id at the given time, stores
	// the exit (if not empty) and releases its claims. Another driver's
	// session is [ErrNotFound]; an ended one [ErrNotActive]. Of concurrent
	// ends exactly one succeeds.
	End(ctx context.Context, driverID, id string, at time.Time, exitID string) (Session, error)
	// SetExit sets the planned exit of the driver's active session id
	// (End keeps it unless End names another). Another driver's or an
	// unknown session is [ErrNotFound]; an ended one [ErrNotActive]. It is
	// atomic with End: an exit set before End is the ended session's
	// exit (unless End names one), and one attempted after End fails.
	SetExit(ctx context.Context, driverID, id, exitID string) (Session, error)
	// SetOutcome records the fare and payment of an ended session.
	SetOutcome(ctx context.Context, driverID, id string, o Outcome) (Session, error)
	// Get returns one of the driver's sessions, or [ErrNotFound].
	Get(ctx context.Context, driverID, id string) (Session, error)
	// Active returns the driver's active session, or [ErrNotFound].
	Active(ctx context.Context, driverID string) (Session, error)
	// History lists the driver's sessions newest first (limit 1..100,
	// offset ≥ 0) and the driver's total.
	History(ctx context.Context, driverID string, limit, offset int) ([]Session, int, error)
	// ActiveInFacility lists the active sessions of a facility, oldest
	// first; building, when not empty, narrows it to one building
	// (compared case-insensitively).
	ActiveInFacility(ctx context.Context, facilityID, building string) ([]Session, error)
	// Count counts the sessions of a facility ("" for every facility).
	Count(ctx context.Context, facilityID string) (Counts, error)
	// DeleteDriver removes every session of the driver (account
	// deletion), releasing the claims of an active one, and returns how
	// many it removed.
	DeleteDriver(ctx context.Context, driverID string) (int, error)
}

func checkPage(limit, offset int) error {
	if limit < 1 || limit > 100 || offset < 0 || offset > 1_000_000 {
		return ErrInvalid
	}
	return nil
}

// HeldSlots returns the [SlotKey] of every slot held by an active session
// of the facility's building: such a slot is occupied whatever the map
// says, and an override may not make it available.
func HeldSlots(ctx context.Context, r Repository, facilityID, building string) (map[string]bool, error) {
	act, err := r.ActiveInFacility(ctx, facilityID, building)
	if err != nil {
		return nil, err
	}
	held := make(map[string]bool, len(act))
	for _, s := range act {
		held[SlotKey(s.Slot)] = true
	}
	return held, nil
}
