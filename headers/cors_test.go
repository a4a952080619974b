package headers

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"
)

func seedCORS(t *testing.T) *CORS {
	t.Helper()
	c, err := NewCORS(AutoSpotCORS())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func corsRequest(method string, hdr map[string]string) *http.Request {
	r := httptest.NewRequest(method, "/api/spots", nil)
	for k, v := range hdr {
		r.Header.Set(k, v)
	}
	return r
}

func hasVaryOrigin(h http.Header) bool {
	return slices.Contains(h.Values("Vary"), "Origin")
}

// The attack catalogue's CORS rows: none of these origins may get an
// Access-Control-Allow-Origin header, on simple requests or preflights.
func TestCORSCatalogueDeniedOrigins(t *testing.T) {
	c := seedCORS(t)
	for _, origin := range []string{
		"https://evil.com",
		"null",
		"https://autospot.it.com.evil.com",
		// near misses
		"http://autospot.it.com",
		"https://autospot.it.com:8443",
		"https://autospot.it.com/",
		"https://AUTOSPOT.IT.COM",
		"https://xautospot.it.com",
		"https://evil.autospot.it.com",
		"https://autospot.it.com\r\nX: y",
	} {
		for _, preflight := range []bool{false, true} {
			name := origin
			if preflight {
				name += "/preflight"
			}
			t.Run(name, func(t *testing.T) {
				hdr := map[string]string{"Origin": origin}
				method := http.MethodGet
				if preflight {
					method = http.MethodOptions
					hdr["Access-Control-Request-Method"] = "POST"
				}
				called := false
				rec := httptest.NewRecorder()
				c.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { called = true })).
					ServeHTTP(rec, corsRequest(method, hdr))
				for k := range rec.Header() {
					if len(k) > 14 && k[:14] == "Access-Control" {
						t.Errorf("%s sent to a denied origin: %q", k, rec.Header().Get(k))
					}
				}
				if !hasVaryOrigin(rec.Header()) {
					t.Error("Vary: Origin missing")
				}
				if preflight {
					if called {
						t.Error("denied preflight reached the handler")
					}
					checkJSONError(t, rec, http.StatusForbidden, "cors_origin_denied")
				} else if !called {
					t.Error("simple request was not passed on (the browser enforces CORS)")
				}
			})
		}
	}
}

func TestCORSAllowedOrigin(t *testing.T) {
	c := seedCORS(t)
	for _, origin := range []string{"https://autospot.it.com", "https://www.autospot.it.com", "https://api.autospot.it.com"} {
		t.Run(origin, func(t *testing.T) {
			rec := httptest.NewRecorder()
			c.Handler(ok).ServeHTTP(rec, corsRequest("GET", map[string]string{"Origin": origin}))
			h := rec.Header()
			if h.Get("Access-Control-Allow-Origin") != origin {
				t.Errorf("ACAO = %q, want %q", h.Get("Access-Control-Allow-Origin"), origin)
			}
			if h.Get("Access-Control-Allow-Credentials") != "true" {
				t.Error("credentials not allowed")
			}
			if h.Get("Access-Control-Expose-Headers") != "X-Request-ID" {
				t.Errorf("ACEH = %q", h.Get("Access-Control-Expose-Headers"))
			}
			if !hasVaryOrigin(h) {
				t.Error("Vary: Origin missing")
			}
			if rec.Body.String() != "ok" {
				t.Error("handler not called")
			}
		})
	}
}

func TestCORSNoOriginStillVaries(t *testing.T) {
	rec := httptest.NewRecorder()
	seedCORS(t).Handler(ok).ServeHTTP(rec, corsRequest("GET", nil))
	if !hasVaryOrigin(rec.Header()) {
		t.Error("Vary: Origin missing on a same-origin request (caches would mix responses)")
	}
	if rec.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Error("ACAO without Origin")
	}
}

func TestCORSDuplicateOriginHeaders(t *testing.T) {
	r := corsRequest("GET", nil)
	r.Header.Add("Origin", "https://autospot.it.com")
	r.Header.Add("Origin", "https://evil.com")
	rec := httptest.NewRecorder()
	seedCORS(t).Handler(ok).ServeHTTP(rec, r)
	if got := rec.Header().Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("ACAO = %q for two Origin headers", got)
	}
}

func TestCORSPreflight(t *testing.T) {
	c := seedCORS(t)
	tests := []struct {
		name   string
		method string
		hdrs   string
		status int
		code   string
	}{
		{"allowed", "PUT", "authorization, content-type", http.StatusNoContent, ""},
		{"no request headers", "DELETE", "", http.StatusNoContent, ""},
		{"header case", "POST", "Content-Type", http.StatusNoContent, ""},
		{"method not allowed", "PATCH", "", http.StatusForbidden, "cors_method_denied"},
		{"method case", "put", "", http.StatusForbidden, "cors_method_denied"},
		{"header not allowed", "POST", "authorization, x-evil", http.StatusForbidden, "cors_header_denied"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hdr := map[string]string{"Origin": "https://autospot.it.com", "Access-Control-Request-Method": tc.method}
			if tc.hdrs != "" {
				hdr["Access-Control-Request-Headers"] = tc.hdrs
			}
			rec := httptest.NewRecorder()
			c.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				t.Error("preflight reached the handler")
			})).ServeHTTP(rec, corsRequest("OPTIONS", hdr))
			h := rec.Header()
			for _, v := range []string{"Origin", "Access-Control-Request-Method", "Access-Control-Request-Headers"} {
				if !slices.Contains(h.Values("Vary"), v) {
					t.Errorf("Vary lacks %s: %q", v, h.Values("Vary"))
				}
			}
			if tc.status != http.StatusNoContent {
				checkJSONError(t, rec, tc.status, tc.code)
				if h.Get("Access-Control-Allow-Origin") != "" {
					t.Error("ACAO on a refused preflight")
				}
				return
			}
			if rec.Code != http.StatusNoContent {
				t.Fatalf("status = %d", rec.Code)
			}
			for k, v := range map[string]string{
				"Access-Control-Allow-Origin":      "https://autospot.it.com",
				"Access-Control-Allow-Credentials": "true",
				"Access-Control-Allow-Methods":     "GET, POST, PUT, DELETE",
				"Access-Control-Allow-Headers":     "Authorization, Content-Type",
				"Access-Control-Max-Age":           "600",
			} {
				if got := h.Get(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
		})
	}
}

