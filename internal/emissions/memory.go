package emissions

import (
	"cmp"
	"context"
	"slices"
	"sync"
)

// Memory is an in-process [Repository]. The zero value is not usable;
// call [NewMemory]. It is safe for concurrent use.
type Memory struct {
	mu   sync.Mutex
	recs map[string]Record
}

var _ Repository = (*Memory)(nil)

// NewMemory returns an empty repository.
func NewMemory() *Memory { return &Memory{recs: map[string]Record{}} }

// Add implements [Repository].
func (m *Memory) Add(ctx context.Context, r Record) error {
	if err := r.check(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.recs[r.ID]; ok {
		return ErrInvalid
	}
	r.CreatedAt = r.CreatedAt.UTC()
	m.recs[r.ID] = r
	return nil
}

// Get implements [Repository].
func (m *Memory) Get(ctx context.Context, driverID, id string) (Record, error) {
	if err := ctx.Err(); err != nil {
		return Record{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.recs[id]
	if !ok || r.DriverID != driverID {
		return Record{}, ErrNotFound
	}
	return r, nil
}

func sortNewest(rs []Record) {
	slices.SortStableFunc(rs, func(a, b Record) int {
		if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
			return c
		}
		return cmp.Compare(b.ID, a.ID)
	})
}

// List implements [Repository].
func (m *Memory) List(ctx context.Context, driverID string, f Filter) ([]Record, error) {
	f, err := f.norm()
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	out := []Record{}
	for _, r := range m.recs {
		if r.DriverID == driverID && f.match(&r) {
			out = append(out, r)
		}
	}
	sortNewest(out)
	if len(out) > f.Limit {
		out = out[:f.Limit]
	}
	return out, nil
}

// Delete implements [Repository].
func (m *Memory) Delete(ctx context.Context, driverID, sessionID string) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for id, r := range m.recs {
		if r.DriverID == driverID && (sessionID == "" || r.SessionID == sessionID) {
			delete(m.recs, id)
			n++
		}
	}
	return n, nil
}
