package ratelimit

import (
	"errors"
	"strconv"
)

// Policy parse errors. A [*ParseError] wraps exactly one of them; test with
// [errors.Is].
var (
	// ErrSyntax: the text is not "<count>/<unit>" or "<count> per <unit>".
	ErrSyntax = errors.New("ratelimit: policy syntax")
	// ErrCount: the count is not an integer in [1, 1e9].
	ErrCount = errors.New("ratelimit: policy count")
	// ErrUnit: the period's unit is unknown or its multiplier out of range.
	ErrUnit = errors.New("ratelimit: policy unit")
	// ErrBurst: the burst is not an integer in [1, 1e9].
	ErrBurst = errors.New("ratelimit: policy burst")
)

// Other errors.
var (
	// ErrInvalidPolicy: a [Policy] value is unusable (non-positive limit or
	// period, negative burst, a rate above one request per microsecond, or
	// a tolerance that would overflow). Returned by [Policy.Validate] and
	// by stores given such a policy.
	ErrInvalidPolicy = errors.New("ratelimit: invalid policy")
	// ErrInvalidRule: a [Rule] has a missing or malformed name or an
	// invalid policy.
	ErrInvalidRule = errors.New("ratelimit: invalid rule")
	// ErrNilStore: [New] was given a nil [Store].
	ErrNilStore = errors.New("ratelimit: nil store")
	// ErrInvalidOption: a store option is out of range.
	ErrInvalidOption = errors.New("ratelimit: invalid option")
	// ErrClosed: the store was closed.
	ErrClosed = errors.New("ratelimit: store closed")
)

// ParseError is the error [Parse] returns: the input, the byte offset
// where it went wrong, and the kind of problem (one of [ErrSyntax],
// [ErrCount], [ErrUnit], [ErrBurst], [ErrInvalidPolicy]).
type ParseError struct {
	Input  string
	Offset int
	Err    error
	Reason string
}

func (e *ParseError) Error() string {
	msg := e.Err.Error() + ": " + strconv.Quote(e.Input) + " at offset " + strconv.Itoa(e.Offset)
	if e.Reason != "" {
		msg += ": " + e.Reason
	}
	return msg
}

// Unwrap returns the sentinel error classifying the problem.
func (e *ParseError) Unwrap() error { return e.Err }
