package headers

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// DefaultCORSMaxAge is how long browsers may cache a preflight answer when
// [CORSConfig.MaxAge] is zero.
const DefaultCORSMaxAge = 10 * time.Minute

// CORSConfig configures [NewCORS]. The zero value is valid and secure: it
// allows no cross-origin request at all.
type CORSConfig struct {
	// AllowedOrigins lists the exact serialised origins
	// ("https://autospot.it.com", scheme://host[:port], no path) that may
	// make cross-origin requests. Scheme and host are compared
	// case-insensitively, default ports are dropped. "null" is refused.
	// A single "*" allows every origin, but only without credentials.
	// Default: none.
	AllowedOrigins []string
	// AllowCredentials sends Access-Control-Allow-Credentials: true, letting
	// browsers include cookies and Authorization. Default false.
	AllowCredentials bool
	// AllowedMethods for preflighted requests. Default GET, POST, PUT,
	// DELETE (the seed's list).
	AllowedMethods []string
	// AllowedHeaders a preflighted request may send. Default Authorization
	// and Content-Type (the seed's list).
	AllowedHeaders []string
	// ExposedHeaders scripts may read from responses. Default X-Request-ID
	// (the seed's list).
	ExposedHeaders []string
	// MaxAge bounds how long a browser caches a preflight answer (whole
	// seconds). Default [DefaultCORSMaxAge]; negative sends no max-age.
	MaxAge time.Duration
}

// AutoSpotCORS returns the seed document's CORS configuration: the three
// autospot.it.com origins, credentials, GET/POST/PUT/DELETE, Authorization
// and Content-Type, exposing X-Request-ID.
func AutoSpotCORS() CORSConfig {
	return CORSConfig{
		AllowedOrigins: []string{
			"https://autospot.it.com",
			"https://www.autospot.it.com",
			"https://api.autospot.it.com",
		},
		AllowCredentials: true,
		AllowedMethods:   []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete},
		AllowedHeaders:   []string{"Authorization", "Content-Type"},
		ExposedHeaders:   []string{"X-Request-ID"},
	}
}

// CORS is cross-origin resource sharing middleware with an exact origin
// allowlist. Build one with [NewCORS]; it is safe for concurrent use.
//
// For every request it adds Vary: Origin. A request whose Origin is not on
// the list gets no Access-Control-* header at all (the origin is never
// reflected); a preflight from such an origin, or asking for a method or
// header not allowed, is answered 403 with a JSON error. An allowed
// preflight is answered 204 with the allowed methods, headers and max-age.
type CORS struct {
	any         bool // "*" without credentials
	origins     map[string]struct{}
	credentials bool
	methods     []string
	headers     map[string]struct{} // lower-case
	allowMeth   string
	allowHdrs   string
	expose      string
	maxAge      string
}

// NewCORS validates cfg and returns the middleware. It returns an error
// wrapping [ErrWildcardWithCredentials] for "*" with credentials,
// [ErrInvalidOrigin] for a malformed or "null" origin, and
// [ErrInvalidHeaderValue] for a malformed method or header name.
func NewCORS(cfg CORSConfig) (*CORS, error) {
	c := &CORS{origins: make(map[string]struct{}, len(cfg.AllowedOrigins)), credentials: cfg.AllowCredentials}
	for _, o := range cfg.AllowedOrigins {
		if o == "*" {
			if cfg.AllowCredentials {
				return nil, ErrWildcardWithCredentials
			}
			if len(cfg.AllowedOrigins) != 1 {
				return nil, fmt.Errorf(`%w: "*" must be the only origin`, ErrInvalidOrigin)
			}
			c.any = true
			continue
		}
		canon, err := canonicalOrigin(o)
		if err != nil {
			return nil, err
		}
		c.origins[canon] = struct{}{}
	}

	c.methods = cfg.AllowedMethods
	if c.methods == nil {
		c.methods = []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete}
	}
	for _, m := range c.methods {
		if !validToken(m) {
			return nil, fmt.Errorf("%w: CORS method %q", ErrInvalidHeaderValue, m)
		}
	}
	c.methods = slices.Clone(c.methods)
	c.allowMeth = strings.Join(c.methods, ", ")

	hdrs := cfg.AllowedHeaders
	if hdrs == nil {
		hdrs = []string{"Authorization", "Content-Type"}
	}
	c.headers = make(map[string]struct{}, len(hdrs))
	for _, h := range hdrs {
		if !validToken(h) {
			return nil, fmt.Errorf("%w: CORS header %q", ErrInvalidHeaderValue, h)
		}
		c.headers[strings.ToLower(h)] = struct{}{}
	}
	c.allowHdrs = strings.Join(hdrs, ", ")

	exp := cfg.ExposedHeaders
	if exp == nil {
		exp = []string{"X-Request-ID"}
	}
	for _, h := range exp {
		if !validToken(h) {
			return nil, fmt.Errorf("%w: CORS exposed header %q", ErrInvalidHeaderValue, h)
		}
	}
	c.expose = strings.Join(exp, ", ")

	switch maxAge := cfg.MaxAge; {
	case maxAge == 0:
		c.maxAge = strconv.Itoa(int(DefaultCORSMaxAge / time.Second))
	case maxAge > 0:
		c.maxAge = strconv.FormatInt(int64(maxAge/time.Second), 10)
	}
	return c, nil
}

