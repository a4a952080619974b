package bolt_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/autospot/autospot/audit"
	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/store/bolt"
)

// Back the auth package's token service with one bolt file: a session
// issued before a restart can still be refreshed after it.
func Example() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "autospot-bolt")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "autospot.db")

	key, err := auth.NewHMACKey("2025-06", []byte("example-secret-example-secret-32"))
	if err != nil {
		fmt.Println(err)
		return
	}
	ring, err := auth.NewKeyRing(key)
	if err != nil {
		fmt.Println(err)
		return
	}

	db, err := bolt.Open(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	svc, err := auth.NewService(ring, db.RefreshStore(), db.RevocationStore())
	if err != nil {
		fmt.Println(err)
		return
	}
	pair, err := svc.IssuePair(ctx, auth.Subject{ID: "user-42", Roles: []auth.Role{auth.RoleDriver}})
	if err != nil {
		fmt.Println(err)
		return
	}
	db.Close() // the server restarts

	db, err = bolt.Open(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer db.Close()
	svc, err = auth.NewService(ring, db.RefreshStore(), db.RevocationStore())
	if err != nil {
		fmt.Println(err)
		return
	}
	next, err := svc.Refresh(ctx, pair.RefreshToken)
	fmt.Println("refreshed after restart:", err == nil, "same session:", next.SessionID == pair.SessionID)
	// Output:
	// refreshed after restart: true same session: true
}

// Keep a tamper-evident audit trail in the file and verify it.
func ExampleDB_AuditStore() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "autospot-bolt")
	defer os.RemoveAll(dir)
	db, err := bolt.Open(filepath.Join(dir, "autospot.db"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer db.Close()

	trail := db.AuditStore()
	chain := audit.NewChain()
	at := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	for _, action := range []string{audit.ActionLogin, "user.delete"} {
		if _, err := chain.Append(ctx, trail, audit.Entry{Time: at, Action: action, Outcome: audit.OutcomeSuccess, Actor: "admin-1", Data: []byte(`{}`)}); err != nil {
			fmt.Println(err)
			return
		}
	}
	head, err := chain.Verify(ctx, trail, 1, 0)
	fmt.Println("verified up to", head.Seq, err)
	page, _ := trail.Query(ctx, audit.Query{Actor: "admin-1", Descending: true, Limit: 1})
	fmt.Println("latest:", page.Records[0].Action)
	// Output:
	// verified up to 2 <nil>
	// latest: user.delete
}

// A second server started on the same file fails fast instead of
// corrupting it or hanging.
func ExampleOpen_locked() {
	dir, _ := os.MkdirTemp("", "autospot-bolt")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "autospot.db")
	db, err := bolt.Open(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer db.Close()

	_, err = bolt.Open(path, bolt.WithLockTimeout(100*time.Millisecond))
	switch {
	case errors.Is(err, bolt.ErrLocked):
		fmt.Println("already in use by another process")
	case err != nil:
		fmt.Println("cannot open:", err)
	}
	// Output:
	// already in use by another process
}

// Delete what has expired, for example once an hour.
func ExampleDB_Prune() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "autospot-bolt")
	defer os.RemoveAll(dir)
	db, err := bolt.Open(filepath.Join(dir, "autospot.db"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer db.Close()

	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	_ = db.RevocationStore().RevokeSession(ctx, "session-1", now.Add(-time.Minute))
	_ = db.RevocationStore().RevokeSession(ctx, "session-2", now.Add(time.Hour))

	st, err := db.Prune(ctx, now)
	fmt.Println("deleted:", st.Total(), err)
	// Output:
	// deleted: 1 <nil>
}

// Accounts: email and username are unique, decided in the same
// transaction as the insert.
func ExampleDB_UserStore() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "autospot-bolt")
	defer os.RemoveAll(dir)
	db, err := bolt.Open(filepath.Join(dir, "autospot.db"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer db.Close()

	users := db.UserStore()
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	err = users.Create(ctx, auth.User{ID: "u1", Email: "alice@example.com", Username: "alice", PasswordHash: "$2b$12$…", CreatedAt: now})
	fmt.Println("created:", err)
	err = users.Create(ctx, auth.User{ID: "u2", Email: "alice@example.com", Username: "alice2", PasswordHash: "$2b$12$…", CreatedAt: now})
	fmt.Println("same email taken:", errors.Is(err, auth.ErrEmailTaken))
	u, err := users.ByEmail(ctx, "alice@example.com")
	fmt.Println(u.ID, u.Username, err)
	// Output:
	// created: <nil>
	// same email taken: true
	// u1 alice <nil>
}
