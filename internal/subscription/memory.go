package subscription

import (
	"context"
	"sync"
)

// Memory is an in-process [Repository]. The zero value is not usable;
// call [NewMemory]. It is safe for concurrent use.
type Memory struct {
	mu   sync.Mutex
	subs map[string]Subscription
}

var _ Repository = (*Memory)(nil)

// NewMemory returns an empty repository.
func NewMemory() *Memory { return &Memory{subs: map[string]Subscription{}} }

// Get implements [Repository].
func (m *Memory) Get(ctx context.Context, driverID string) (Subscription, error) {
	if err := ctx.Err(); err != nil {
		return Subscription{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if s, ok := m.subs[driverID]; ok {
		return s, nil
	}
	return basic(driverID), nil
}

// Put implements [Repository].
func (m *Memory) Put(ctx context.Context, s Subscription) (int64, error) {
	if err := s.check(); err != nil {
		return 0, err
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.subs[s.DriverID].Version != s.Version {
		return 0, ErrConflict
	}
	s.Version++
	s.ExpiresAt = s.ExpiresAt.UTC()
	m.subs[s.DriverID] = s
	return s.Version, nil
}

// Delete implements [Repository].
func (m *Memory) Delete(ctx context.Context, driverID string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.subs, driverID)
	return nil
}
