package server_test

import (
	"encoding/json"
	"fmt"
	"github.com/autospot/autospot/auth"
	"strings"
	"testing"
	"time"
)

// TestStrictJSON: the attack catalogue's Mongo-filter injection and the
// other malformed bodies are refused before any handler logic.
func TestStrictJSON(t *testing.T) {
	s := newStack(t, map[string]string{"AUTOSPOT_LOGIN_RATE": "1000/minute", "AUTOSPOT_AUTH_RATE": "1000/minute", "AUTOSPOT_MAX_BODY_BYTES": "4096"})
	s.createUser("vic@example.com", "vic", "driver", "")
	tests := []struct {
		name, path, ctype, body string
		status                  int
		code                    string
	}{
		{"operator injection", "/auth/login", "application/json", `{"email":{"$ne":""},"password":{"$ne":""}}`, 400, "invalid_json"},
		{"operator injection, forgot", "/auth/forgot-password", "application/json", `{"email":{"$gt":""}}`, 400, "invalid_json"},
		{"array for string", "/auth/login", "application/json", `{"email":["vic@example.com"],"password":"x"}`, 400, "invalid_json"},
		{"unknown field", "/auth/login", "application/json", `{"email":"vic@example.com","password":"x","role":"admin"}`, 400, "invalid_json"},
		{"two values", "/auth/login", "application/json", `{"email":"a@b.c","password":"x"}{"email":"d"}`, 400, "invalid_json"},
		{"not an object", "/auth/login", "application/json", `"vic@example.com"`, 400, "invalid_json"},
		{"syntax", "/auth/login", "application/json", `{"email":`, 400, "invalid_json"},
		{"empty", "/auth/login", "application/json", ``, 400, "invalid_json"},
		{"form content type", "/auth/login", "application/x-www-form-urlencoded", `email=vic%40example.com`, 415, "unsupported_media_type"},
		{"no content type", "/auth/login", "", `{"email":"vic@example.com","password":"x"}`, 415, "unsupported_media_type"},
		{"oversized", "/auth/login", "application/json", `{"email":"` + strings.Repeat("a", 5000) + `","password":"x"}`, 413, "body_too_large"},
		{"validation", "/auth/register", "application/json", `{"email":"not-an-email","username":"ab","password":"x","full_name":"X"}`, 400, "validation_error"},
		{"username charset", "/auth/register", "application/json", `{"email":"a@b.co","username":"bad name!","password":"` + goodPassword + `","full_name":"Xy"}`, 400, "validation_error"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hdr := map[string]string{"Content-Type": tc.ctype}
			r := s.do(req{method: "POST", path: tc.path, body: tc.body, header: hdr})
			assertErrorBody(t, r, tc.status, tc.code)
			if strings.Contains(string(r.body), "json: ") || strings.Contains(string(r.body), "server.") {
				t.Errorf("internals leak: %s", r.body)
			}
		})
	}
}

// TestErrorEnvelope: errors written by the mux, the auth, ratelimit and
// headers middlewares all carry the one body with the request id.
func TestErrorEnvelope(t *testing.T) {
	s := newStack(t, nil)
	t.Run("404", func(t *testing.T) { assertErrorBody(t, s.do(req{method: "GET", path: "/nope"}), 404, "not_found") })
	t.Run("405", func(t *testing.T) {
		r := s.do(req{method: "DELETE", path: "/api/health"})
		assertErrorBody(t, r, 405, "method_not_allowed")
		if r.header.Get("Allow") == "" {
			t.Error("405 lost its Allow header")
		}
	})
	t.Run("401 no token", func(t *testing.T) {
		r := s.do(req{method: "GET", path: "/auth/profile"})
		assertErrorBody(t, r, 401, "not_authenticated")
		if r.header.Get("WWW-Authenticate") == "" {
			t.Error("no WWW-Authenticate")
		}
	})
	t.Run("401 bad token", func(t *testing.T) {
		assertErrorBody(t, s.do(req{method: "GET", path: "/auth/profile", token: "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."}), 401, "invalid_token")
	})
	t.Run("401 megabyte bearer", func(t *testing.T) {
		assertErrorBody(t, s.do(req{method: "GET", path: "/auth/profile", token: strings.Repeat(".", 1<<20)}), 401, "")
	})
	t.Run("413 declared", func(t *testing.T) {
		r := s.do(req{method: "POST", path: "/auth/login", body: strings.Repeat(" ", 2<<20)})
		assertErrorBody(t, r, 413, "")
	})
	t.Run("incoming request id kept", func(t *testing.T) {
		r := s.do(req{method: "GET", path: "/nope", header: map[string]string{"X-Request-ID": "trace-123"}})
		if r.json(t)["request_id"] != "trace-123" {
			t.Errorf("body %s", r.body)
		}
	})
	t.Run("429", func(t *testing.T) {
		var r resp
		for range 6 {
			r = s.do(req{method: "POST", path: "/auth/login", body: `{"email":"x@example.com","password":"y"}`, remote: "192.0.2.77:1"})
		}
		assertErrorBody(t, r, 429, "rate_limited")
		if r.header.Get("Retry-After") == "" {
			t.Error("no Retry-After")
		}
	})
}

