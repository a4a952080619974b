package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/autospot/autospot/auth"
)

func accountUser(id, email, username string) auth.User {
	return auth.User{
		ID:           id,
		Email:        email,
		Username:     username,
		FullName:     "Full " + username,
		PasswordHash: "$2b$12$hash-of-" + id,
		Roles:        []auth.Role{auth.RoleDriver},
		CreatedAt:    authBase,
		UpdatedAt:    authBase,
	}
}

func checkUser(t *testing.T, got, want auth.User) {
	t.Helper()
	if got.ID != want.ID || got.Email != want.Email || got.EmailSealed != want.EmailSealed || got.Username != want.Username ||
		got.FullName != want.FullName || got.PasswordHash != want.PasswordHash ||
		!slices.Equal(got.Roles, want.Roles) || got.Facility != want.Facility ||
		!got.CreatedAt.Equal(want.CreatedAt) || !got.UpdatedAt.Equal(want.UpdatedAt) ||
		!got.LockedUntil.Equal(want.LockedUntil) {
		t.Fatalf("user mismatch\n got %+v\nwant %+v", got, want)
	}
}

func mustCreateUser(t *testing.T, s auth.UserStore, u auth.User) {
	t.Helper()
	if err := s.Create(context.Background(), u); err != nil {
		t.Fatalf("Create(%s): %v", u.ID, err)
	}
}

