package bolt

import (
	"fmt"
	"time"

	bbolt "go.etcd.io/bbolt"
)

// expiring is a bucket of records keyed by id plus an index of the same
// ids by expiry time (keys msKey(t) + id), which the Prune methods walk.
// Writers keep both in one transaction.
type expiring struct{ data, byExpiry *bbolt.Bucket }

func openExpiring(tx *bbolt.Tx, data, byExpiry string) (expiring, error) {
	bs, err := buckets(tx, data, byExpiry)
	if err != nil {
		return expiring{}, err
	}
	return expiring{bs[0], bs[1]}, nil
}

// put stores val under key with expiry exp; old is the expiry of the
// record it replaces (nil when there is none), whose index entry goes.
func (e expiring) put(key, val []byte, old *time.Time, exp time.Time) error {
	if old != nil && !msEqual(*old, exp) {
		if err := e.byExpiry.Delete(join(msKey(*old), key)); err != nil {
			return err
		}
	}
	if err := e.data.Put(key, val); err != nil {
		return err
	}
	return e.byExpiry.Put(join(msKey(exp), key), nil)
}

// del deletes key, whose expiry is exp, and its index entry.
func (e expiring) del(key []byte, exp time.Time) error {
	if err := e.byExpiry.Delete(join(msKey(exp), key)); err != nil {
		return err
	}
	return e.data.Delete(key)
}

// prune deletes up to PruneBatch records whose expiry is not after now.
func (e expiring) prune(now time.Time) (int, error) {
	return pruneExpiry(e.byExpiry, now, true, func(id []byte) error { return e.data.Delete(id) })
}

// getRecord decodes the record under key in b; ok is false when there is
// none.
func getRecord[T any](b *bbolt.Bucket, key []byte, decode func([]byte) (T, error)) (v T, ok bool, err error) {
	raw := b.Get(key)
	if raw == nil {
		return v, false, nil
	}
	v, err = decode(raw)
	return v, err == nil, err
}

func msEqual(a, b time.Time) bool { return a.UnixMilli() == b.UnixMilli() }

// wrap adds the operation to a bbolt error.
func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("bolt: %s: %w", op, err)
}
