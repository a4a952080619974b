package auth_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/autospot/autospot/auth"
)

// whoami answers 200 with the subject, or "anonymous".
var whoami = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	c, ok := auth.ClaimsFrom(r.Context())
	if !ok {
		_, _ = w.Write([]byte("anonymous"))
		return
	}
	_, _ = w.Write([]byte(c.Subject))
})

type reqOpt func(*http.Request)

func bearer(tok string) reqOpt {
	return func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+tok) }
}

func header(k, v string) reqOpt { return func(r *http.Request) { r.Header.Add(k, v) } }

func cookie(name, v string) reqOpt {
	return func(r *http.Request) { r.AddCookie(&http.Cookie{Name: name, Value: v}) }
}

func serve(h http.Handler, method string, opts ...reqOpt) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, "/x", nil)
	for _, o := range opts {
		o(r)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func errorBody(t *testing.T, w *httptest.ResponseRecorder) auth.ErrorBody {
	t.Helper()
	if ct := w.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Fatalf("Content-Type %q", ct)
	}
	if cc := w.Header().Get("Cache-Control"); cc != "no-store" {
		t.Fatalf("Cache-Control %q", cc)
	}
	var b auth.ErrorBody
	if err := json.Unmarshal(w.Body.Bytes(), &b); err != nil || b.Detail == "" || b.ErrorCode == "" {
		t.Fatalf("body %q: %v", w.Body.String(), err)
	}
	return b
}

func TestAuthenticateBearer(t *testing.T) {
	e := newEnv(t)
	h := e.svc.Authenticate()(whoami)
	p := e.login(t, driver)
	expired := signWith(t, jwt.SigningMethodHS256, testSecret, map[string]any{"kid": "k1"}, func() jwt.MapClaims {
		c := validClaims(e.clock.Now())
		c["exp"] = e.clock.Now().Add(-time.Hour).Unix()
		return c
	}())

	for _, tc := range []struct {
		name     string
		opts     []reqOpt
		status   int
		code     string
		wwwAuthn string
	}{
		{"valid", []reqOpt{bearer(p.AccessToken)}, 200, "", ""},
		{"lower-case scheme", []reqOpt{header("Authorization", "bearer "+p.AccessToken)}, 200, "", ""},
		{"no credentials", nil, 401, "not_authenticated", "Bearer"},
		{"empty bearer", []reqOpt{header("Authorization", "Bearer ")}, 401, "invalid_token", `Bearer error="invalid_token"`},
		{"Basic scheme", []reqOpt{header("Authorization", "Basic dXNlcjpwYXNz")}, 401, "invalid_token", `Bearer error="invalid_token"`},
		{"token without scheme", []reqOpt{header("Authorization", p.AccessToken)}, 401, "invalid_token", `Bearer error="invalid_token"`},
		{"two Authorization headers", []reqOpt{bearer(p.AccessToken), header("Authorization", "Bearer x")}, 401, "invalid_token", `Bearer error="invalid_token"`},
		{"garbage", []reqOpt{bearer("abc.def.ghi")}, 401, "invalid_token", `Bearer error="invalid_token"`},
		{"refresh token", []reqOpt{bearer(p.RefreshToken)}, 401, "invalid_token", `Bearer error="invalid_token"`},
		{"expired", []reqOpt{bearer(expired)}, 401, "token_expired", `Bearer error="invalid_token", error_description="token expired"`},
		{"Bearer + 1 MB of dots", []reqOpt{bearer(strings.Repeat(".", 1<<20))}, 401, "invalid_token", `Bearer error="invalid_token"`},
		{"cookie ignored without WithCookie", []reqOpt{cookie(auth.DefaultCookieName, p.AccessToken)}, 401, "not_authenticated", "Bearer"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := serve(h, "GET", tc.opts...)
			if w.Code != tc.status {
				t.Fatalf("status %d, want %d (%s)", w.Code, tc.status, w.Body)
			}
			if tc.status == 200 {
				if w.Body.String() != driver.ID {
					t.Fatalf("body %q", w.Body)
				}
				return
			}
			if got := w.Header().Get("WWW-Authenticate"); got != tc.wwwAuthn {
				t.Fatalf("WWW-Authenticate %q, want %q", got, tc.wwwAuthn)
			}
			if b := errorBody(t, w); b.ErrorCode != tc.code {
				t.Fatalf("error_code %q, want %q", b.ErrorCode, tc.code)
			}
		})
	}
}

