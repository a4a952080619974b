package server

import (
	"context"
	"net/http"

	"github.com/autospot/autospot/headers"
	"github.com/autospot/autospot/ratelimit"
)

// chain wraps the routes in the seed's order, outermost first:
//
//	request ID → metrics → error envelope → panic recovery → client IP →
//	security headers → CORS → API rate limit → mux
//
// and, inside the mux, per route: body limit → route rate limit →
// authentication → role/permission check → handler (strict JSON
// decoding).
func (s *Server) chain(mux http.Handler) (http.Handler, error) {
	reqID, err := headers.AssignRequestID(headers.RequestIDConfig{})
	if err != nil {
		return nil, err
	}
	sec, err := headers.SecurityHeaders(headers.SecurityConfig{XSSProtection: s.cfg.XSSProtection})
	if err != nil {
		return nil, err
	}
	cors, err := headers.NewCORS(s.corsConfig())
	if err != nil {
		return nil, err
	}
	api, err := s.rateRule("api", s.cfg.APIRate, ratelimit.FailOpen)
	if err != nil {
		return nil, err
	}
	h := api(mux)
	h = cors.Handler(h)
	h = sec(h)
	h = withUserAgent(h)
	h = s.ips.Handler(h)
	h = s.recoverPanics(h)
	h = envelope(h)
	h = s.metrics.middleware(h)
	h = reqID(h)
	return h, nil
}

func (s *Server) corsConfig() headers.CORSConfig {
	c := headers.AutoSpotCORS()
	c.AllowedOrigins = s.cfg.CORSOrigins
	for _, o := range c.AllowedOrigins {
		if o == "*" {
			c.AllowCredentials = false
		}
	}
	c.AllowedHeaders = append(c.AllowedHeaders, "X-Request-ID", "X-CSRF-Token")
	return c
}

// rateRule builds per-IP rate-limit middleware that also audits
// rejections. The global "api" rule fails open when its store is down
// (health checks and reads keep working while Redis restarts); the
// "login" and "auth" rules fail closed, so an attacker who can knock
// Redis over gains no unlimited password guessing.
func (s *Server) rateRule(name, policy string, mode ratelimit.FailMode) (func(http.Handler) http.Handler, error) {
	p, err := ratelimit.Parse(policy)
	if err != nil {
		return nil, err
	}
	mw, err := s.limiter.Middleware(ratelimit.Rule{Name: name, Policy: p, OnBackendError: mode})
	if err != nil {
		return nil, err
	}
	return func(next http.Handler) http.Handler {
		limited := mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if passed, ok := r.Context().Value(ruleKey{}).(*bool); ok {
				*passed = true
			}
			next.ServeHTTP(w, r)
		}))
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			passed := new(bool)
			rw := &statusWriter{ResponseWriter: w}
			limited.ServeHTTP(rw, r.WithContext(context.WithValue(r.Context(), ruleKey{}, passed)))
			if !*passed && rw.status == http.StatusTooManyRequests {
				s.metrics.rateLimited.WithLabelValues(name).Inc()
				s.audit.RateLimited(r.Context(), name, headers.ClientIP(r.Context()))
			}
		})
	}, nil
}

type ruleKey struct{}

type userAgentKey struct{}

// withUserAgent keeps the request's User-Agent (cut to 256 bytes) in the
// context for the audit trail.
func withUserAgent(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ua := r.UserAgent()
		if ua == "" {
			next.ServeHTTP(w, r)
			return
		}
		if len(ua) > maxUserAgent {
			ua = ua[:maxUserAgent]
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), userAgentKey{}, ua)))
	})
}

// UserAgent returns the User-Agent the server stored in ctx, or "".
func UserAgent(ctx context.Context) string {
	ua, _ := ctx.Value(userAgentKey{}).(string)
	return ua
}
