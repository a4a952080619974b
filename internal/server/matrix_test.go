package server_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/internal/server"
)

// TestAccessControlMatrix sends every route of the route table (plus
// /metrics) as anonymous, driver, operator and admin, and checks who gets
// past authentication and role checks. The table is the server's own
// route table, so a route added without a row here still gets checked.
func TestAccessControlMatrix(t *testing.T) {
	s := newStack(t, map[string]string{"AUTOSPOT_API_RATE": "10000/minute", "AUTOSPOT_AUTH_RATE": "10000/minute", "AUTOSPOT_LOGIN_RATE": "10000/minute"})
	_, drv := s.createUser("drv@example.com", "drv", auth.RoleDriver, "")
	_, op := s.createUser("opr@example.com", "opr", auth.RoleOperator, "fac1")
	_, adm := s.createUser("adm@example.com", "adm", auth.RoleAdmin, "")
	callers := []struct {
		name  string
		role  auth.Role
		token string
		email string
	}{{"anonymous", "", "", ""}, {"driver", auth.RoleDriver, drv.Access, "drv@example.com"},
		{"operator", auth.RoleOperator, op.Access, "opr@example.com"}, {"admin", auth.RoleAdmin, adm.Access, "adm@example.com"}}

	routes := s.app.Server.Routes()
	routes = append(routes, server.Route{Pattern: "GET /metrics", Access: server.AdminOnly})
	destructive := map[string]bool{"POST /auth/logout": true, "POST /auth/logout-all": true, "POST /auth/delete-account": true, "POST /auth/change-password": true}
	n := 0
	for _, rt := range routes {
		method, path, _ := strings.Cut(rt.Pattern, " ")
		path = strings.ReplaceAll(path, "{id}", "no-such-user")
		for _, c := range callers {
			t.Run(rt.Pattern+"/"+c.name, func(t *testing.T) {
				allowed := false
				switch rt.Access {
				case server.Public:
					allowed = true
				case server.AdminOnly:
					allowed = c.role == auth.RoleAdmin
				case server.Authenticated:
					allowed = c.role != "" && auth.DefaultRBAC().Allowed(&auth.Claims{Roles: []auth.Role{c.role}}, rt.Permission, "")
				}
				body := "{}"
				if destructive[rt.Pattern] {
					body = `{"password":"wrong","current_password":"wrong","new_password":"x"}`
				}
				token := c.token
				if (rt.Pattern == "POST /auth/logout" || rt.Pattern == "POST /auth/logout-all") && c.email != "" {
					n++ // a user of its own whose sessions it may end
					fac := ""
					if c.role == auth.RoleOperator {
						fac = "fac1"
					}
					_, tk := s.createUser(fmt.Sprintf("lo%d@example.com", n), fmt.Sprintf("lo%d", n), c.role, fac)
					token = tk.Access
				}
				if method == "GET" {
					body = ""
				}
				r := s.do(req{method: method, path: path, body: body, token: token, remote: "192.0.2.99:1"})
				denied := r.code == http.StatusUnauthorized || r.code == http.StatusForbidden
				if c.token != "" && r.code == http.StatusUnauthorized && rt.Access == server.Public {
					denied = false // e.g. a login with an empty body is a 4xx of its own
				}
				if allowed && denied && rt.Access != server.Public {
					t.Errorf("%s denied %s: %d %s", rt.Pattern, c.name, r.code, r.body)
				}
				if !allowed && !denied {
					t.Errorf("%s allowed %s: %d %s", rt.Pattern, c.name, r.code, r.body)
				}
				if !allowed {
					want := http.StatusForbidden
					if c.token == "" {
						want = http.StatusUnauthorized
					}
					assertErrorBody(t, r, want, "")
				}
			})
		}
	}
}
