package emissions

import "errors"

var (
	// ErrInvalid reports a distance or factor that is not a finite number
	// in range, or a malformed record or query.
	ErrInvalid = errors.New("emissions: invalid input")
	// ErrNotFound reports no such record for this driver.
	ErrNotFound = errors.New("emissions: not found")
)
