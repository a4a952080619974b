package boltrepo

import "errors"

var (
	// ErrCorrupt reports a stored record that does not decode: the file
	// was altered or damaged outside this package.
	ErrCorrupt = errors.New("boltrepo: corrupt record")
	// ErrInvalidConfig reports a nil database or an empty path.
	ErrInvalidConfig = errors.New("boltrepo: invalid configuration")
)
