package qrscan

import (
	"context"
	"slices"
	"sync"
)

// Memory is an in-process [Repository]. Create it with [NewMemory].
type Memory struct {
	mu   sync.Mutex
	recs map[string]Record
}

var _ Repository = (*Memory)(nil)

// NewMemory returns an empty repository.
func NewMemory() *Memory { return &Memory{recs: map[string]Record{}} }

// Add implements [Repository].
func (m *Memory) Add(ctx context.Context, r Record) (bool, error) {
	r, err := r.norm()
	if err != nil {
		return false, err
	}
	if err := ctx.Err(); err != nil {
		return false, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.recs[r.ID]; ok {
		return false, nil
	}
	m.recs[r.ID] = r
	return true, nil
}

// List implements [Repository].
func (m *Memory) List(ctx context.Context, driverID string, limit int) ([]Record, error) {
	limit, err := normLimit(limit)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	out := []Record{}
	for _, r := range m.recs {
		if r.DriverID == driverID {
			out = append(out, r)
		}
	}
	m.mu.Unlock()
	slices.SortFunc(out, newestFirst)
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// DeleteDriver implements [Repository].
func (m *Memory) DeleteDriver(ctx context.Context, driverID string) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for id, r := range m.recs {
		if r.DriverID == driverID {
			delete(m.recs, id)
			n++
		}
	}
	return n, nil
}
