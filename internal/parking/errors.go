package parking

import (
	"errors"
	"strings"
)

var (
	// ErrInvalidMap is matched (with errors.Is) by every *ValidationError.
	ErrInvalidMap = errors.New("parking: invalid map")
	// ErrNotFound reports that no map (or rate table) has the requested key.
	ErrNotFound = errors.New("parking: not found")
	// ErrVersionConflict reports a failed optimistic-concurrency check: the
	// stored version differs from the one the caller read.
	ErrVersionConflict = errors.New("parking: version conflict")
	// ErrDuplicate reports a second map for a building name that already
	// has one (names compare case-insensitively), or a reused map id.
	ErrDuplicate = errors.New("parking: duplicate")
	// ErrTooLarge reports map JSON over [MaxMapJSONBytes].
	ErrTooLarge = errors.New("parking: map document too large")
)

// Problem is one defect found while validating a map. Path names the
// offending element ("levels[0].cells[13]", "building"); Msg says what is
// wrong with it.
type Problem struct {
	Path string `json:"path"`
	Msg  string `json:"message"`
}

// ValidationError lists every problem found in a map, not only the first.
// It matches [ErrInvalidMap] with errors.Is.
type ValidationError struct {
	Problems []Problem
}

// maxReportedProblems bounds the error text of a hostile document.
const maxReportedProblems = 100

func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString("parking: invalid map: ")
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(p.Path)
		b.WriteString(": ")
		b.WriteString(p.Msg)
	}
	return b.String()
}

// Is makes errors.Is(err, ErrInvalidMap) true.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalidMap }
