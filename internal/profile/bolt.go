package profile

import (
	"context"
	"encoding/json"
	"time"

	bbolt "go.etcd.io/bbolt"
)

var bucket = []byte("profiles")

// BoltStore is a [Store] in its own bbolt file. Every write is one
// committed, fsynced transaction.
type BoltStore struct {
	db *bbolt.DB
}

var _ Store = (*BoltStore)(nil)

// OpenBolt opens (creating with mode 0600) the bbolt file at path.
func OpenBolt(path string) (*BoltStore, error) {
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{Timeout: 2 * time.Second})
	if err != nil {
		return nil, err
	}
	if err := db.Update(func(tx *bbolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists(bucket)
		return err
	}); err != nil {
		_ = db.Close()
		return nil, err
	}
	return &BoltStore{db: db}, nil
}

// Close closes the file.
func (s *BoltStore) Close() error { return s.db.Close() }

// Get implements [Store].
func (s *BoltStore) Get(_ context.Context, userID string) (Record, error) {
	var r Record
	err := s.db.View(func(tx *bbolt.Tx) error {
		v := tx.Bucket(bucket).Get([]byte(userID))
		if v == nil {
			return ErrNotFound
		}
		return json.Unmarshal(v, &r)
	})
	return r, err
}

// Put implements [Store].
func (s *BoltStore) Put(_ context.Context, r Record) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return s.db.Update(func(tx *bbolt.Tx) error { return tx.Bucket(bucket).Put([]byte(r.UserID), b) })
}

// Delete implements [Store].
func (s *BoltStore) Delete(_ context.Context, userID string) error {
	return s.db.Update(func(tx *bbolt.Tx) error { return tx.Bucket(bucket).Delete([]byte(userID)) })
}