// TestAuthenticateHugeHeaderBoundedMemory is the catalogue's "Bearer + 1 MB
// of dots → rejected with bounded memory".
func TestAuthenticateHugeHeaderBoundedMemory(t *testing.T) {
	e := newEnv(t)
	h := e.svc.Authenticate()(whoami)
	for name, tok := range map[string]string{
		"1 MB of dots": strings.Repeat(".", 1<<20),
		// Three well-formed segments: a parser without the length cap
		// would base64-decode and JSON-parse a megabyte.
		"1 MB payload": b64(map[string]string{"alg": "HS256", "kid": "k1"}) + "." + strings.Repeat("A", 1<<20) + ".c2ln",
	} {
		t.Run(name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/x", nil)
			r.Header.Set("Authorization", "Bearer "+tok)
			w := httptest.NewRecorder()
			allocated := measureAlloc(func() { h.ServeHTTP(w, r) })
			if w.Code != http.StatusUnauthorized {
				t.Fatalf("status %d", w.Code)
			}
			t.Logf("allocated %d bytes", allocated)
			if allocated > 32<<10 {
				t.Fatalf("rejecting a 1 MB Authorization header allocated %d bytes", allocated)
			}
		})
	}
}

func TestRevocationTakesEffectOnNextRequest(t *testing.T) {
	e := newEnv(t)
	h := e.svc.Authenticate()(whoami)
	p := e.login(t, driver)
	if w := serve(h, "GET", bearer(p.AccessToken)); w.Code != 200 {
		t.Fatal(w.Code)
	}
	if err := e.svc.LogoutAll(ctx, driver.ID); err != nil {
		t.Fatal(err)
	}
	w := serve(h, "GET", bearer(p.AccessToken))
	if w.Code != 401 || errorBody(t, w).ErrorCode != "invalid_token" {
		t.Fatalf("after logout-all: %d %s", w.Code, w.Body)
	}
}

func TestAuthenticateStoreDown(t *testing.T) {
	e := newEnv(t)
	p := e.login(t, driver)
	cs := &countingStore{RevocationStore: e.revoke}
	cs.fail.Store(true)
	h := e.replica(t, cs).Authenticate()(whoami)
	w := serve(h, "GET", bearer(p.AccessToken))
	if w.Code != http.StatusServiceUnavailable || errorBody(t, w).ErrorCode != "auth_unavailable" {
		t.Fatalf("store down: %d %s", w.Code, w.Body)
	}
}

