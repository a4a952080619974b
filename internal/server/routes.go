package server

import (
	"net/http"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/headers"
	"github.com/autospot/autospot/internal/config"
	"github.com/autospot/autospot/ratelimit"
)

// Access says who may call a route.
type Access string

// Access levels of the route table.
const (
	Public        Access = "public"        // anyone
	Authenticated Access = "authenticated" // a valid access token with the route's permission
	AdminOnly     Access = "admin"         // the admin role
)

// Route is one row of the route table: the single source of the mux,
// the access-control test matrix and the endpoint table in the README.
type Route struct {
	Pattern     string
	Access      Access
	Permission  auth.Permission // for Authenticated routes
	Rate        string          // extra per-IP rule: "login", "auth" or ""
	Description string
	handler     http.HandlerFunc
}

// Routes returns the route table of the server as configured.
func (s *Server) Routes() []Route {
	rt := []Route{
		{Pattern: "GET /api/health", Access: Public, Description: "liveness", handler: s.health},
		{Pattern: "GET /api/health/ready", Access: Public, Description: "readiness: checks MongoDB and Redis when configured", handler: s.healthReady},
		{Pattern: "POST /auth/register", Access: Public, Rate: "auth", Description: "start a registration; mails a 6-digit code", handler: s.register},
		{Pattern: "POST /auth/resend-code", Access: Public, Rate: "auth", Description: "mail a fresh registration code (same answer either way)", handler: s.resendCode},
		{Pattern: "POST /auth/verify-email", Access: Public, Rate: "auth", Description: "complete a registration with its code; returns tokens", handler: s.verifyEmail},
		{Pattern: "POST /auth/login", Access: Public, Rate: "login", Description: "email (or username) + password → tokens (5/minute per IP; lockout)", handler: s.login},
		{Pattern: "POST /auth/refresh", Access: Public, Rate: "auth", Description: "rotate a refresh token → new tokens", handler: s.refresh},
		{Pattern: "POST /auth/forgot-password", Access: Public, Rate: "auth", Description: "mail a reset link (same answer for unknown emails)", handler: s.forgotPassword},
		{Pattern: "POST /auth/reset-password", Access: Public, Rate: "auth", Description: "set a new password with the link token (or email + code); revokes all sessions", handler: s.resetPassword},
		{Pattern: "POST /auth/logout", Access: Authenticated, Permission: auth.PermProfile, Description: "end this session (refresh family and access token)", handler: s.logout},
		{Pattern: "POST /auth/logout-all", Access: Authenticated, Permission: auth.PermProfile, Description: "end every session of the user", handler: s.logoutAll},
		{Pattern: "POST /auth/change-password", Access: Authenticated, Permission: auth.PermProfile, Rate: "auth", Description: "change password (needs the current one); revokes sessions, returns new tokens", handler: s.changePassword},
		{Pattern: "GET /auth/profile", Access: Authenticated, Permission: auth.PermProfile, Description: "own account and decrypted profile", handler: s.getProfile},
		{Pattern: "PUT /auth/profile", Access: Authenticated, Permission: auth.PermProfile, Description: "set phone, address, licence plate (encrypted at rest) and optionally full_name", handler: s.putProfile},
		{Pattern: "POST /auth/delete-account", Access: Authenticated, Permission: auth.PermProfile, Rate: "auth", Description: "delete own account (needs the password)", handler: s.deleteAccount},
		{Pattern: "POST /admin/operators", Access: Authenticated, Permission: auth.PermOperators, Description: "create an operator account for a facility", handler: s.createOperator},
		{Pattern: "GET /admin/users", Access: Authenticated, Permission: auth.PermUsersRead, Description: "list and search users (?search=&role=&after=&limit=)", handler: s.listUsers},
		{Pattern: "GET /admin/users/{id}", Access: Authenticated, Permission: auth.PermUsersRead, Description: "one user", handler: s.getUser},
		{Pattern: "POST /admin/users/{id}/lock", Access: AdminOnly, Description: "lock an account (and end its sessions)", handler: s.lockUser},
		{Pattern: "POST /admin/users/{id}/unlock", Access: AdminOnly, Description: "unlock an account", handler: s.unlockUser},
		{Pattern: "PUT /admin/users/{id}/roles", Access: AdminOnly, Description: "change roles and facility; effective at once (sessions revoked)", handler: s.setRoles},
		{Pattern: "GET /admin/audit", Access: AdminOnly, Description: "query the audit trail (?actor=&action=&outcome=&since=&until=&cursor=&limit=&desc=1)", handler: s.queryAudit},
		{Pattern: "GET /admin/audit/verify", Access: AdminOnly, Description: "verify the audit hash chain", handler: s.verifyAudit},
	}
	if s.cfg.JWTAlg == config.AlgEdDSA {
		rt = append(rt, Route{Pattern: "GET /.well-known/jwks.json", Access: Public, Description: "public keys (EdDSA only)",
			handler: func(w http.ResponseWriter, r *http.Request) { s.tokens.KeyRing().JWKSHandler().ServeHTTP(w, r) }})
	}
	return rt
}

