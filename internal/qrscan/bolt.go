package qrscan

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"

	bbolt "go.etcd.io/bbolt"
)

// Bucket names of [Bolt].
const (
	boltRecords  = "qrscans.byid"     // id → Record
	boltByDriver = "qrscans.bydriver" // lp(driver) + id → ∅
)

// Bolt is a [Repository] in a bbolt file. Create it with [NewBolt].
type Bolt struct{ db *bbolt.DB }

var _ Repository = (*Bolt)(nil)

// NewBolt returns a repository in db, creating its buckets; the caller
// keeps ownership of db.
func NewBolt(db *bbolt.DB) (*Bolt, error) {
	if db == nil {
		return nil, fmt.Errorf("%w: nil bolt database", ErrInvalid)
	}
	if err := db.Update(func(tx *bbolt.Tx) error {
		for _, b := range []string{boltRecords, boltByDriver} {
			if _, err := tx.CreateBucketIfNotExists([]byte(b)); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("qrscan: bolt buckets: %w", err)
	}
	return &Bolt{db: db}, nil
}

func lp(s string) []byte { return append(binary.AppendUvarint(nil, uint64(len(s))), s...) }

// boltRec keeps the driver, which Record does not encode in JSON.
type boltRec struct {
	Record
	Driver string `json:"driver"`
}

// Add implements [Repository].
func (b *Bolt) Add(ctx context.Context, r Record) (created bool, err error) {
	r, err = r.norm()
	if err != nil {
		return false, err
	}
	if err := ctx.Err(); err != nil {
		return false, err
	}
	raw, err := json.Marshal(boltRec{Record: r, Driver: r.DriverID})
	if err != nil {
		return false, err
	}
	err = b.db.Update(func(tx *bbolt.Tx) error {
		recs := tx.Bucket([]byte(boltRecords))
		if recs.Get([]byte(r.ID)) != nil {
			return nil
		}
		if err := recs.Put([]byte(r.ID), raw); err != nil {
			return err
		}
		if err := tx.Bucket([]byte(boltByDriver)).Put(append(lp(r.DriverID), r.ID...), nil); err != nil {
			return err
		}
		created = true
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("qrscan: add: %w", err)
	}
	return created, nil
}

// each calls fn with the index key and record of each of the driver's
// records.
func each(tx *bbolt.Tx, driverID string, fn func(k []byte, r Record)) error {
	prefix := lp(driverID)
	recs := tx.Bucket([]byte(boltRecords))
	c := tx.Bucket([]byte(boltByDriver)).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		raw := recs.Get(k[len(prefix):])
		if raw == nil {
			continue
		}
		var r boltRec
		if err := json.Unmarshal(raw, &r); err != nil {
			return fmt.Errorf("qrscan: corrupt record: %w", err)
		}
		if r.Driver != driverID {
			continue
		}
		r.Record.DriverID = r.Driver
		fn(bytes.Clone(k), r.Record)
	}
	return nil
}

// List implements [Repository].
func (b *Bolt) List(ctx context.Context, driverID string, limit int) ([]Record, error) {
	limit, err := normLimit(limit)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := []Record{}
	if err := b.db.View(func(tx *bbolt.Tx) error {
		return each(tx, driverID, func(_ []byte, r Record) { out = append(out, r) })
	}); err != nil {
		return nil, err
	}
	slices.SortFunc(out, newestFirst)
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// DeleteDriver implements [Repository].
func (b *Bolt) DeleteDriver(ctx context.Context, driverID string) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	n := 0
	err := b.db.Update(func(tx *bbolt.Tx) error {
		var keys [][]byte
		var ids []string
		if err := each(tx, driverID, func(k []byte, r Record) { keys, ids = append(keys, k), append(ids, r.ID) }); err != nil {
			return err
		}
		for i := range keys {
			if err := tx.Bucket([]byte(boltByDriver)).Delete(keys[i]); err != nil {
				return err
			}
			if err := tx.Bucket([]byte(boltRecords)).Delete([]byte(ids[i])); err != nil {
				return err
			}
		}
		n = len(keys)
		return nil
	})
	return n, err
}
