package redis

import (
	"context"
	"fmt"
	"time"

	"github.com/autospot/autospot/auth"
)

var _ auth.AttemptStore = (*AttemptStore)(nil)

const kindAttempt = "attempt"

// AttemptStore is an [auth.AttemptStore] on Redis: one hash per key
// holding the count, the window end and the lock time. Reserve is one Lua
// script, so of any number of concurrent reservations of one key (from
// any number of replicas) at most the limit are allowed per window. Get
// one from [Store.Attempts]; the zero value is not usable. It is safe for concurrent use.
//
// Windows and locks are decided by the now the caller passes; the key's
// TTL (the later of window end and lock, plus the cleanup grace) only
// frees memory.
type AttemptStore struct{ s *Store }

// Attempts returns the store's [auth.AttemptStore].
func (s *Store) Attempts() *AttemptStore { return &AttemptStore{s: s} }

// Reserve implements [auth.AttemptStore] with one script.
func (a *AttemptStore) Reserve(ctx context.Context, key string, limit int, window time.Duration, now time.Time) (auth.AttemptState, error) {
	window = max(window, 0)
	vals, err := a.s.scripts.attemptReserve.Run(ctx, a.s.client, []string{a.s.key(kindAttempt, key)},
		now.UnixMilli(), limit, window.Milliseconds(), a.s.cfg.grace.Milliseconds()).Slice()
	if err != nil {
		return auth.AttemptState{}, fmt.Errorf("redis: reserve attempt: %w", err)
	}
	if len(vals) != 4 {
		return auth.AttemptState{}, fmt.Errorf("%w: reserve returned %d values", ErrUnexpectedReply, len(vals))
	}
	allowed, ok1 := vals[0].(int64)
	count, ok2 := vals[1].(int64)
	windowEnd, ok3 := optionalMilli(vals[2])
	locked, ok4 := optionalMilli(vals[3])
	if !ok1 || !ok2 || !ok3 || !ok4 {
		return auth.AttemptState{}, fmt.Errorf("%w: reserve returned %v", ErrUnexpectedReply, vals)
	}
	return auth.AttemptState{Allowed: allowed == 1, Count: int(count), WindowEnd: windowEnd, LockedUntil: locked}, nil
}

// optionalMilli decodes a script's time: Unix milliseconds, or nil for
// none (the zero time).
func optionalMilli(v any) (time.Time, bool) {
	switch v := v.(type) {
	case nil:
		return time.Time{}, true
	case int64:
		return time.UnixMilli(v).UTC(), true
	}
	return time.Time{}, false
}

// Lock implements [auth.AttemptStore] with one script that keeps a later
// lock and the count. The key then lives at least until `until` plus the
// cleanup grace, measured from the store's clock ([WithClock]).
func (a *AttemptStore) Lock(ctx context.Context, key string, until time.Time) error {
	err := a.s.scripts.attemptLock.Run(ctx, a.s.client, []string{a.s.key(kindAttempt, key)},
		until.UnixMilli(), a.s.ttl(until).Milliseconds()).Err()
	if err != nil {
		return fmt.Errorf("redis: lock attempts: %w", err)
	}
	return nil
}

// Reset implements [auth.AttemptStore] with one DEL.
func (a *AttemptStore) Reset(ctx context.Context, key string) error {
	if err := a.s.client.Del(ctx, a.s.key(kindAttempt, key)).Err(); err != nil {
		return fmt.Errorf("redis: reset attempts: %w", err)
	}
	return nil
}