// TestLoginRateLimitIgnoresSpoofedForwarding: rotating X-Forwarded-For
// from a peer that is not a trusted proxy does not buy more attempts.
func TestLoginRateLimitIgnoresSpoofedForwarding(t *testing.T) {
	s := newStack(t, nil)
	codes := []int{}
	for i := range 7 {
		r := s.do(req{method: "POST", path: "/auth/login", body: `{"email":"x@example.com","password":"y"}`, remote: "192.0.2.80:1",
			header: map[string]string{"X-Forwarded-For": fmt.Sprintf("10.9.8.%d", i), "X-Real-IP": fmt.Sprintf("10.9.9.%d", i)}})
		codes = append(codes, r.code)
	}
	if codes[4] != 401 || codes[5] != 429 || codes[6] != 429 {
		t.Fatalf("codes %v: want five 401s then 429s", codes)
	}
}

// TestIPv6SlashSixtyFourSharesABucket: addresses within one /64 share
// the login limit.
func TestIPv6SlashSixtyFourSharesABucket(t *testing.T) {
	s := newStack(t, nil)
	var last resp
	for i := range 6 {
		last = s.do(req{method: "POST", path: "/auth/login", body: `{"email":"x@example.com","password":"y"}`,
			remote: fmt.Sprintf("[2001:db8:1:2::%x]:443", i+1)})
	}
	if last.code != 429 {
		t.Fatalf("sixth address of one /64: %d", last.code)
	}
	if r := s.do(req{method: "POST", path: "/auth/login", body: `{"email":"x@example.com","password":"y"}`, remote: "[2001:db8:1:3::1]:443"}); r.code != 401 {
		t.Errorf("another /64: %d", r.code)
	}
}

// TestTrustedProxyForwarding: behind a configured proxy, clients are told
// apart by X-Forwarded-For (so one client's limit does not hit another).
func TestTrustedProxyForwarding(t *testing.T) {
	s := newStack(t, map[string]string{"AUTOSPOT_TRUSTED_PROXIES": "10.0.0.0/8"})
	for range 5 {
		s.do(req{method: "POST", path: "/auth/login", body: `{"email":"x@example.com","password":"y"}`, remote: "10.0.0.2:1",
			header: map[string]string{"X-Forwarded-For": "198.51.100.1"}})
	}
	a := s.do(req{method: "POST", path: "/auth/login", body: `{"email":"x@example.com","password":"y"}`, remote: "10.0.0.2:1",
		header: map[string]string{"X-Forwarded-For": "198.51.100.1"}})
	b := s.do(req{method: "POST", path: "/auth/login", body: `{"email":"x@example.com","password":"y"}`, remote: "10.0.0.2:1",
		header: map[string]string{"X-Forwarded-For": "198.51.100.2"}})
	if a.code != 429 || b.code != 401 {
		t.Fatalf("same client %d (want 429), other client %d (want 401)", a.code, b.code)
	}
}

// TestLockout: five wrong passwords lock the account for that client
// bucket; the owner elsewhere still logs in; every failure looks alike.
func TestLockout(t *testing.T) {
	s := newStack(t, map[string]string{"AUTOSPOT_LOGIN_RATE": "1000/minute"})
	s.createUser("wendy@example.com", "wendy", "driver", "")
	attacker := "192.0.2.66:1"
	var first resp
	for i := range 5 {
		r := s.do(req{method: "POST", path: "/auth/login", body: `{"email":"wendy@example.com","password":"Wrong-Guess-11!"}`, remote: attacker})
		if i == 0 {
			first = r
		}
		assertErrorBody(t, r, 401, "invalid_credentials")
		s.clock.Advance(10 * time.Second) // past the progressive delay
	}
	locked := s.do(req{method: "POST", path: "/auth/login", body: `{"email":"wendy@example.com","password":"` + goodPassword + `"}`, remote: attacker})
	unknown := s.do(req{method: "POST", path: "/auth/login", body: `{"email":"nobody@example.com","password":"Wrong-Guess-11!"}`, remote: "192.0.2.67:1"})
	for name, r := range map[string]resp{"locked": locked, "unknown user": unknown} {
		if r.code != first.code || r.json(t)["detail"] != first.json(t)["detail"] || r.json(t)["error_code"] != first.json(t)["error_code"] {
			t.Errorf("%s answered %d %s, wrong password %d %s", name, r.code, r.body, first.code, first.body)
		}
	}
	s.login("wendy@example.com", goodPassword, "198.51.100.200:1")
	if n := s.app.Audit.Snapshot().Lockouts; n != 1 {
		t.Errorf("lockouts audited: %d", n)
	}
	if m := s.lastMail("wendy@example.com", auth.MailLockout); m.Text == "" {
		t.Error("owner not notified")
	}
}

