package server_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/autospot/autospot/auth"
)

// TestMetrics: /metrics is admin-only on the API listener and carries
// route-pattern labels, auth failures and rate-limit rejections.
func TestMetrics(t *testing.T) {
	s := newStack(t, nil)
	_, adm := s.createUser("met@example.com", "met", auth.RoleAdmin, "")
	for range 6 {
		s.do(req{method: "POST", path: "/auth/login", body: `{"email":"x@example.com","password":"y"}`, remote: "192.0.2.5:1"})
	}
	s.do(req{method: "GET", path: "/admin/users/abc", token: adm.Access})
	s.app.Audit.Close()
	r := s.do(req{method: "GET", path: "/metrics", token: adm.Access})
	if r.code != 200 {
		t.Fatalf("%d %s", r.code, r.body)
	}
	body := string(r.body)
	for _, want := range []string{
		`autospot_http_requests_total{method="POST",route="POST /auth/login",status="401"} 5`,
		`autospot_http_requests_total{method="POST",route="POST /auth/login",status="429"} 1`,
		`autospot_http_requests_total{method="GET",route="GET /admin/users/{id}",status="404"} 1`,
		`autospot_http_request_duration_seconds_bucket{method="POST",route="POST /auth/login"`,
		`autospot_http_rate_limited_total{rule="login"} 1`,
		`autospot_audit_auth_failures_total 5`,
		`autospot_ratelimit_decisions_total{decision="denied"} 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if strings.Contains(body, `route="/admin/users/abc"`) {
		t.Error("raw path used as a label")
	}
}

// TestMetricsOwnListener: with AUTOSPOT_METRICS_ADDR the API has no
// /metrics route.
func TestMetricsOwnListener(t *testing.T) {
	s := newStack(t, map[string]string{"AUTOSPOT_METRICS_ADDR": "127.0.0.1:0"})
	if r := s.do(req{method: "GET", path: "/metrics"}); r.code != 404 {
		t.Errorf("/metrics on the API: %d", r.code)
	}
}

// TestCloudWatchEMF: AUTOSPOT_CLOUDWATCH_EMF=1 writes one EMF line per
// request.
func TestCloudWatchEMF(t *testing.T) {
	s := newStack(t, map[string]string{"AUTOSPOT_CLOUDWATCH_EMF": "1"})
	s.do(req{method: "GET", path: "/api/health"})
	found := false
	for _, line := range strings.Split(s.logs.String(), "\n") {
		if !strings.Contains(line, `"_aws"`) {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatal(err)
		}
		found = found || m["Route"] == "GET /api/health"
	}
	if !found {
		t.Errorf("no EMF line: %s", s.logs.String())
	}
}

// TestJWKS: the public keys are served only with EdDSA, and tokens verify.
func TestJWKS(t *testing.T) {
	hs := newStack(t, nil)
	if r := hs.do(req{method: "GET", path: "/.well-known/jwks.json"}); r.code != 404 {
		t.Errorf("HS256 serves JWKS: %d", r.code)
	}
	ed := newStack(t, map[string]string{"AUTOSPOT_JWT_ALG": "EdDSA"})
	r := ed.do(req{method: "GET", path: "/.well-known/jwks.json"})
	if r.code != 200 || !bytes.Contains(r.body, []byte(`"OKP"`)) || bytes.Contains(r.body, []byte(`"d"`)) {
		t.Fatalf("%d %s", r.code, r.body)
	}
	keys, err := auth.ParseJWKS(r.body)
	if err != nil || len(keys) != 1 {
		t.Fatalf("ParseJWKS: %v", err)
	}
	_, tk := ed.createUser("ed@example.com", "eddsa_user", auth.RoleDriver, "")
	if r := ed.do(req{method: "GET", path: "/auth/profile", token: tk.Access}); r.code != 200 {
		t.Errorf("EdDSA token refused: %d", r.code)
	}
}

// TestRestartKeepsUsersAndSessions: the embedded default survives a
// restart: accounts, profiles, refresh families, revocations and secrets.
func TestRestartKeepsUsersAndSessions(t *testing.T) {
	s := newStack(t, nil)
	tk := s.registerDriver("rita@example.com", "rita")
	s.do(req{method: "PUT", path: "/auth/profile", token: tk.Access, body: `{"licence_plate":"RST-001"}`})
	gone := s.login("rita@example.com", goodPassword, "")
	s.post("/auth/logout", "", gone.Access)

	s2 := s.restart()
	r := s2.do(req{method: "GET", path: "/auth/profile", token: tk.Access})
	if r.code != 200 || r.json(t)["profile"].(map[string]any)["licence_plate"] != "RST-001" {
		t.Fatalf("access token or profile lost: %d %s", r.code, r.body)
	}
	if r := s2.post("/auth/refresh", `{"refresh_token":"`+tk.Refresh+`"}`, ""); r.code != 200 {
		t.Errorf("refresh family lost: %d %s", r.code, r.body)
	}
	if r := s2.do(req{method: "GET", path: "/auth/profile", token: gone.Access}); r.code != 401 {
		t.Errorf("logout forgotten across restart: %d", r.code)
	}
	s2.login("rita@example.com", goodPassword, "")
	s2.app.Audit.Close()
	adm, _ := s2.createUser("aud@example.com", "aud", auth.RoleAdmin, "")
	_ = adm
}
