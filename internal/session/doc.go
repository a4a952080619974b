// Package session stores AutoSpot parking sessions: who parks which
// vehicle in which slot (building + level + slot id), from when to when,
// and what ending the stay produced (fare, payment, emissions record).
//
// # Claims
//
// A driver has at most one active session, a vehicle at most one, and a
// slot at most one. [Repository.Start] takes the three claims in one
// atomic step — never by reading and then writing — so of concurrent
// starts on one slot (or by one driver, or for one vehicle) exactly one
// wins; the others get [ErrSlotTaken], [ErrDriverActive] or
// [ErrVehicleActive] and leave nothing behind. [Repository.End] releases
// them; of concurrent ends exactly one succeeds.
//
// # Planned exit
//
// [Repository.SetExit] changes the exit of an active session only; End
// keeps it unless it names another. The two are ordered: a change made
// before the end is the ended session's exit, and one after it fails
// with [ErrNotActive], so an ended session's exit (and the journey whose
// emissions were recorded) never changes.
//
// # Backends
//
// [Memory], [Bolt] (one bbolt transaction per start or end) and [Mongo]
// (claim documents with unique _id inserted one by one and undone on
// conflict; a unique end document; a versioned exit chain; no
// transactions, so FerretDB v1 works)
// pass sessiontest.Run.
//
// Identity is the caller's: every read and write names the driver, and
// another driver's session is [ErrNotFound]. All types are safe for
// concurrent use.
package session
