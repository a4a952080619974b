package bolt

import "errors"

// Errors of this package. Errors of the interfaces a store implements
// (auth.ErrFamilyNotFound, audit.ErrChainConflict …) are returned as they
// are, so that callers match them with [errors.Is] whatever the backend.
var (
	// ErrLocked is returned by [Open] when another process (or another
	// [DB] in this process) holds the file's lock for longer than the lock
	// timeout ([WithLockTimeout]).
	ErrLocked = errors.New("bolt: database file is locked by another process")

	// ErrClosed is returned by every operation after [DB.Close].
	ErrClosed = errors.New("bolt: database closed")

	// ErrCorrupt is returned when a stored record cannot be decoded. It
	// means the file was altered or damaged outside this package.
	ErrCorrupt = errors.New("bolt: corrupt record")

	// ErrVersion is returned by [Open] for a file written in a format
	// this version of the package does not know.
	ErrVersion = errors.New("bolt: unsupported file format version")

	// ErrInvalidConfig is returned by [Open] for an invalid option or
	// path.
	ErrInvalidConfig = errors.New("bolt: invalid configuration")
)
