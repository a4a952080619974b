package memory

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/autospot/autospot/auth"
)

var _ auth.RevocationStore = (*RevocationStore)(nil)

// RevocationStore keeps per-user revocation epochs and logged-out sessions
// in memory. The zero value is not usable; call [NewRevocationStore]. It is
// safe for concurrent use; Status takes only a read lock.
type RevocationStore struct {
	mu       sync.RWMutex
	epochs   map[string]uint64
	sessions map[string]time.Time // session id → revoked until
	writes   int
	// latest is the latest now (Unix ns) passed to Status; the automatic
	// sweep in RevokeSession uses it instead of the wall clock, so that
	// callers with an injected clock stay exact.
	latest atomic.Int64
}

// NewRevocationStore returns an empty store.
func NewRevocationStore() *RevocationStore {
	return &RevocationStore{epochs: make(map[string]uint64), sessions: make(map[string]time.Time)}
}

// Status implements [auth.RevocationStore].
func (s *RevocationStore) Status(ctx context.Context, userID, sessionID string, now time.Time) (auth.RevocationStatus, error) {
	if err := ctx.Err(); err != nil {
		return auth.RevocationStatus{}, err
	}
	if ns := now.UnixNano(); ns > s.latest.Load() {
		s.latest.Store(ns) // a racing smaller store only delays sweeping
	}
	s.mu.RLock()
	st := auth.RevocationStatus{Epoch: s.epochs[userID]}
	if sessionID != "" {
		if until, ok := s.sessions[sessionID]; ok && now.Before(until) {
			st.SessionRevoked = true
		}
	}
	s.mu.RUnlock()
	return st, nil
}

// BumpEpoch implements [auth.RevocationStore].
func (s *RevocationStore) BumpEpoch(ctx context.Context, userID string) (uint64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.epochs[userID]++
	return s.epochs[userID], nil
}

// RevokeSession implements [auth.RevocationStore].
func (s *RevocationStore) RevokeSession(ctx context.Context, sessionID string, until time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.writes++; s.writes%pruneEvery == 0 {
		if ns := s.latest.Load(); ns > 0 {
			s.pruneLocked(time.Unix(0, ns))
		}
	}
	if old, ok := s.sessions[sessionID]; !ok || until.After(old) {
		s.sessions[sessionID] = until
	}
	return nil
}

// Prune deletes the session entries that have lapsed at now and returns
// how many. Epochs are kept: they are small and must never go back.
func (s *RevocationStore) Prune(now time.Time) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pruneLocked(now)
}

func (s *RevocationStore) pruneLocked(now time.Time) int {
	return deleteExpired(s.sessions, func(until time.Time) bool { return !now.Before(until) })
}
