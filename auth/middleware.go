package auth

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
)

// DefaultCookieName is the access-token cookie read by [WithCookie] when
// given "" and written by [AccessCookie]. The __Host- prefix makes browsers
// insist on Secure, Path=/ and no Domain.
const DefaultCookieName = "__Host-access_token"

// DefaultCSRFHeader carries the double-submit CSRF token.
const DefaultCSRFHeader = "X-CSRF-Token"

type claimsKey struct{}

// ClaimsFrom returns the claims [Service.Authenticate] stored in ctx. The
// claims are shared: do not modify them.
func ClaimsFrom(ctx context.Context) (*Claims, bool) {
	c, ok := ctx.Value(claimsKey{}).(*Claims)
	return c, ok && c != nil
}

// WithClaims returns a copy of ctx carrying c, for tests of handlers that
// read [ClaimsFrom].
func WithClaims(ctx context.Context, c *Claims) context.Context {
	return context.WithValue(ctx, claimsKey{}, c)
}

// AuthOption configures [Service.Authenticate].
type AuthOption func(*authConfig)

type authConfig struct {
	cookie     string
	csrfHeader string
	anonymous  bool
}

// WithCookie also accepts the access token from the named cookie ("" means
// [DefaultCookieName]) when there is no Authorization header. Requests
// authenticated by cookie with an unsafe method (anything but GET, HEAD,
// OPTIONS, TRACE) must send the token's CSRF value in the CSRF header;
// it is compared in constant time.
func WithCookie(name string) AuthOption {
	return func(c *authConfig) {
		if name == "" {
			name = DefaultCookieName
		}
		c.cookie = name
	}
}

// WithCSRFHeader changes the CSRF header name (default [DefaultCSRFHeader]).
func WithCSRFHeader(name string) AuthOption {
	return func(c *authConfig) {
		if name != "" {
			c.csrfHeader = name
		}
	}
}

// AllowAnonymous lets requests without any credentials through without
// claims (routes open to the public and to drivers). Invalid credentials are
// still rejected.
func AllowAnonymous() AuthOption {
	return func(c *authConfig) { c.anonymous = true }
}

// Authenticate returns middleware that verifies the access token of each
// request with [Service.VerifyAccess] and stores the claims for
// [ClaimsFrom].
//
// The token comes from "Authorization: Bearer <token>" or, with
// [WithCookie], from a cookie (then with the CSRF double-submit check).
// The Authorization value's length is checked before anything is parsed.
//
// Failures: no or invalid credentials → 401 with
// `WWW-Authenticate: Bearer` (plus error="invalid_token" when a token was
// presented); CSRF mismatch → 403; revocation store unreachable → 503. Each
// has a JSON body {"detail": …, "error_code": …} and Cache-Control: no-store.
func (s *Service) Authenticate(opts ...AuthOption) func(http.Handler) http.Handler {
	cfg := authConfig{csrfHeader: DefaultCSRFHeader}
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			tok, fromCookie, err := s.extract(r, &cfg)
			if err != nil {
				if errors.Is(err, ErrTokenMissing) && cfg.anonymous {
					next.ServeHTTP(w, r)
					return
				}
				writeAuthError(w, err)
				return
			}
			c, err := s.VerifyAccess(r.Context(), tok)
			if err != nil {
				writeAuthError(w, err)
				return
			}
			if fromCookie && !safeMethod(r.Method) {
				got := r.Header.Get(cfg.csrfHeader)
				if got == "" || c.CSRF == "" || subtle.ConstantTimeCompare([]byte(got), []byte(c.CSRF)) != 1 {
					WriteError(w, http.StatusForbidden, "csrf_failed", "CSRF token missing or invalid")
					return
				}
			}
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), claimsKey{}, c)))
		})
	}
}

var errBadScheme = errors.New("authorization scheme is not Bearer")

// extract finds the token, checking every length before looking inside.
func (s *Service) extract(r *http.Request, cfg *authConfig) (tok string, fromCookie bool, err error) {
	if vals := r.Header.Values("Authorization"); len(vals) > 0 {
		if len(vals) > 1 {
			return "", false, invalid(nil, errors.New("several Authorization headers"))
		}
		v := vals[0]
		const prefix = "Bearer "
		if len(v) > len(prefix)+s.maxLen {
			return "", false, invalid(ErrTokenTooLong, nil)
		}
		if len(v) < len(prefix) || !strings.EqualFold(v[:len(prefix)], prefix) {
			return "", false, invalid(nil, errBadScheme)
		}
		tok = strings.TrimLeft(v[len(prefix):], " ")
		if tok == "" {
			return "", false, invalid(ErrTokenMissing, nil)
		}
		return tok, false, nil
	}
	if cfg.cookie != "" {
		ck, err := r.Cookie(cfg.cookie)
		if err == nil && ck.Value != "" {
			if len(ck.Value) > s.maxLen {
				return "", true, invalid(ErrTokenTooLong, nil)
			}
			return ck.Value, true, nil
		}
	}
	return "", false, ErrTokenMissing
}

