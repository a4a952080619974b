package auth_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/autospot/autospot/auth"
)

// countingStore counts Status calls and can fail.
type countingStore struct {
	auth.RevocationStore
	calls atomic.Int64
	fail  atomic.Bool
}

var errStoreDown = errors.New("store down")

func (s *countingStore) Status(ctx context.Context, user, session string, now time.Time) (auth.RevocationStatus, error) {
	s.calls.Add(1)
	if s.fail.Load() {
		return auth.RevocationStatus{}, errStoreDown
	}
	return s.RevocationStore.Status(ctx, user, session, now)
}

// replica returns a second service sharing e's stores, key and clock, as
// another server replica would.
func (e *env) replica(t *testing.T, rev auth.RevocationStore, opts ...auth.Option) *auth.Service {
	t.Helper()
	opts = append([]auth.Option{auth.WithClock(e.clock.Now)}, opts...)
	s, err := auth.NewService(e.ring, e.refresh, rev, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestRevocationConsultedEveryRequestByDefault(t *testing.T) {
	e := newEnv(t)
	cs := &countingStore{RevocationStore: e.revoke}
	b := e.replica(t, cs)
	p := e.login(t, driver)
	for range 3 {
		if _, err := b.VerifyAccess(ctx, p.AccessToken); err != nil {
			t.Fatal(err)
		}
	}
	if n := cs.calls.Load(); n != 3 {
		t.Fatalf("%d store reads for 3 requests", n)
	}
	// Revoked on replica A, rejected by replica B on the next request.
	if err := e.svc.LogoutAll(ctx, driver.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := b.VerifyAccess(ctx, p.AccessToken); !errors.Is(err, auth.ErrTokenRevoked) {
		t.Fatalf("other replica, next request: %v", err)
	}
}

// TestRevocationCacheBound: with a cache TTL, another replica may accept a
// revoked token for at most the TTL; the replica that revoked rejects it at
// once.
func TestRevocationCacheBound(t *testing.T) {
	const ttl = 2 * time.Second
	e := newEnv(t, auth.WithRevocationCacheTTL(ttl))
	cs := &countingStore{RevocationStore: e.revoke}
	b := e.replica(t, cs, auth.WithRevocationCacheTTL(ttl))
	p := e.login(t, driver)
	for range 5 {
		if _, err := b.VerifyAccess(ctx, p.AccessToken); err != nil {
			t.Fatal(err)
		}
	}
	if n := cs.calls.Load(); n != 1 {
		t.Fatalf("%d store reads within the TTL, want 1", n)
	}
	if _, err := e.svc.VerifyAccess(ctx, p.AccessToken); err != nil { // warm A's cache
		t.Fatal(err)
	}
	e.clock.Advance(500 * time.Millisecond)
	if err := e.svc.LogoutAll(ctx, driver.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.VerifyAccess(ctx, p.AccessToken); !errors.Is(err, auth.ErrTokenRevoked) {
		t.Fatalf("revoking replica, next request: %v", err)
	}
	if _, err := b.VerifyAccess(ctx, p.AccessToken); err != nil {
		t.Fatalf("other replica within its cache TTL should still accept (the documented bound): %v", err)
	}
	e.clock.Advance(ttl - 500*time.Millisecond)
	if _, err := b.VerifyAccess(ctx, p.AccessToken); !errors.Is(err, auth.ErrTokenRevoked) {
		t.Fatalf("other replica after its cache TTL: %v", err)
	}
}

func TestRevocationCacheSessionLogout(t *testing.T) {
	e := newEnv(t, auth.WithRevocationCacheTTL(time.Second))
	p := e.login(t, driver)
	if _, err := e.svc.VerifyAccess(ctx, p.AccessToken); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Logout(ctx, p.RefreshToken); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.VerifyAccess(ctx, p.AccessToken); !errors.Is(err, auth.ErrTokenRevoked) {
		t.Fatalf("cached session after logout on the same replica: %v", err)
	}
}

func TestRevocationStoreDownFailsClosed(t *testing.T) {
	e := newEnv(t)
	p := e.login(t, driver)
	cs := &countingStore{RevocationStore: e.revoke}
	cs.fail.Store(true)
	b := e.replica(t, cs)
	_, err := b.VerifyAccess(ctx, p.AccessToken)
	if err == nil || errors.Is(err, auth.ErrTokenInvalid) || !errors.Is(err, errStoreDown) {
		t.Fatalf("store down: %v (want a non-token error wrapping the store's)", err)
	}
	if _, err := b.Refresh(ctx, p.RefreshToken); err == nil || !errors.Is(err, errStoreDown) {
		t.Fatalf("refresh with store down: %v", err)
	}
	if _, err := b.IssuePair(ctx, driver); err == nil || !errors.Is(err, errStoreDown) {
		t.Fatalf("issue with store down: %v", err)
	}
}

func TestWithoutRevocationCheck(t *testing.T) {
	e := newEnv(t)
	p := e.login(t, driver)
	v, err := auth.NewService(e.ring, nil, nil, auth.WithClock(e.clock.Now), auth.WithoutRevocationCheck())
	if err != nil {
		t.Fatal(err)
	}
	if err := e.svc.LogoutAll(ctx, driver.ID); err != nil {
		t.Fatal(err)
	}
	// The documented trade-off: without a store, revocation is not seen.
	if _, err := v.VerifyAccess(ctx, p.AccessToken); err != nil {
		t.Fatalf("verify without revocation check: %v", err)
	}
	if _, err := v.Refresh(ctx, p.RefreshToken); !errors.Is(err, auth.ErrInvalidConfig) {
		t.Fatalf("refresh without a RefreshStore: %v", err)
	}
}
