package session

import "errors"

var (
	// ErrInvalid reports a malformed session or query.
	ErrInvalid = errors.New("session: invalid request")
	// ErrSlotTaken reports a slot held by another active session.
	ErrSlotTaken = errors.New("session: slot is not available")
	// ErrDriverActive reports a driver who already has an active session
	// ("User already has an active parking session").
	ErrDriverActive = errors.New("session: driver already has an active parking session")
	// ErrVehicleActive reports a vehicle already in an active session.
	ErrVehicleActive = errors.New("session: vehicle already has an active parking session")
	// ErrNotFound reports no such session for this driver (another
	// driver's sessions are not found either), or no active session.
	ErrNotFound = errors.New("session: not found")
	// ErrNotActive reports ending a session that has already ended.
	ErrNotActive = errors.New("session: session is not active")
	// ErrContention reports a MongoDB exit change or end that lost the
	// race for the next exit version too many times; try again.
	ErrContention = errors.New("session: too much contention on one session")
)