// canonicalOrigin parses a configured origin into the form browsers send.
func canonicalOrigin(o string) (string, error) {
	bad := func(why string) (string, error) {
		return "", fmt.Errorf("%w: %q: %s", ErrInvalidOrigin, o, why)
	}
	if strings.EqualFold(o, "null") {
		return bad(`"null" is never allowed: sandboxed frames and file: pages all send it`)
	}
	if !validHeaderValue(o) || strings.ContainsAny(o, " \t") {
		return bad("contains whitespace or control characters")
	}
	u, err := url.Parse(o)
	if err != nil {
		return bad(err.Error())
	}
	if u.Scheme == "" || u.Host == "" || u.Opaque != "" {
		return bad("want scheme://host[:port]")
	}
	if u.User != nil || u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.ForceQuery || strings.HasSuffix(o, "#") {
		return bad("an origin has no user info, path, query or fragment (no trailing slash)")
	}
	if strings.Contains(u.Host, "*") {
		return bad("wildcards are not supported; list each origin")
	}
	scheme := strings.ToLower(u.Scheme)
	host := strings.ToLower(u.Hostname())
	port := u.Port()
	if (scheme == "https" && port == "443") || (scheme == "http" && port == "80") {
		port = ""
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port != "" {
		host += ":" + port
	}
	return scheme + "://" + host, nil
}

// Allowed reports whether origin, exactly as a browser sends it in the
// Origin header, is on the allowlist.
func (c *CORS) Allowed(origin string) bool {
	if origin == "" || origin == "null" {
		return false
	}
	if c.any {
		return true
	}
	_, ok := c.origins[origin]
	return ok
}

// Handler is the middleware, of type func(http.Handler) http.Handler.
func (c *CORS) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Add("Vary", "Origin")
		origins := r.Header.Values("Origin")
		preflight := r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != ""
		if preflight {
			h.Add("Vary", "Access-Control-Request-Method")
			h.Add("Vary", "Access-Control-Request-Headers")
		}
		if len(origins) == 0 {
			next.ServeHTTP(w, r)
			return
		}
		origin := origins[0]
		allowed := len(origins) == 1 && c.Allowed(origin)
		if !preflight {
			if allowed {
				c.setOrigin(h, origin)
				if c.expose != "" {
					h.Set("Access-Control-Expose-Headers", c.expose)
				}
			}
			next.ServeHTTP(w, r)
			return
		}
		if !allowed {
			WriteError(w, http.StatusForbidden, "cross-origin request from this origin is not allowed", "cors_origin_denied")
			return
		}
		if !slices.Contains(c.methods, r.Header.Get("Access-Control-Request-Method")) {
			WriteError(w, http.StatusForbidden, "cross-origin request method is not allowed", "cors_method_denied")
			return
		}
		if !c.headersAllowed(r.Header.Values("Access-Control-Request-Headers")) {
			WriteError(w, http.StatusForbidden, "cross-origin request header is not allowed", "cors_header_denied")
			return
		}
		c.setOrigin(h, origin)
		h.Set("Access-Control-Allow-Methods", c.allowMeth)
		if c.allowHdrs != "" {
			h.Set("Access-Control-Allow-Headers", c.allowHdrs)
		}
		if c.maxAge != "" {
			h.Set("Access-Control-Max-Age", c.maxAge)
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

func (c *CORS) setOrigin(h http.Header, origin string) {
	if c.any {
		h.Set("Access-Control-Allow-Origin", "*")
		return
	}
	h.Set("Access-Control-Allow-Origin", origin)
	if c.credentials {
		h.Set("Access-Control-Allow-Credentials", "true")
	}
}

func (c *CORS) headersAllowed(lines []string) bool {
	for _, line := range lines {
		for name := range strings.SplitSeq(line, ",") {
			name = strings.ToLower(strings.TrimSpace(name))
			if name == "" {
				continue
			}
			if _, ok := c.headers[name]; !ok {
				return false
			}
		}
	}
	return true
}
