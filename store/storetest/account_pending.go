package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/autospot/autospot/auth"
)

func pendingReg(email, ticket string) auth.PendingRegistration {
	return auth.PendingRegistration{
		Email:        email,
		Ticket:       ticket,
		Username:     "user-" + ticket,
		FullName:     "Full Name",
		PasswordHash: "$2b$12$pending-" + ticket,
		CreatedAt:    authBase,
		ExpiresAt:    authBase.Add(time.Hour),
	}
}

func checkPending(t *testing.T, got, want auth.PendingRegistration) {
	t.Helper()
	if got.Email != want.Email || got.Ticket != want.Ticket || got.Username != want.Username ||
		got.FullName != want.FullName || got.PasswordHash != want.PasswordHash ||
		!got.CreatedAt.Equal(want.CreatedAt) || !got.ExpiresAt.Equal(want.ExpiresAt) {
		t.Fatalf("pending mismatch\n got %+v\nwant %+v", got, want)
	}
}

// RunPendingStore runs the [auth.PendingStore] conformance suite. newStore
// must return a new, empty store each time it is called.
func RunPendingStore(t *testing.T, newStore func(t *testing.T) auth.PendingStore) {
	t.Helper()
	ctx := context.Background()
	put := func(t *testing.T, s auth.PendingStore, p auth.PendingRegistration) {
		t.Helper()
		if err := s.Put(ctx, p); err != nil {
			t.Fatalf("Put: %v", err)
		}
	}
	cases := []struct {
		name string
		run  func(t *testing.T, s auth.PendingStore)
	}{
		{"put, get, take", func(t *testing.T, s auth.PendingStore) {
			p := pendingReg("a@example.com", "t1")
			put(t, s, p)
			got, err := s.Get(ctx, "a@example.com", authBase)
			if err != nil {
				t.Fatal(err)
			}
			checkPending(t, got, p)
			got, err = s.Take(ctx, "a@example.com", "t1", authBase.Add(time.Minute))
			if err != nil {
				t.Fatal(err)
			}
			checkPending(t, got, p)
			if _, err := s.Take(ctx, "a@example.com", "t1", authBase); !errors.Is(err, auth.ErrPendingNotFound) {
				t.Fatalf("second Take: %v", err)
			}
			if _, err := s.Get(ctx, "a@example.com", authBase); !errors.Is(err, auth.ErrPendingNotFound) {
				t.Fatalf("Get after Take: %v", err)
			}
		}},
		{"unknown email", func(t *testing.T, s auth.PendingStore) {
			if _, err := s.Get(ctx, "x@example.com", authBase); !errors.Is(err, auth.ErrPendingNotFound) {
				t.Fatalf("Get: %v", err)
			}
			if _, err := s.Take(ctx, "x@example.com", "t", authBase); !errors.Is(err, auth.ErrPendingNotFound) {
				t.Fatalf("Take: %v", err)
			}
			if err := s.Delete(ctx, "x@example.com"); err != nil {
				t.Fatalf("Delete of absent: %v", err)
			}
		}},
		{"wrong ticket changes nothing", func(t *testing.T, s auth.PendingStore) {
			p := pendingReg("a@example.com", "t1")
			put(t, s, p)
			if _, err := s.Take(ctx, "a@example.com", "t2", authBase); !errors.Is(err, auth.ErrPendingNotFound) {
				t.Fatalf("Take with wrong ticket: %v", err)
			}
			if _, err := s.Take(ctx, "a@example.com", "", authBase); !errors.Is(err, auth.ErrPendingNotFound) {
				t.Fatalf("Take with empty ticket: %v", err)
			}
			if _, err := s.Take(ctx, "a@example.com", "t1", authBase); err != nil {
				t.Fatalf("right ticket after wrong ones: %v", err)
			}
		}},
		{"expiry is checked in the query", func(t *testing.T, s auth.PendingStore) {
			p := pendingReg("a@example.com", "t1")
			put(t, s, p)
			if _, err := s.Get(ctx, "a@example.com", p.ExpiresAt.Add(-time.Millisecond)); err != nil {
				t.Fatalf("just before expiry: %v", err)
			}
			if _, err := s.Get(ctx, "a@example.com", p.ExpiresAt); !errors.Is(err, auth.ErrPendingNotFound) {
				t.Fatalf("Get at expiry: %v", err)
			}
			if _, err := s.Take(ctx, "a@example.com", "t1", p.ExpiresAt); !errors.Is(err, auth.ErrPendingNotFound) {
				t.Fatalf("Take at expiry: %v", err)
			}
		}},
		{"a later registration replaces, even an unexpired one", func(t *testing.T, s auth.PendingStore) {
			put(t, s, pendingReg("a@example.com", "t1"))
			p2 := pendingReg("a@example.com", "t2")
			p2.CreatedAt = authBase.Add(time.Minute)
			put(t, s, p2)
			if _, err := s.Take(ctx, "a@example.com", "t1", authBase.Add(time.Minute)); !errors.Is(err, auth.ErrPendingNotFound) {
				t.Fatalf("old ticket after replacement: %v", err)
			}
			got, err := s.Take(ctx, "a@example.com", "t2", authBase.Add(time.Minute))
			if err != nil {
				t.Fatal(err)
			}
			checkPending(t, got, p2)
		}},
		{"emails are independent", func(t *testing.T, s auth.PendingStore) {
			put(t, s, pendingReg("a@example.com", "t1"))
			put(t, s, pendingReg("b@example.com", "t2"))
			if err := s.Delete(ctx, "a@example.com"); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Get(ctx, "a@example.com", authBase); !errors.Is(err, auth.ErrPendingNotFound) {
				t.Fatalf("deleted: %v", err)
			}
			if _, err := s.Get(ctx, "b@example.com", authBase); err != nil {
				t.Fatalf("other email: %v", err)
			}
		}},
		{"parallel takes: exactly one wins", func(t *testing.T, s auth.PendingStore) {
			put(t, s, pendingReg("a@example.com", "t1"))
			exactlyOneWins(t, "takes", 50, auth.ErrPendingNotFound, func(int) error {
				_, err := s.Take(ctx, "a@example.com", "t1", authBase)
				return err
			})
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.run(t, newStore(t))
		})
	}
}
