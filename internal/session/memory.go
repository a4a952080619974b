package session

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"sync"
	"time"
)

// Memory is an in-process [Repository]. Create it with [NewMemory]; it is
// safe for concurrent use.
type Memory struct {
	mu       sync.Mutex
	sessions map[string]*Session
	claims   map[string]string // claim key → session id
}

var _ Repository = (*Memory)(nil)

// NewMemory returns an empty repository.
func NewMemory() *Memory {
	return &Memory{sessions: map[string]*Session{}, claims: map[string]string{}}
}

func claimsOf(s *Session) [3]string {
	return [3]string{driverClaim(s.DriverID), vehicleClaim(s.Vehicle), slotClaim(s.Slot)}
}

// claimErr maps the index of a claim (driver, vehicle, slot) to its error.
func claimErr(i int) error {
	return [3]error{ErrDriverActive, ErrVehicleActive, ErrSlotTaken}[i]
}

// Start implements [Repository].
func (m *Memory) Start(ctx context.Context, s Session) error {
	if err := s.check(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.sessions[s.ID]; ok {
		return ErrInvalid
	}
	keys := claimsOf(&s)
	for i, k := range keys {
		if _, ok := m.claims[k]; ok {
			return claimErr(i)
		}
	}
	for _, k := range keys {
		m.claims[k] = s.ID
	}
	s.StartedAt = s.StartedAt.UTC()
	m.sessions[s.ID] = &s
	return nil
}

func endIn(s *Session, at time.Time, exitID string) {
	t := at.UTC()
	s.EndedAt, s.Status = &t, StatusEnded
	if exitID != "" {
		s.ExitID = exitID
	}
}

// End implements [Repository].
func (m *Memory) End(ctx context.Context, driverID, id string, at time.Time, exitID string) (Session, error) {
	if err := ctx.Err(); err != nil {
		return Session{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.sessions[id]
	if !ok || s.DriverID != driverID {
		return Session{}, ErrNotFound
	}
	if s.Status != StatusActive {
		return Session{}, ErrNotActive
	}
	endIn(s, at, exitID)
	for _, k := range claimsOf(s) {
		if m.claims[k] == id {
			delete(m.claims, k)
		}
	}
	return *s, nil
}

// SetExit implements [Repository].
func (m *Memory) SetExit(ctx context.Context, driverID, id, exitID string) (Session, error) {
	if err := checkExit(exitID); err != nil {
		return Session{}, err
	}
	if err := ctx.Err(); err != nil {
		return Session{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.sessions[id]
	if !ok || s.DriverID != driverID {
		return Session{}, ErrNotFound
	}
	if s.Status != StatusActive {
		return Session{}, ErrNotActive
	}
	s.ExitID = exitID
	return *s, nil
}

// SetOutcome implements [Repository].
func (m *Memory) SetOutcome(ctx context.Context, driverID, id string, o Outcome) (Session, error) {
	if err := ctx.Err(); err != nil {
		return Session{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.sessions[id]
	if !ok || s.DriverID != driverID {
		return Session{}, ErrNotFound
	}
	s.Outcome = o
	return *s, nil
}

// Get implements [Repository].
func (m *Memory) Get(ctx context.Context, driverID, id string) (Session, error) {
	if err := ctx.Err(); err != nil {
		return Session{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.sessions[id]
	if !ok || s.DriverID != driverID {
		return Session{}, ErrNotFound
	}
	return *s, nil
}

// Active implements [Repository].
func (m *Memory) Active(ctx context.Context, driverID string) (Session, error) {
	if err := ctx.Err(); err != nil {
		return Session{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if id, ok := m.claims[driverClaim(driverID)]; ok {
		return *m.sessions[id], nil
	}
	return Session{}, ErrNotFound
}

func sortNewest(ss []Session) {
	slices.SortStableFunc(ss, func(a, b Session) int {
		if c := b.StartedAt.Compare(a.StartedAt); c != 0 {
			return c
		}
		return cmp.Compare(b.ID, a.ID)
	})
}

func pageOf(ss []Session, limit, offset int) []Session {
	if offset >= len(ss) {
		return []Session{}
	}
	ss = ss[offset:]
	if len(ss) > limit {
		ss = ss[:limit]
	}
	return ss
}

// History implements [Repository].
func (m *Memory) History(ctx context.Context, driverID string, limit, offset int) ([]Session, int, error) {
	if err := checkPage(limit, offset); err != nil {
		return nil, 0, err
	}
	if err := ctx.Err(); err != nil {
		return nil, 0, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	var all []Session
	for _, s := range m.sessions {
		if s.DriverID == driverID {
			all = append(all, *s)
		}
	}
	sortNewest(all)
	return pageOf(all, limit, offset), len(all), nil
}

func inBuilding(s *Session, building string) bool {
	return building == "" || strings.EqualFold(s.Slot.Building, building)
}

// ActiveInFacility implements [Repository].
func (m *Memory) ActiveInFacility(ctx context.Context, facilityID, building string) ([]Session, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	out := []Session{}
	for _, s := range m.sessions {
		if s.Status == StatusActive && s.FacilityID == facilityID && inBuilding(s, building) {
			out = append(out, *s)
		}
	}
	sortOldest(out)
	return out, nil
}

func sortOldest(ss []Session) {
	sortNewest(ss)
	slices.Reverse(ss)
}

// Count implements [Repository].
func (m *Memory) Count(ctx context.Context, facilityID string) (Counts, error) {
	if err := ctx.Err(); err != nil {
		return Counts{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	var c Counts
	for _, s := range m.sessions {
		if facilityID == "" || s.FacilityID == facilityID {
			c.Total++
			if s.Status == StatusActive {
				c.Active++
			}
		}
	}
	return c, nil
}

// DeleteDriver implements [Repository].
func (m *Memory) DeleteDriver(ctx context.Context, driverID string) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for id, s := range m.sessions {
		if s.DriverID != driverID {
			continue
		}
		for _, k := range claimsOf(s) {
			if m.claims[k] == id {
				delete(m.claims, k)
			}
		}
		delete(m.sessions, id)
		n++
	}
	return n, nil
}
