package bolt

import (
	"context"
	"fmt"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/autospot/autospot/auth"
)

var _ auth.RevocationStore = (*RevocationStore)(nil)

// RevocationStore implements [auth.RevocationStore] on a [DB]: a bucket of
// per-user epochs (8-byte big-endian counters), a bucket of logged-out
// sessions (session id → revoked-until time) and an index of sessions by
// that time for [RevocationStore.Prune]. Status is one read-only
// transaction and checks the until time itself; writes are one
// transaction each. It is safe for concurrent use.
type RevocationStore struct{ db *DB }

// RevocationStore returns the revocation store of db.
func (db *DB) RevocationStore() *RevocationStore { return &RevocationStore{db: db} }

// Status implements [auth.RevocationStore].
func (s *RevocationStore) Status(ctx context.Context, userID, sessionID string, now time.Time) (auth.RevocationStatus, error) {
	var st auth.RevocationStatus
	err := s.db.view(ctx, "revocation status", func(tx *bbolt.Tx) error {
		st = auth.RevocationStatus{}
		bs, err := buckets(tx, bucketEpochs, bucketSessions)
		if err != nil {
			return err
		}
		if v := bs[0].Get([]byte(userID)); v != nil {
			if len(v) != 8 {
				return fmt.Errorf("%w: epoch of %d bytes", ErrCorrupt, len(v))
			}
			st.Epoch = getU64(v)
		}
		if sessionID == "" {
			return nil
		}
		if v := bs[1].Get([]byte(sessionID)); v != nil {
			if len(v) != 8 {
				return fmt.Errorf("%w: session time of %d bytes", ErrCorrupt, len(v))
			}
			st.SessionRevoked = now.Before(msFromKey(v))
		}
		return nil
	})
	return st, err
}

// BumpEpoch implements [auth.RevocationStore].
func (s *RevocationStore) BumpEpoch(ctx context.Context, userID string) (uint64, error) {
	var epoch uint64
	err := s.db.update(ctx, "bump epoch", func(tx *bbolt.Tx) error {
		b, err := bucket(tx, bucketEpochs)
		if err != nil {
			return err
		}
		epoch = 1
		if v := b.Get([]byte(userID)); v != nil {
			if len(v) != 8 {
				return fmt.Errorf("%w: epoch of %d bytes", ErrCorrupt, len(v))
			}
			epoch = getU64(v) + 1
		}
		if err := b.Put([]byte(userID), u64(epoch)); err != nil {
			return fmt.Errorf("bolt: bump epoch: %w", err)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return epoch, nil
}

// RevokeSession implements [auth.RevocationStore].
func (s *RevocationStore) RevokeSession(ctx context.Context, sessionID string, until time.Time) error {
	if sessionID == "" {
		return fmt.Errorf("bolt: revoke session: empty id")
	}
	return s.db.update(ctx, "revoke session", func(tx *bbolt.Tx) error {
		bs, err := buckets(tx, bucketSessions, bucketSessionsUntil)
		if err != nil {
			return err
		}
		sessions, byUntil := bs[0], bs[1]
		id := []byte(sessionID)
		if old := sessions.Get(id); old != nil {
			if len(old) != 8 {
				return fmt.Errorf("%w: session time of %d bytes", ErrCorrupt, len(old))
			}
			if !until.After(msFromKey(old)) {
				return nil // keep the later time
			}
			if err := byUntil.Delete(join(old, id)); err != nil {
				return fmt.Errorf("bolt: revoke session: %w", err)
			}
		}
		k := msKey(until)
		if err := sessions.Put(id, k); err != nil {
			return fmt.Errorf("bolt: revoke session: %w", err)
		}
		if err := byUntil.Put(join(k, id), nil); err != nil {
			return fmt.Errorf("bolt: revoke session: %w", err)
		}
		return nil
	})
}

// Prune deletes the session entries that have lapsed at now (until not
// after now) and returns how many. Epochs are kept: they are small and
// must never go back.
func (s *RevocationStore) Prune(ctx context.Context, now time.Time) (int, error) {
	return pruneLoop(ctx, s.db, "prune sessions", func(tx *bbolt.Tx) (int, error) {
		bs, err := buckets(tx, bucketSessions, bucketSessionsUntil)
		if err != nil {
			return 0, err
		}
		return pruneExpiry(bs[1], now, true, func(id []byte) error {
			return bs[0].Delete(id)
		})
	})
}
