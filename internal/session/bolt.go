package session

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	bbolt "go.etcd.io/bbolt"
)

// Bucket names of [Bolt].
const (
	boltSessions = "session.byid"     // id → Session
	boltClaims   = "session.claims"   // claim key → session id
	boltByDriver = "session.bydriver" // lp(driver) + id → ∅
)

// Bolt is a [Repository] in a bbolt file: a start checks and takes its
// three claims in one read-write transaction. Create it with [NewBolt];
// it is safe for concurrent use.
type Bolt struct{ db *bbolt.DB }

var _ Repository = (*Bolt)(nil)

// NewBolt returns a repository in db, creating its buckets; the caller
// keeps ownership of db.
func NewBolt(db *bbolt.DB) (*Bolt, error) {
	if db == nil {
		return nil, fmt.Errorf("%w: nil bolt database", ErrInvalid)
	}
	err := db.Update(func(tx *bbolt.Tx) error {
		for _, b := range []string{boltSessions, boltClaims, boltByDriver} {
			if _, err := tx.CreateBucketIfNotExists([]byte(b)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("session: bolt buckets: %w", err)
	}
	return &Bolt{db: db}, nil
}

func lp(s string) []byte { return append(binary.AppendUvarint(nil, uint64(len(s))), s...) }

type boltRec struct {
	Session
	Driver string `json:"driver"`
}

func load(tx *bbolt.Tx, id string) (Session, bool, error) {
	raw := tx.Bucket([]byte(boltSessions)).Get([]byte(id))
	if raw == nil {
		return Session{}, false, nil
	}
	var r boltRec
	if err := json.Unmarshal(raw, &r); err != nil {
		return Session{}, false, fmt.Errorf("session: corrupt record: %w", err)
	}
	r.Session.DriverID = r.Driver
	return r.Session, true, nil
}

func save(tx *bbolt.Tx, s Session) error {
	raw, err := json.Marshal(boltRec{Session: s, Driver: s.DriverID})
	if err != nil {
		return err
	}
	return tx.Bucket([]byte(boltSessions)).Put([]byte(s.ID), raw)
}

func (b *Bolt) update(ctx context.Context, fn func(*bbolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return b.db.Update(func(tx *bbolt.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		return ctx.Err()
	})
}

func (b *Bolt) view(ctx context.Context, fn func(*bbolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return b.db.View(fn)
}

// Start implements [Repository].
func (b *Bolt) Start(ctx context.Context, s Session) error {
	if err := s.check(); err != nil {
		return err
	}
	s.StartedAt = s.StartedAt.UTC()
	return b.update(ctx, func(tx *bbolt.Tx) error {
		if tx.Bucket([]byte(boltSessions)).Get([]byte(s.ID)) != nil {
			return ErrInvalid
		}
		cl := tx.Bucket([]byte(boltClaims))
		keys := claimsOf(&s)
		for i, k := range keys {
			if cl.Get([]byte(k)) != nil {
				return claimErr(i)
			}
		}
		for _, k := range keys {
			if err := cl.Put([]byte(k), []byte(s.ID)); err != nil {
				return err
			}
		}
		if err := tx.Bucket([]byte(boltByDriver)).Put(append(lp(s.DriverID), s.ID...), nil); err != nil {
			return err
		}
		return save(tx, s)
	})
}

// End implements [Repository].
func (b *Bolt) End(ctx context.Context, driverID, id string, at time.Time, exitID string) (out Session, err error) {
	err = b.update(ctx, func(tx *bbolt.Tx) error {
		s, ok, err := load(tx, id)
		if err != nil {
			return err
		}
		if !ok || s.DriverID != driverID {
			return ErrNotFound
		}
		if s.Status != StatusActive {
			return ErrNotActive
		}
		endIn(&s, at, exitID)
		cl := tx.Bucket([]byte(boltClaims))
		for _, k := range claimsOf(&s) {
			if string(cl.Get([]byte(k))) == id {
				if err := cl.Delete([]byte(k)); err != nil {
					return err
				}
			}
		}
		out = s
		return save(tx, s)
	})
	return out, err
}

// SetExit implements [Repository].
func (b *Bolt) SetExit(ctx context.Context, driverID, id, exitID string) (out Session, err error) {
	if err := checkExit(exitID); err != nil {
		return Session{}, err
	}
	err = b.update(ctx, func(tx *bbolt.Tx) error {
		s, ok, err := load(tx, id)
		if err != nil {
			return err
		}
		if !ok || s.DriverID != driverID {
			return ErrNotFound
		}
		if s.Status != StatusActive {
			return ErrNotActive
		}
		s.ExitID = exitID
		out = s
		return save(tx, s)
	})
	return out, err
}

// SetOutcome implements [Repository].
func (b *Bolt) SetOutcome(ctx context.Context, driverID, id string, o Outcome) (out Session, err error) {
	err = b.update(ctx, func(tx *bbolt.Tx) error {
		s, ok, err := load(tx, id)
		if err != nil {
			return err
		}
		if !ok || s.DriverID != driverID {
			return ErrNotFound
		}
		s.Outcome = o
		out = s
		return save(tx, s)
	})
	return out, err
}

// Get implements [Repository].
func (b *Bolt) Get(ctx context.Context, driverID, id string) (out Session, err error) {
	err = b.view(ctx, func(tx *bbolt.Tx) error {
		s, ok, err := load(tx, id)
		if err != nil {
			return err
		}
		if !ok || s.DriverID != driverID {
			return ErrNotFound
		}
		out = s
		return nil
	})
	return out, err
}

// Active implements [Repository].
func (b *Bolt) Active(ctx context.Context, driverID string) (out Session, err error) {
	err = b.view(ctx, func(tx *bbolt.Tx) error {
		id := tx.Bucket([]byte(boltClaims)).Get([]byte(driverClaim(driverID)))
		if id == nil {
			return ErrNotFound
		}
		s, ok, err := load(tx, string(id))
		if err != nil {
			return err
		}
		if !ok {
			return ErrNotFound
		}
		out = s
		return nil
	})
	return out, err
}

// History implements [Repository].
func (b *Bolt) History(ctx context.Context, driverID string, limit, offset int) ([]Session, int, error) {
	if err := checkPage(limit, offset); err != nil {
		return nil, 0, err
	}
	var all []Session
	err := b.view(ctx, func(tx *bbolt.Tx) error {
		prefix := lp(driverID)
		c := tx.Bucket([]byte(boltByDriver)).Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			s, ok, err := load(tx, string(k[len(prefix):]))
			if err != nil {
				return err
			}
			if ok {
				all = append(all, s)
			}
		}
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	sortNewest(all)
	return pageOf(all, limit, offset), len(all), nil
}

// ActiveInFacility implements [Repository]. Active sessions are found
// through the slot claims.
func (b *Bolt) ActiveInFacility(ctx context.Context, facilityID, building string) ([]Session, error) {
	out := []Session{}
	err := b.view(ctx, func(tx *bbolt.Tx) error {
		c := tx.Bucket([]byte(boltClaims)).Cursor()
		prefix := []byte("slot\x00")
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			s, ok, err := load(tx, string(v))
			if err != nil {
				return err
			}
			if ok && s.FacilityID == facilityID && inBuilding(&s, building) {
				out = append(out, s)
			}
		}
		return nil
	})
	sortOldest(out)
	return out, err
}

// Count implements [Repository].
func (b *Bolt) Count(ctx context.Context, facilityID string) (Counts, error) {
	var c Counts
	err := b.view(ctx, func(tx *bbolt.Tx) error {
		return tx.Bucket([]byte(boltSessions)).ForEach(func(_, v []byte) error {
			var s Session
			if err := json.Unmarshal(v, &s); err != nil {
				return fmt.Errorf("session: corrupt record: %w", err)
			}
			if facilityID == "" || s.FacilityID == facilityID {
				c.Total++
				if s.Status == StatusActive {
					c.Active++
				}
			}
			return nil
		})
	})
	return c, err
}

// DeleteDriver implements [Repository].
func (b *Bolt) DeleteDriver(ctx context.Context, driverID string) (int, error) {
	n := 0
	err := b.update(ctx, func(tx *bbolt.Tx) error {
		prefix := lp(driverID)
		idx := tx.Bucket([]byte(boltByDriver))
		var keys [][]byte
		c := idx.Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			keys = append(keys, bytes.Clone(k))
		}
		cl := tx.Bucket([]byte(boltClaims))
		for _, k := range keys {
			id := string(k[len(prefix):])
			s, ok, err := load(tx, id)
			if err != nil {
				return err
			}
			if ok {
				for _, ck := range claimsOf(&s) {
					if string(cl.Get([]byte(ck))) == id {
						if err := cl.Delete([]byte(ck)); err != nil {
							return err
						}
					}
				}
				if err := tx.Bucket([]byte(boltSessions)).Delete([]byte(id)); err != nil {
					return err
				}
				n++
			}
			if err := idx.Delete(k); err != nil {
				return err
			}
		}
		return nil
	})
	return n, err
}
