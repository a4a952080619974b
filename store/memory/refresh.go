package memory

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/autospot/autospot/auth"
)

var _ auth.RefreshStore = (*RefreshStore)(nil)

// RefreshStore keeps refresh-token families in memory. The zero value is
// not usable; call [NewRefreshStore]. It is safe for concurrent use.
type RefreshStore struct {
	mu      sync.Mutex
	fams    map[string]*auth.Family
	byUser  map[string]map[string]struct{}
	creates int
}

// NewRefreshStore returns an empty store.
func NewRefreshStore() *RefreshStore {
	return &RefreshStore{
		fams:   make(map[string]*auth.Family),
		byUser: make(map[string]map[string]struct{}),
	}
}

func clone(f *auth.Family) auth.Family {
	c := *f
	c.Roles = slices.Clone(f.Roles)
	return c
}

// CreateFamily implements [auth.RefreshStore].
func (s *RefreshStore) CreateFamily(ctx context.Context, f auth.Family) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.fams[f.ID]; ok {
		return auth.ErrFamilyExists
	}
	if s.creates++; s.creates%pruneEvery == 0 {
		s.pruneLocked(f.CreatedAt)
	}
	c := clone(&f)
	s.fams[f.ID] = &c
	u := s.byUser[f.UserID]
	if u == nil {
		u = make(map[string]struct{})
		s.byUser[f.UserID] = u
	}
	u[f.ID] = struct{}{}
	return nil
}

// Family implements [auth.RefreshStore].
func (s *RefreshStore) Family(ctx context.Context, id string) (auth.Family, error) {
	if err := ctx.Err(); err != nil {
		return auth.Family{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f, ok := s.fams[id]
	if !ok {
		return auth.Family{}, auth.ErrFamilyNotFound
	}
	return clone(f), nil
}

// RotateFamily implements [auth.RefreshStore].
func (s *RefreshStore) RotateFamily(ctx context.Context, r auth.Rotation) (auth.Family, error) {
	if err := ctx.Err(); err != nil {
		return auth.Family{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f, ok := s.fams[r.FamilyID]
	switch {
	case !ok:
		return auth.Family{}, auth.ErrFamilyNotFound
	case !f.RevokedAt.IsZero():
		return clone(f), auth.ErrFamilyRevoked
	case !r.Now.Before(f.ExpiresAt):
		return clone(f), auth.ErrFamilyExpired
	case f.Head != r.Presented:
		return clone(f), auth.ErrStaleRefresh
	}
	f.Prev, f.Head = f.Head, r.Next
	f.RotatedAt = r.Now
	f.Salt = r.Salt
	f.Generation++
	return clone(f), nil
}

// RevokeFamily implements [auth.RefreshStore].
func (s *RefreshStore) RevokeFamily(ctx context.Context, id string, at time.Time, reason string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f, ok := s.fams[id]
	if !ok {
		return auth.ErrFamilyNotFound
	}
	if f.RevokedAt.IsZero() {
		f.RevokedAt, f.RevokeReason = at, reason
	}
	return nil
}

// RevokeUserFamilies implements [auth.RefreshStore].
func (s *RefreshStore) RevokeUserFamilies(ctx context.Context, userID string, at time.Time, reason string) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for id := range s.byUser[userID] {
		if f := s.fams[id]; f != nil && f.RevokedAt.IsZero() {
			f.RevokedAt, f.RevokeReason = at, reason
			n++
		}
	}
	return n, nil
}

// Prune deletes the families whose absolute lifetime ended before now and
// returns how many it deleted. A pruned family reads as unknown, which
// Refresh treats as invalid, exactly like an expired one.
func (s *RefreshStore) Prune(now time.Time) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pruneLocked(now)
}

func (s *RefreshStore) pruneLocked(now time.Time) int {
	n := 0
	for id, f := range s.fams {
		if f.ExpiresAt.Before(now) {
			delete(s.fams, id)
			if u := s.byUser[f.UserID]; u != nil {
				delete(u, id)
				if len(u) == 0 {
					delete(s.byUser, f.UserID)
				}
			}
			n++
		}
	}
	return n
}

// Len returns the number of families held.
func (s *RefreshStore) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.fams)
}
