package entryqr

import "errors"

var (
	// ErrMalformed reports content that is not an AutoSpot entrance code.
	ErrMalformed = errors.New("entryqr: malformed code")
	// ErrBadSignature reports a code whose HMAC does not verify under any
	// configured key (forged or altered).
	ErrBadSignature = errors.New("entryqr: invalid signature")
	// ErrExpired reports a code past its expiry.
	ErrExpired = errors.New("entryqr: code has expired")
	// ErrInvalidConfig reports a key shorter than [MinKeyLen], a nil
	// clock or a bad lifetime.
	ErrInvalidConfig = errors.New("entryqr: invalid configuration")
)
