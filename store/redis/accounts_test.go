package redis_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/store/redis"
)

var testBase = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

func fixedClock() redis.Option { return redis.WithClock(func() time.Time { return testBase }) }

// The attempt key's TTL follows the window and the lock (plus the grace),
// is never shortened, and once it has run out the key is gone: the TTL is
// clean-up, the counting is decided by now.
func TestAttemptTTL(t *testing.T) {
	s, _, m := miniBackend(t, fixedClock(), redis.WithCleanupGrace(time.Minute))
	a := s.Attempts()
	ctx := context.Background()
	ttl := func() time.Duration {
		t.Helper()
		keys := m.Keys()
		if len(keys) != 1 {
			t.Fatalf("keys %q", keys)
		}
		return m.TTL(keys[0])
	}
	if _, err := a.Reserve(ctx, "k", 3, 15*time.Minute, testBase); err != nil {
		t.Fatal(err)
	}
	if got := ttl(); got != 16*time.Minute {
		t.Fatalf("after Reserve: TTL %v, want window + grace = 16m", got)
	}
	if err := a.Lock(ctx, "k", testBase.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got := ttl(); got != time.Hour+time.Minute {
		t.Fatalf("after Lock: TTL %v, want lock + grace = 1h1m", got)
	}
	if err := a.Lock(ctx, "k", testBase.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Reserve(ctx, "k", 3, time.Second, testBase.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got := ttl(); got != time.Hour+time.Minute {
		t.Fatalf("a shorter lock or window shortened the TTL to %v", got)
	}
	m.FastForward(time.Hour + time.Minute)
	if keys := m.Keys(); len(keys) != 0 {
		t.Fatalf("keys left after the TTL: %q", keys)
	}
}

// A refused reservation writes nothing: a flood against a locked or
// exhausted key does not keep extending its life.
func TestAttemptRefusalWritesNothing(t *testing.T) {
	s, _, m := miniBackend(t, fixedClock())
	a := s.Attempts()
	ctx := context.Background()
	if _, err := a.Reserve(ctx, "k", 1, time.Minute, testBase); err != nil {
		t.Fatal(err)
	}
	key := m.Keys()[0]
	before := m.TTL(key)
	m.FastForward(10 * time.Second)
	st, err := a.Reserve(ctx, "k", 1, time.Minute, testBase.Add(10*time.Second))
	if err != nil || st.Allowed || st.Count != 1 {
		t.Fatalf("over the limit: %+v, %v", st, err)
	}
	if got := m.TTL(key); got != before-10*time.Second {
		t.Fatalf("refused reservation reset the TTL: %v, want %v", got, before-10*time.Second)
	}
}

func TestAttemptDegenerateArguments(t *testing.T) {
	s, _, _ := miniBackend(t)
	a := s.Attempts()
	ctx := context.Background()
	tests := []struct {
		name   string
		limit  int
		window time.Duration
		want   bool
	}{
		{"zero limit", 0, time.Minute, false},
		{"negative limit", -3, time.Minute, false},
		{"zero window", 5, 0, true},
		{"negative window", 5, -time.Minute, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, err := a.Reserve(ctx, tc.name, tc.limit, tc.window, testBase)
			if err != nil || st.Allowed != tc.want {
				t.Fatalf("Reserve = %+v, %v; want allowed %v", st, err, tc.want)
			}
		})
	}
}

// The OTP key lives for the code's validity (by the record's own times)
// plus the grace; its name holds neither the purpose nor the subject.
func TestOTPKeyAndTTL(t *testing.T) {
	s, _, m := miniBackend(t, redis.WithCleanupGrace(time.Minute))
	o := s.OTPs()
	ctx := context.Background()
	code := auth.OTP{Purpose: auth.PurposeRegistration, Subject: "alice@example.com", Salt: []byte{0, 1, 2}, Hash: []byte{0xff, 0},
		CreatedAt: testBase, ExpiresAt: testBase.Add(10 * time.Minute), MaxTries: 5}
	if err := o.Put(ctx, code); err != nil {
		t.Fatal(err)
	}
	keys := m.Keys()
	if len(keys) != 1 || strings.Contains(keys[0], "alice") || strings.Contains(keys[0], "registration") {
		t.Fatalf("keys %q", keys)
	}
	if got := m.TTL(keys[0]); got != 11*time.Minute {
		t.Fatalf("TTL %v, want 11m", got)
	}
	// Binary salt and hash survive the round trip.
	got, err := o.Try(ctx, code.Purpose, code.Subject, testBase)
	if err != nil || string(got.Salt) != string(code.Salt) || string(got.Hash) != string(code.Hash) {
		t.Fatalf("Try = %+v, %v", got, err)
	}
}

// Purpose and subject are encoded without ambiguity before hashing: a
// purpose ending where a subject begins does not find another's code.
func TestOTPKeyUnambiguous(t *testing.T) {
	s, _, _ := miniBackend(t)
	o := s.OTPs()
	ctx := context.Background()
	put := auth.OTP{Purpose: "ab", Subject: "c", Hash: []byte("h"), CreatedAt: testBase, ExpiresAt: testBase.Add(time.Minute), MaxTries: 1}
	if err := o.Put(ctx, put); err != nil {
		t.Fatal(err)
	}
	if _, err := o.Try(ctx, "a", "bc", testBase); !errors.Is(err, auth.ErrOTPNotFound) {
		t.Fatalf("(a, bc) found the code of (ab, c): %v", err)
	}
}

// A reset-token hash consumed by one user and later issued to another is
// not deleted by the first user's DeleteUser; the user's index expires.
func TestResetDeleteUserChecksOwner(t *testing.T) {
	s, _, m := miniBackend(t, fixedClock(), redis.WithCleanupGrace(time.Minute))
	r := s.Resets()
	ctx := context.Background()
	tok := func(user string) auth.ResetToken {
		return auth.ResetToken{Hash: "h", UserID: user, CreatedAt: testBase, ExpiresAt: testBase.Add(30 * time.Minute)}
	}
	if err := r.Put(ctx, tok("u1")); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Consume(ctx, "h", testBase); err != nil {
		t.Fatal(err)
	}
	if err := r.Put(ctx, tok("u2")); err != nil {
		t.Fatal(err)
	}
	if n, err := r.DeleteUser(ctx, "u1"); err != nil || n != 0 {
		t.Fatalf("DeleteUser(u1) = %d, %v; want 0", n, err)
	}
	if got, err := r.Consume(ctx, "h", testBase); err != nil || got.UserID != "u2" {
		t.Fatalf("u2's token: %+v, %v", got, err)
	}
	for _, k := range m.Keys() {
		if ttl := m.TTL(k); ttl <= 0 || ttl > 31*time.Minute {
			t.Errorf("key %s has TTL %v", k, ttl)
		}
	}
}

// An expired reset token is removed by the Consume that finds it expired.
func TestResetConsumeRemovesExpired(t *testing.T) {
	s, _, m := miniBackend(t)
	r := s.Resets()
	ctx := context.Background()
	tok := auth.ResetToken{Hash: "h", UserID: "u", CreatedAt: testBase, ExpiresAt: testBase.Add(time.Minute)}
	if err := r.Put(ctx, tok); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Consume(ctx, "h", tok.ExpiresAt); !errors.Is(err, auth.ErrResetNotFound) {
		t.Fatalf("expired: %v", err)
	}
	for _, k := range m.Keys() {
		if strings.Contains(k, ":reset:") {
			t.Fatalf("expired token still stored under %s", k)
		}
	}
	if err := r.Put(ctx, tok); err != nil {
		t.Fatalf("Put after the expired one was removed: %v", err)
	}
}

// The pending registration's ticket is compared as a hash inside the
// script; a wrong ticket neither takes nor deletes it.
func TestPendingWrongTicket(t *testing.T) {
	s, _, _ := miniBackend(t)
	p := s.Pending()
	ctx := context.Background()
	reg := auth.PendingRegistration{Email: "a@example.com", Ticket: "right", Username: "a", CreatedAt: testBase, ExpiresAt: testBase.Add(time.Hour)}
	if err := p.Put(ctx, reg); err != nil {
		t.Fatal(err)
	}
	for _, wrong := range []string{"", "righ", "right ", "RIGHT"} {
		if _, err := p.Take(ctx, reg.Email, wrong, testBase); !errors.Is(err, auth.ErrPendingNotFound) {
			t.Fatalf("Take with %q: %v", wrong, err)
		}
	}
	if got, err := p.Take(ctx, reg.Email, "right", testBase); err != nil || got != reg {
		t.Fatalf("Take = %+v, %v", got, err)
	}
}
