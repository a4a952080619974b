package server_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/password"
	"github.com/autospot/autospot/store/bolt"
)

// TestEmailAtRest: the user record in the embedded database holds the
// email's blind index and its AEAD ciphertext, never the address or its
// local part, and every flow that finds users by email still works end to
// end (after a restart too): login, duplicate detection at registration,
// password reset, admin search by exact email.
func TestEmailAtRest(t *testing.T) {
	const email, local = "grace.hopper@example.com", "grace.hopper"
	s := newStack(t, nil)
	s.registerDriver(email, "ghopper")
	r := s.do(req{method: "GET", path: "/auth/profile", token: s.login(email, goodPassword, "").Access})
	id, _ := r.json(t)["user"].(map[string]any)["id"].(string)
	if id == "" {
		t.Fatalf("profile: %s", r.body)
	}
	s.close()

	t.Run("stored record", func(t *testing.T) {
		db, err := bolt.Open(filepath.Join(s.dir, "autospot.db"))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		u, err := db.UserStore().ByID(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		for name, v := range map[string]string{"email": u.Email, "sealed": u.EmailSealed} {
			if v == "" || strings.Contains(v, "@") || strings.Contains(strings.ToLower(v), "grace") {
				t.Errorf("stored %s field %q", name, v)
			}
		}
		if _, err := db.UserStore().ByEmail(context.Background(), email); err == nil {
			t.Error("the address itself is a lookup key")
		}
	})
	t.Run("database file", func(t *testing.T) {
		raw, err := os.ReadFile(filepath.Join(s.dir, "autospot.db"))
		if err != nil {
			t.Fatal(err)
		}
		for _, plain := range []string{email, local, "@example.com"} {
			if strings.Contains(string(raw), plain) {
				t.Errorf("%q found in autospot.db", plain)
			}
		}
	})

	s = s.restart()
	_, admin := s.createUser("root@example.com", "root", auth.RoleAdmin, "")
	t.Run("login", func(t *testing.T) {
		s.login("Grace.Hopper@Example.com", goodPassword, "")
	})
	t.Run("duplicate registration", func(t *testing.T) {
		r := s.post("/auth/register", `{"email":"GRACE.hopper@example.com","username":"another","password":"`+goodPassword+`","full_name":"Someone Else"}`, "")
		if r.code != http.StatusAccepted {
			t.Fatalf("%d %s", r.code, r.body)
		}
		s.lastMail(email, auth.MailAlreadyExists)
		dup := s.post("/admin/operators", `{"email":"grace.hopper@example.com","username":"op_g","full_name":"Op G","password":"`+goodPassword+`","facility":"f1"}`, admin.Access)
		assertErrorBody(t, dup, http.StatusConflict, "conflict")
	})
	t.Run("reset", func(t *testing.T) {
		if r := s.post("/auth/forgot-password", `{"email":"grace.hopper@example.com"}`, ""); r.code != http.StatusAccepted && r.code != http.StatusOK {
			t.Fatalf("forgot: %d %s", r.code, r.body)
		}
		m := resetTokenRE.FindStringSubmatch(s.lastMail(email, auth.MailResetLink).Text)
		if m == nil {
			t.Fatal("no reset link")
		}
		if r := s.post("/auth/reset-password", `{"token":"`+m[1]+`","new_password":"Fresh-Start-Pass-31$"}`, ""); r.code != 200 {
			t.Fatalf("reset: %d %s", r.code, r.body)
		}
		s.login(email, "Fresh-Start-Pass-31$", "")
	})
	t.Run("admin search", func(t *testing.T) {
		for _, tc := range []struct {
			search string
			want   int
		}{
			{"Grace.Hopper@EXAMPLE.com", 1},
			{"nobody@example.com", 0},
			{"hopp", 1},  // username substring
			{"grace", 0}, // emails are not searched by substring
			{"example.com", 0},
		} {
			r := s.do(req{method: "GET", path: "/admin/users?search=" + strings.ReplaceAll(tc.search, "@", "%40"), token: admin.Access})
			if r.code != 200 {
				t.Fatalf("%d %s", r.code, r.body)
			}
			users := r.json(t)["users"].([]any)
			if len(users) != tc.want {
				t.Fatalf("search %q: %d users, want %d: %s", tc.search, len(users), tc.want, r.body)
			}
			if tc.want == 1 && users[0].(map[string]any)["email"] != email {
				t.Errorf("search %q: %s", tc.search, r.body)
			}
		}
	})
}

// TestProfileFullName: PUT /auth/profile changes full_name when given,
// keeps it when absent, and refuses an invalid one without writing.
func TestProfileFullName(t *testing.T) {
	s := newStack(t, nil)
	_, tk := s.createUser("nora@example.com", "nora", auth.RoleDriver, "")
	put := func(body string) resp {
		return s.do(req{method: "PUT", path: "/auth/profile", token: tk.Access, body: body})
	}
	r := put(`{"full_name":"  Nora Batty ","phone":"+61 400 111 222"}`)
	if r.code != 200 {
		t.Fatalf("%d %s", r.code, r.body)
	}
	m := r.json(t)
	if m["user"].(map[string]any)["full_name"] != "Nora Batty" || m["profile"].(map[string]any)["phone"] != "+61 400 111 222" {
		t.Fatalf("%s", r.body)
	}
	if r := put(`{"phone":"+61 400 111 333"}`); r.code != 200 || r.json(t)["user"].(map[string]any)["full_name"] != "Nora Batty" {
		t.Fatalf("name not kept: %d %s", r.code, r.body)
	}
	for _, bad := range []string{`{"full_name":"N"}`, `{"full_name":"Nora\u202eevil"}`, `{"full_name":"` + strings.Repeat("n", 101) + `"}`, `{"full_name":null,"phone":"x"}`} {
		r := put(bad)
		assertErrorBody(t, r, 400, "validation_error")
	}
	g := s.do(req{method: "GET", path: "/auth/profile", token: tk.Access}).json(t)
	if g["user"].(map[string]any)["full_name"] != "Nora Batty" || g["profile"].(map[string]any)["phone"] != "+61 400 111 333" {
		t.Fatalf("after refusals: %v", g)
	}
}

// TestPlaintextUsersMigrated: a user an earlier version stored with a
// plaintext email in the embedded database is moved under protection when
// the server opens, and logs in by email as before.
func TestPlaintextUsersMigrated(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	env := map[string]string{"AUTOSPOT_DATA_DIR": dir, "AUTOSPOT_BCRYPT_COST": "4", "AUTOSPOT_PUBLIC_URL": "https://autospot.example"}
	s := openStack(t, dir, env, &clock{now: time.Now()})
	hash, err := password.New(password.Config{BcryptCost: 4})
	if err != nil {
		t.Fatal(err)
	}
	pw, err := hash.Hash(ctx, goodPassword)
	if err != nil {
		t.Fatal(err)
	}
	s.close()
	db, err := bolt.Open(filepath.Join(dir, "autospot.db"))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC().Truncate(time.Millisecond)
	err = db.UserStore().Create(ctx, auth.User{ID: "legacy1", Email: "old.timer@example.com", Username: "oldtimer", FullName: "Old Timer",
		PasswordHash: pw, Roles: []auth.Role{auth.RoleDriver}, CreatedAt: now, UpdatedAt: now})
	if cerr := db.Close(); err != nil || cerr != nil {
		t.Fatal(err, cerr)
	}

	s = openStack(t, dir, env, s.clock)
	s.login("old.timer@example.com", goodPassword, "")
	s.close()
	db, err = bolt.Open(filepath.Join(dir, "autospot.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	u, err := db.UserStore().ByID(ctx, "legacy1")
	if err != nil || strings.Contains(u.Email, "old.timer") || u.EmailSealed == "" {
		t.Fatalf("after migration: email %q sealed %q, %v", u.Email, u.EmailSealed, err)
	}
}
