package server

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/go-playground/validator/v10"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/autospot/autospot/audit"
	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/headers"
	"github.com/autospot/autospot/internal/accounts"
	"github.com/autospot/autospot/internal/config"
	"github.com/autospot/autospot/internal/profile"
	"github.com/autospot/autospot/ratelimit"
)

// Accounts is what the /auth and /admin handlers need from the account
// flows: the methods of *auth.Accounts (the library's service), named here
// so tests can substitute them.
type Accounts interface {
	Register(ctx context.Context, req auth.RegisterRequest, ri auth.RequestInfo) (auth.Registration, error)
	ResendCode(ctx context.Context, email, ticket string, ri auth.RequestInfo) error
	VerifyEmail(ctx context.Context, req auth.VerifyEmailRequest, ri auth.RequestInfo) (auth.Session, error)
	Login(ctx context.Context, req auth.LoginRequest, ri auth.RequestInfo) (auth.Session, error)
	LogoutAll(ctx context.Context, id string, ri auth.RequestInfo) error
	RequestPasswordReset(ctx context.Context, email string, ri auth.RequestInfo) error
	ResetPassword(ctx context.Context, req auth.ResetPasswordRequest, ri auth.RequestInfo) error
	ResetPasswordWithCode(ctx context.Context, req auth.ResetWithCodeRequest, ri auth.RequestInfo) error
	ChangePassword(ctx context.Context, req auth.ChangePasswordRequest, ri auth.RequestInfo) (auth.Session, error)
	DeleteAccount(ctx context.Context, id, pw string, ri auth.RequestInfo) error
	Lock(ctx context.Context, id string, until time.Time, ri auth.RequestInfo) error
	Unlock(ctx context.Context, id string, ri auth.RequestInfo) error
	SetRoles(ctx context.Context, id string, roles []auth.Role, facility string, ri auth.RequestInfo) error
	UpdateFullName(ctx context.Context, id, name string, ri auth.RequestInfo) (auth.User, error)
}

var _ Accounts = (*auth.Accounts)(nil)

// Provisioner creates accounts directly (operators, by administrators).
type Provisioner interface {
	CreateUser(ctx context.Context, in accounts.NewUser) (auth.User, error)
}

// MountEnv is what a mounted API gets from the server: the same
// authentication, permissions, rate limiter and logger as the server's own
// routes.
type MountEnv struct {
	Authenticate func(http.Handler) http.Handler
	RBAC         *auth.RBAC
	Limiter      *ratelimit.Limiter
	Logger       *slog.Logger
}

// Mount adds another API's routes (the parking domain, say) to mux. The
// mounted routes sit behind the server's whole outer chain (request ID,
// metrics, error envelope, recovery, client IP, security headers, CORS,
// API rate limit) and a body limit of AUTOSPOT_MAX_UPLOAD_BYTES; their
// own authentication and permission checks use env.
type Mount func(mux *http.ServeMux, env MountEnv) error

// ReadyCheck is one dependency checked by /api/health/ready.
type ReadyCheck struct {
	Name  string
	Check func(ctx context.Context) error
}

// Deps are the parts [New] wires together. Every field but Ready,
// Registry, Now and Logger is required.
type Deps struct {
	Config     config.Config
	Logger     *slog.Logger
	Audit      *audit.Logger
	AuditStore audit.Store
	// AuditChain verifies the trail for GET /admin/audit/verify.
	AuditChain *audit.Chain
	Tokens     *auth.Service
	RBAC       *auth.RBAC
	Users      auth.UserStore
	Accounts   Accounts
	// Provisioner creates operator accounts for POST /admin/operators.
	Provisioner Provisioner
	Profiles    *profile.Service
	// RateStore decides rate limits (memory or Redis).
	RateStore ratelimit.Store
	// IPs resolves client addresses (trusted proxies).
	IPs *headers.IPResolver
	// Ready lists the dependencies /api/health/ready checks.
	Ready []ReadyCheck
	// Registry receives the server's metrics; nil makes a private one.
	Registry *prometheus.Registry
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Version is reported by /api/health.
	Version string
	// Mounts add other APIs' routes; see [Mount].
	Mounts []Mount
	// EMFOutput receives CloudWatch EMF lines when
	// AUTOSPOT_CLOUDWATCH_EMF=1; default os.Stdout.
	EMFOutput io.Writer
}

// Server is the AutoSpot HTTP API. It is safe for concurrent use.
type Server struct {
	cfg         config.Config
	log         *slog.Logger
	audit       *audit.Logger
	trail       audit.Store
	auditChain  *audit.Chain
	tokens      *auth.Service
	rbac        *auth.RBAC
	users       auth.UserStore
	accounts    Accounts
	provisioner Provisioner
	profiles    *profile.Service
	limiter     *ratelimit.Limiter
	ips         *headers.IPResolver
	ready       []ReadyCheck
	mounts      []Mount
	metrics     *metrics
	emf         *emfWriter
	validate    *validator.Validate
	now         func() time.Time
	version     string
	handler     http.Handler
}

// ErrIncomplete is returned by [New] when a required dependency is nil.
var ErrIncomplete = errors.New("server: incomplete dependencies")

// New builds the server and its handler.
func New(d Deps) (*Server, error) {
	if d.Audit == nil || d.AuditStore == nil || d.AuditChain == nil || d.Tokens == nil || d.RBAC == nil || d.Users == nil ||
		d.Accounts == nil || d.Provisioner == nil || d.Profiles == nil || d.RateStore == nil || d.IPs == nil {
		return nil, ErrIncomplete
	}
	s := &Server{
		cfg: d.Config, log: d.Logger, audit: d.Audit, trail: d.AuditStore, auditChain: d.AuditChain, tokens: d.Tokens, rbac: d.RBAC,
		users: d.Users, accounts: d.Accounts, provisioner: d.Provisioner, profiles: d.Profiles, ips: d.IPs, ready: d.Ready, mounts: d.Mounts,
		validate: newValidator(), now: d.Now, version: d.Version,
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	reg := d.Registry
	if reg == nil {
		reg = prometheus.NewRegistry()
	}
	lim, err := ratelimit.New(d.RateStore, ratelimit.WithIPResolver(d.IPs), ratelimit.WithLogger(s.log), ratelimit.WithTimeout(time.Second))
	if err != nil {
		return nil, err
	}
	s.limiter = lim
	s.metrics, err = newMetrics(reg, s)
	if err != nil {
		return nil, err
	}
	if d.Config.CloudWatchEMF {
		s.emf = newEMFWriter(d.Config.CloudWatchNamespace, d.EMFOutput)
	}
	h, err := s.routes(reg)
	if err != nil {
		return nil, err
	}
	s.handler, err = s.chain(h)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// Handler returns the whole API with its middleware.
func (s *Server) Handler() http.Handler { return s.handler }

// Limiter exposes the rate limiter (for its Stats).
func (s *Server) Limiter() *ratelimit.Limiter { return s.limiter }
