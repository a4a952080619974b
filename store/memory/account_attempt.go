package memory

import (
	"context"
	"sync"
	"time"

	"github.com/autospot/autospot/auth"
)

var _ auth.AttemptStore = (*AttemptStore)(nil)

type attemptEntry struct {
	count     int
	windowEnd time.Time
	locked    time.Time
}

// AttemptStore counts attempts per key in fixed windows, in memory. The
// zero value is not usable; call [NewAttemptStore]. It is safe for
// concurrent use. Lapsed entries are pruned as new attempts come in.
type AttemptStore struct {
	mu     sync.Mutex
	m      map[string]attemptEntry
	writes int
}

// NewAttemptStore returns an empty store.
func NewAttemptStore() *AttemptStore {
	return &AttemptStore{m: make(map[string]attemptEntry)}
}

// Reserve implements [auth.AttemptStore].
func (s *AttemptStore) Reserve(ctx context.Context, key string, limit int, window time.Duration, now time.Time) (auth.AttemptState, error) {
	if err := ctx.Err(); err != nil {
		return auth.AttemptState{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.writes++; s.writes%pruneEvery == 0 {
		deleteExpired(s.m, func(e attemptEntry) bool { return !now.Before(e.windowEnd) && !now.Before(e.locked) })
	}
	e := s.m[key]
	if now.Before(e.locked) {
		return auth.AttemptState{Count: e.count, WindowEnd: e.windowEnd, LockedUntil: e.locked}, nil
	}
	if !now.Before(e.windowEnd) {
		e.count, e.windowEnd = 0, now.Add(window)
	}
	st := auth.AttemptState{WindowEnd: e.windowEnd}
	if e.count < limit {
		e.count++
		st.Allowed = true
	}
	st.Count = e.count
	s.m[key] = e
	return st, nil
}

// Lock implements [auth.AttemptStore].
func (s *AttemptStore) Lock(ctx context.Context, key string, until time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.m[key]
	if until.After(e.locked) {
		e.locked = until
	}
	s.m[key] = e
	return nil
}

// Reset implements [auth.AttemptStore].
func (s *AttemptStore) Reset(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, key)
	return nil
}
