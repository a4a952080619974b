package bolt

import (
	"context"
	"errors"
	"fmt"
	"time"

	bbolt "go.etcd.io/bbolt"
)

// PruneBatch is the most records one pruning transaction deletes; Prune
// methods loop until nothing expired is left.
const PruneBatch = 1000

// PruneStats counts what [DB.Prune] deleted, per store.
type PruneStats struct {
	Families, Sessions, Pending, OTPs, Attempts, Resets int
}

// Total is the number of records deleted.
func (p PruneStats) Total() int {
	return p.Families + p.Sessions + p.Pending + p.OTPs + p.Attempts + p.Resets
}

// Prune deletes every record of every store that has expired at now and
// can never be read again: refresh families past their absolute lifetime,
// lapsed session revocations, expired pending registrations, one-time
// codes and reset tokens, and attempt state whose window and lock have
// ended. Epochs, users and the audit trail are never pruned. Reads check
// expiry themselves, so pruning only reclaims space: run it periodically
// (hourly, say). It returns what it deleted before the first error.
func (db *DB) Prune(ctx context.Context, now time.Time) (PruneStats, error) {
	var st PruneStats
	var err error
	steps := []pruneStep{
		{&st.Families, db.RefreshStore().Prune},
		{&st.Sessions, db.RevocationStore().Prune},
		{&st.Pending, db.PendingStore().Prune},
		{&st.OTPs, db.OTPStore().Prune},
		{&st.Attempts, db.AttemptStore().Prune},
		{&st.Resets, db.ResetStore().Prune},
	}
	for _, s := range steps {
		if *s.n, err = s.fn(ctx, now); err != nil {
			return st, err
		}
	}
	return st, nil
}

// pruneStep is one store's Prune and where DB.Prune counts it.
type pruneStep struct {
	n  *int
	fn func(context.Context, time.Time) (int, error)
}

// pruneLoop runs step in transactions until a step deletes fewer than
// PruneBatch records.
func pruneLoop(ctx context.Context, db *DB, op string, step func(tx *bbolt.Tx) (int, error)) (int, error) {
	total := 0
	for {
		n := 0
		err := db.update(ctx, op, func(tx *bbolt.Tx) error {
			var err error
			n, err = step(tx)
			if err != nil && !errors.Is(err, ErrCorrupt) {
				err = fmt.Errorf("bolt: %s: %w", op, err)
			}
			return err
		})
		if err != nil {
			return total, err
		}
		total += n
		if n < PruneBatch {
			return total, nil
		}
	}
}

// pruneExpiry walks an expiry index (keys: msKey(t) + id) from the oldest
// entry and, for at most PruneBatch entries that have expired at now,
// calls del(id) and removes the index entry. An entry has expired when t
// is before now or, if atNow, also when t equals now.
func pruneExpiry(idx *bbolt.Bucket, now time.Time, atNow bool, del func(id []byte) error) (int, error) {
	var keys [][]byte
	c := idx.Cursor()
	for k, _ := c.First(); k != nil && len(keys) < PruneBatch; k, _ = c.Next() {
		if len(k) < 8 {
			return 0, fmt.Errorf("%w: short expiry key", ErrCorrupt)
		}
		t := msFromKey(k[:8])
		if !t.Before(now) && !(atNow && t.Equal(now)) {
			break
		}
		keys = append(keys, append([]byte(nil), k...))
	}
	for _, k := range keys {
		if err := del(k[8:]); err != nil {
			return 0, err
		}
		if err := idx.Delete(k); err != nil {
			return 0, err
		}
	}
	return len(keys), nil
}
