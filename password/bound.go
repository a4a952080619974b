package password

import (
	"context"
	"fmt"
	"sync/atomic"
)

// bound lets at most cap(slots) hash operations run at once and at most
// maxWaiting callers queue for a slot; Go wakes blocked channel senders in
// order, so the queue is first come, first served.
type bound struct {
	slots      chan struct{}
	maxWaiting int64
	waiting    atomic.Int64
	inFlight   atomic.Int64
}

func newBound(n, maxWaiting int) *bound {
	return &bound{slots: make(chan struct{}, n), maxWaiting: int64(maxWaiting)}
}

// acquire takes a slot, waiting while ctx lasts. It fails with ErrBusy when
// the queue is full, and with ErrBusy wrapping ctx's error when ctx ends
// while it waits.
func (b *bound) acquire(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("password: %w", err)
	}
	select {
	case b.slots <- struct{}{}:
		b.inFlight.Add(1)
		return nil
	default:
	}
	if b.waiting.Add(1) > b.maxWaiting {
		b.waiting.Add(-1)
		return fmt.Errorf("%w: %d waiting already", ErrBusy, b.maxWaiting)
	}
	defer b.waiting.Add(-1)
	select {
	case b.slots <- struct{}{}:
		b.inFlight.Add(1)
		return nil
	case <-ctx.Done():
		return fmt.Errorf("%w: gave up waiting: %w", ErrBusy, context.Cause(ctx))
	}
}

func (b *bound) release() {
	b.inFlight.Add(-1)
	<-b.slots
}
