package headers

import (
	"fmt"
	"net/http"
)

// Omit, as a [SecurityConfig] field value, means "do not send this header".
const Omit = "-"

// NoStore is the Cache-Control value set on sensitive responses.
const NoStore = "no-store"

// X-XSS-Protection values. The default is [XSSProtectionOff]; see
// [SecurityConfig.XSSProtection] for why.
const (
	// XSSProtectionOff disables the legacy XSS auditor. OWASP's Secure
	// Headers project and current browsers recommend it.
	XSSProtectionOff = "0"
	// XSSProtectionSeed is the value the AutoSpot seed document sets.
	XSSProtectionSeed = "1; mode=block"
)

// Default values of [SecurityConfig]. The first five are the seed's; the
// rest follow OWASP's Secure Headers project for a JSON API.
const (
	DefaultContentTypeOptions        = "nosniff"
	DefaultFrameOptions              = "DENY"
	DefaultXSSProtection             = XSSProtectionOff
	DefaultStrictTransportSecurity   = "max-age=31536000; includeSubDomains"
	DefaultContentSecurityPolicy     = "default-src 'self'"
	DefaultReferrerPolicy            = "no-referrer"
	DefaultPermissionsPolicy         = "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()"
	DefaultCrossOriginOpenerPolicy   = "same-origin"
	DefaultCrossOriginResourcePolicy = "same-origin"
)

// SecurityConfig sets the values of the security headers added by
// [SecurityHeaders]. The zero value is valid and secure: every empty field
// takes the default named on it. Set a field to [Omit] to not send that
// header at all.
type SecurityConfig struct {
	// ContentTypeOptions is X-Content-Type-Options. Default "nosniff".
	ContentTypeOptions string
	// FrameOptions is X-Frame-Options. Default "DENY".
	FrameOptions string
	// XSSProtection is X-XSS-Protection. Default "0" ([XSSProtectionOff]).
	//
	// The seed document sets "1; mode=block". That value turns on the XSS
	// auditor of old browsers, which was removed from all current ones
	// because it could itself be abused to leak data or to disable
	// legitimate scripts (cross-site leaks via selective blocking). OWASP's
	// Secure Headers project therefore recommends "0", and relies on
	// Content-Security-Policy instead. Set [XSSProtectionSeed] to keep the
	// seed's behaviour.
	XSSProtection string
	// StrictTransportSecurity is Strict-Transport-Security. Default
	// "max-age=31536000; includeSubDomains" (one year, the seed's value).
	StrictTransportSecurity string
	// ContentSecurityPolicy is Content-Security-Policy. Default
	// "default-src 'self'" (the seed's value).
	ContentSecurityPolicy string
	// ReferrerPolicy is Referrer-Policy. Default "no-referrer".
	ReferrerPolicy string
	// PermissionsPolicy is Permissions-Policy. Default denies sensors,
	// camera, microphone, geolocation, payment and USB to every origin.
	PermissionsPolicy string
	// CrossOriginOpenerPolicy is Cross-Origin-Opener-Policy. Default
	// "same-origin".
	CrossOriginOpenerPolicy string
	// CrossOriginResourcePolicy is Cross-Origin-Resource-Policy. Default
	// "same-origin".
	CrossOriginResourcePolicy string
	// CacheControl, when set, is sent as Cache-Control on every response
	// (for example [NoStore] for an API that is sensitive throughout).
	// Default: not sent here; mark individual routes or responses with
	// [Sensitive] or [MarkSensitive].
	CacheControl string
}

type headerValue struct{ name, value string }

// SecurityHeaders returns middleware that sets the configured security
// headers on every response before the wrapped handler runs, so a handler
// can still override one for its own response. It returns an error wrapping
// [ErrInvalidHeaderValue] if a value contains a control character.
func SecurityHeaders(cfg SecurityConfig) (func(http.Handler) http.Handler, error) {
	fields := []struct {
		name, value, def string
	}{
		{"X-Content-Type-Options", cfg.ContentTypeOptions, DefaultContentTypeOptions},
		{"X-Frame-Options", cfg.FrameOptions, DefaultFrameOptions},
		{"X-Xss-Protection", cfg.XSSProtection, DefaultXSSProtection},
		{"Strict-Transport-Security", cfg.StrictTransportSecurity, DefaultStrictTransportSecurity},
		{"Content-Security-Policy", cfg.ContentSecurityPolicy, DefaultContentSecurityPolicy},
		{"Referrer-Policy", cfg.ReferrerPolicy, DefaultReferrerPolicy},
		{"Permissions-Policy", cfg.PermissionsPolicy, DefaultPermissionsPolicy},
		{"Cross-Origin-Opener-Policy", cfg.CrossOriginOpenerPolicy, DefaultCrossOriginOpenerPolicy},
		{"Cross-Origin-Resource-Policy", cfg.CrossOriginResourcePolicy, DefaultCrossOriginResourcePolicy},
		{"Cache-Control", cfg.CacheControl, Omit},
	}
	set := make([]headerValue, 0, len(fields))
	for _, f := range fields {
		v := f.value
		if v == "" {
			v = f.def
		}
		if v == Omit {
			continue
		}
		if !validHeaderValue(v) {
			return nil, fmt.Errorf("%w: %s: %q", ErrInvalidHeaderValue, f.name, v)
		}
		set = append(set, headerValue{http.CanonicalHeaderKey(f.name), v})
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			for _, hv := range set {
				h.Set(hv.name, hv.value)
			}
			next.ServeHTTP(w, r)
		})
	}, nil
}

// Sensitive is middleware that marks every response of the wrapped handler
// sensitive: Cache-Control: no-store, so no browser or intermediary keeps a
// copy (login, token, account responses).
func Sensitive(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		MarkSensitive(w)
		next.ServeHTTP(w, r)
	})
}

// MarkSensitive sets Cache-Control: no-store on one response. Call it before
// the response's WriteHeader or first Write.
func MarkSensitive(w http.ResponseWriter) {
	w.Header().Set("Cache-Control", NoStore)
}
