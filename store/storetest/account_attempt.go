package storetest

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/autospot/autospot/auth"
)

// RunAttemptStore runs the [auth.AttemptStore] conformance suite. newStore
// must return a new, empty store each time it is called.
func RunAttemptStore(t *testing.T, newStore func(t *testing.T) auth.AttemptStore) {
	t.Helper()
	ctx := context.Background()
	const window = 15 * time.Minute
	reserve := func(t *testing.T, s auth.AttemptStore, key string, limit int, now time.Time) auth.AttemptState {
		t.Helper()
		st, err := s.Reserve(ctx, key, limit, window, now)
		if err != nil {
			t.Fatalf("Reserve(%q): %v", key, err)
		}
		return st
	}
	cases := []struct {
		name string
		run  func(t *testing.T, s auth.AttemptStore)
	}{
		{"counts up to the limit in one window", func(t *testing.T, s auth.AttemptStore) {
			for i := 1; i <= 5; i++ {
				now := authBase.Add(time.Duration(i) * time.Second)
				st := reserve(t, s, "k", 5, now)
				want := auth.AttemptState{Allowed: true, Count: i, WindowEnd: authBase.Add(time.Second + window)}
				if st.Allowed != want.Allowed || st.Count != want.Count || !st.WindowEnd.Equal(want.WindowEnd) || !st.LockedUntil.IsZero() {
					t.Fatalf("attempt %d: %+v, want %+v", i, st, want)
				}
			}
			st := reserve(t, s, "k", 5, authBase.Add(time.Minute))
			if st.Allowed || st.Count != 5 || !st.WindowEnd.Equal(authBase.Add(time.Second+window)) {
				t.Fatalf("6th attempt: %+v", st)
			}
		}},
		{"a new window starts when the old one ends", func(t *testing.T, s auth.AttemptStore) {
			for range 3 {
				reserve(t, s, "k", 3, authBase)
			}
			if st := reserve(t, s, "k", 3, authBase.Add(window-time.Millisecond)); st.Allowed {
				t.Fatalf("just before window end: %+v", st)
			}
			st := reserve(t, s, "k", 3, authBase.Add(window))
			if !st.Allowed || st.Count != 1 || !st.WindowEnd.Equal(authBase.Add(2*window)) {
				t.Fatalf("at window end: %+v", st)
			}
		}},
		{"keys are independent", func(t *testing.T, s auth.AttemptStore) {
			reserve(t, s, "a", 1, authBase)
			if st := reserve(t, s, "a", 1, authBase); st.Allowed {
				t.Fatal("a over limit allowed")
			}
			if st := reserve(t, s, "b", 1, authBase); !st.Allowed || st.Count != 1 {
				t.Fatalf("b: %+v", st)
			}
		}},
		{"lock refuses until its time, then counting resumes", func(t *testing.T, s auth.AttemptStore) {
			reserve(t, s, "k", 5, authBase)
			until := authBase.Add(time.Hour)
			if err := s.Lock(ctx, "k", until); err != nil {
				t.Fatal(err)
			}
			st := reserve(t, s, "k", 5, authBase.Add(time.Minute))
			if st.Allowed || !st.LockedUntil.Equal(until) {
				t.Fatalf("locked: %+v", st)
			}
			if st := reserve(t, s, "k", 5, until.Add(-time.Millisecond)); st.Allowed {
				t.Fatalf("just before unlock: %+v", st)
			}
			st = reserve(t, s, "k", 5, until)
			if !st.Allowed || !st.LockedUntil.IsZero() || st.Count != 1 {
				t.Fatalf("at unlock (window also ended): %+v", st)
			}
		}},
		{"lock keeps the later time", func(t *testing.T, s auth.AttemptStore) {
			long, short := authBase.Add(2*time.Hour), authBase.Add(time.Hour)
			if err := s.Lock(ctx, "k", long); err != nil {
				t.Fatal(err)
			}
			if err := s.Lock(ctx, "k", short); err != nil {
				t.Fatal(err)
			}
			if st := reserve(t, s, "k", 5, short.Add(time.Minute)); st.Allowed || !st.LockedUntil.Equal(long) {
				t.Fatalf("shorter lock replaced the longer one: %+v", st)
			}
		}},
		{"lock on an unknown key", func(t *testing.T, s auth.AttemptStore) {
			if err := s.Lock(ctx, "fresh", authBase.Add(time.Minute)); err != nil {
				t.Fatal(err)
			}
			if st := reserve(t, s, "fresh", 5, authBase); st.Allowed || st.LockedUntil.IsZero() {
				t.Fatalf("%+v", st)
			}
		}},
		{"reset forgets count and lock", func(t *testing.T, s auth.AttemptStore) {
			for range 5 {
				reserve(t, s, "k", 5, authBase)
			}
			if err := s.Lock(ctx, "k", authBase.Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
			if err := s.Reset(ctx, "k"); err != nil {
				t.Fatal(err)
			}
			if st := reserve(t, s, "k", 5, authBase); !st.Allowed || st.Count != 1 {
				t.Fatalf("after reset: %+v", st)
			}
			if err := s.Reset(ctx, "absent"); err != nil {
				t.Fatalf("reset of absent key: %v", err)
			}
		}},
		{"50 parallel reservations, limit 5: exactly 5 allowed", func(t *testing.T, s auth.AttemptStore) {
			var allowed atomic.Int32
			var wg sync.WaitGroup
			for range 50 {
				wg.Go(func() {
					st, err := s.Reserve(ctx, "k", 5, window, authBase)
					if err != nil {
						t.Error(err)
						return
					}
					if st.Allowed {
						allowed.Add(1)
					}
				})
			}
			wg.Wait()
			if allowed.Load() != 5 {
				t.Fatalf("%d of 50 allowed, limit 5", allowed.Load())
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.run(t, newStore(t))
		})
	}
}
