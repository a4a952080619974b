package redis_test

import (
	"context"
	"testing"
	"time"

	"github.com/autospot/autospot/store/redis"
)

// The denylist entry's TTL is clean-up only: it runs from the store's
// clock to until plus the grace, the epoch key has none, and the entry is
// gone from the server once the TTL has run out.
func TestRevocationTTL(t *testing.T) {
	base := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	s, _, m := miniBackend(t, redis.WithClock(func() time.Time { return base }), redis.WithCleanupGrace(time.Minute))
	r := s.Revocations()
	ctx := context.Background()
	if _, err := r.BumpEpoch(ctx, "u"); err != nil {
		t.Fatal(err)
	}
	until := base.Add(time.Hour)
	if err := r.RevokeSession(ctx, "s", until); err != nil {
		t.Fatal(err)
	}
	var sessionKey string
	for _, k := range m.Keys() {
		switch ttl := m.TTL(k); {
		case k[len(redis.DefaultPrefix):len(redis.DefaultPrefix)+9] == "rev:epoch":
			if ttl != 0 {
				t.Errorf("epoch key has TTL %v; epochs must never expire", ttl)
			}
		default:
			sessionKey = k
			if ttl != time.Hour+time.Minute {
				t.Errorf("session key TTL %v, want 1h1m (until − clock + grace)", ttl)
			}
		}
	}
	// A shorter revocation keeps both the later until and its TTL.
	if err := r.RevokeSession(ctx, "s", base.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if ttl := m.TTL(sessionKey); ttl != time.Hour+time.Minute {
		t.Errorf("after a shorter revocation the TTL is %v", ttl)
	}
	// Past until, the caller's now decides (not revoked) while the key is
	// still there …
	if st, err := r.Status(ctx, "u", "s", until); err != nil || st.SessionRevoked {
		t.Fatalf("Status at until = %+v, %v", st, err)
	}
	if !m.Exists(sessionKey) {
		t.Fatal("entry gone before its TTL")
	}
	// … and Redis deletes it once the TTL has run out.
	m.FastForward(time.Hour + time.Minute)
	if m.Exists(sessionKey) {
		t.Error("entry still on the server after its TTL")
	}
	if st, err := r.Status(ctx, "u", "s", base); err != nil || st.SessionRevoked || st.Epoch != 1 {
		t.Errorf("after clean-up: %+v, %v (epoch must survive)", st, err)
	}
}

// A revocation whose until is already past by the store's clock still
// lives for the grace, so a replica whose clock lags sees it.
func TestRevocationPastUntilKeepsGrace(t *testing.T) {
	base := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	s, _, m := miniBackend(t, redis.WithClock(func() time.Time { return base }), redis.WithCleanupGrace(2*time.Minute))
	r := s.Revocations()
	ctx := context.Background()
	until := base.Add(-30 * time.Second)
	if err := r.RevokeSession(ctx, "s", until); err != nil {
		t.Fatal(err)
	}
	keys := m.Keys()
	if len(keys) != 1 || m.TTL(keys[0]) != 2*time.Minute {
		t.Fatalf("keys %q", keys)
	}
	lagging := until.Add(-time.Second)
	if st, err := r.Status(ctx, "u", "s", lagging); err != nil || !st.SessionRevoked {
		t.Fatalf("lagging replica: %+v, %v", st, err)
	}
}
