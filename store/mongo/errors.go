package mongo

import "errors"

// Errors of this package. Errors that the implemented interfaces define
// (auth.ErrFamilyNotFound, audit.ErrChainConflict …) are returned as those
// sentinels; everything else from the driver is wrapped with the operation
// that failed ("mongo: rotate family: …"), and never carries the
// connection URI.
var (
	// ErrInvalidConfig is returned by [Open] and [New] for an unusable
	// URI, database name or option.
	ErrInvalidConfig = errors.New("mongo: invalid configuration")

	// ErrContention is returned (wrapped) by an operation that changes a
	// record or appends to the audit trail when every one of its bounded
	// attempts ([WithAttempts]) lost the race to a concurrent writer.
	// Nothing was stored; the operation may be retried.
	ErrContention = errors.New("mongo: lost too many races for the next sequence number")
)