// TestAuditRecordsWhoWhatWhere: the server's own audit events carry the
// client address, user agent and request id.
func TestAuditRecordsWhoWhatWhere(t *testing.T) {
	s := newStack(t, nil)
	s.do(req{method: "POST", path: "/auth/refresh", body: `{"refresh_token":"bogus"}`, remote: "198.51.100.9:1",
		header: map[string]string{"User-Agent": "probe-agent/1.0", "X-Request-ID": "rid-42"}})
	s.app.Audit.Close()
	var rec map[string]any
	for _, line := range strings.Split(s.logs.String(), "\n") {
		if strings.Contains(line, `"auth.token_refresh"`) {
			_ = json.Unmarshal([]byte(line), &rec)
		}
	}
	if rec == nil || rec["client_ip"] != "198.51.100.9" || rec["user_agent"] != "probe-agent/1.0" || rec["request_id"] != "rid-42" || rec["outcome"] != "failure" {
		t.Errorf("audit record %v", rec)
	}
}

// TestCORSOrigins: only the exact configured origins get CORS headers.
func TestCORSOrigins(t *testing.T) {
	s := newStack(t, nil)
	for _, origin := range []string{"https://evil.com", "null", "https://autospot.it.com.evil.com", "http://autospot.it.com"} {
		t.Run(origin, func(t *testing.T) {
			r := s.do(req{method: "GET", path: "/api/health", header: map[string]string{"Origin": origin}})
			if v := r.header.Get("Access-Control-Allow-Origin"); v != "" {
				t.Errorf("ACAO %q for %s", v, origin)
			}
			pre := s.do(req{method: "OPTIONS", path: "/auth/login", header: map[string]string{"Origin": origin, "Access-Control-Request-Method": "POST"}})
			if v := pre.header.Get("Access-Control-Allow-Origin"); v != "" || pre.code < 400 {
				t.Errorf("preflight %d ACAO %q", pre.code, v)
			}
		})
	}
	r := s.do(req{method: "GET", path: "/api/health", header: map[string]string{"Origin": "https://autospot.it.com"}})
	if r.header.Get("Access-Control-Allow-Origin") != "https://autospot.it.com" || !strings.Contains(r.header.Get("Vary"), "Origin") {
		t.Errorf("allowed origin: %v", r.header)
	}
}

// TestNoSecretsInLogs runs a whole flow with every log captured and looks
// for the password, the code, the tokens and any JWT.
func TestNoSecretsInLogs(t *testing.T) {
	s := newStack(t, nil)
	tk := s.registerDriver("nora@example.com", "nora")
	code := codeRE.FindString(s.lastMail("nora@example.com", auth.MailVerifyCode).Text)
	s.post("/auth/login", `{"email":"nora@example.com","password":"Wrong-`+goodPassword+`"}`, "")
	s.post("/auth/login", "{\"email\":\"a\\r\\nlevel=INFO msg=login ok\",\"password\":\"x\"}", "")
	r := s.post("/auth/refresh", `{"refresh_token":"`+tk.Refresh+`"}`, "")
	next := tokensOf(t, r)
	s.do(req{method: "GET", path: "/auth/profile", token: "garbage." + tk.Access})
	s.post("/auth/forgot-password", `{"email":"nora@example.com"}`, "")
	s.post("/auth/logout", "", next.Access)
	s.close()
	logs := s.logs.String()
	for name, secret := range map[string]string{"password": goodPassword, "code": code, "access": tk.Access, "refresh": tk.Refresh, "jwt": "eyJ"} {
		if strings.Contains(logs, secret) {
			t.Errorf("%s found in logs", name)
		}
	}
	lines := 0
	for _, line := range strings.Split(strings.TrimSpace(logs), "\n") {
		if line == "" || line[0] == '!' {
			continue
		}
		lines++
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Errorf("log line is not one JSON record (CR/LF injection?): %q", line)
		}
	}
	if lines == 0 {
		t.Fatal("nothing logged")
	}
}

// TestSecurityHeaders: the seed's headers on every response, no-store on
// auth responses.
func TestSecurityHeaders(t *testing.T) {
	s := newStack(t, nil)
	for _, r := range []resp{s.do(req{method: "GET", path: "/api/health"}), s.do(req{method: "GET", path: "/nope"}), s.post("/auth/login", `{"email":"a@b.co","password":"x"}`, "")} {
		for k, v := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
			"Strict-Transport-Security": "max-age=31536000; includeSubDomains", "Content-Security-Policy": "default-src 'self'", "X-XSS-Protection": "0"} {
			if got := r.header.Get(k); got != v {
				t.Errorf("%s = %q, want %q", k, got, v)
			}
		}
	}
	if r := s.post("/auth/login", `{"email":"a@b.co","password":"x"}`, ""); r.header.Get("Cache-Control") != "no-store" {
		t.Errorf("auth response Cache-Control %q", r.header.Get("Cache-Control"))
	}
	seed := newStack(t, map[string]string{"AUTOSPOT_XSS_PROTECTION": "1; mode=block"})
	if v := seed.do(req{method: "GET", path: "/api/health"}).header.Get("X-XSS-Protection"); v != "1; mode=block" {
		t.Errorf("seed XSS value not applied: %q", v)
	}
}
