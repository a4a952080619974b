package server_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/internal/server"
)

// TestMount: a mounted API gets the outer chain (request id, envelope,
// headers, metrics by pattern), the server's authentication and the upload
// body limit; the server's own routes keep their limits.
func TestMount(t *testing.T) {
	testMounts = []server.Mount{func(mux *http.ServeMux, env server.MountEnv) error {
		mux.Handle("POST /maps/{facility}/upload", env.Authenticate(auth.RequireRole(auth.RoleOperator)(http.HandlerFunc(
			func(w http.ResponseWriter, r *http.Request) {
				n, err := io.Copy(io.Discard, r.Body)
				if err != nil {
					return // LimitBody answers 413
				}
				w.WriteHeader(http.StatusCreated)
				_, _ = io.WriteString(w, strings.Repeat("x", int(n%3)))
			}))))
		mux.HandleFunc("GET /maps/boom", func(http.ResponseWriter, *http.Request) { panic("mounted panic") })
		return nil
	}}
	defer func() { testMounts = nil }()
	s := newStack(t, map[string]string{"AUTOSPOT_MAX_UPLOAD_BYTES": "3000000"})
	_, op := s.createUser("mop@example.com", "mop", auth.RoleOperator, "fac1")
	_, adm := s.createUser("madm@example.com", "madm", auth.RoleAdmin, "")

	big := strings.Repeat("a", 2_000_000) // over the API's 1 MiB, under the upload limit
	if r := s.do(req{method: "POST", path: "/maps/fac1/upload", body: big, token: op.Access}); r.code != http.StatusCreated {
		t.Fatalf("upload: %d %s", r.code, r.body)
	}
	assertErrorBody(t, s.do(req{method: "POST", path: "/maps/fac1/upload", body: strings.Repeat("a", 3_100_000), token: op.Access}), 413, "")
	assertErrorBody(t, s.do(req{method: "POST", path: "/maps/fac1/upload", body: "x"}), 401, "not_authenticated")
	assertErrorBody(t, s.do(req{method: "POST", path: "/maps/fac1/upload", body: "x", token: adm.Access}), 403, "")
	assertErrorBody(t, s.do(req{method: "GET", path: "/maps/boom"}), 500, "internal_error")
	assertErrorBody(t, s.do(req{method: "GET", path: "/maps/none"}), 404, "not_found")
	if r := s.do(req{method: "GET", path: "/maps/none"}); r.header.Get("X-Frame-Options") != "DENY" {
		t.Error("mounted routes lack the security headers")
	}
	assertErrorBody(t, s.do(req{method: "POST", path: "/auth/login", body: big}), 413, "")
	s.app.Audit.Close()
	m := string(s.do(req{method: "GET", path: "/metrics", token: adm.Access}).body)
	if !strings.Contains(m, `route="POST /maps/{facility}/upload",status="201"`) {
		t.Errorf("mounted route not labelled by pattern")
	}
}
