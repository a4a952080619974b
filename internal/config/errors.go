package config

import (
	"errors"
	"strings"
)

// Sentinel errors matched by every [Problem] of their kind with errors.Is.
var (
	// ErrInvalid is a value that does not parse (a duration, a number, a
	// key in the wrong encoding).
	ErrInvalid = errors.New("config: invalid value")
	// ErrMissing is a required value that is not set.
	ErrMissing = errors.New("config: missing value")
	// ErrWeakSecret is a secret that is too short or a known placeholder.
	ErrWeakSecret = errors.New("config: weak secret")
	// ErrInsecure is a setting refused in production (wildcard CORS, a
	// database URI without credentials, plain-HTTP public URL …).
	ErrInsecure = errors.New("config: insecure setting")
	// ErrConflict is two settings that exclude each other (NAME and
	// NAME_FILE both set).
	ErrConflict = errors.New("config: conflicting settings")
)

// Problem is one thing wrong with the configuration: the variable, what is
// wrong, and the sentinel classifying it. A Problem never contains a secret
// value.
type Problem struct {
	Var    string
	Reason string
	Err    error
}

// Error implements error.
func (p Problem) Error() string { return p.Var + ": " + p.Reason }

// Unwrap returns the sentinel.
func (p Problem) Unwrap() error { return p.Err }

// Error is every problem [Load] found, reported together so that an
// operator fixes them in one round.
type Error struct {
	Problems []Problem
}

// Error lists the problems, one per line.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("config: ")
	if len(e.Problems) == 1 {
		b.WriteString(e.Problems[0].Error())
		return b.String()
	}
	b.WriteString(itoa(len(e.Problems)))
	b.WriteString(" problems:")
	for _, p := range e.Problems {
		b.WriteString("\n  - ")
		b.WriteString(p.Error())
	}
	return b.String()
}

// Unwrap returns the problems, so errors.Is(err, ErrWeakSecret) reports
// whether any problem is a weak secret.
func (e *Error) Unwrap() []error {
	out := make([]error, len(e.Problems))
	for i, p := range e.Problems {
		out[i] = p
	}
	return out
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var buf [20]byte
	i := len(buf)
	for n > 0 {
		i--
		buf[i] = byte('0' + n%10)
		n /= 10
	}
	return string(buf[i:])
}
