package mongorepo

import "errors"

var (
	// ErrCorrupt reports a stored document that does not decode.
	ErrCorrupt = errors.New("mongorepo: corrupt document")
	// ErrInvalidConfig reports a nil database.
	ErrInvalidConfig = errors.New("mongorepo: invalid configuration")
)
