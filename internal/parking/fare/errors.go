package fare

import (
	"errors"
	"strings"
)

var (
	// ErrMalformed reports input that does not match its pattern: a date
	// that is not YYYY-MM-DD, a time that is not HH:MM, a decimal that is
	// not plain digits. The server maps it to 422.
	ErrMalformed = errors.New("fare: malformed input")
	// ErrOutOfRange reports well-formed input with an impossible value
	// ("25:00", "2024-02-30"). The server maps it to 400.
	ErrOutOfRange = errors.New("fare: value out of range")
	// ErrInvalidDuration reports a duration outside (0, 24 h].
	ErrInvalidDuration = errors.New("fare: duration must be more than 0 and at most 24 hours")
	// ErrInvalidRates is matched by every *ValidationError.
	ErrInvalidRates = errors.New("fare: invalid rate table")
)

// ValidationError lists every problem of a rate table. It matches
// [ErrInvalidRates] with errors.Is.
type ValidationError struct {
	Problems []string
}

func (e *ValidationError) Error() string {
	return "fare: invalid rate table: " + strings.Join(e.Problems, "; ")
}

// Is makes errors.Is(err, ErrInvalidRates) true.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalidRates }
