package live

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Event is one change of slot availability in a building.
type Event struct {
	Building string    `json:"building"`
	Level    int       `json:"level"`
	Slot     string    `json:"slot_id"`
	Status   string    `json:"status"` // available, occupied, allocated
	At       time.Time `json:"at"`
}

func (e *Event) check() error {
	if e.Building == "" || len(e.Building) > 200 || !utf8.ValidString(e.Building) ||
		e.Slot == "" || len(e.Slot) > 64 || len(e.Status) > 32 {
		return fmt.Errorf("%w: building, slot or status", ErrInvalid)
	}
	return nil
}

// Topic is the fan-out key of a building: its name lower-cased, as
// parking.BuildingKey.
func Topic(building string) string { return strings.ToLower(building) }

// Hub fans events out to the subscribers of a building. Implementations
// are safe for concurrent use.
type Hub interface {
	// Publish delivers e to every subscriber of e.Building, on every
	// replica that shares the hub's transport.
	Publish(ctx context.Context, e Event) error
	// Subscribe returns a subscription to the building's events; the
	// caller must Close it.
	Subscribe(ctx context.Context, building string) (*Subscription, error)
}

// Subscription receives a building's events on C. C is closed when the
// subscription is closed, when its hub closes, or when the subscriber fell
// more than its buffer behind (then Lagged reports true and the client
// should reload the full state).
type Subscription struct {
	C      <-chan Event
	c      chan Event
	topic  string
	local  *Local
	mu     sync.Mutex
	closed bool
	lagged bool
}

// Lagged reports whether the subscription was dropped for falling behind.
func (s *Subscription) Lagged() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lagged
}

// Close ends the subscription; it is idempotent.
func (s *Subscription) Close() error {
	s.local.remove(s)
	return nil
}

func (s *Subscription) shut(lagged bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closed {
		s.closed, s.lagged = true, lagged
		close(s.c)
	}
}

// Defaults of [Local].
const (
	DefaultBuffer         = 64
	DefaultMaxSubscribers = 10_000
)

// Local is the in-process [Hub]: it fans out to the subscribers of this
// process only. The zero value is not usable; call [NewLocal]. It is safe
// for concurrent use. [Redis] uses one to deliver what it receives.
type Local struct {
	mu     sync.Mutex
	subs   map[string]map[*Subscription]struct{}
	n      int
	buffer int
	max    int
	closed bool
}

var _ Hub = (*Local)(nil)

// LocalOption configures [NewLocal].
type LocalOption func(*Local) error

// WithBuffer sets each subscription's buffer (default [DefaultBuffer]).
func WithBuffer(n int) LocalOption {
	return func(l *Local) error {
		if n < 1 || n > 1<<16 {
			return fmt.Errorf("%w: buffer %d", ErrInvalid, n)
		}
		l.buffer = n
		return nil
	}
}

// WithMaxSubscribers caps concurrent subscriptions (default
// [DefaultMaxSubscribers]); beyond it Subscribe fails with
// [ErrTooManySubscribers].
func WithMaxSubscribers(n int) LocalOption {
	return func(l *Local) error {
		if n < 1 {
			return fmt.Errorf("%w: max subscribers %d", ErrInvalid, n)
		}
		l.max = n
		return nil
	}
}

// NewLocal returns an empty in-process hub.
func NewLocal(opts ...LocalOption) (*Local, error) {
	l := &Local{subs: map[string]map[*Subscription]struct{}{}, buffer: DefaultBuffer, max: DefaultMaxSubscribers}
	for _, o := range opts {
		if err := o(l); err != nil {
			return nil, err
		}
	}
	return l, nil
}

// Publish implements [Hub].
func (l *Local) Publish(ctx context.Context, e Event) error {
	if err := e.check(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return l.deliver(e)
}

// deliver hands e to local subscribers without ever blocking: a
// subscriber with a full buffer is dropped (lagged).
func (l *Local) deliver(e Event) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return ErrClosed
	}
	topic := Topic(e.Building)
	for s := range l.subs[topic] {
		select {
		case s.c <- e:
		default:
			delete(l.subs[topic], s)
			l.n--
			s.shut(true)
		}
	}
	return nil
}

// Subscribe implements [Hub].
func (l *Local) Subscribe(ctx context.Context, building string) (*Subscription, error) {
	if building == "" || len(building) > 200 {
		return nil, fmt.Errorf("%w: building", ErrInvalid)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil, ErrClosed
	}
	if l.n >= l.max {
		return nil, ErrTooManySubscribers
	}
	c := make(chan Event, l.buffer)
	s := &Subscription{C: c, c: c, topic: Topic(building), local: l}
	if l.subs[s.topic] == nil {
		l.subs[s.topic] = map[*Subscription]struct{}{}
	}
	l.subs[s.topic][s] = struct{}{}
	l.n++
	return s, nil
}

func (l *Local) remove(s *Subscription) {
	l.mu.Lock()
	if set := l.subs[s.topic]; set != nil {
		if _, ok := set[s]; ok {
			delete(set, s)
			l.n--
			if len(set) == 0 {
				delete(l.subs, s.topic)
			}
		}
	}
	l.mu.Unlock()
	s.shut(false)
}

// Close closes every subscription; later calls fail with [ErrClosed].
func (l *Local) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil
	}
	l.closed = true
	for _, set := range l.subs {
		for s := range set {
			s.shut(false)
		}
	}
	l.subs, l.n = nil, 0
	return nil
}

// Subscribers returns the number of open subscriptions.
func (l *Local) Subscribers() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.n
}
