package bolt_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/store/bolt"
)

// Replacing a record with a later expiry moves its index entry: pruning
// at the old expiry must not delete the live record.
func TestPruneFollowsReplacedExpiry(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t)
	t1, t2 := base.Add(time.Hour), base.Add(2*time.Hour)
	pending, otps, attempts, resets := db.PendingStore(), db.OTPStore(), db.AttemptStore(), db.ResetStore()

	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(pending.Put(ctx, auth.PendingRegistration{Email: "a@x", Ticket: "t1", CreatedAt: base, ExpiresAt: t1}))
	must(pending.Put(ctx, auth.PendingRegistration{Email: "a@x", Ticket: "t2", CreatedAt: base, ExpiresAt: t2}))
	must(pending.Put(ctx, auth.PendingRegistration{Email: "gone@x", Ticket: "t", CreatedAt: base, ExpiresAt: t1}))
	must(otps.Put(ctx, auth.OTP{Purpose: auth.PurposeRegistration, Subject: "a@x", Hash: []byte("h1"), ExpiresAt: t1, MaxTries: 5}))
	must(otps.Put(ctx, auth.OTP{Purpose: auth.PurposeRegistration, Subject: "a@x", Hash: []byte("h2"), ExpiresAt: t2, MaxTries: 5}))
	must(otps.Put(ctx, auth.OTP{Purpose: auth.PurposeReset, Subject: "a@x", Hash: []byte("h3"), ExpiresAt: t1, MaxTries: 5}))
	// "k": window ends at t1 but a lock holds it until t2; "w" lapses at t1.
	if _, err := attempts.Reserve(ctx, "k", 5, time.Hour, base); err != nil {
		t.Fatal(err)
	}
	must(attempts.Lock(ctx, "k", t2))
	if _, err := attempts.Reserve(ctx, "w", 5, time.Hour, base); err != nil {
		t.Fatal(err)
	}
	must(resets.Put(ctx, auth.ResetToken{Hash: "r1", UserID: "u1", CreatedAt: base, ExpiresAt: t1}))
	must(resets.Put(ctx, auth.ResetToken{Hash: "r2", UserID: "u1", CreatedAt: base, ExpiresAt: t2}))

	now := t1
	st, err := db.Prune(ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	if st != (bolt.PruneStats{Pending: 1, OTPs: 1, Attempts: 1, Resets: 1}) {
		t.Fatalf("pruned %+v, want one of each account kind", st)
	}
	if p, err := pending.Get(ctx, "a@x", now); err != nil || p.Ticket != "t2" {
		t.Fatalf("replaced registration: %+v, %v", p, err)
	}
	if _, err := pending.Get(ctx, "gone@x", base); !errors.Is(err, auth.ErrPendingNotFound) {
		t.Fatalf("pruned registration still readable: %v", err)
	}
	if o, err := otps.Try(ctx, auth.PurposeRegistration, "a@x", now); err != nil || string(o.Hash) != "h2" {
		t.Fatalf("replaced code: %+v, %v", o, err)
	}
	if st, err := attempts.Reserve(ctx, "k", 5, time.Hour, now); err != nil || st.Allowed || !st.LockedUntil.Equal(t2) {
		t.Fatalf("locked key after prune: %+v, %v", st, err)
	}
	if n, err := resets.DeleteUser(ctx, "u1"); err != nil || n != 1 {
		t.Fatalf("DeleteUser after prune = %d, %v; want 1 (r1 was pruned)", n, err)
	}
	if st, err := db.Prune(ctx, t2); err != nil || st.Total() != 3 { // a@x, the code, k
		t.Fatalf("second prune: %+v, %v", st, err)
	}
	if err := db.Check(ctx); err != nil {
		t.Fatal(err)
	}
}

// Users and their unique indexes survive a restart; a deleted user's email
// and username stay free after it.
func TestUsersSurviveRestart(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "db")
	db, err := bolt.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	users := db.UserStore()
	for _, u := range []auth.User{
		{ID: "u1", Email: "alice@example.com", Username: "alice", PasswordHash: "$2b$12$a", Roles: []auth.Role{auth.RoleAdmin}, CreatedAt: base},
		{ID: "u2", Email: "bob@example.com", Username: "bob", PasswordHash: "$2b$12$b", CreatedAt: base},
	} {
		if err := users.Create(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	if err := users.Delete(ctx, "u2"); err != nil {
		t.Fatal(err)
	}
	db.Close()

	db, err = bolt.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	users = db.UserStore()
	if u, err := users.ByUsername(ctx, "alice"); err != nil || u.ID != "u1" || u.Roles[0] != auth.RoleAdmin {
		t.Fatalf("alice after restart: %+v, %v", u, err)
	}
	if err := users.Create(ctx, auth.User{ID: "u3", Email: "alice@example.com", Username: "alice2"}); !errors.Is(err, auth.ErrEmailTaken) {
		t.Fatalf("email index lost in restart: %v", err)
	}
	if err := users.Create(ctx, auth.User{ID: "u3", Email: "bob@example.com", Username: "bob", CreatedAt: base}); err != nil {
		t.Fatalf("deleted user's email and username not free: %v", err)
	}
}

func TestAccountStoresRejectEmptyKeys(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t)
	tests := map[string]error{
		"user without email":       db.UserStore().Create(ctx, auth.User{ID: "u1", Username: "a"}),
		"user without id":          db.UserStore().Create(ctx, auth.User{Email: "a@x", Username: "a"}),
		"pending without email":    db.PendingStore().Put(ctx, auth.PendingRegistration{Ticket: "t"}),
		"code without subject":     db.OTPStore().Put(ctx, auth.OTP{Purpose: auth.PurposeReset}),
		"reset token without hash": db.ResetStore().Put(ctx, auth.ResetToken{UserID: "u1"}),
	}
	for name, err := range tests {
		if err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