func TestAuthenticateCookieCSRF(t *testing.T) {
	e := newEnv(t)
	h := e.svc.Authenticate(auth.WithCookie(""))(whoami)
	p := e.login(t, driver)
	ck := cookie(auth.DefaultCookieName, p.AccessToken)
	wrong := strings.ToUpper(p.CSRFToken[:1]) + p.CSRFToken[1:]
	if wrong == p.CSRFToken {
		wrong = "x" + p.CSRFToken[1:]
	}
	for _, tc := range []struct {
		name   string
		method string
		opts   []reqOpt
		status int
	}{
		{"GET with cookie", "GET", []reqOpt{ck}, 200},
		{"HEAD with cookie", "HEAD", []reqOpt{ck}, 200},
		{"POST with cookie, no CSRF header", "POST", []reqOpt{ck}, 403},
		{"POST with cookie, wrong CSRF header", "POST", []reqOpt{ck, header("X-CSRF-Token", wrong)}, 403},
		{"POST with cookie, CSRF prefix", "POST", []reqOpt{ck, header("X-CSRF-Token", p.CSRFToken[:10])}, 403},
		{"DELETE with cookie, right CSRF header", "DELETE", []reqOpt{ck, header("X-CSRF-Token", p.CSRFToken)}, 200},
		{"POST with cookie, right CSRF header", "POST", []reqOpt{ck, header("X-CSRF-Token", p.CSRFToken)}, 200},
		{"POST with bearer needs no CSRF", "POST", []reqOpt{bearer(p.AccessToken)}, 200},
		{"cookie with another name", "GET", []reqOpt{cookie("other", p.AccessToken)}, 401},
		{"invalid cookie", "GET", []reqOpt{cookie(auth.DefaultCookieName, "x.y.z")}, 401},
		{"over-long cookie", "GET", []reqOpt{cookie(auth.DefaultCookieName, strings.Repeat("a", 9000))}, 401},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := serve(h, tc.method, tc.opts...)
			if w.Code != tc.status {
				t.Fatalf("status %d, want %d (%s)", w.Code, tc.status, w.Body)
			}
			if tc.status == 403 && errorBody(t, w).ErrorCode != "csrf_failed" {
				t.Fatalf("body %s", w.Body)
			}
		})
	}
	// A custom header name.
	h2 := e.svc.Authenticate(auth.WithCookie("sess"), auth.WithCSRFHeader("X-XSRF"))(whoami)
	if w := serve(h2, "POST", cookie("sess", p.AccessToken), header("X-XSRF", p.CSRFToken)); w.Code != 200 {
		t.Fatalf("custom names: %d", w.Code)
	}
	if w := serve(h2, "POST", cookie("sess", p.AccessToken), header("X-CSRF-Token", p.CSRFToken)); w.Code != 403 {
		t.Fatalf("default header with custom name configured: %d", w.Code)
	}
}

func TestAccessCookie(t *testing.T) {
	e := newEnv(t)
	p := e.login(t, driver)
	c := auth.AccessCookie("", p)
	if c.Name != auth.DefaultCookieName || c.Value != p.AccessToken || !c.HttpOnly || !c.Secure ||
		c.SameSite != http.SameSiteStrictMode || c.Path != "/" || !c.Expires.Equal(p.AccessExpiresAt) || c.Domain != "" {
		t.Fatalf("cookie %+v", c)
	}
	if err := c.Valid(); err != nil {
		t.Fatal(err)
	}
}

func TestAllowAnonymous(t *testing.T) {
	e := newEnv(t)
	h := e.svc.Authenticate(auth.AllowAnonymous())(whoami)
	if w := serve(h, "GET"); w.Code != 200 || w.Body.String() != "anonymous" {
		t.Fatalf("anonymous: %d %s", w.Code, w.Body)
	}
	if w := serve(h, "GET", bearer("x.y.z")); w.Code != 401 {
		t.Fatalf("invalid token with AllowAnonymous: %d", w.Code)
	}
	p := e.login(t, driver)
	if w := serve(h, "GET", bearer(p.AccessToken)); w.Body.String() != driver.ID {
		t.Fatalf("valid token with AllowAnonymous: %s", w.Body)
	}
}