// routes builds the mux from the route table, each route behind the body
// limit, its rate rule, authentication and access check. /metrics is
// added behind admin auth unless AUTOSPOT_METRICS_ADDR gives it its own
// listener. Mounted APIs get a router of their own behind "/".
func (s *Server) routes(reg *prometheus.Registry) (http.Handler, error) {
	mux := http.NewServeMux()
	authn := s.tokens.Authenticate()
	rules := map[string]func(http.Handler) http.Handler{}
	for name, policy := range map[string]string{"login": s.cfg.LoginRate, "auth": s.cfg.AuthRate} {
		mw, err := s.rateRule(name, policy, ratelimit.FailClosed)
		if err != nil {
			return nil, err
		}
		rules[name] = mw
	}
	limit := headers.LimitBody(s.cfg.MaxBodyBytes)
	for _, rt := range s.Routes() {
		var h http.Handler = rt.handler
		switch rt.Access {
		case Authenticated:
			h = authn(auth.RequirePermission(s.rbac, rt.Permission)(h))
		case AdminOnly:
			h = authn(auth.RequireRole(auth.RoleAdmin)(h))
		}
		if rt.Rate != "" {
			h = rules[rt.Rate](h)
		}
		if strings.Contains(rt.Pattern, " /auth/") || strings.Contains(rt.Pattern, " /admin/") {
			h = headers.Sensitive(h)
		}
		mux.Handle(rt.Pattern, limit(h))
	}
	if s.cfg.MetricsAddr == "" {
		mux.Handle("GET /metrics", authn(auth.RequireRole(auth.RoleAdmin)(MetricsHandler(reg))))
	}
	if len(s.mounts) > 0 {
		sub := http.NewServeMux()
		env := MountEnv{Authenticate: authn, RBAC: s.rbac, Limiter: s.limiter, Logger: s.log}
		for _, m := range s.mounts {
			if err := m(sub, env); err != nil {
				return nil, err
			}
		}
		return dispatch(recordPattern(mux), sub, headers.LimitBody(s.cfg.MaxUploadBytes)(recordPattern(sub))), nil
	}
	return recordPattern(mux), nil
}

// dispatch sends a request to the mounted APIs' router when one of its
// patterns matches the path (for any method, so that it answers 405 with
// its Allow header), and to the server's own router otherwise (which
// answers 404 and its own 405s). A catch-all "/" on the main router would
// turn every wrong-method request to the server's own routes into a 404.
func dispatch(main http.Handler, sub *http.ServeMux, mounted http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if mountedPath(sub, r) {
			mounted.ServeHTTP(w, r)
			return
		}
		main.ServeHTTP(w, r)
	})
}

// mountedPath reports whether a mounted pattern matches r's path. When r's
// own method matches none, the usual methods are tried, to tell a mounted
// path with the wrong method from an unknown path.
func mountedPath(sub *http.ServeMux, r *http.Request) bool {
	if _, p := sub.Handler(r); p != "" {
		return true
	}
	probe := *r
	for _, m := range [...]string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		probe.Method = m
		if _, p := sub.Handler(&probe); p != "" {
			return true
		}
	}
	return false
}

// recordPattern tells the metrics middleware which pattern of mux a
// request matches (the mux sets Request.Pattern only on its own copy).
func recordPattern(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h, ok := r.Context().Value(routeKey{}).(*routeHolder); ok {
			if _, p := mux.Handler(r); p != "" {
				h.pattern = p
			}
		}
		mux.ServeHTTP(w, r)
	})
}

// MetricsHandler serves reg in the Prometheus exposition format.
func MetricsHandler(reg *prometheus.Registry) http.Handler {
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg})
}
