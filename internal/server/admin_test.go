package server_test

import (
	"net/http"
	"strings"
	"testing"
)

func TestAdminEndpoints(t *testing.T) {
	s := newStack(t, nil)
	_, admin := s.createUser("root@example.com", "root", "admin", "")
	driver, dtk := s.createUser("dan@example.com", "dan", "driver", "")

	t.Run("create operator", func(t *testing.T) {
		r := s.post("/admin/operators", `{"email":"op@example.com","username":"op_one","full_name":"Op One","password":"`+goodPassword+`","facility":"melb_central"}`, admin.Access)
		if r.code != http.StatusCreated {
			t.Fatalf("%d %s", r.code, r.body)
		}
		u := r.json(t)
		if u["facility"] != "melb_central" || u["roles"].([]any)[0] != "operator" {
			t.Errorf("operator %v", u)
		}
		op := s.login("op@example.com", goodPassword, "")
		if r := s.do(req{method: "GET", path: "/admin/users", token: op.Access}); r.code != http.StatusForbidden {
			t.Errorf("operator listing users: %d", r.code)
		}
		dup := s.post("/admin/operators", `{"email":"op@example.com","username":"op_two","full_name":"Op Two","password":"`+goodPassword+`","facility":"x"}`, admin.Access)
		assertErrorBody(t, dup, http.StatusConflict, "conflict")
	})
	t.Run("list and search", func(t *testing.T) {
		r := s.do(req{method: "GET", path: "/admin/users?search=DAN&limit=10", token: admin.Access})
		if r.code != 200 {
			t.Fatalf("%d %s", r.code, r.body)
		}
		users := r.json(t)["users"].([]any)
		if len(users) != 1 || users[0].(map[string]any)["email"] != "dan@example.com" {
			t.Errorf("search: %s", r.body)
		}
		// A regex metacharacter is a literal, not a pattern.
		r = s.do(req{method: "GET", path: "/admin/users?search=.*", token: admin.Access})
		if n := len(r.json(t)["users"].([]any)); n != 0 {
			t.Errorf("search .* matched %d users", n)
		}
		r = s.do(req{method: "GET", path: "/admin/users?role=operator", token: admin.Access})
		if n := len(r.json(t)["users"].([]any)); n != 1 {
			t.Errorf("role filter: %d", n)
		}
		if r := s.do(req{method: "GET", path: "/admin/users?role=root", token: admin.Access}); r.code != 400 {
			t.Errorf("unknown role: %d", r.code)
		}
		if strings.Contains(string(r.body), "$2b$") {
			t.Error("listing leaks password hashes")
		}
		if r := s.do(req{method: "GET", path: "/admin/users/" + driver.ID, token: admin.Access}); r.code != 200 {
			t.Errorf("get user: %d", r.code)
		}
		assertErrorBody(t, s.do(req{method: "GET", path: "/admin/users/nope", token: admin.Access}), 404, "not_found")
	})
	t.Run("lock and unlock", func(t *testing.T) {
		r := s.post("/admin/users/"+driver.ID+"/lock", "", admin.Access)
		if r.code != 200 {
			t.Fatalf("%d %s", r.code, r.body)
		}
		if r := s.do(req{method: "GET", path: "/auth/profile", token: dtk.Access}); r.code != http.StatusUnauthorized {
			t.Errorf("locked user's token alive: %d", r.code)
		}
		r = s.do(req{method: "POST", path: "/auth/login", body: `{"email":"dan@example.com","password":"` + goodPassword + `"}`, remote: "192.0.2.50:1"})
		assertErrorBody(t, r, http.StatusUnauthorized, "invalid_credentials")
		if r := s.post("/admin/users/"+driver.ID+"/unlock", "", admin.Access); r.code != 200 {
			t.Fatalf("unlock %d %s", r.code, r.body)
		}
		s.login("dan@example.com", goodPassword, "")
	})
	t.Run("role change effective at once", func(t *testing.T) {
		before := s.login("dan@example.com", goodPassword, "")
		r := s.do(req{method: "PUT", path: "/admin/users/" + driver.ID + "/roles", token: admin.Access, body: `{"roles":["admin"]}`})
		if r.code != 200 {
			t.Fatalf("%d %s", r.code, r.body)
		}
		if r := s.do(req{method: "GET", path: "/auth/profile", token: before.Access}); r.code != http.StatusUnauthorized {
			t.Errorf("token with old roles still accepted: %d", r.code)
		}
		after := s.login("dan@example.com", goodPassword, "")
		if r := s.do(req{method: "GET", path: "/admin/users", token: after.Access}); r.code != 200 {
			t.Errorf("new role not granted: %d", r.code)
		}
		bad := s.do(req{method: "PUT", path: "/admin/users/" + driver.ID + "/roles", token: admin.Access, body: `{"roles":["operator"]}`})
		assertErrorBody(t, bad, 400, "validation_error")
		bad = s.do(req{method: "PUT", path: "/admin/users/" + driver.ID + "/roles", token: admin.Access, body: `{"roles":["superuser"]}`})
		assertErrorBody(t, bad, 400, "validation_error")
	})
	t.Run("audit trail", func(t *testing.T) {
		s.app.Audit.Close() // flush the queues into the store
		r := s.do(req{method: "GET", path: "/admin/audit?action=user.roles", token: admin.Access})
		if r.code != 200 {
			t.Fatalf("%d %s", r.code, r.body)
		}
		recs := r.json(t)["records"].([]any)
		if len(recs) != 1 {
			t.Fatalf("user.roles records: %s", r.body)
		}
		r = s.do(req{method: "GET", path: "/admin/audit?action=auth.login&outcome=failure&desc=1&limit=5", token: admin.Access})
		if r.code != 200 || len(r.json(t)["records"].([]any)) == 0 {
			t.Errorf("failed logins: %d %s", r.code, r.body)
		}
		assertErrorBody(t, s.do(req{method: "GET", path: "/admin/audit?since=yesterday", token: admin.Access}), 400, "validation_error")
		v := s.do(req{method: "GET", path: "/admin/audit/verify", token: admin.Access})
		if v.code != 200 || v.json(t)["ok"] != true {
			t.Errorf("verify: %d %s", v.code, v.body)
		}
	})
}