func TestCORSMaxAge(t *testing.T) {
	for _, tc := range []struct {
		maxAge time.Duration
		want   string
	}{{0, "600"}, {2 * time.Hour, "7200"}, {-1, ""}} {
		cfg := AutoSpotCORS()
		cfg.MaxAge = tc.maxAge
		c, err := NewCORS(cfg)
		if err != nil {
			t.Fatal(err)
		}
		rec := httptest.NewRecorder()
		c.Handler(ok).ServeHTTP(rec, corsRequest("OPTIONS", map[string]string{
			"Origin": "https://autospot.it.com", "Access-Control-Request-Method": "GET"}))
		if got := rec.Header().Get("Access-Control-Max-Age"); got != tc.want {
			t.Errorf("MaxAge %v: header = %q, want %q", tc.maxAge, got, tc.want)
		}
	}
}

func TestCORSConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  CORSConfig
		want error
	}{
		{"wildcard with credentials", CORSConfig{AllowedOrigins: []string{"*"}, AllowCredentials: true}, ErrWildcardWithCredentials},
		{"wildcard among others", CORSConfig{AllowedOrigins: []string{"*", "https://a.example"}}, ErrInvalidOrigin},
		{"null", CORSConfig{AllowedOrigins: []string{"null"}}, ErrInvalidOrigin},
		{"trailing slash", CORSConfig{AllowedOrigins: []string{"https://a.example/"}}, ErrInvalidOrigin},
		{"path", CORSConfig{AllowedOrigins: []string{"https://a.example/app"}}, ErrInvalidOrigin},
		{"no scheme", CORSConfig{AllowedOrigins: []string{"a.example"}}, ErrInvalidOrigin},
		{"subdomain wildcard", CORSConfig{AllowedOrigins: []string{"https://*.a.example"}}, ErrInvalidOrigin},
		{"user info", CORSConfig{AllowedOrigins: []string{"https://u@a.example"}}, ErrInvalidOrigin},
		{"empty", CORSConfig{AllowedOrigins: []string{""}}, ErrInvalidOrigin},
		{"CRLF", CORSConfig{AllowedOrigins: []string{"https://a.example\r\n"}}, ErrInvalidOrigin},
		{"bad method", CORSConfig{AllowedMethods: []string{"GET POST"}}, ErrInvalidHeaderValue},
		{"bad header", CORSConfig{AllowedHeaders: []string{"X-A\r\n"}}, ErrInvalidHeaderValue},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := NewCORS(tc.cfg)
			if !errors.Is(err, tc.want) || c != nil {
				t.Fatalf("NewCORS = %v, %v; want error %v", c, err, tc.want)
			}
		})
	}
}

func TestCORSOriginNormalised(t *testing.T) {
	c, err := NewCORS(CORSConfig{AllowedOrigins: []string{"HTTPS://App.Example:443", "http://[::1]:8080"}})
	if err != nil {
		t.Fatal(err)
	}
	for origin, want := range map[string]bool{
		"https://app.example":     true,
		"https://app.example:443": false, // browsers never send a default port
		"http://[::1]:8080":       true,
		"http://[::1]":            false,
	} {
		if got := c.Allowed(origin); got != want {
			t.Errorf("Allowed(%q) = %v, want %v", origin, got, want)
		}
	}
}

func TestCORSWildcardWithoutCredentials(t *testing.T) {
	c, err := NewCORS(CORSConfig{AllowedOrigins: []string{"*"}})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	c.Handler(ok).ServeHTTP(rec, corsRequest("GET", map[string]string{"Origin": "https://any.example"}))
	if got := rec.Header().Get("Access-Control-Allow-Origin"); got != "*" {
		t.Errorf("ACAO = %q, want the literal * (never the reflected origin)", got)
	}
	if rec.Header().Get("Access-Control-Allow-Credentials") != "" {
		t.Error("credentials with *")
	}
	rec = httptest.NewRecorder()
	c.Handler(ok).ServeHTTP(rec, corsRequest("GET", map[string]string{"Origin": "null"}))
	if got := rec.Header().Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("null origin got ACAO %q", got)
	}
}

func TestCORSZeroValueAllowsNothing(t *testing.T) {
	c, err := NewCORS(CORSConfig{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Allowed("https://autospot.it.com") {
		t.Error("zero config allowed an origin")
	}
}