func safeMethod(m string) bool {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
		return true
	}
	return false
}

// ErrorBody is the JSON body of every error response the middleware writes.
type ErrorBody struct {
	Detail    string `json:"detail"`
	ErrorCode string `json:"error_code"`
}

// WriteError writes status with an [ErrorBody], Cache-Control: no-store and
// a JSON content type with charset. Handlers may use it for their own
// authentication errors so that all share one shape.
func WriteError(w http.ResponseWriter, status int, code, detail string) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(ErrorBody{Detail: detail, ErrorCode: code})
}

// writeAuthError maps a verification error to 401 or 503. It never reveals
// more than the error code.
func writeAuthError(w http.ResponseWriter, err error) {
	switch {
	case errors.Is(err, ErrTokenMissing) && !errors.Is(err, ErrTokenInvalid):
		w.Header().Set("WWW-Authenticate", `Bearer`)
		WriteError(w, http.StatusUnauthorized, "not_authenticated", "Not authenticated")
	case errors.Is(err, ErrTokenExpired):
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token", error_description="token expired"`)
		WriteError(w, http.StatusUnauthorized, "token_expired", "Token expired")
	case errors.Is(err, ErrTokenInvalid):
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		WriteError(w, http.StatusUnauthorized, "invalid_token", "Invalid or revoked token")
	default:
		w.Header().Set("Retry-After", "1")
		WriteError(w, http.StatusServiceUnavailable, "auth_unavailable", "Authentication temporarily unavailable")
	}
}

func forbid(w http.ResponseWriter) {
	WriteError(w, http.StatusForbidden, "forbidden", "Insufficient permissions")
}

func notAuthenticated(w http.ResponseWriter) {
	writeAuthError(w, ErrTokenMissing)
}

// RequireRole returns middleware that lets the request through only if the
// claims from [Service.Authenticate] carry at least one of roles; no claims
// → 401, wrong role → 403.
func RequireRole(roles ...Role) func(http.Handler) http.Handler {
	roles = slices.Clone(roles)
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			c, ok := ClaimsFrom(r.Context())
			if !ok {
				notAuthenticated(w)
				return
			}
			for _, role := range roles {
				if c.HasRole(role) {
					next.ServeHTTP(w, r)
					return
				}
			}
			forbid(w)
		})
	}
}

// RequirePermission returns middleware that lets the request through only
// if rbac grants perm to the claims' roles globally; no claims → 401,
// denied → 403. Facility-scoped grants (an operator's) do not count here:
// use [RequireFacilityPermission] on routes about one facility.
func RequirePermission(rbac *RBAC, perm Permission) func(http.Handler) http.Handler {
	return RequireFacilityPermission(rbac, perm, nil)
}

// RequireFacilityPermission is [RequirePermission] for routes that act on
// one facility: facilityOf extracts the facility id from the request (for
// example r.PathValue("facility")), and facility-scoped grants count when
// it equals the token's "fac" claim.
func RequireFacilityPermission(rbac *RBAC, perm Permission, facilityOf func(*http.Request) string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			c, ok := ClaimsFrom(r.Context())
			if !ok {
				notAuthenticated(w)
				return
			}
			fac := ""
			if facilityOf != nil {
				fac = facilityOf(r)
			}
			if rbac == nil || !rbac.Allowed(c, perm, fac) {
				forbid(w)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// AccessCookie returns the cookie that carries p's access token for
// [WithCookie]: HttpOnly, Secure, SameSite=Strict, Path=/, expiring with
// the token. name "" means [DefaultCookieName]. Send p.CSRFToken to the
// client in the response body; the browser script echoes it in the CSRF
// header.
func AccessCookie(name string, p Pair) *http.Cookie {
	if name == "" {
		name = DefaultCookieName
	}
	return &http.Cookie{
		Name:     name,
		Value:    p.AccessToken,
		Path:     "/",
		Expires:  p.AccessExpiresAt,
		HttpOnly: true,
		Secure:   true,
		SameSite: http.SameSiteStrictMode,
	}
}
