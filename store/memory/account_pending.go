package memory

import (
	"context"
	"sync"
	"time"

	"github.com/autospot/autospot/auth"
)

var _ auth.PendingStore = (*PendingStore)(nil)

// PendingStore keeps pending registrations in memory, one per email. The
// zero value is not usable; call [NewPendingStore]. It is safe for
// concurrent use. Expired entries are pruned as new ones are put.
type PendingStore struct {
	mu     sync.Mutex
	m      map[string]auth.PendingRegistration
	writes int
}

// NewPendingStore returns an empty store.
func NewPendingStore() *PendingStore {
	return &PendingStore{m: make(map[string]auth.PendingRegistration)}
}

// Put implements [auth.PendingStore].
func (s *PendingStore) Put(ctx context.Context, p auth.PendingRegistration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.writes++; s.writes%pruneEvery == 0 {
		s.pruneLocked(p.CreatedAt)
	}
	s.m[p.Email] = p
	return nil
}

// Take implements [auth.PendingStore].
func (s *PendingStore) Take(ctx context.Context, email, ticket string, now time.Time) (auth.PendingRegistration, error) {
	if err := ctx.Err(); err != nil {
		return auth.PendingRegistration{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.m[email]
	if !ok || p.Ticket != ticket || !now.Before(p.ExpiresAt) {
		return auth.PendingRegistration{}, auth.ErrPendingNotFound
	}
	delete(s.m, email)
	return p, nil
}

// Get implements [auth.PendingStore].
func (s *PendingStore) Get(ctx context.Context, email string, now time.Time) (auth.PendingRegistration, error) {
	if err := ctx.Err(); err != nil {
		return auth.PendingRegistration{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.m[email]
	if !ok || !now.Before(p.ExpiresAt) {
		return auth.PendingRegistration{}, auth.ErrPendingNotFound
	}
	return p, nil
}

// Delete implements [auth.PendingStore].
func (s *PendingStore) Delete(ctx context.Context, email string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, email)
	return nil
}

// Prune deletes the registrations that have expired at now and returns
// how many.
func (s *PendingStore) Prune(now time.Time) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pruneLocked(now)
}

func (s *PendingStore) pruneLocked(now time.Time) int {
	return deleteExpired(s.m, func(p auth.PendingRegistration) bool { return !now.Before(p.ExpiresAt) })
}
