package mongo

import (
	"context"
	"fmt"
	"time"

	driver "go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/autospot/autospot/auth"
)

var _ auth.AttemptStore = (*AttemptStore)(nil)

// AttemptStore implements [auth.AttemptStore] as a register per key in
// [CollAttempts] and [CollAttemptVersions] (see the package
// documentation, "Atomicity"): state {count, windowEnd, lockedUntil}.
// Reserve reads the newest version, decides at the caller's now, and
// swaps in the next only when something changes, so of any number of
// concurrent reservations at most limit are allowed per window, on any
// number of replicas. A refused reservation writes nothing. It is safe for
// concurrent use.
// Get it from [Store.AttemptStore]; the zero value is not usable.
type AttemptStore struct {
	reg      register
	attempts int
}

func newAttemptStore(db *driver.Database, attempts int) *AttemptStore {
	return &AttemptStore{
		reg:      register{heads: db.Collection(CollAttempts), versions: db.Collection(CollAttemptVersions), upsertHead: true},
		attempts: attempts,
	}
}

type attemptState struct {
	Count       int       `bson:"count"`
	WindowEnd   time.Time `bson:"windowEnd,omitempty"`
	LockedUntil time.Time `bson:"lockedUntil,omitempty"`
}

// exp is when the state stops mattering.
func (st attemptState) exp() time.Time {
	if st.LockedUntil.After(st.WindowEnd) {
		return st.LockedUntil
	}
	return st.WindowEnd
}

func (s *AttemptStore) load(ctx context.Context, key string) (version, attemptState, error) {
	cur, st, err := loadState[attemptState](ctx, &s.reg, key)
	if st == nil {
		return cur, attemptState{}, err
	}
	return cur, *st, err
}

// Reserve implements [auth.AttemptStore].
func (s *AttemptStore) Reserve(ctx context.Context, key string, limit int, window time.Duration, now time.Time) (auth.AttemptState, error) {
	var res auth.AttemptState
	err := retry(ctx, s.attempts, func() (bool, error) {
		cur, st, err := s.load(ctx, key)
		if err != nil {
			return false, err
		}
		if now.Before(st.LockedUntil) {
			res = auth.AttemptState{Count: st.Count, WindowEnd: utc(st.WindowEnd), LockedUntil: utc(st.LockedUntil)}
			return true, nil
		}
		changed := false
		if !now.Before(st.WindowEnd) {
			st.Count, st.WindowEnd, changed = 0, now.Add(window), true
		}
		res = auth.AttemptState{WindowEnd: utc(st.WindowEnd)}
		if st.Count < limit {
			st.Count++
			res.Allowed, changed = true, true
		}
		res.Count = st.Count
		if !changed {
			return true, nil
		}
		return s.reg.swap(ctx, key, cur, st, st.exp())
	})
	if err != nil {
		return auth.AttemptState{}, fmt.Errorf("mongo: reserve attempt: %w", err)
	}
	return res, nil
}

// Lock implements [auth.AttemptStore].
func (s *AttemptStore) Lock(ctx context.Context, key string, until time.Time) error {
	err := retry(ctx, s.attempts, func() (bool, error) {
		cur, st, err := s.load(ctx, key)
		if err != nil {
			return false, err
		}
		if !until.After(st.LockedUntil) {
			return true, nil
		}
		st.LockedUntil = until
		return s.reg.swap(ctx, key, cur, st, st.exp())
	})
	if err != nil {
		return fmt.Errorf("mongo: lock: %w", err)
	}
	return nil
}

// Reset implements [auth.AttemptStore].
func (s *AttemptStore) Reset(ctx context.Context, key string) error {
	err := retry(ctx, s.attempts, func() (bool, error) {
		cur, err := s.reg.load(ctx, key, nil)
		if err != nil || cur.s == nil {
			return true, err
		}
		return s.reg.swap(ctx, key, cur, nil, cur.exp)
	})
	if err != nil {
		return fmt.Errorf("mongo: reset attempts: %w", err)
	}
	return nil
}

// Prune deletes counters whose window and lock both ended more than [PruneGrace] before now (the
// TTL index does the same where the server has one) and returns how many.
func (s *AttemptStore) Prune(ctx context.Context, now time.Time) (int, error) {
	n, err := s.reg.prune(ctx, now)
	if err != nil {
		return n, fmt.Errorf("mongo: prune attempts: %w", err)
	}
	return n, nil
}
