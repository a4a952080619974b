package storetest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/autospot/autospot/auth"
)

// RunRevocationStore runs the [auth.RevocationStore] conformance suite.
// newStore must return a new, empty store each time it is called.
func RunRevocationStore(t *testing.T, newStore func(t *testing.T) auth.RevocationStore) {
	t.Helper()
	ctx := context.Background()
	status := func(t *testing.T, s auth.RevocationStore, user, session string, now time.Time) auth.RevocationStatus {
		t.Helper()
		st, err := s.Status(ctx, user, session, now)
		if err != nil {
			t.Fatalf("Status(%q, %q): %v", user, session, err)
		}
		return st
	}
	cases := []struct {
		name string
		run  func(t *testing.T, s auth.RevocationStore)
	}{
		{"unknown user and session", func(t *testing.T, s auth.RevocationStore) {
			if st := status(t, s, "u1", "s1", authBase); st != (auth.RevocationStatus{}) {
				t.Fatalf("fresh store: %+v", st)
			}
			if st := status(t, s, "u1", "", authBase); st != (auth.RevocationStatus{}) {
				t.Fatalf("fresh store, no session: %+v", st)
			}
		}},
		{"epochs count up per user", func(t *testing.T, s auth.RevocationStore) {
			for want := uint64(1); want <= 3; want++ {
				got, err := s.BumpEpoch(ctx, "alice")
				if err != nil || got != want {
					t.Fatalf("BumpEpoch = %d, %v; want %d", got, err, want)
				}
			}
			if st := status(t, s, "alice", "", authBase); st.Epoch != 3 {
				t.Fatalf("alice epoch %d", st.Epoch)
			}
			if st := status(t, s, "bob", "", authBase); st.Epoch != 0 {
				t.Fatalf("bob epoch %d", st.Epoch)
			}
		}},
		{"parallel bumps are atomic", func(t *testing.T, s auth.RevocationStore) {
			const n = 50
			var wg sync.WaitGroup
			seen := make(chan uint64, n)
			for range n {
				wg.Go(func() {
					e, err := s.BumpEpoch(ctx, "alice")
					if err != nil {
						t.Error(err)
					}
					seen <- e
				})
			}
			wg.Wait()
			close(seen)
			distinct := map[uint64]bool{}
			for e := range seen {
				distinct[e] = true
			}
			if len(distinct) != n {
				t.Fatalf("%d distinct epochs returned by %d bumps", len(distinct), n)
			}
			if st := status(t, s, "alice", "", authBase); st.Epoch != n {
				t.Fatalf("epoch %d after %d bumps", st.Epoch, n)
			}
		}},
		{"revoked session until its time", func(t *testing.T, s auth.RevocationStore) {
			until := authBase.Add(time.Hour)
			if err := s.RevokeSession(ctx, "s1", until); err != nil {
				t.Fatal(err)
			}
			for _, tc := range []struct {
				session string
				now     time.Time
				want    bool
			}{
				{"s1", authBase, true},
				{"s1", until.Add(-time.Millisecond), true},
				{"s1", until, false},
				{"s1", until.Add(time.Hour), false},
				{"s2", authBase, false},
				{"", authBase, false},
			} {
				if st := status(t, s, "u1", tc.session, tc.now); st.SessionRevoked != tc.want {
					t.Errorf("session %q at %v: revoked %v, want %v", tc.session, tc.now, st.SessionRevoked, tc.want)
				}
			}
		}},
		{"revoking again keeps the later time", func(t *testing.T, s auth.RevocationStore) {
			long, short := authBase.Add(2*time.Hour), authBase.Add(time.Hour)
			if err := s.RevokeSession(ctx, "s1", long); err != nil {
				t.Fatal(err)
			}
			if err := s.RevokeSession(ctx, "s1", short); err != nil {
				t.Fatal(err)
			}
			if st := status(t, s, "u1", "s1", short.Add(time.Minute)); !st.SessionRevoked {
				t.Fatal("a shorter second revocation cut the first one short")
			}
			if err := s.RevokeSession(ctx, "s1", authBase.Add(3*time.Hour)); err != nil {
				t.Fatal(err)
			}
			if st := status(t, s, "u1", "s1", long.Add(time.Minute)); !st.SessionRevoked {
				t.Fatal("a longer second revocation was not kept")
			}
		}},
		{"epoch and session together", func(t *testing.T, s auth.RevocationStore) {
			if _, err := s.BumpEpoch(ctx, "u1"); err != nil {
				t.Fatal(err)
			}
			if err := s.RevokeSession(ctx, "s1", authBase.Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
			if st := status(t, s, "u1", "s1", authBase); st != (auth.RevocationStatus{Epoch: 1, SessionRevoked: true}) {
				t.Fatalf("%+v", st)
			}
			if st := status(t, s, "u2", "s1", authBase); st != (auth.RevocationStatus{Epoch: 0, SessionRevoked: true}) {
				t.Fatalf("%+v", st)
			}
		}},
		{"parallel readers and writers", func(t *testing.T, s auth.RevocationStore) {
			var wg sync.WaitGroup
			for i := range 8 {
				wg.Go(func() {
					for j := range 50 {
						if i%2 == 0 {
							if _, err := s.BumpEpoch(ctx, "u1"); err != nil {
								t.Error(err)
							}
							if err := s.RevokeSession(ctx, "s1", authBase.Add(time.Duration(j)*time.Minute)); err != nil {
								t.Error(err)
							}
						} else if _, err := s.Status(ctx, "u1", "s1", authBase); err != nil {
							t.Error(err)
						}
					}
				})
			}
			wg.Wait()
			if st := status(t, s, "u1", "s1", authBase); st.Epoch != 4*50 || !st.SessionRevoked {
				t.Fatalf("%+v", st)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.run(t, newStore(t))
		})
	}
}
