package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/autospot/autospot/auth"
)

// authBase is the auth suites' clock origin: UTC, millisecond precision.
var authBase = time.Date(2025, 6, 1, 12, 0, 0, 123_000_000, time.UTC)

func authFamily(id, user string) auth.Family {
	return auth.Family{
		ID:        id,
		UserID:    user,
		Roles:     []auth.Role{auth.RoleOperator},
		Facility:  "westfield-sydney",
		Epoch:     3,
		CreatedAt: authBase,
		ExpiresAt: authBase.Add(7 * 24 * time.Hour),
		Head:      "h0-" + id,
	}
}

func checkFamily(t *testing.T, got, want auth.Family) {
	t.Helper()
	if got.ID != want.ID || got.UserID != want.UserID || !slices.Equal(got.Roles, want.Roles) ||
		got.Facility != want.Facility || got.Epoch != want.Epoch ||
		!got.CreatedAt.Equal(want.CreatedAt) || !got.ExpiresAt.Equal(want.ExpiresAt) ||
		got.Head != want.Head || got.Prev != want.Prev || !got.RotatedAt.Equal(want.RotatedAt) ||
		got.Salt != want.Salt || got.Generation != want.Generation ||
		!got.RevokedAt.Equal(want.RevokedAt) || got.RevokeReason != want.RevokeReason {
		t.Fatalf("family mismatch\n got %+v\nwant %+v", got, want)
	}
}

