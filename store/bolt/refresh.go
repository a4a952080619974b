package bolt

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/autospot/autospot/auth"
)

var _ auth.RefreshStore = (*RefreshStore)(nil)

// RefreshStore implements [auth.RefreshStore] on a [DB]: one record per
// family, keyed by family id, plus a per-user index (for
// [RefreshStore.RevokeUserFamilies]) and an expiry index (for
// [RefreshStore.Prune]), all kept in the same transaction. Every method is
// one bbolt transaction, so RotateFamily is an exact compare-and-swap: of
// any number of concurrent rotations of one head, exactly one succeeds. It
// is safe for concurrent use.
type RefreshStore struct{ db *DB }

// RefreshStore returns the refresh-family store of db.
func (db *DB) RefreshStore() *RefreshStore { return &RefreshStore{db: db} }

const familyVersion = 1

func encodeFamily(f *auth.Family) []byte {
	e := newEncoder(familyVersion, 128+len(f.ID)+len(f.UserID)+len(f.Head)+len(f.Prev)+len(f.Salt))
	e.str(f.ID)
	e.str(f.UserID)
	roles := make([]string, len(f.Roles))
	for i, r := range f.Roles {
		roles[i] = string(r)
	}
	e.strs(roles)
	e.str(f.Facility)
	e.uint(f.Epoch)
	e.time(f.CreatedAt)
	e.time(f.ExpiresAt)
	e.str(f.Head)
	e.str(f.Prev)
	e.time(f.RotatedAt)
	e.str(f.Salt)
	e.uint(f.Generation)
	e.time(f.RevokedAt)
	e.str(f.RevokeReason)
	return e.b
}

func decodeFamily(b []byte) (auth.Family, error) {
	d := newDecoder(b, "refresh family", familyVersion)
	var f auth.Family
	f.ID = d.str()
	f.UserID = d.str()
	for _, r := range d.strs() {
		f.Roles = append(f.Roles, auth.Role(r))
	}
	f.Facility = d.str()
	f.Epoch = d.uint()
	f.CreatedAt = d.time()
	f.ExpiresAt = d.time()
	f.Head = d.str()
	f.Prev = d.str()
	f.RotatedAt = d.time()
	f.Salt = d.str()
	f.Generation = d.uint()
	f.RevokedAt = d.time()
	f.RevokeReason = d.str()
	if err := d.done(); err != nil {
		return auth.Family{}, err
	}
	return f, nil
}

// familyBuckets are the buckets every family write keeps in step.
type familyBuckets struct{ fams, byUser, byExpiry *bbolt.Bucket }

func openFamilyBuckets(tx *bbolt.Tx) (familyBuckets, error) {
	bs, err := buckets(tx, bucketFamilies, bucketFamiliesUser, bucketFamiliesExpiry)
	if err != nil {
		return familyBuckets{}, err
	}
	return familyBuckets{bs[0], bs[1], bs[2]}, nil
}

func (b familyBuckets) get(id string) (auth.Family, bool, error) {
	return getRecord(b.fams, []byte(id), decodeFamily)
}

func (b familyBuckets) put(f *auth.Family) error {
	return b.fams.Put([]byte(f.ID), encodeFamily(f))
}

// CreateFamily implements [auth.RefreshStore]. An empty id is an error.
func (s *RefreshStore) CreateFamily(ctx context.Context, f auth.Family) error {
	if f.ID == "" {
		return fmt.Errorf("bolt: create family: empty id")
	}
	return s.db.update(ctx, "create family", func(tx *bbolt.Tx) error {
		b, err := openFamilyBuckets(tx)
		if err != nil {
			return err
		}
		if b.fams.Get([]byte(f.ID)) != nil {
			return auth.ErrFamilyExists
		}
		if err := b.put(&f); err != nil {
			return fmt.Errorf("bolt: create family: %w", err)
		}
		if err := b.byUser.Put(join(lp(f.UserID), []byte(f.ID)), nil); err != nil {
			return fmt.Errorf("bolt: create family: %w", err)
		}
		if err := b.byExpiry.Put(join(msKey(f.ExpiresAt), []byte(f.ID)), nil); err != nil {
			return fmt.Errorf("bolt: create family: %w", err)
		}
		return nil
	})
}

// Family implements [auth.RefreshStore]. A family past its ExpiresAt is
// still returned until [RefreshStore.Prune] removes it; RotateFamily
// refuses it.
func (s *RefreshStore) Family(ctx context.Context, id string) (auth.Family, error) {
	var f auth.Family
	err := s.db.view(ctx, "read family", func(tx *bbolt.Tx) error {
		b, err := openFamilyBuckets(tx)
		if err != nil {
			return err
		}
		got, ok, err := b.get(id)
		if err != nil {
			return err
		}
		if !ok {
			return auth.ErrFamilyNotFound
		}
		f = got
		return nil
	})
	return f, err
}

