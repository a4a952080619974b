package emissions

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"

	bbolt "go.etcd.io/bbolt"
)

// Bucket names of [Bolt].
const (
	boltRecords  = "emissions.byid"     // id → Record
	boltByDriver = "emissions.bydriver" // lp(driver) + id → ∅
)

// Bolt is a [Repository] in a bbolt file. Create it with [NewBolt]; it is
// safe for concurrent use.
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
		return nil, fmt.Errorf("emissions: bolt buckets: %w", err)
	}
	return &Bolt{db: db}, nil
}

func lp(s string) []byte { return append(binary.AppendUvarint(nil, uint64(len(s))), s...) }

type boltRec struct {
	Record
	Driver string `json:"driver"`
}

func load(tx *bbolt.Tx, id []byte) (Record, bool, error) {
	raw := tx.Bucket([]byte(boltRecords)).Get(id)
	if raw == nil {
		return Record{}, false, nil
	}
	var r boltRec
	if err := json.Unmarshal(raw, &r); err != nil {
		return Record{}, false, fmt.Errorf("emissions: corrupt record: %w", err)
	}
	r.Record.DriverID = r.Driver
	return r.Record, true, nil
}

// Add implements [Repository].
func (b *Bolt) Add(ctx context.Context, r Record) error {
	if err := r.check(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	r.CreatedAt = r.CreatedAt.UTC()
	return b.db.Update(func(tx *bbolt.Tx) error {
		recs := tx.Bucket([]byte(boltRecords))
		if recs.Get([]byte(r.ID)) != nil {
			return ErrInvalid
		}
		raw, err := json.Marshal(boltRec{Record: r, Driver: r.DriverID})
		if err != nil {
			return err
		}
		if err := recs.Put([]byte(r.ID), raw); err != nil {
			return err
		}
		if err := tx.Bucket([]byte(boltByDriver)).Put(append(lp(r.DriverID), r.ID...), nil); err != nil {
			return err
		}
		return ctx.Err()
	})
}

// Get implements [Repository].
func (b *Bolt) Get(ctx context.Context, driverID, id string) (out Record, err error) {
	if err := ctx.Err(); err != nil {
		return Record{}, err
	}
	err = b.db.View(func(tx *bbolt.Tx) error {
		r, ok, err := load(tx, []byte(id))
		if err != nil {
			return err
		}
		if !ok || r.DriverID != driverID {
			return ErrNotFound
		}
		out = r
		return nil
	})
	return out, err
}

func (b *Bolt) each(tx *bbolt.Tx, driverID string, fn func(k []byte, r Record) error) error {
	prefix := lp(driverID)
	c := tx.Bucket([]byte(boltByDriver)).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		r, ok, err := load(tx, k[len(prefix):])
		if err != nil {
			return err
		}
		if ok {
			if err := fn(bytes.Clone(k), r); err != nil {
				return err
			}
		}
	}
	return nil
}

// List implements [Repository].
func (b *Bolt) List(ctx context.Context, driverID string, f Filter) ([]Record, error) {
	f, err := f.norm()
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := []Record{}
	err = b.db.View(func(tx *bbolt.Tx) error {
		return b.each(tx, driverID, func(_ []byte, r Record) error {
			if f.match(&r) {
				out = append(out, r)
			}
			return nil
		})
	})
	sortNewest(out)
	if len(out) > f.Limit {
		out = out[:f.Limit]
	}
	return out, err
}

// Delete implements [Repository].
func (b *Bolt) Delete(ctx context.Context, driverID, sessionID string) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	n := 0
	err := b.db.Update(func(tx *bbolt.Tx) error {
		var keys [][]byte
		var ids []string
		if err := b.each(tx, driverID, func(k []byte, r Record) error {
			if sessionID == "" || r.SessionID == sessionID {
				keys, ids = append(keys, k), append(ids, r.ID)
			}
			return nil
		}); err != nil {
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
		return ctx.Err()
	})
	return n, err
}
