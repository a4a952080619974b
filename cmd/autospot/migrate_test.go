package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/password"
	"github.com/autospot/autospot/store/mongo"
)

// TestMigrateEmailsMongo: a user written with a plaintext email (as a
// version before email protection wrote it) into MongoDB is moved under
// the blind index by "autospot user migrate-emails", after which it logs in
// by its address and the stored record no longer holds it.
func TestMigrateEmailsMongo(t *testing.T) {
	uri := os.Getenv("AUTOSPOT_TEST_MONGODB_URI")
	if uri == "" {
		t.Skip("AUTOSPOT_TEST_MONGODB_URI is not set; skipping the MongoDB migrate-emails test (e.g. mongodb://127.0.0.1:27018/)")
	}
	ctx := context.Background()
	dbName := fmt.Sprintf("migrate_%d_%d", os.Getpid(), time.Now().UnixNano())
	ms, err := mongo.Open(ctx, uri, mongo.WithDatabase(dbName))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = ms.Database().Drop(context.Background())
		_ = ms.Close(context.Background())
	})
	h, err := password.New(password.Config{BcryptCost: 4})
	if err != nil {
		t.Fatal(err)
	}
	const pw = "Legacy-Strong-Pass-81!"
	hash, err := h.Hash(ctx, pw)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC().Truncate(time.Millisecond)
	if err := ms.UserStore().Create(ctx, auth.User{ID: "legacy-m1", Email: "old.mongo@example.com", Username: "oldmongo", FullName: "Old Mongo",
		PasswordHash: hash, Roles: []auth.Role{auth.RoleDriver}, CreatedAt: now, UpdatedAt: now}); err != nil {
		t.Fatal(err)
	}

	env := baseEnv(t)
	env["MONGODB_URI"] = strings.TrimSuffix(uri, "/") + "/" + dbName
	code, out, errOut := runCmd(t, env, "", "user", "migrate-emails")
	if code != 0 || !strings.Contains(out, "moved 1 users") {
		t.Fatalf("migrate-emails: %d %q %q", code, out, errOut)
	}
	if code, out, _ := runCmd(t, env, "", "user", "migrate-emails"); code != 0 || !strings.Contains(out, "moved 0 users") {
		t.Fatalf("second run is not a no-op: %d %q", code, out)
	}
	u, err := ms.UserStore().ByID(ctx, "legacy-m1")
	if err != nil || strings.Contains(u.Email, "old.mongo") || u.EmailSealed == "" {
		t.Fatalf("after migration: email %q sealed %q, %v", u.Email, u.EmailSealed, err)
	}
	addr, stop, _ := startServer(t, env)
	defer stop()
	resp, err := http.Post("http://"+addr+"/auth/login", "application/json", strings.NewReader(`{"email":"old.mongo@example.com","password":"`+pw+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("login after migration: %d", resp.StatusCode)
	}
}
