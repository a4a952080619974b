package profile

import (
	"context"
	"sync"
)

// MemoryStore is an in-process [Store]. The zero value is not usable; use
// [NewMemoryStore].
type MemoryStore struct {
	mu sync.RWMutex
	m  map[string]Record
}

var _ Store = (*MemoryStore)(nil)

// NewMemoryStore returns an empty store.
func NewMemoryStore() *MemoryStore { return &MemoryStore{m: map[string]Record{}} }

// Get implements [Store].
func (s *MemoryStore) Get(_ context.Context, userID string) (Record, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	r, ok := s.m[userID]
	if !ok {
		return Record{}, ErrNotFound
	}
	return r, nil
}

// Put implements [Store].
func (s *MemoryStore) Put(_ context.Context, r Record) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[r.UserID] = r
	return nil
}

// Delete implements [Store].
func (s *MemoryStore) Delete(_ context.Context, userID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, userID)
	return nil
}
