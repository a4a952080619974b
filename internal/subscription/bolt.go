package subscription

import (
	"context"
	"encoding/json"
	"fmt"

	bbolt "go.etcd.io/bbolt"
)

const boltBucket = "subscription.bydriver" // driver id → Subscription

// Bolt is a [Repository] in a bbolt file; Put compares and stores in one
// transaction. Create it with [NewBolt]; it is safe for concurrent use.
type Bolt struct{ db *bbolt.DB }

var _ Repository = (*Bolt)(nil)

// NewBolt returns a repository in db, creating its bucket; the caller
// keeps ownership of db.
func NewBolt(db *bbolt.DB) (*Bolt, error) {
	if db == nil {
		return nil, fmt.Errorf("%w: nil bolt database", ErrInvalid)
	}
	if err := db.Update(func(tx *bbolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists([]byte(boltBucket))
		return err
	}); err != nil {
		return nil, fmt.Errorf("subscription: bolt bucket: %w", err)
	}
	return &Bolt{db: db}, nil
}

type boltRec struct {
	Subscription
	Upgrade string `json:"upgrade,omitempty"`
	Version int64  `json:"version"`
}

func get(tx *bbolt.Tx, driver string) (Subscription, error) {
	raw := tx.Bucket([]byte(boltBucket)).Get([]byte(driver))
	if raw == nil {
		return basic(driver), nil
	}
	var r boltRec
	if err := json.Unmarshal(raw, &r); err != nil {
		return Subscription{}, fmt.Errorf("subscription: corrupt record: %w", err)
	}
	s := r.Subscription
	s.DriverID, s.Upgrade, s.Version = driver, r.Upgrade, r.Version
	return s, nil
}

// Get implements [Repository].
func (b *Bolt) Get(ctx context.Context, driverID string) (s Subscription, err error) {
	if err := ctx.Err(); err != nil {
		return Subscription{}, err
	}
	err = b.db.View(func(tx *bbolt.Tx) error {
		s, err = get(tx, driverID)
		return err
	})
	return s, err
}

// Put implements [Repository].
func (b *Bolt) Put(ctx context.Context, s Subscription) (int64, error) {
	if err := s.check(); err != nil {
		return 0, err
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	err := b.db.Update(func(tx *bbolt.Tx) error {
		cur, err := get(tx, s.DriverID)
		if err != nil {
			return err
		}
		if cur.Version != s.Version {
			return ErrConflict
		}
		s.Version++
		s.ExpiresAt = s.ExpiresAt.UTC()
		raw, err := json.Marshal(boltRec{Subscription: s, Upgrade: s.Upgrade, Version: s.Version})
		if err != nil {
			return err
		}
		if err := tx.Bucket([]byte(boltBucket)).Put([]byte(s.DriverID), raw); err != nil {
			return err
		}
		return ctx.Err()
	})
	if err != nil {
		return 0, err
	}
	return s.Version, nil
}

// Delete implements [Repository].
func (b *Bolt) Delete(ctx context.Context, driverID string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return b.db.Update(func(tx *bbolt.Tx) error { return tx.Bucket([]byte(boltBucket)).Delete([]byte(driverID)) })
}
