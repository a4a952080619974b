package parking

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"github.com/autospot/autospot/internal/parking/fare"
)

// MemoryStore is an in-memory [MapRepository] and [RateRepository] for
// tests and single-process use. The zero value is not usable; call
// [NewMemoryStore]. It is safe for concurrent use.
type MemoryStore struct {
	mu         sync.RWMutex
	maps       map[string]*Map
	byBuilding map[string]string // BuildingKey → id
	rates      map[string]*fare.Table
}

var (
	_ MapRepository  = (*MemoryStore)(nil)
	_ RateRepository = (*MemoryStore)(nil)
)

// NewMemoryStore returns an empty store.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{
		maps:       make(map[string]*Map),
		byBuilding: make(map[string]string),
		rates:      make(map[string]*fare.Table),
	}
}

// CreateMap implements [MapRepository].
func (s *MemoryStore) CreateMap(ctx context.Context, m *Map) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if m == nil || !ValidID(m.ID) {
		return 0, &ValidationError{Problems: []Problem{{Path: "id", Msg: "a valid id is required to store a map"}}}
	}
	if m.Version != 0 {
		return 0, fmt.Errorf("%w: a new map has version 0", ErrVersionConflict)
	}
	if err := m.Validate(); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	key := BuildingKey(m.Building)
	if _, ok := s.maps[m.ID]; ok {
		return 0, fmt.Errorf("%w: map id %q", ErrDuplicate, m.ID)
	}
	if _, ok := s.byBuilding[key]; ok {
		return 0, fmt.Errorf("%w: building %q already has a map", ErrDuplicate, m.Building)
	}
	c := m.Clone()
	c.Version = 1
	s.maps[c.ID] = c
	s.byBuilding[key] = c.ID
	return 1, nil
}

// GetMap implements [MapRepository].
func (s *MemoryStore) GetMap(ctx context.Context, id string) (*Map, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	m, ok := s.maps[id]
	if !ok {
		return nil, ErrNotFound
	}
	return m.Clone(), nil
}

// GetMapByBuilding implements [MapRepository].
func (s *MemoryStore) GetMapByBuilding(ctx context.Context, name string) (*Map, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	id, ok := s.byBuilding[BuildingKey(name)]
	if !ok {
		return nil, ErrNotFound
	}
	return s.maps[id].Clone(), nil
}

// ListMaps implements [MapRepository].
func (s *MemoryStore) ListMaps(ctx context.Context, facilityID string) ([]*Map, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := []*Map{}
	for _, m := range s.maps {
		if facilityID == "" || m.FacilityID == facilityID {
			out = append(out, m.Clone())
		}
	}
	sort.Slice(out, func(i, j int) bool { return BuildingKey(out[i].Building) < BuildingKey(out[j].Building) })
	return out, nil
}

// UpdateMap implements [MapRepository].
func (s *MemoryStore) UpdateMap(ctx context.Context, m *Map) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if m == nil {
		return 0, ErrNotFound
	}
	if err := m.Validate(); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	old, ok := s.maps[m.ID]
	if !ok {
		return 0, ErrNotFound
	}
	if old.Version != m.Version {
		return 0, fmt.Errorf("%w: stored version %d, update based on %d", ErrVersionConflict, old.Version, m.Version)
	}
	if old.FacilityID != m.FacilityID {
		return 0, &ValidationError{Problems: []Problem{{Path: "facility_id", Msg: "the facility of a map cannot change"}}}
	}
	oldKey, newKey := BuildingKey(old.Building), BuildingKey(m.Building)
	if oldKey != newKey {
		if _, taken := s.byBuilding[newKey]; taken {
			return 0, fmt.Errorf("%w: building %q already has a map", ErrDuplicate, m.Building)
		}
		delete(s.byBuilding, oldKey)
		s.byBuilding[newKey] = m.ID
	}
	c := m.Clone()
	c.Version = old.Version + 1
	s.maps[c.ID] = c
	return c.Version, nil
}

// DeleteMap implements [MapRepository].
func (s *MemoryStore) DeleteMap(ctx context.Context, id string, version int64) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	old, ok := s.maps[id]
	if !ok {
		return ErrNotFound
	}
	if old.Version != version {
		return fmt.Errorf("%w: stored version %d, delete based on %d", ErrVersionConflict, old.Version, version)
	}
	delete(s.maps, id)
	delete(s.byBuilding, BuildingKey(old.Building))
	return nil
}

// GetRates implements [RateRepository].
func (s *MemoryStore) GetRates(ctx context.Context, facilityID string) (*fare.Table, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	t, ok := s.rates[facilityID]
	if !ok {
		return nil, ErrNotFound
	}
	return t.Clone(), nil
}

// PutRates implements [RateRepository].
func (s *MemoryStore) PutRates(ctx context.Context, facilityID string, t *fare.Table) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if !ValidID(facilityID) {
		return 0, &ValidationError{Problems: []Problem{{Path: "facility_id", Msg: "invalid facility id"}}}
	}
	if t == nil {
		return 0, fare.ErrInvalidRates
	}
	if err := t.Validate(); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var cur int64
	if old, ok := s.rates[facilityID]; ok {
		cur = old.Version
	}
	if t.Version != cur {
		return 0, fmt.Errorf("%w: stored version %d, write based on %d", ErrVersionConflict, cur, t.Version)
	}
	c := t.Clone()
	c.Version = cur + 1
	s.rates[facilityID] = c
	return c.Version, nil
}

var _ MapVersioner = (*MemoryStore)(nil)

// MapVersion implements [MapVersioner].
func (s *MemoryStore) MapVersion(ctx context.Context, id string) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	m, ok := s.maps[id]
	if !ok {
		return 0, ErrNotFound
	}
	return m.Version, nil
}

// MapIDByBuilding implements [MapVersioner].
func (s *MemoryStore) MapIDByBuilding(ctx context.Context, name string) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	id, ok := s.byBuilding[BuildingKey(name)]
	if !ok {
		return "", ErrNotFound
	}
	return id, nil
}
