package memory

import (
	"context"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/autospot/autospot/auth"
)

var _ auth.UserStore = (*UserStore)(nil)

// UserStore keeps accounts in memory, with unique email and username
// indexes. The zero value is not usable; call [NewUserStore]. It is safe
// for concurrent use; reads take only a read lock.
type UserStore struct {
	mu         sync.RWMutex
	byID       map[string]auth.User
	byEmail    map[string]string // email → id
	byUsername map[string]string // username → id
}

// NewUserStore returns an empty store.
func NewUserStore() *UserStore {
	return &UserStore{
		byID:       make(map[string]auth.User),
		byEmail:    make(map[string]string),
		byUsername: make(map[string]string),
	}
}

func cloneUser(u auth.User) auth.User {
	u.Roles = slices.Clone(u.Roles)
	return u
}

// Create implements [auth.UserStore].
func (s *UserStore) Create(ctx context.Context, u auth.User) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.byID[u.ID]; ok {
		return auth.ErrUserExists
	}
	if _, ok := s.byEmail[u.Email]; ok {
		return auth.ErrEmailTaken
	}
	if _, ok := s.byUsername[u.Username]; ok {
		return auth.ErrUsernameTaken
	}
	s.byID[u.ID] = cloneUser(u)
	s.byEmail[u.Email] = u.ID
	s.byUsername[u.Username] = u.ID
	return nil
}

// ByID implements [auth.UserStore].
func (s *UserStore) ByID(ctx context.Context, id string) (auth.User, error) {
	if err := ctx.Err(); err != nil {
		return auth.User{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	u, ok := s.byID[id]
	if !ok {
		return auth.User{}, auth.ErrUserNotFound
	}
	return cloneUser(u), nil
}

func (s *UserStore) byIndex(ctx context.Context, idx map[string]string, key string) (auth.User, error) {
	if err := ctx.Err(); err != nil {
		return auth.User{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	id, ok := idx[key]
	if !ok {
		return auth.User{}, auth.ErrUserNotFound
	}
	return cloneUser(s.byID[id]), nil
}

// ByEmail implements [auth.UserStore].
func (s *UserStore) ByEmail(ctx context.Context, email string) (auth.User, error) {
	return s.byIndex(ctx, s.byEmail, email)
}

// ByUsername implements [auth.UserStore].
func (s *UserStore) ByUsername(ctx context.Context, username string) (auth.User, error) {
	return s.byIndex(ctx, s.byUsername, username)
}

func (s *UserStore) update(ctx context.Context, id string, f func(u *auth.User) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.byID[id]
	if !ok {
		return auth.ErrUserNotFound
	}
	if err := f(&u); err != nil {
		return err
	}
	s.byID[id] = u
	return nil
}

// UpdatePasswordHash implements [auth.UserStore].
func (s *UserStore) UpdatePasswordHash(ctx context.Context, id, oldHash, newHash string, at time.Time) error {
	return s.update(ctx, id, func(u *auth.User) error {
		if u.PasswordHash != oldHash {
			return auth.ErrUserChanged
		}
		u.PasswordHash, u.UpdatedAt = newHash, at
		return nil
	})
}

// UpdateFullName implements [auth.UserStore].
func (s *UserStore) UpdateFullName(ctx context.Context, id, oldName, newName string) error {
	return s.update(ctx, id, func(u *auth.User) error {
		if u.FullName != oldName {
			return auth.ErrUserChanged
		}
		u.FullName = newName
		return nil
	})
}

// UpdateEmail implements [auth.UserStore].
func (s *UserStore) UpdateEmail(ctx context.Context, id, oldEmail, newEmail, newSealed string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.byID[id]
	switch {
	case !ok:
		return auth.ErrUserNotFound
	case u.Email != oldEmail:
		return auth.ErrUserChanged
	}
	if other, taken := s.byEmail[newEmail]; taken && other != id {
		return auth.ErrEmailTaken
	}
	delete(s.byEmail, u.Email)
	u.Email, u.EmailSealed = newEmail, newSealed
	s.byEmail[newEmail] = id
	s.byID[id] = u
	return nil
}

// UpdateRoles implements [auth.UserStore].
func (s *UserStore) UpdateRoles(ctx context.Context, id string, roles []auth.Role, facility string, at time.Time) error {
	return s.update(ctx, id, func(u *auth.User) error {
		u.Roles, u.Facility, u.UpdatedAt = slices.Clone(roles), facility, at
		return nil
	})
}

// SetLockedUntil implements [auth.UserStore].
func (s *UserStore) SetLockedUntil(ctx context.Context, id string, until, at time.Time) error {
	return s.update(ctx, id, func(u *auth.User) error {
		u.LockedUntil, u.UpdatedAt = until, at
		return nil
	})
}

// Delete implements [auth.UserStore].
func (s *UserStore) Delete(ctx context.Context, id string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.byID[id]
	if !ok {
		return auth.ErrUserNotFound
	}
	delete(s.byID, id)
	delete(s.byEmail, u.Email)
	delete(s.byUsername, u.Username)
	return nil
}

// List implements [auth.UserStore]. It scans every user: fine for the
// sizes a memory store holds.
func (s *UserStore) List(ctx context.Context, q auth.UserQuery) (auth.UserPage, error) {
	if err := ctx.Err(); err != nil {
		return auth.UserPage{}, err
	}
	limit := q.PageLimit()
	needle := strings.ToLower(q.Search)
	s.mu.RLock()
	var match []auth.User
	for id, u := range s.byID {
		if id <= q.After && q.After != "" {
			continue
		}
		if q.Role != "" && !slices.Contains(u.Roles, q.Role) {
			continue
		}
		if needle != "" && !strings.Contains(strings.ToLower(u.Email), needle) &&
			!strings.Contains(strings.ToLower(u.Username), needle) &&
			!strings.Contains(strings.ToLower(u.FullName), needle) {
			continue
		}
		match = append(match, cloneUser(u))
	}
	s.mu.RUnlock()
	sort.Slice(match, func(i, j int) bool { return match[i].ID < match[j].ID })
	var page auth.UserPage
	if len(match) > limit {
		match = match[:limit]
		page.Next = match[limit-1].ID
	}
	page.Users = match
	return page, nil
}

// Len returns the number of users.
func (s *UserStore) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.byID)
}
