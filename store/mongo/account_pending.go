package mongo

import (
	"context"
	"errors"
	"fmt"
	"time"

	driver "go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/autospot/autospot/auth"
)

var _ auth.PendingStore = (*PendingStore)(nil)

// PendingStore implements [auth.PendingStore] as a register per email in
// [CollPending] and [CollPendingVersions] (see the package documentation,
// "Atomicity"). Take swaps in a tombstone only if the newest version
// carries the ticket and has not expired at now, so of concurrent Takes
// exactly one succeeds. It is safe for concurrent use.
// Get it from [Store.PendingStore]; the zero value is not usable.
type PendingStore struct {
	reg      register
	attempts int
}

func newPendingStore(db *driver.Database, attempts int) *PendingStore {
	return &PendingStore{
		reg:      register{heads: db.Collection(CollPending), versions: db.Collection(CollPendingVersions), upsertHead: true},
		attempts: attempts,
	}
}

type pendingState struct {
	Ticket       string    `bson:"ticket"`
	Username     string    `bson:"username"`
	FullName     string    `bson:"fullName,omitempty"`
	PasswordHash string    `bson:"pw"`
	CreatedAt    time.Time `bson:"createdAt"`
	ExpiresAt    time.Time `bson:"expiresAt"`
}

func (s *PendingStore) load(ctx context.Context, email string) (version, *pendingState, error) {
	return loadState[pendingState](ctx, &s.reg, email)
}

func (st *pendingState) registration(email string) auth.PendingRegistration {
	return auth.PendingRegistration{
		Email: email, Ticket: st.Ticket, Username: st.Username, FullName: st.FullName,
		PasswordHash: st.PasswordHash, CreatedAt: utc(st.CreatedAt), ExpiresAt: utc(st.ExpiresAt),
	}
}

// Put implements [auth.PendingStore].
func (s *PendingStore) Put(ctx context.Context, p auth.PendingRegistration) error {
	st := pendingState{
		Ticket: p.Ticket, Username: p.Username, FullName: p.FullName, PasswordHash: p.PasswordHash,
		CreatedAt: p.CreatedAt, ExpiresAt: p.ExpiresAt,
	}
	err := retry(ctx, s.attempts, func() (bool, error) {
		cur, err := s.reg.load(ctx, p.Email, nil)
		if err != nil {
			return false, err
		}
		return s.reg.swap(ctx, p.Email, cur, st, p.ExpiresAt)
	})
	if err != nil {
		return fmt.Errorf("mongo: put pending registration: %w", err)
	}
	return nil
}

// Take implements [auth.PendingStore].
func (s *PendingStore) Take(ctx context.Context, email, ticket string, now time.Time) (auth.PendingRegistration, error) {
	var got auth.PendingRegistration
	err := retry(ctx, s.attempts, func() (bool, error) {
		cur, st, err := s.load(ctx, email)
		if err != nil {
			return false, err
		}
		if st == nil || st.Ticket != ticket || !now.Before(st.ExpiresAt) {
			return false, auth.ErrPendingNotFound
		}
		got = st.registration(email)
		return s.reg.swap(ctx, email, cur, nil, cur.exp)
	})
	switch {
	case err == nil:
		return got, nil
	case errors.Is(err, auth.ErrPendingNotFound):
		return auth.PendingRegistration{}, err
	}
	return auth.PendingRegistration{}, fmt.Errorf("mongo: take pending registration: %w", err)
}

// Get implements [auth.PendingStore].
func (s *PendingStore) Get(ctx context.Context, email string, now time.Time) (auth.PendingRegistration, error) {
	_, st, err := s.load(ctx, email)
	if err != nil {
		return auth.PendingRegistration{}, fmt.Errorf("mongo: get pending registration: %w", err)
	}
	if st == nil || !now.Before(st.ExpiresAt) {
		return auth.PendingRegistration{}, auth.ErrPendingNotFound
	}
	return st.registration(email), nil
}

// Delete implements [auth.PendingStore].
func (s *PendingStore) Delete(ctx context.Context, email string) error {
	err := retry(ctx, s.attempts, func() (bool, error) {
		cur, err := s.reg.load(ctx, email, nil)
		if err != nil || cur.s == nil {
			return true, err
		}
		return s.reg.swap(ctx, email, cur, nil, cur.exp)
	})
	if err != nil {
		return fmt.Errorf("mongo: delete pending registration: %w", err)
	}
	return nil
}

// Prune deletes registrations that expired more than [PruneGrace] before now (the TTL index does
// the same where the server has one) and returns how many.
func (s *PendingStore) Prune(ctx context.Context, now time.Time) (int, error) {
	n, err := s.reg.prune(ctx, now)
	if err != nil {
		return n, fmt.Errorf("mongo: prune pending registrations: %w", err)
	}
	return n, nil
}
