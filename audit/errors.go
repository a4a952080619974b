package audit

import (
	"errors"
	"fmt"
)

// Sentinel errors. Check them with [errors.Is].
var (
	// ErrClosed is returned by [RotatingFile.Write] after Close, and counted
	// (not returned) for records logged after [Logger.Close].
	ErrClosed = errors.New("audit: closed")

	// ErrTampered matches every [*ChainError]: the hash chain is broken.
	ErrTampered = errors.New("audit: hash chain broken")

	// ErrChainConflict is returned by a [Store] when the record produced by
	// a [SealFunc] does not extend the store's current head (wrong sequence
	// number or previous hash). A correct store never stores such a record.
	ErrChainConflict = errors.New("audit: record does not extend the chain head")

	// ErrWeakKey is returned by [NewHMACChain] for a key shorter than
	// [MinHMACKeyLen] bytes.
	ErrWeakKey = errors.New("audit: HMAC key too short")

	// ErrInvalidRange is returned by [Chain.Verify] when to < from.
	ErrInvalidRange = errors.New("audit: invalid sequence range")

	// ErrRecordsLost is wrapped by the error [AsyncHandler.Close] and
	// [Logger.Close] return when records were lost and the loss could not
	// be reported in-band to the sink (see [*LostError]).
	ErrRecordsLost = errors.New("audit: records lost")
)

// Reason says why a hash chain is broken. See [ChainError].
type Reason string

// The reasons a [ChainError] carries.
const (
	// ReasonHash: the record's stored hash does not match its contents: the
	// record (or its hash) was edited, or the wrong key was used to verify.
	ReasonHash Reason = "record hash mismatch (record edited, or wrong key)"
	// ReasonLink: the record's previous-hash field does not match the hash
	// of the record before it: a record before it was replaced or re-hashed.
	ReasonLink Reason = "previous-hash mismatch (preceding record replaced)"
	// ReasonMissing: a sequence number is absent (record deleted).
	ReasonMissing Reason = "missing record (deleted)"
	// ReasonOrder: records appear out of sequence order (reordered or
	// duplicated).
	ReasonOrder Reason = "record out of order (reordered or duplicated)"
)

// ChainError reports the first broken link found by [Chain.Verify] or
// [Chain.VerifySeq]. It matches [ErrTampered] with [errors.Is].
type ChainError struct {
	// Seq is the sequence number at which the chain breaks: the edited
	// record, the first missing one, or the one found out of place.
	Seq uint64
	// Reason classifies the break.
	Reason Reason
	// Detail adds specifics, e.g. "found seq 5".
	Detail string
}

func (e *ChainError) Error() string {
	if e.Detail == "" {
		return fmt.Sprintf("audit: hash chain broken at seq %d: %s", e.Seq, e.Reason)
	}
	return fmt.Sprintf("audit: hash chain broken at seq %d: %s: %s", e.Seq, e.Reason, e.Detail)
}

// Is reports whether target is [ErrTampered].
func (e *ChainError) Is(target error) bool { return target == ErrTampered }

// LostError says how many records a sink lost without an in-band report
// reaching it. It matches [ErrRecordsLost].
type LostError struct {
	Sink  string
	Count uint64
}

func (e *LostError) Error() string {
	return fmt.Sprintf("audit: sink %q: %d records lost and not reported in-band", e.Sink, e.Count)
}

// Is reports whether target is [ErrRecordsLost].
func (e *LostError) Is(target error) bool { return target == ErrRecordsLost }
