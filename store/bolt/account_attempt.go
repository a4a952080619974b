package bolt

import (
	"context"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/autospot/autospot/auth"
)

var _ auth.AttemptStore = (*AttemptStore)(nil)

// AttemptStore implements [auth.AttemptStore] on a [DB]: one small record
// per key (count, window end, lock), and an index by the time the record
// lapses (the later of window end and lock) for [AttemptStore.Prune].
// Reserve reads, decides and writes in one transaction, so N parallel
// callers against a limit of L get at most L reservations. It is safe for
// concurrent use.
type AttemptStore struct{ db *DB }

// AttemptStore returns the attempt-counter store of db.
func (db *DB) AttemptStore() *AttemptStore { return &AttemptStore{db: db} }

const attemptVersion = 1

type attempt struct {
	count             int
	windowEnd, locked time.Time
}

// lapses is when the record stops mattering.
func (a *attempt) lapses() time.Time {
	if a.locked.After(a.windowEnd) {
		return a.locked
	}
	return a.windowEnd
}

func encodeAttempt(a *attempt) []byte {
	e := newEncoder(attemptVersion, 24)
	e.int(int64(a.count))
	e.time(a.windowEnd)
	e.time(a.locked)
	return e.b
}

func decodeAttempt(b []byte) (attempt, error) {
	d := newDecoder(b, "attempt state", attemptVersion)
	var a attempt
	a.count = d.smallInt()
	a.windowEnd = d.time()
	a.locked = d.time()
	return a, d.done()
}

func openAttempts(tx *bbolt.Tx) (expiring, error) {
	return openExpiring(tx, bucketAttempts, bucketAttemptsExpiry)
}

// modifyAttempt applies f to the state of key (zero if absent) and stores
// the result, keeping the lapse index in step, in one transaction.
func (s *AttemptStore) modifyAttempt(ctx context.Context, op, key string, f func(a *attempt) (write bool)) error {
	return s.db.update(ctx, op, func(tx *bbolt.Tx) error {
		e, err := openAttempts(tx)
		if err != nil {
			return err
		}
		k := []byte(key)
		a, ok, err := getRecord(e.data, k, decodeAttempt)
		if err != nil {
			return err
		}
		var old *time.Time
		if ok {
			l := a.lapses()
			old = &l
		}
		if !f(&a) {
			return nil
		}
		return wrap(op, e.put(k, encodeAttempt(&a), old, a.lapses()))
	})
}

// Reserve implements [auth.AttemptStore].
func (s *AttemptStore) Reserve(ctx context.Context, key string, limit int, window time.Duration, now time.Time) (auth.AttemptState, error) {
	var st auth.AttemptState
	err := s.modifyAttempt(ctx, "reserve attempt", key, func(a *attempt) bool {
		if now.Before(a.locked) {
			st = auth.AttemptState{Count: a.count, WindowEnd: a.windowEnd, LockedUntil: a.locked}
			return false
		}
		if !now.Before(a.windowEnd) {
			a.count, a.windowEnd = 0, now.Add(window)
		}
		st = auth.AttemptState{WindowEnd: a.windowEnd}
		if a.count < limit {
			a.count++
			st.Allowed = true
		}
		st.Count = a.count
		return true
	})
	if err != nil {
		return auth.AttemptState{}, err
	}
	return st, nil
}

// Lock implements [auth.AttemptStore].
func (s *AttemptStore) Lock(ctx context.Context, key string, until time.Time) error {
	return s.modifyAttempt(ctx, "lock attempts", key, func(a *attempt) bool {
		if !until.After(a.locked) {
			return false // keeps the later lock
		}
		a.locked = until
		return true
	})
}

// Reset implements [auth.AttemptStore].
func (s *AttemptStore) Reset(ctx context.Context, key string) error {
	return s.db.update(ctx, "reset attempts", func(tx *bbolt.Tx) error {
		e, err := openAttempts(tx)
		if err != nil {
			return err
		}
		k := []byte(key)
		a, ok, err := getRecord(e.data, k, decodeAttempt)
		if err != nil || !ok {
			return err
		}
		return wrap("reset attempts", e.del(k, a.lapses()))
	})
}

// Prune deletes the keys whose window and lock have both ended at now and
// returns how many: such a key reads exactly like an absent one.
func (s *AttemptStore) Prune(ctx context.Context, now time.Time) (int, error) {
	return pruneLoop(ctx, s.db, "prune attempts", func(tx *bbolt.Tx) (int, error) {
		e, err := openAttempts(tx)
		if err != nil {
			return 0, err
		}
		return e.prune(now)
	})
}
