package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/autospot/autospot/auth"
)

func resetToken(hash, user string) auth.ResetToken {
	return auth.ResetToken{Hash: hash, UserID: user, CreatedAt: authBase, ExpiresAt: authBase.Add(30 * time.Minute)}
}

// RunResetStore runs the [auth.ResetStore] conformance suite. newStore must
// return a new, empty store each time it is called.
func RunResetStore(t *testing.T, newStore func(t *testing.T) auth.ResetStore) {
	t.Helper()
	ctx := context.Background()
	put := func(t *testing.T, s auth.ResetStore, r auth.ResetToken) {
		t.Helper()
		if err := s.Put(ctx, r); err != nil {
			t.Fatalf("Put: %v", err)
		}
	}
	cases := []struct {
		name string
		run  func(t *testing.T, s auth.ResetStore)
	}{
		{"consume once", func(t *testing.T, s auth.ResetStore) {
			r := resetToken("h1", "u1")
			put(t, s, r)
			got, err := s.Consume(ctx, "h1", authBase.Add(time.Minute))
			if err != nil {
				t.Fatal(err)
			}
			if got.Hash != r.Hash || got.UserID != r.UserID || !got.CreatedAt.Equal(r.CreatedAt) || !got.ExpiresAt.Equal(r.ExpiresAt) {
				t.Fatalf("got %+v, want %+v", got, r)
			}
			if _, err := s.Consume(ctx, "h1", authBase.Add(time.Minute)); !errors.Is(err, auth.ErrResetNotFound) {
				t.Fatalf("second Consume: %v", err)
			}
		}},
		{"unknown token", func(t *testing.T, s auth.ResetStore) {
			if _, err := s.Consume(ctx, "nope", authBase); !errors.Is(err, auth.ErrResetNotFound) {
				t.Fatalf("%v", err)
			}
			if n, err := s.DeleteUser(ctx, "nobody"); err != nil || n != 0 {
				t.Fatalf("DeleteUser of nobody: %d, %v", n, err)
			}
		}},
		{"expiry is checked in the query", func(t *testing.T, s auth.ResetStore) {
			r := resetToken("h1", "u1")
			put(t, s, r)
			if _, err := s.Consume(ctx, "h1", r.ExpiresAt); !errors.Is(err, auth.ErrResetNotFound) {
				t.Fatalf("at expiry: %v", err)
			}
			put(t, s, resetToken("h2", "u1"))
			if _, err := s.Consume(ctx, "h2", r.ExpiresAt.Add(-time.Millisecond)); err != nil {
				t.Fatalf("just before expiry: %v", err)
			}
		}},
		{"duplicate hash", func(t *testing.T, s auth.ResetStore) {
			put(t, s, resetToken("h1", "u1"))
			if err := s.Put(ctx, resetToken("h1", "u2")); !errors.Is(err, auth.ErrResetExists) {
				t.Fatalf("duplicate: %v", err)
			}
			if got, err := s.Consume(ctx, "h1", authBase); err != nil || got.UserID != "u1" {
				t.Fatalf("duplicate Put overwrote: %+v, %v", got, err)
			}
		}},
		{"delete user removes only that user's tokens", func(t *testing.T, s auth.ResetStore) {
			put(t, s, resetToken("h1", "u1"))
			put(t, s, resetToken("h2", "u1"))
			put(t, s, resetToken("h3", "u2"))
			n, err := s.DeleteUser(ctx, "u1")
			if err != nil || n != 2 {
				t.Fatalf("DeleteUser = %d, %v; want 2", n, err)
			}
			for _, h := range []string{"h1", "h2"} {
				if _, err := s.Consume(ctx, h, authBase); !errors.Is(err, auth.ErrResetNotFound) {
					t.Fatalf("%s after DeleteUser: %v", h, err)
				}
			}
			if _, err := s.Consume(ctx, "h3", authBase); err != nil {
				t.Fatalf("other user's token: %v", err)
			}
		}},
		{"parallel consumes: exactly one wins", func(t *testing.T, s auth.ResetStore) {
			put(t, s, resetToken("h1", "u1"))
			exactlyOneWins(t, "consumes", 50, auth.ErrResetNotFound, func(int) error {
				_, err := s.Consume(ctx, "h1", authBase)
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