// RotateFamily implements [auth.RefreshStore]: the checks and the swap run
// in one transaction.
func (s *RefreshStore) RotateFamily(ctx context.Context, r auth.Rotation) (auth.Family, error) {
	var out auth.Family
	err := s.db.update(ctx, "rotate family", func(tx *bbolt.Tx) error {
		out = auth.Family{}
		b, err := openFamilyBuckets(tx)
		if err != nil {
			return err
		}
		f, ok, err := b.get(r.FamilyID)
		switch {
		case err != nil:
			return err
		case !ok:
			return auth.ErrFamilyNotFound
		}
		out = f
		switch {
		case !f.RevokedAt.IsZero():
			return auth.ErrFamilyRevoked
		case !r.Now.Before(f.ExpiresAt):
			return auth.ErrFamilyExpired
		case f.Head != r.Presented:
			return auth.ErrStaleRefresh
		}
		f.Prev, f.Head = f.Head, r.Next
		f.RotatedAt = r.Now
		f.Salt = r.Salt
		f.Generation++
		if err := b.put(&f); err != nil {
			return fmt.Errorf("bolt: rotate family: %w", err)
		}
		out = f
		return nil
	})
	if err != nil && !errors.Is(err, auth.ErrFamilyRevoked) && !errors.Is(err, auth.ErrFamilyExpired) && !errors.Is(err, auth.ErrStaleRefresh) {
		return auth.Family{}, err // not found, or the write failed: nothing changed
	}
	return out, err
}

func revoke(b familyBuckets, f *auth.Family, at time.Time, reason string) error {
	f.RevokedAt, f.RevokeReason = at, reason
	return b.put(f)
}

// RevokeFamily implements [auth.RefreshStore].
func (s *RefreshStore) RevokeFamily(ctx context.Context, id string, at time.Time, reason string) error {
	return s.db.update(ctx, "revoke family", func(tx *bbolt.Tx) error {
		b, err := openFamilyBuckets(tx)
		if err != nil {
			return err
		}
		f, ok, err := b.get(id)
		switch {
		case err != nil:
			return err
		case !ok:
			return auth.ErrFamilyNotFound
		case !f.RevokedAt.IsZero():
			return nil // keeps the first time and reason
		}
		if err := revoke(b, &f, at, reason); err != nil {
			return fmt.Errorf("bolt: revoke family: %w", err)
		}
		return nil
	})
}

// RevokeUserFamilies implements [auth.RefreshStore]. It walks the user's
// index and revokes every live family in one transaction, so it is atomic
// across the user's families too.
func (s *RefreshStore) RevokeUserFamilies(ctx context.Context, userID string, at time.Time, reason string) (int, error) {
	n := 0
	err := s.db.update(ctx, "revoke user families", func(tx *bbolt.Tx) error {
		n = 0
		b, err := openFamilyBuckets(tx)
		if err != nil {
			return err
		}
		prefix := lp(userID)
		var ids []string
		c := b.byUser.Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			ids = append(ids, string(k[len(prefix):]))
		}
		for _, id := range ids {
			f, ok, err := b.get(id)
			if err != nil {
				return err
			}
			if !ok || !f.RevokedAt.IsZero() {
				continue
			}
			if err := revoke(b, &f, at, reason); err != nil {
				return fmt.Errorf("bolt: revoke user families: %w", err)
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

// Prune deletes the families whose absolute lifetime ended before now
// (ExpiresAt before now) with their index entries, and returns how many it
// deleted. A pruned family reads as unknown, which the auth package treats
// exactly like an expired one. It works through the expiry index in
// transactions of at most [PruneBatch] families, so it never holds the
// writer for long.
func (s *RefreshStore) Prune(ctx context.Context, now time.Time) (int, error) {
	return pruneLoop(ctx, s.db, "prune families", func(tx *bbolt.Tx) (int, error) {
		b, err := openFamilyBuckets(tx)
		if err != nil {
			return 0, err
		}
		return pruneExpiry(b.byExpiry, now, false, func(id []byte) error {
			if v := b.fams.Get(id); v != nil {
				f, err := decodeFamily(v)
				if err != nil {
					return err
				}
				if err := b.byUser.Delete(join(lp(f.UserID), id)); err != nil {
					return err
				}
			}
			return b.fams.Delete(id)
		})
	})
}
