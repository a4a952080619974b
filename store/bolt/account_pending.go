package bolt

import (
	"context"
	"crypto/subtle"
	"fmt"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/autospot/autospot/auth"
)

var _ auth.PendingStore = (*PendingStore)(nil)

// PendingStore implements [auth.PendingStore] on a [DB]: registrations
// keyed by email, with an expiry index for [PendingStore.Prune]. Take
// compares the ticket (in constant time), checks expiry and deletes in one
// transaction, so of concurrent Takes exactly one succeeds. It is safe for
// concurrent use.
type PendingStore struct{ db *DB }

// PendingStore returns the pending-registration store of db.
func (db *DB) PendingStore() *PendingStore { return &PendingStore{db: db} }

const pendingVersion = 1

func encodePending(p *auth.PendingRegistration) []byte {
	e := newEncoder(pendingVersion, 64+len(p.Email)+len(p.Ticket)+len(p.Username)+len(p.FullName)+len(p.PasswordHash))
	e.str(p.Email)
	e.str(p.Ticket)
	e.str(p.Username)
	e.str(p.FullName)
	e.str(p.PasswordHash)
	e.time(p.CreatedAt)
	e.time(p.ExpiresAt)
	return e.b
}

func decodePending(b []byte) (auth.PendingRegistration, error) {
	d := newDecoder(b, "pending registration", pendingVersion)
	var p auth.PendingRegistration
	p.Email = d.str()
	p.Ticket = d.str()
	p.Username = d.str()
	p.FullName = d.str()
	p.PasswordHash = d.str()
	p.CreatedAt = d.time()
	p.ExpiresAt = d.time()
	if err := d.done(); err != nil {
		return auth.PendingRegistration{}, err
	}
	return p, nil
}

func openPending(tx *bbolt.Tx) (expiring, error) {
	return openExpiring(tx, bucketPending, bucketPendingExpiry)
}

// Put implements [auth.PendingStore]. An empty email is an error.
func (s *PendingStore) Put(ctx context.Context, p auth.PendingRegistration) error {
	if p.Email == "" {
		return fmt.Errorf("bolt: put pending registration: empty email")
	}
	return s.db.update(ctx, "put pending registration", func(tx *bbolt.Tx) error {
		e, err := openPending(tx)
		if err != nil {
			return err
		}
		key := []byte(p.Email)
		old, ok, err := getRecord(e.data, key, decodePending)
		if err != nil {
			return err
		}
		var oldExp *time.Time
		if ok {
			oldExp = &old.ExpiresAt
		}
		return wrap("put pending registration", e.put(key, encodePending(&p), oldExp, p.ExpiresAt))
	})
}

// Take implements [auth.PendingStore].
func (s *PendingStore) Take(ctx context.Context, email, ticket string, now time.Time) (auth.PendingRegistration, error) {
	var out auth.PendingRegistration
	err := s.db.update(ctx, "take pending registration", func(tx *bbolt.Tx) error {
		e, err := openPending(tx)
		if err != nil {
			return err
		}
		key := []byte(email)
		p, ok, err := getRecord(e.data, key, decodePending)
		switch {
		case err != nil:
			return err
		case !ok || !now.Before(p.ExpiresAt) || subtle.ConstantTimeCompare([]byte(p.Ticket), []byte(ticket)) != 1:
			return auth.ErrPendingNotFound
		}
		out = p
		return wrap("take pending registration", e.del(key, p.ExpiresAt))
	})
	if err != nil {
		return auth.PendingRegistration{}, err
	}
	return out, nil
}

// Get implements [auth.PendingStore]; expiry is checked against now.
func (s *PendingStore) Get(ctx context.Context, email string, now time.Time) (auth.PendingRegistration, error) {
	var out auth.PendingRegistration
	err := s.db.view(ctx, "get pending registration", func(tx *bbolt.Tx) error {
		e, err := openPending(tx)
		if err != nil {
			return err
		}
		p, ok, err := getRecord(e.data, []byte(email), decodePending)
		switch {
		case err != nil:
			return err
		case !ok || !now.Before(p.ExpiresAt):
			return auth.ErrPendingNotFound
		}
		out = p
		return nil
	})
	if err != nil {
		return auth.PendingRegistration{}, err
	}
	return out, nil
}

// Delete implements [auth.PendingStore].
func (s *PendingStore) Delete(ctx context.Context, email string) error {
	return s.db.update(ctx, "delete pending registration", func(tx *bbolt.Tx) error {
		e, err := openPending(tx)
		if err != nil {
			return err
		}
		key := []byte(email)
		p, ok, err := getRecord(e.data, key, decodePending)
		if err != nil || !ok {
			return err
		}
		return wrap("delete pending registration", e.del(key, p.ExpiresAt))
	})
}

// Prune deletes the registrations that have expired at now and returns
// how many.
func (s *PendingStore) Prune(ctx context.Context, now time.Time) (int, error) {
	return pruneLoop(ctx, s.db, "prune pending registrations", func(tx *bbolt.Tx) (int, error) {
		e, err := openPending(tx)
		if err != nil {
			return 0, err
		}
		return e.prune(now)
	})
}