// RunUserStore runs the [auth.UserStore] conformance suite. newStore must
// return a new, empty store each time it is called.
func RunUserStore(t *testing.T, newStore func(t *testing.T) auth.UserStore) {
	t.Helper()
	ctx := context.Background()
	cases := []struct {
		name string
		run  func(t *testing.T, s auth.UserStore)
	}{
		{"create and read back by id, email, username", func(t *testing.T, s auth.UserStore) {
			u := accountUser("u1", "alice@example.com", "alice")
			u.Facility = "westfield"
			u.Roles = []auth.Role{auth.RoleOperator, auth.RoleDriver}
			u.LockedUntil = authBase.Add(time.Hour)
			mustCreateUser(t, s, u)
			for name, get := range map[string]func() (auth.User, error){
				"ByID":       func() (auth.User, error) { return s.ByID(ctx, "u1") },
				"ByEmail":    func() (auth.User, error) { return s.ByEmail(ctx, "alice@example.com") },
				"ByUsername": func() (auth.User, error) { return s.ByUsername(ctx, "alice") },
			} {
				got, err := get()
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				checkUser(t, got, u)
			}
		}},
		{"unknown user", func(t *testing.T, s auth.UserStore) {
			mustCreateUser(t, s, accountUser("u1", "alice@example.com", "alice"))
			for name, err := range map[string]error{
				"ByID":           second(s.ByID(ctx, "nope")),
				"ByEmail":        second(s.ByEmail(ctx, "bob@example.com")),
				"ByEmail case":   second(s.ByEmail(ctx, "ALICE@example.com")),
				"ByUsername":     second(s.ByUsername(ctx, "bob")),
				"UpdatePassword": s.UpdatePasswordHash(ctx, "nope", "a", "b", authBase),
				"UpdateFullName": s.UpdateFullName(ctx, "nope", "a", "b"),
				"UpdateEmail":    s.UpdateEmail(ctx, "nope", "a", "b", "c"),
				"UpdateRoles":    s.UpdateRoles(ctx, "nope", nil, "", authBase),
				"SetLockedUntil": s.SetLockedUntil(ctx, "nope", authBase, authBase),
				"Delete":         s.Delete(ctx, "nope"),
			} {
				if !errors.Is(err, auth.ErrUserNotFound) {
					t.Errorf("%s: %v, want ErrUserNotFound", name, err)
				}
			}
		}},
		{"duplicates", func(t *testing.T, s auth.UserStore) {
			mustCreateUser(t, s, accountUser("u1", "alice@example.com", "alice"))
			for _, tc := range []struct {
				name string
				u    auth.User
				want error
			}{
				{"same email", accountUser("u2", "alice@example.com", "alice2"), auth.ErrEmailTaken},
				{"same username", accountUser("u2", "alice2@example.com", "alice"), auth.ErrUsernameTaken},
				{"both: email first", accountUser("u2", "alice@example.com", "alice"), auth.ErrEmailTaken},
				{"same id", accountUser("u1", "other@example.com", "other"), auth.ErrUserExists},
			} {
				if err := s.Create(ctx, tc.u); !errors.Is(err, tc.want) {
					t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
				}
			}
			// A failed create leaves nothing behind.
			if _, err := s.ByUsername(ctx, "alice2"); !errors.Is(err, auth.ErrUserNotFound) {
				t.Fatalf("failed create left username alice2: %v", err)
			}
			if _, err := s.ByEmail(ctx, "alice2@example.com"); !errors.Is(err, auth.ErrUserNotFound) {
				t.Fatalf("failed create left email alice2@: %v", err)
			}
			mustCreateUser(t, s, accountUser("u2", "alice2@example.com", "alice2"))
		}},
		{"parallel creates with one email: exactly one wins", func(t *testing.T, s auth.UserStore) {
			const n = 50
			var wins, taken atomic.Int32
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() {
					err := s.Create(ctx, accountUser(fmt.Sprintf("u%02d", i), "same@example.com", fmt.Sprintf("user%02d", i)))
					switch {
					case err == nil:
						wins.Add(1)
					case errors.Is(err, auth.ErrEmailTaken):
						taken.Add(1)
					default:
						t.Errorf("create %d: %v", i, err)
					}
				})
			}
			wg.Wait()
			if wins.Load() != 1 || taken.Load() != n-1 {
				t.Fatalf("%d wins, %d ErrEmailTaken of %d", wins.Load(), taken.Load(), n)
			}
		}},
		{"parallel creates with one username: exactly one wins", func(t *testing.T, s auth.UserStore) {
			exactlyOneWins(t, "creates", 50, auth.ErrUsernameTaken, func(i int) error {
				return s.Create(ctx, accountUser(fmt.Sprintf("u%02d", i), fmt.Sprintf("u%02d@example.com", i), "same"))
			})
		}},
		{"update password hash is compare-and-swap", func(t *testing.T, s auth.UserStore) {
			u := accountUser("u1", "alice@example.com", "alice")
			mustCreateUser(t, s, u)
			at := authBase.Add(time.Minute)
			if err := s.UpdatePasswordHash(ctx, "u1", "wrong", "new", at); !errors.Is(err, auth.ErrUserChanged) {
				t.Fatalf("stale update: %v", err)
			}
			got, _ := s.ByID(ctx, "u1")
			checkUser(t, got, u)
			if err := s.UpdatePasswordHash(ctx, "u1", u.PasswordHash, "new", at); err != nil {
				t.Fatal(err)
			}
			u.PasswordHash, u.UpdatedAt = "new", at
			got, _ = s.ByID(ctx, "u1")
			checkUser(t, got, u)
		}},
		{"parallel password updates from one hash: exactly one wins", func(t *testing.T, s auth.UserStore) {
			u := accountUser("u1", "alice@example.com", "alice")
			mustCreateUser(t, s, u)
			exactlyOneWins(t, "password updates", 20, auth.ErrUserChanged, func(i int) error {
				return s.UpdatePasswordHash(ctx, "u1", u.PasswordHash, fmt.Sprintf("h%d", i), authBase)
			})
		}},
		{"sealed email round-trips and the index is the unique key", func(t *testing.T, s auth.UserStore) {
			// Under email protection the Email field holds a blind index
			// (43 base64url characters) and EmailSealed an opaque
			// ciphertext: stores keep both exactly and key uniqueness
			// and lookups on the index.
			const idx = "kT3v9Zq0bX1mW8yR2cN5dF7hJ4gL6pS0aE1uI3oQ9xw"
			u := accountUser("u1", idx, "alice")
			u.EmailSealed = "AQAAAAEx/y+sealed==\x00-binary-safe"
			mustCreateUser(t, s, u)
			for name, get := range map[string]func() (auth.User, error){
				"ByID":       func() (auth.User, error) { return s.ByID(ctx, "u1") },
				"ByEmail":    func() (auth.User, error) { return s.ByEmail(ctx, idx) },
				"ByUsername": func() (auth.User, error) { return s.ByUsername(ctx, "alice") },
			} {
				got, err := get()
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				checkUser(t, got, u)
			}
			// The sealed value survives every update.
			at := authBase.Add(time.Minute)
			if err := s.UpdatePasswordHash(ctx, "u1", u.PasswordHash, "h2", at); err != nil {
				t.Fatal(err)
			}
			if err := s.UpdateRoles(ctx, "u1", []auth.Role{auth.RoleAdmin}, "", at); err != nil {
				t.Fatal(err)
			}
			if err := s.SetLockedUntil(ctx, "u1", time.Time{}, at); err != nil {
				t.Fatal(err)
			}
			if err := s.UpdateFullName(ctx, "u1", u.FullName, "Alice Renamed"); err != nil {
				t.Fatal(err)
			}
			u.PasswordHash, u.Roles, u.UpdatedAt, u.FullName = "h2", []auth.Role{auth.RoleAdmin}, at, "Alice Renamed"
			got, err := s.ByEmail(ctx, idx)
			if err != nil {
				t.Fatal(err)
			}
			checkUser(t, got, u)
			p, err := s.List(ctx, auth.UserQuery{})
			if err != nil || len(p.Users) != 1 {
				t.Fatalf("List: %+v %v", p, err)
			}
			checkUser(t, p.Users[0], u)
			// Same index, another sealed value: still a duplicate email.
			dup := accountUser("u2", idx, "bob")
			dup.EmailSealed = "other-ciphertext"
			if err := s.Create(ctx, dup); !errors.Is(err, auth.ErrEmailTaken) {
				t.Fatalf("same index: %v, want ErrEmailTaken", err)
			}
			// A plaintext user (no sealed email) is stored as before.
			plain := accountUser("u3", "carol@example.com", "carol")
			mustCreateUser(t, s, plain)
			got, err = s.ByEmail(ctx, "carol@example.com")
			if err != nil {
				t.Fatal(err)
			}
			checkUser(t, got, plain)
		}},
		{"update full name is compare-and-swap and keeps UpdatedAt", func(t *testing.T, s auth.UserStore) {
			u := accountUser("u1", "alice@example.com", "alice")
			mustCreateUser(t, s, u)
			if err := s.UpdateFullName(ctx, "u1", "stale", "X"); !errors.Is(err, auth.ErrUserChanged) {
				t.Fatalf("stale update: %v", err)
			}
			got, _ := s.ByID(ctx, "u1")
			checkUser(t, got, u)
			if err := s.UpdateFullName(ctx, "u1", u.FullName, "Alice Liddell"); err != nil {
				t.Fatal(err)
			}
			u.FullName = "Alice Liddell"
			got, _ = s.ByUsername(ctx, "alice")
			checkUser(t, got, u)
			// The new name is searchable, the old one no longer.
			for _, tc := range []struct {
				search string
				want   int
			}{{"liddell", 1}, {"full alice", 0}} {
				p, err := s.List(ctx, auth.UserQuery{Search: tc.search})
				if err != nil {
					t.Fatal(err)
				}
				if len(p.Users) != tc.want {
					t.Errorf("search %q: %d users, want %d", tc.search, len(p.Users), tc.want)
				}
			}
			exactlyOneWins(t, "renames from one name", 20, auth.ErrUserChanged, func(i int) error {
				return s.UpdateFullName(ctx, "u1", "Alice Liddell", fmt.Sprintf("Name %d", i))
			})
		}},
		{"update email is compare-and-swap and moves the unique key", func(t *testing.T, s auth.UserStore) {
			u := accountUser("u1", "alice@example.com", "alice")
			mustCreateUser(t, s, u)
			mustCreateUser(t, s, accountUser("u2", "bob@example.com", "bob"))
			if err := s.UpdateEmail(ctx, "u1", "stale@example.com", "idx-1", "sealed-1"); !errors.Is(err, auth.ErrUserChanged) {
				t.Fatalf("stale: %v", err)
			}
			if err := s.UpdateEmail(ctx, "u1", "alice@example.com", "bob@example.com", "sealed-1"); !errors.Is(err, auth.ErrEmailTaken) {
				t.Fatalf("taken: %v", err)
			}
			got, _ := s.ByEmail(ctx, "alice@example.com")
			checkUser(t, got, u)
			if err := s.UpdateEmail(ctx, "u1", "alice@example.com", "idx-1", "sealed-1"); err != nil {
				t.Fatal(err)
			}
			u.Email, u.EmailSealed = "idx-1", "sealed-1"
			got, err := s.ByEmail(ctx, "idx-1")
			if err != nil {
				t.Fatal(err)
			}
			checkUser(t, got, u)
			if _, err := s.ByEmail(ctx, "alice@example.com"); !errors.Is(err, auth.ErrUserNotFound) {
				t.Fatalf("old email still found: %v", err)
			}
			// The old address is free, the new key taken.
			mustCreateUser(t, s, accountUser("u3", "alice@example.com", "alice3"))
			if err := s.Create(ctx, accountUser("u4", "idx-1", "alice4")); !errors.Is(err, auth.ErrEmailTaken) {
				t.Fatalf("new key not unique: %v", err)
			}
			// Re-sealing under the same key is allowed.
			if err := s.UpdateEmail(ctx, "u1", "idx-1", "idx-1", "sealed-2"); err != nil {
				t.Fatal(err)
			}
			u.EmailSealed = "sealed-2"
			got, _ = s.ByID(ctx, "u1")
			checkUser(t, got, u)
			// Deleting frees the new key.
			if err := s.Delete(ctx, "u1"); err != nil {
				t.Fatal(err)
			}
			mustCreateUser(t, s, accountUser("u5", "idx-1", "alice5"))
			exactlyOneWins(t, "email updates from one email", 20, auth.ErrUserChanged, func(i int) error {
				return s.UpdateEmail(ctx, "u2", "bob@example.com", fmt.Sprintf("idx-b%d", i), "sealed")
			})
		}},
		{"roles and lock", func(t *testing.T, s auth.UserStore) {
			u := accountUser("u1", "alice@example.com", "alice")
			mustCreateUser(t, s, u)
			at := authBase.Add(time.Minute)
			if err := s.UpdateRoles(ctx, "u1", []auth.Role{auth.RoleOperator}, "fac-1", at); err != nil {
				t.Fatal(err)
			}
			u.Roles, u.Facility, u.UpdatedAt = []auth.Role{auth.RoleOperator}, "fac-1", at
			got, _ := s.ByID(ctx, "u1")
			checkUser(t, got, u)
			until := authBase.Add(time.Hour)
			if err := s.SetLockedUntil(ctx, "u1", until, at); err != nil {
				t.Fatal(err)
			}
			u.LockedUntil = until
			got, _ = s.ByEmail(ctx, "alice@example.com")
			checkUser(t, got, u)
			if err := s.SetLockedUntil(ctx, "u1", time.Time{}, at); err != nil {
				t.Fatal(err)
			}
			got, _ = s.ByUsername(ctx, "alice")
			if !got.LockedUntil.IsZero() {
				t.Fatalf("unlock left LockedUntil %v", got.LockedUntil)
			}
		}},
		{"returned users are copies", func(t *testing.T, s auth.UserStore) {
			u := accountUser("u1", "alice@example.com", "alice")
			in := u
			in.Roles = slices.Clone(u.Roles)
			mustCreateUser(t, s, in)
			in.Roles[0] = auth.RoleAdmin
			got, _ := s.ByID(ctx, "u1")
			got.Roles[0] = auth.RoleAdmin
			if got, _ = s.ByID(ctx, "u1"); !slices.Equal(got.Roles, []auth.Role{auth.RoleDriver}) {
				t.Fatalf("stored roles changed through a caller's slice: %v", got.Roles)
			}
			roles := []auth.Role{auth.RoleOperator}
			if err := s.UpdateRoles(ctx, "u1", roles, "f", authBase); err != nil {
				t.Fatal(err)
			}
			roles[0] = auth.RoleAdmin
			got, _ = s.ByID(ctx, "u1")
			if !slices.Equal(got.Roles, []auth.Role{auth.RoleOperator}) {
				t.Fatalf("stored roles aliased a caller's slice: %v", got.Roles)
			}
		}},
		{"delete frees email and username", func(t *testing.T, s auth.UserStore) {
			mustCreateUser(t, s, accountUser("u1", "alice@example.com", "alice"))
			if err := s.Delete(ctx, "u1"); err != nil {
				t.Fatal(err)
			}
			if _, err := s.ByID(ctx, "u1"); !errors.Is(err, auth.ErrUserNotFound) {
				t.Fatalf("ByID after delete: %v", err)
			}
			if _, err := s.ByEmail(ctx, "alice@example.com"); !errors.Is(err, auth.ErrUserNotFound) {
				t.Fatalf("ByEmail after delete: %v", err)
			}
			mustCreateUser(t, s, accountUser("u2", "alice@example.com", "alice"))
		}},
		{"list pages by id", func(t *testing.T, s auth.UserStore) {
			for i := range 7 {
				mustCreateUser(t, s, accountUser(fmt.Sprintf("u%d", i), fmt.Sprintf("user%d@example.com", i), fmt.Sprintf("user%d", i)))
			}
			var ids []string
			after := ""
			for pages := 0; ; pages++ {
				if pages > 10 {
					t.Fatal("paging does not end")
				}
				p, err := s.List(ctx, auth.UserQuery{After: after, Limit: 3})
				if err != nil {
					t.Fatal(err)
				}
				if len(p.Users) > 3 {
					t.Fatalf("page of %d users, limit 3", len(p.Users))
				}
				for _, u := range p.Users {
					ids = append(ids, u.ID)
				}
				if p.Next == "" {
					break
				}
				after = p.Next
			}
			want := []string{"u0", "u1", "u2", "u3", "u4", "u5", "u6"}
			if !slices.Equal(ids, want) {
				t.Fatalf("listed %v, want %v", ids, want)
			}
		}},
		{"list search is literal and case-insensitive", func(t *testing.T, s auth.UserStore) {
			users := []auth.User{
				accountUser("u1", "alice@example.com", "alice"),
				accountUser("u2", "bob@example.org", "bob"),
				accountUser("u3", "carol.x@example.com", "carol"),
				accountUser("u4", "dave@example.com", "dave_1"),
			}
			users[1].FullName = "Bob (Admin) Smith"
			users[3].Roles = []auth.Role{auth.RoleOperator}
			for _, u := range users {
				mustCreateUser(t, s, u)
			}
			for _, tc := range []struct {
				name string
				q    auth.UserQuery
				want []string
			}{
				{"empty", auth.UserQuery{}, []string{"u1", "u2", "u3", "u4"}},
				{"email part", auth.UserQuery{Search: "example.org"}, []string{"u2"}},
				{"upper case", auth.UserQuery{Search: "ALICE"}, []string{"u1"}},
				{"full name", auth.UserQuery{Search: "(admin)"}, []string{"u2"}},
				{"dot is literal", auth.UserQuery{Search: "l.x"}, []string{"u3"}},
				{"regex meta is literal", auth.UserQuery{Search: ".*"}, nil},
				{"regex class is literal", auth.UserQuery{Search: "[a-z]"}, nil},
				{"mongo operator text", auth.UserQuery{Search: `{"$ne": ""}`}, nil},
				{"role filter", auth.UserQuery{Role: auth.RoleOperator}, []string{"u4"}},
				{"role and search", auth.UserQuery{Role: auth.RoleDriver, Search: "example.com"}, []string{"u1", "u3"}},
			} {
				t.Run(tc.name, func(t *testing.T) {
					p, err := s.List(ctx, tc.q)
					if err != nil {
						t.Fatal(err)
					}
					var ids []string
					for _, u := range p.Users {
						ids = append(ids, u.ID)
					}
					if !slices.Equal(ids, tc.want) {
						t.Fatalf("got %v, want %v", ids, tc.want)
					}
				})
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.run(t, newStore(t))
		})
	}
}

func second[T any](_ T, err error) error { return err }
