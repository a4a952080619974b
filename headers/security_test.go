package headers

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
)

func serve(t *testing.T, mw func(http.Handler) http.Handler, h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	mw(h).ServeHTTP(rec, r)
	return rec
}

func TestSecurityHeadersDefaults(t *testing.T) {
	mw, err := SecurityHeaders(SecurityConfig{})
	if err != nil {
		t.Fatal(err)
	}
	rec := serve(t, mw, ok, httptest.NewRequest("GET", "/", nil))
	want := map[string]string{
		// the seed's five
		"X-Content-Type-Options":    "nosniff",
		"X-Frame-Options":           "DENY",
		"X-XSS-Protection":          "0",
		"Strict-Transport-Security": "max-age=31536000; includeSubDomains",
		"Content-Security-Policy":   "default-src 'self'",
		// and the rest
		"Referrer-Policy":              "no-referrer",
		"Permissions-Policy":           DefaultPermissionsPolicy,
		"Cross-Origin-Opener-Policy":   "same-origin",
		"Cross-Origin-Resource-Policy": "same-origin",
	}
	for name, v := range want {
		t.Run(name, func(t *testing.T) {
			if got := rec.Header().Values(name); len(got) != 1 || got[0] != v {
				t.Errorf("%s = %q, want %q", name, got, v)
			}
		})
	}
	if got := rec.Header().Get("Cache-Control"); got != "" {
		t.Errorf("Cache-Control = %q on an unmarked response, want none", got)
	}
}

func TestSecurityHeadersConfigurable(t *testing.T) {
	cfg := SecurityConfig{
		ContentTypeOptions:        "nosniff",
		FrameOptions:              "SAMEORIGIN",
		XSSProtection:             XSSProtectionSeed,
		StrictTransportSecurity:   "max-age=63072000; includeSubDomains; preload",
		ContentSecurityPolicy:     "default-src 'none'; frame-ancestors 'none'",
		ReferrerPolicy:            "strict-origin-when-cross-origin",
		PermissionsPolicy:         "geolocation=(self)",
		CrossOriginOpenerPolicy:   "same-origin-allow-popups",
		CrossOriginResourcePolicy: "cross-origin",
		CacheControl:              NoStore,
	}
	mw, err := SecurityHeaders(cfg)
	if err != nil {
		t.Fatal(err)
	}
	rec := serve(t, mw, ok, httptest.NewRequest("GET", "/", nil))
	for name, v := range map[string]string{
		"X-Frame-Options":              "SAMEORIGIN",
		"X-XSS-Protection":             "1; mode=block",
		"Strict-Transport-Security":    cfg.StrictTransportSecurity,
		"Content-Security-Policy":      cfg.ContentSecurityPolicy,
		"Referrer-Policy":              cfg.ReferrerPolicy,
		"Permissions-Policy":           cfg.PermissionsPolicy,
		"Cross-Origin-Opener-Policy":   cfg.CrossOriginOpenerPolicy,
		"Cross-Origin-Resource-Policy": cfg.CrossOriginResourcePolicy,
		"Cache-Control":                "no-store",
	} {
		if got := rec.Header().Get(name); got != v {
			t.Errorf("%s = %q, want %q", name, got, v)
		}
	}
}

func TestSecurityHeadersOmit(t *testing.T) {
	mw, err := SecurityHeaders(SecurityConfig{XSSProtection: Omit, PermissionsPolicy: Omit})
	if err != nil {
		t.Fatal(err)
	}
	rec := serve(t, mw, ok, httptest.NewRequest("GET", "/", nil))
	for _, name := range []string{"X-XSS-Protection", "Permissions-Policy"} {
		if _, present := rec.Header()[http.CanonicalHeaderKey(name)]; present {
			t.Errorf("%s sent although omitted", name)
		}
	}
	if rec.Header().Get("X-Frame-Options") != "DENY" {
		t.Error("omitting one header dropped another")
	}
}

func TestSecurityHeadersHandlerMayOverride(t *testing.T) {
	mw, _ := SecurityHeaders(SecurityConfig{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'none'")
	})
	rec := serve(t, mw, h, httptest.NewRequest("GET", "/", nil))
	if got := rec.Header().Get("Content-Security-Policy"); got != "default-src 'none'" {
		t.Errorf("CSP = %q, want the handler's", got)
	}
}

func TestSecurityHeadersRejectsInjection(t *testing.T) {
	for _, v := range []string{"DENY\r\nSet-Cookie: a=b", "x\nY", "nul\x00"} {
		_, err := SecurityHeaders(SecurityConfig{FrameOptions: v})
		if !errors.Is(err, ErrInvalidHeaderValue) {
			t.Errorf("FrameOptions %q: err = %v, want ErrInvalidHeaderValue", v, err)
		}
	}
}

func TestSensitive(t *testing.T) {
	t.Run("middleware", func(t *testing.T) {
		rec := serve(t, Sensitive, ok, httptest.NewRequest("POST", "/auth/login", nil))
		if got := rec.Header().Get("Cache-Control"); got != "no-store" {
			t.Errorf("Cache-Control = %q, want no-store", got)
		}
	})
	t.Run("one response", func(t *testing.T) {
		rec := httptest.NewRecorder()
		http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			MarkSensitive(w)
			WriteError(w, http.StatusUnauthorized, "invalid credentials", "invalid_credentials")
		}).ServeHTTP(rec, httptest.NewRequest("POST", "/", nil))
		if got := rec.Header().Get("Cache-Control"); got != "no-store" {
			t.Errorf("Cache-Control = %q, want no-store", got)
		}
		checkJSONError(t, rec, http.StatusUnauthorized, "invalid_credentials")
	})
}

func TestWriteError(t *testing.T) {
	rec := httptest.NewRecorder()
	WriteError(rec, http.StatusBadRequest, `quote " and <tag>`, "bad_request")
	checkJSONError(t, rec, http.StatusBadRequest, "bad_request")
	if rec.Header().Get("X-Content-Type-Options") != "nosniff" {
		t.Error("nosniff missing on error body")
	}
}
