package live

import "errors"

var (
	// ErrClosed reports a hub that has been closed.
	ErrClosed = errors.New("live: hub closed")
	// ErrInvalid reports an event or topic that cannot be published.
	ErrInvalid = errors.New("live: invalid event")
	// ErrTooManySubscribers reports a hub at its subscriber limit.
	ErrTooManySubscribers = errors.New("live: too many subscribers")
)
