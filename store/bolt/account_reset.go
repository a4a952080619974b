package bolt

import (
	"bytes"
	"context"
	"fmt"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/autospot/autospot/auth"
)

var _ auth.ResetStore = (*ResetStore)(nil)

// ResetStore implements [auth.ResetStore] on a [DB]: tokens keyed by the
// secret's hash, with an index by user (for [ResetStore.DeleteUser]) and
// one by expiry (for [ResetStore.Prune]), kept in the same transaction.
// Consume checks expiry and deletes in one transaction, so of concurrent
// consumptions of one token exactly one succeeds. It is safe for
// concurrent use.
type ResetStore struct{ db *DB }

// ResetStore returns the password-reset token store of db.
func (db *DB) ResetStore() *ResetStore { return &ResetStore{db: db} }

const resetVersion = 1

func encodeReset(t *auth.ResetToken) []byte {
	e := newEncoder(resetVersion, 32+len(t.Hash)+len(t.UserID))
	e.str(t.Hash)
	e.str(t.UserID)
	e.time(t.CreatedAt)
	e.time(t.ExpiresAt)
	return e.b
}

func decodeReset(b []byte) (auth.ResetToken, error) {
	d := newDecoder(b, "reset token", resetVersion)
	var t auth.ResetToken
	t.Hash = d.str()
	t.UserID = d.str()
	t.CreatedAt = d.time()
	t.ExpiresAt = d.time()
	if err := d.done(); err != nil {
		return auth.ResetToken{}, err
	}
	return t, nil
}

type resetBuckets struct {
	expiring
	byUser *bbolt.Bucket
}

func openReset(tx *bbolt.Tx) (resetBuckets, error) {
	e, err := openExpiring(tx, bucketReset, bucketResetExpiry)
	if err != nil {
		return resetBuckets{}, err
	}
	u, err := bucket(tx, bucketResetUser)
	if err != nil {
		return resetBuckets{}, err
	}
	return resetBuckets{e, u}, nil
}

// del deletes the token and both index entries.
func (b resetBuckets) delToken(t *auth.ResetToken) error {
	if err := b.byUser.Delete(join(lp(t.UserID), []byte(t.Hash))); err != nil {
		return err
	}
	return b.del([]byte(t.Hash), t.ExpiresAt)
}

// Put implements [auth.ResetStore]. An empty hash is an error.
func (s *ResetStore) Put(ctx context.Context, t auth.ResetToken) error {
	if t.Hash == "" {
		return fmt.Errorf("bolt: put reset token: empty hash")
	}
	return s.db.update(ctx, "put reset token", func(tx *bbolt.Tx) error {
		b, err := openReset(tx)
		if err != nil {
			return err
		}
		key := []byte(t.Hash)
		if b.data.Get(key) != nil {
			return auth.ErrResetExists
		}
		if err := b.put(key, encodeReset(&t), nil, t.ExpiresAt); err != nil {
			return wrap("put reset token", err)
		}
		return wrap("put reset token", b.byUser.Put(join(lp(t.UserID), key), nil))
	})
}

// Consume implements [auth.ResetStore]. An expired token is left for
// [ResetStore.Prune].
func (s *ResetStore) Consume(ctx context.Context, hash string, now time.Time) (auth.ResetToken, error) {
	var out auth.ResetToken
	err := s.db.update(ctx, "consume reset token", func(tx *bbolt.Tx) error {
		b, err := openReset(tx)
		if err != nil {
			return err
		}
		t, ok, err := getRecord(b.data, []byte(hash), decodeReset)
		switch {
		case err != nil:
			return err
		case !ok || !now.Before(t.ExpiresAt):
			return auth.ErrResetNotFound
		}
		out = t
		return wrap("consume reset token", b.delToken(&t))
	})
	if err != nil {
		return auth.ResetToken{}, err
	}
	return out, nil
}

// DeleteUser implements [auth.ResetStore]: it walks the user's index and
// deletes every token in one transaction.
func (s *ResetStore) DeleteUser(ctx context.Context, userID string) (int, error) {
	n := 0
	err := s.db.update(ctx, "delete user's reset tokens", func(tx *bbolt.Tx) error {
		n = 0
		b, err := openReset(tx)
		if err != nil {
			return err
		}
		prefix := lp(userID)
		var hashes [][]byte
		c := b.byUser.Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			hashes = append(hashes, bytes.Clone(k[len(prefix):]))
		}
		for _, h := range hashes {
			v := b.data.Get(h)
			if v == nil { // already pruned: drop the stale index entry
				if err := b.byUser.Delete(join(prefix, h)); err != nil {
					return wrap("delete user's reset tokens", err)
				}
				continue
			}
			t, err := decodeReset(v)
			if err != nil {
				return err
			}
			if err := b.delToken(&t); err != nil {
				return wrap("delete user's reset tokens", err)
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// Prune deletes the tokens that have expired at now and returns how many.
func (s *ResetStore) Prune(ctx context.Context, now time.Time) (int, error) {
	return pruneLoop(ctx, s.db, "prune reset tokens", func(tx *bbolt.Tx) (int, error) {
		b, err := openReset(tx)
		if err != nil {
			return 0, err
		}
		return pruneExpiry(b.byExpiry, now, true, func(hash []byte) error {
			v := b.data.Get(hash)
			if v == nil {
				return nil
			}
			t, err := decodeReset(v)
			if err != nil {
				return err
			}
			if err := b.byUser.Delete(join(lp(t.UserID), hash)); err != nil {
				return err
			}
			return b.data.Delete(hash)
		})
	})
}
