package memory

import (
	"context"
	"sync"
	"time"

	"github.com/autospot/autospot/auth"
)

var _ auth.ResetStore = (*ResetStore)(nil)

// ResetStore keeps password-reset tokens in memory. The zero value is not
// usable; call [NewResetStore]. It is safe for concurrent use. Expired
// tokens are pruned as new ones are put.
type ResetStore struct {
	mu     sync.Mutex
	m      map[string]auth.ResetToken
	writes int
}

// NewResetStore returns an empty store.
func NewResetStore() *ResetStore {
	return &ResetStore{m: make(map[string]auth.ResetToken)}
}

// Put implements [auth.ResetStore].
func (s *ResetStore) Put(ctx context.Context, t auth.ResetToken) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.writes++; s.writes%pruneEvery == 0 {
		deleteExpired(s.m, func(v auth.ResetToken) bool { return !t.CreatedAt.Before(v.ExpiresAt) })
	}
	if _, ok := s.m[t.Hash]; ok {
		return auth.ErrResetExists
	}
	s.m[t.Hash] = t
	return nil
}

// Consume implements [auth.ResetStore].
func (s *ResetStore) Consume(ctx context.Context, hash string, now time.Time) (auth.ResetToken, error) {
	if err := ctx.Err(); err != nil {
		return auth.ResetToken{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.m[hash]
	if !ok {
		return auth.ResetToken{}, auth.ErrResetNotFound
	}
	if !now.Before(t.ExpiresAt) {
		delete(s.m, hash)
		return auth.ResetToken{}, auth.ErrResetNotFound
	}
	delete(s.m, hash)
	return t, nil
}

// DeleteUser implements [auth.ResetStore].
func (s *ResetStore) DeleteUser(ctx context.Context, userID string) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for k, t := range s.m {
		if t.UserID == userID {
			delete(s.m, k)
			n++
		}
	}
	return n, nil
}