func TestRequireRoleAndPermission(t *testing.T) {
	e := newEnv(t)
	rbac := auth.DefaultRBAC()
	authn := e.svc.Authenticate()
	tokens := map[string]string{
		"driver":     e.login(t, driver).AccessToken,
		"operator-A": e.login(t, auth.Subject{ID: "op-a", Roles: []auth.Role{auth.RoleOperator}, Facility: "A"}).AccessToken,
		"admin":      e.login(t, auth.Subject{ID: "adm", Roles: []auth.Role{auth.RoleAdmin}}).AccessToken,
	}
	facilityB := func(*http.Request) string { return "B" }
	facilityA := func(*http.Request) string { return "A" }
	routes := map[string]http.Handler{
		"role driver":          authn(auth.RequireRole(auth.RoleDriver)(whoami)),
		"role operator|admin":  authn(auth.RequireRole(auth.RoleOperator, auth.RoleAdmin)(whoami)),
		"perm wallet":          authn(auth.RequirePermission(rbac, auth.PermWalletOwn)(whoami)),
		"perm wipe":            authn(auth.RequirePermission(rbac, auth.PermDataWipe)(whoami)),
		"perm map, no fac":     authn(auth.RequirePermission(rbac, auth.PermMapWrite)(whoami)),
		"perm map in A":        authn(auth.RequireFacilityPermission(rbac, auth.PermMapWrite, facilityA)(whoami)),
		"perm map in B":        authn(auth.RequireFacilityPermission(rbac, auth.PermMapWrite, facilityB)(whoami)),
		"perm parking in B":    authn(auth.RequireFacilityPermission(rbac, auth.PermParkingRead, facilityB)(whoami)),
		"nil rbac":             authn(auth.RequirePermission(nil, auth.PermParkingRead)(whoami)),
		"role, no authn":       auth.RequireRole(auth.RoleDriver)(whoami),
		"perm, no authn":       auth.RequirePermission(rbac, auth.PermParkingRead)(whoami),
		"facility, no authn":   auth.RequireFacilityPermission(rbac, auth.PermMapWrite, facilityA)(whoami),
		"unknown perm for all": authn(auth.RequirePermission(rbac, "nuke:all")(whoami)),
	}
	want := map[string]map[string]int{
		"role driver":          {"driver": 200, "operator-A": 403, "admin": 403},
		"role operator|admin":  {"driver": 403, "operator-A": 200, "admin": 200},
		"perm wallet":          {"driver": 200, "operator-A": 403, "admin": 403},
		"perm wipe":            {"driver": 403, "operator-A": 403, "admin": 200},
		"perm map, no fac":     {"driver": 403, "operator-A": 403, "admin": 200},
		"perm map in A":        {"driver": 403, "operator-A": 200, "admin": 200},
		"perm map in B":        {"driver": 403, "operator-A": 403, "admin": 200},
		"perm parking in B":    {"driver": 200, "operator-A": 200, "admin": 200},
		"nil rbac":             {"driver": 403, "operator-A": 403, "admin": 403},
		"role, no authn":       {"driver": 401, "operator-A": 401, "admin": 401},
		"perm, no authn":       {"driver": 401, "operator-A": 401, "admin": 401},
		"facility, no authn":   {"driver": 401, "operator-A": 401, "admin": 401},
		"unknown perm for all": {"driver": 403, "operator-A": 403, "admin": 403},
	}
	for route, h := range routes {
		for who, tok := range tokens {
			w := serve(h, "GET", bearer(tok))
			if w.Code != want[route][who] {
				t.Errorf("%s as %s: %d, want %d", route, who, w.Code, want[route][who])
				continue
			}
			if w.Code == 403 && errorBody(t, w).ErrorCode != "forbidden" {
				t.Errorf("%s as %s: body %s", route, who, w.Body)
			}
			if w.Code == 401 && errorBody(t, w).ErrorCode != "not_authenticated" {
				t.Errorf("%s as %s: body %s", route, who, w.Body)
			}
		}
	}
}

func TestWithClaims(t *testing.T) {
	c := &auth.Claims{Type: auth.TypeAccess}
	c.Subject = "u"
	got, ok := auth.ClaimsFrom(auth.WithClaims(ctx, c))
	if !ok || got != c {
		t.Fatal("WithClaims round trip")
	}
	if _, ok := auth.ClaimsFrom(ctx); ok {
		t.Fatal("claims in an empty context")
	}
	if _, ok := auth.ClaimsFrom(auth.WithClaims(ctx, nil)); ok {
		t.Fatal("nil claims reported present")
	}
}