// RunRefreshStore runs the [auth.RefreshStore] conformance suite. newStore
// must return a new, empty store each time it is called.
func RunRefreshStore(t *testing.T, newStore func(t *testing.T) auth.RefreshStore) {
	t.Helper()
	ctx := context.Background()

	cases := []struct {
		name string
		run  func(t *testing.T, s auth.RefreshStore)
	}{
		{"create and read back", func(t *testing.T, s auth.RefreshStore) {
			f := authFamily("f1", "u1")
			mustCreateFamily(t, s, f)
			got, err := s.Family(ctx, "f1")
			if err != nil {
				t.Fatal(err)
			}
			checkFamily(t, got, f)
		}},
		{"duplicate id is ErrFamilyExists", func(t *testing.T, s auth.RefreshStore) {
			mustCreateFamily(t, s, authFamily("f1", "u1"))
			if err := s.CreateFamily(ctx, authFamily("f1", "u2")); !errors.Is(err, auth.ErrFamilyExists) {
				t.Fatalf("second create: %v, want ErrFamilyExists", err)
			}
			got, _ := s.Family(ctx, "f1")
			if got.UserID != "u1" {
				t.Fatalf("duplicate create overwrote the family: user %q", got.UserID)
			}
		}},
		{"unknown id is ErrFamilyNotFound", func(t *testing.T, s auth.RefreshStore) {
			if _, err := s.Family(ctx, "nope"); !errors.Is(err, auth.ErrFamilyNotFound) {
				t.Fatalf("Family: %v", err)
			}
			if _, err := s.RotateFamily(ctx, auth.Rotation{FamilyID: "nope", Presented: "x", Next: "y", Now: authBase}); !errors.Is(err, auth.ErrFamilyNotFound) {
				t.Fatalf("RotateFamily: %v", err)
			}
			if err := s.RevokeFamily(ctx, "nope", authBase, "logout"); !errors.Is(err, auth.ErrFamilyNotFound) {
				t.Fatalf("RevokeFamily: %v", err)
			}
		}},
		{"stored copy is isolated from the caller's slice", func(t *testing.T, s auth.RefreshStore) {
			f := authFamily("f1", "u1")
			f.Roles = []auth.Role{auth.RoleDriver, auth.RoleAdmin}
			mustCreateFamily(t, s, f)
			f.Roles[0] = "tampered"
			got, _ := s.Family(ctx, "f1")
			if got.Roles[0] != auth.RoleDriver {
				t.Fatalf("store aliases the caller's Roles: %v", got.Roles)
			}
			got.Roles[1] = "tampered"
			again, _ := s.Family(ctx, "f1")
			if again.Roles[1] != auth.RoleAdmin {
				t.Fatalf("store aliases returned Roles: %v", again.Roles)
			}
		}},
		{"rotate the head", func(t *testing.T, s auth.RefreshStore) {
			f := authFamily("f1", "u1")
			mustCreateFamily(t, s, f)
			at := authBase.Add(time.Minute)
			got, err := s.RotateFamily(ctx, auth.Rotation{FamilyID: "f1", Presented: f.Head, Next: "h1", Salt: "s1", Now: at})
			if err != nil {
				t.Fatal(err)
			}
			want := f
			want.Prev, want.Head, want.RotatedAt, want.Salt, want.Generation = f.Head, "h1", at, "s1", 1
			checkFamily(t, got, want)
			stored, _ := s.Family(ctx, "f1")
			checkFamily(t, stored, want)

			at2 := at.Add(time.Minute)
			got, err = s.RotateFamily(ctx, auth.Rotation{FamilyID: "f1", Presented: "h1", Next: "h2", Salt: "s2", Now: at2})
			if err != nil {
				t.Fatal(err)
			}
			want.Prev, want.Head, want.RotatedAt, want.Salt, want.Generation = "h1", "h2", at2, "s2", 2
			checkFamily(t, got, want)
		}},
		{"stale head is ErrStaleRefresh with the current family", func(t *testing.T, s auth.RefreshStore) {
			f := authFamily("f1", "u1")
			mustCreateFamily(t, s, f)
			at := authBase.Add(time.Minute)
			rotated, err := s.RotateFamily(ctx, auth.Rotation{FamilyID: "f1", Presented: f.Head, Next: "h1", Salt: "s1", Now: at})
			if err != nil {
				t.Fatal(err)
			}
			for _, presented := range []string{f.Head, "never-issued", ""} {
				got, err := s.RotateFamily(ctx, auth.Rotation{FamilyID: "f1", Presented: presented, Next: "h9", Salt: "s9", Now: at.Add(time.Second)})
				if !errors.Is(err, auth.ErrStaleRefresh) {
					t.Fatalf("presented %q: %v, want ErrStaleRefresh", presented, err)
				}
				checkFamily(t, got, rotated)
			}
			stored, _ := s.Family(ctx, "f1")
			checkFamily(t, stored, rotated)
		}},
		{"revoked family does not rotate", func(t *testing.T, s auth.RefreshStore) {
			f := authFamily("f1", "u1")
			mustCreateFamily(t, s, f)
			at := authBase.Add(time.Minute)
			if err := s.RevokeFamily(ctx, "f1", at, "logout"); err != nil {
				t.Fatal(err)
			}
			got, err := s.RotateFamily(ctx, auth.Rotation{FamilyID: "f1", Presented: f.Head, Next: "h1", Now: at.Add(time.Second)})
			if !errors.Is(err, auth.ErrFamilyRevoked) {
				t.Fatalf("rotate revoked: %v", err)
			}
			if got.Head != f.Head || !got.RevokedAt.Equal(at) || got.RevokeReason != "logout" {
				t.Fatalf("snapshot %+v", got)
			}
			// Revoked takes precedence over stale and expired.
			if _, err := s.RotateFamily(ctx, auth.Rotation{FamilyID: "f1", Presented: "other", Next: "h1", Now: f.ExpiresAt.Add(time.Hour)}); !errors.Is(err, auth.ErrFamilyRevoked) {
				t.Fatalf("rotate revoked, stale and expired: %v", err)
			}
		}},
		{"revoking again keeps the first time and reason", func(t *testing.T, s auth.RefreshStore) {
			mustCreateFamily(t, s, authFamily("f1", "u1"))
			first := authBase.Add(time.Minute)
			if err := s.RevokeFamily(ctx, "f1", first, "reuse"); err != nil {
				t.Fatal(err)
			}
			if err := s.RevokeFamily(ctx, "f1", first.Add(time.Hour), "logout"); err != nil {
				t.Fatalf("second revoke: %v", err)
			}
			got, _ := s.Family(ctx, "f1")
			if !got.RevokedAt.Equal(first) || got.RevokeReason != "reuse" {
				t.Fatalf("revocation overwritten: %v %q", got.RevokedAt, got.RevokeReason)
			}
		}},
		{"expiry is checked against the rotation time", func(t *testing.T, s auth.RefreshStore) {
			f := authFamily("f1", "u1")
			f.ExpiresAt = authBase.Add(time.Hour)
			mustCreateFamily(t, s, f)
			for _, at := range []time.Time{f.ExpiresAt, f.ExpiresAt.Add(time.Millisecond), f.ExpiresAt.Add(time.Hour)} {
				if _, err := s.RotateFamily(ctx, auth.Rotation{FamilyID: "f1", Presented: f.Head, Next: "h1", Now: at}); !errors.Is(err, auth.ErrFamilyExpired) {
					t.Fatalf("rotate at %v (expires %v): %v, want ErrFamilyExpired", at, f.ExpiresAt, err)
				}
			}
			// Expired takes precedence over stale.
			if _, err := s.RotateFamily(ctx, auth.Rotation{FamilyID: "f1", Presented: "other", Next: "h1", Now: f.ExpiresAt}); !errors.Is(err, auth.ErrFamilyExpired) {
				t.Fatalf("rotate expired and stale: %v", err)
			}
			got, err := s.RotateFamily(ctx, auth.Rotation{FamilyID: "f1", Presented: f.Head, Next: "h1", Now: f.ExpiresAt.Add(-time.Millisecond)})
			if err != nil || got.Head != "h1" {
				t.Fatalf("rotate 1ms before expiry: %v %+v", err, got)
			}
		}},
		{"revoke every family of one user", func(t *testing.T, s auth.RefreshStore) {
			for _, f := range []auth.Family{authFamily("a1", "alice"), authFamily("a2", "alice"), authFamily("a3", "alice"), authFamily("b1", "bob")} {
				mustCreateFamily(t, s, f)
			}
			if err := s.RevokeFamily(ctx, "a3", authBase, "logout"); err != nil {
				t.Fatal(err)
			}
			at := authBase.Add(time.Minute)
			n, err := s.RevokeUserFamilies(ctx, "alice", at, "logout-all")
			if err != nil {
				t.Fatal(err)
			}
			if n != 2 {
				t.Fatalf("revoked %d families, want 2 (a3 was already revoked)", n)
			}
			for id, want := range map[string]string{"a1": "logout-all", "a2": "logout-all", "a3": "logout", "b1": ""} {
				got, _ := s.Family(ctx, id)
				if got.RevokeReason != want || got.RevokedAt.IsZero() != (want == "") {
					t.Fatalf("%s: revoked %v reason %q, want reason %q", id, got.RevokedAt, got.RevokeReason, want)
				}
			}
			if n, err := s.RevokeUserFamilies(ctx, "nobody", at, "logout-all"); err != nil || n != 0 {
				t.Fatalf("unknown user: %d, %v", n, err)
			}
		}},
		{"parallel rotations of one head: exactly one wins", func(t *testing.T, s auth.RefreshStore) {
			f := authFamily("f1", "u1")
			mustCreateFamily(t, s, f)
			const n = 32
			var (
				wg      sync.WaitGroup
				mu      sync.Mutex
				winners []string
				start   = make(chan struct{})
			)
			for i := range n {
				wg.Go(func() {
					<-start
					next := fmt.Sprintf("h1-%d", i)
					got, err := s.RotateFamily(ctx, auth.Rotation{FamilyID: "f1", Presented: f.Head, Next: next, Salt: next, Now: authBase.Add(time.Second)})
					switch {
					case err == nil:
						mu.Lock()
						winners = append(winners, next)
						mu.Unlock()
					case errors.Is(err, auth.ErrStaleRefresh):
						if got.Prev != f.Head || got.Generation != 1 {
							t.Errorf("loser saw %+v", got)
						}
					default:
						t.Errorf("rotation %d: %v", i, err)
					}
				})
			}
			close(start)
			wg.Wait()
			if len(winners) != 1 {
				t.Fatalf("%d winners, want exactly 1: %v", len(winners), winners)
			}
			got, _ := s.Family(ctx, "f1")
			if got.Head != winners[0] || got.Salt != winners[0] || got.Generation != 1 {
				t.Fatalf("head %q salt %q gen %d, want winner %q", got.Head, got.Salt, got.Generation, winners[0])
			}
		}},
		{"parallel chains: one winner per generation", func(t *testing.T, s auth.RefreshStore) {
			f := authFamily("f1", "u1")
			mustCreateFamily(t, s, f)
			const gens, racers = 20, 4
			head := f.Head
			for g := 1; g <= gens; g++ {
				var wg sync.WaitGroup
				var mu sync.Mutex
				wins := 0
				for r := range racers {
					wg.Go(func() {
						_, err := s.RotateFamily(ctx, auth.Rotation{FamilyID: "f1", Presented: head, Next: fmt.Sprintf("g%d-r%d", g, r), Now: authBase.Add(time.Duration(g) * time.Second)})
						if err == nil {
							mu.Lock()
							wins++
							mu.Unlock()
						} else if !errors.Is(err, auth.ErrStaleRefresh) {
							t.Errorf("gen %d: %v", g, err)
						}
					})
				}
				wg.Wait()
				if wins != 1 {
					t.Fatalf("generation %d: %d winners", g, wins)
				}
				cur, _ := s.Family(ctx, "f1")
				if cur.Generation != uint64(g) || cur.Prev != head {
					t.Fatalf("generation %d: family %+v", g, cur)
				}
				head = cur.Head
			}
		}},
		{"rotation racing revocation stays consistent", func(t *testing.T, s auth.RefreshStore) {
			for i := range 20 {
				id := fmt.Sprintf("f%d", i)
				f := authFamily(id, "u1")
				mustCreateFamily(t, s, f)
				var wg sync.WaitGroup
				var rotErr error
				wg.Go(func() {
					_, rotErr = s.RotateFamily(ctx, auth.Rotation{FamilyID: id, Presented: f.Head, Next: "h1", Now: authBase.Add(time.Second)})
				})
				wg.Go(func() {
					if _, err := s.RevokeUserFamilies(ctx, "u1", authBase.Add(time.Second), "logout-all"); err != nil {
						t.Error(err)
					}
				})
				wg.Wait()
				got, _ := s.Family(ctx, id)
				if got.RevokedAt.IsZero() {
					t.Fatalf("%s not revoked", id)
				}
				switch {
				case rotErr == nil && (got.Head != "h1" || got.Generation != 1):
					t.Fatalf("%s: rotation reported success but family is %+v", id, got)
				case errors.Is(rotErr, auth.ErrFamilyRevoked) && (got.Head != f.Head || got.Generation != 0):
					t.Fatalf("%s: rotation reported revoked but family is %+v", id, got)
				case rotErr != nil && !errors.Is(rotErr, auth.ErrFamilyRevoked):
					t.Fatalf("%s: %v", id, rotErr)
				}
			}
		}},
		{"cancelled context", func(t *testing.T, s auth.RefreshStore) {
			cctx, cancel := context.WithCancel(ctx)
			cancel()
			if err := s.CreateFamily(cctx, authFamily("f1", "u1")); err == nil {
				if _, err := s.Family(ctx, "f1"); err != nil {
					t.Fatalf("create with a cancelled context reported success but stored nothing: %v", err)
				}
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.run(t, newStore(t))
		})
	}
}

func mustCreateFamily(t *testing.T, s auth.RefreshStore, f auth.Family) {
	t.Helper()
	if err := s.CreateFamily(context.Background(), f); err != nil {
		t.Fatalf("CreateFamily(%s): %v", f.ID, err)
	}
}
