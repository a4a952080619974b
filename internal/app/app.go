package app

import (
	"context"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/autospot/autospot/audit"
	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/cryptofield"
	"github.com/autospot/autospot/headers"
	"github.com/autospot/autospot/internal/accounts"
	"github.com/autospot/autospot/internal/config"
	"github.com/autospot/autospot/internal/opsapi"
	"github.com/autospot/autospot/internal/profile"
	"github.com/autospot/autospot/internal/server"
	"github.com/autospot/autospot/password"
)

// App is the assembled server and the parts the subcommands need.
type App struct {
	Config      config.Config
	Server      *server.Server
	Registry    *prometheus.Registry
	Accounts    *auth.Accounts
	Provisioner *accounts.Provisioner
	Tokens      *auth.Service
	// Users is the user store with email protection (see auth.EmailProtectedUsers).
	Users      auth.UserStore
	Audit      *audit.Logger
	AuditStore audit.Store
	AuditChain *audit.Chain

	emailUsers *auth.EmailProtectedUsers
	pruners    []func(ctx context.Context, now time.Time) error
	closers    []func() error
}

// Options are the non-configuration inputs of [Open].
type Options struct {
	// Logger receives operational logs; Stdout the audit trail's stdout
	// sink and the CloudWatch EMF lines.
	Logger *slog.Logger
	Stdout io.Writer
	// Version is reported by /api/health.
	Version string
	// Now is the clock (tests); default time.Now.
	Now func() time.Time
	// Mailer replaces the configured mailer (tests capture mail with it).
	Mailer auth.Mailer
	// Mounts add other APIs' routes to the server (see server.Mount).
	Mounts []server.Mount
}

// Open builds everything from cfg. On error, whatever was opened is
// closed again.
func Open(ctx context.Context, cfg config.Config, o Options) (_ *App, err error) {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Stdout == nil {
		o.Stdout = os.Stdout
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	a := &App{Config: cfg, Registry: prometheus.NewRegistry()}
	defer func() {
		if err != nil {
			_ = a.Close()
		}
	}()
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("app: data directory: %w", err)
	}
	st, err := a.openStores(ctx, cfg, o)
	if err != nil {
		return nil, err
	}

	// Audit trail: stdout (warnings and above) and the chained store.
	chain, err := audit.NewHMACChain(cfg.AuditKey)
	if err != nil {
		return nil, fmt.Errorf("app: audit chain: %w", err)
	}
	lg, err := audit.New(
		audit.WithSink(audit.Sink{Name: "stdout", Handler: slog.NewJSONHandler(o.Stdout, nil), Level: slog.LevelWarn}),
		audit.WithSink(audit.Sink{Name: "store", Handler: audit.NewStoreHandler(st.trail, chain)}),
		audit.WithContextFields(requestFields),
		audit.WithClock(o.Now),
	)
	if err != nil {
		return nil, err
	}
	a.Audit, a.AuditStore, a.AuditChain = lg, st.trail, chain
	a.closers = append(a.closers, lg.Close)

	ring, err := keyRing(cfg)
	if err != nil {
		return nil, err
	}
	tokens, err := auth.NewService(ring, st.refresh, st.revoke,
		auth.WithIssuer(cfg.Issuer), auth.WithAudience(cfg.Audience),
		auth.WithAccessTTL(cfg.AccessTTL), auth.WithRefreshTTL(cfg.RefreshTTL), auth.WithClock(o.Now))
	if err != nil {
		return nil, fmt.Errorf("app: tokens: %w", err)
	}
	a.Tokens = tokens

	hasher, err := password.New(password.Config{BcryptCost: cfg.BcryptCost, Concurrency: cfg.HashConcurrency})
	if err != nil {
		return nil, fmt.Errorf("app: password hasher: %w", err)
	}
	ips, err := headers.NewIPResolver(headers.ClientIPConfig{TrustedProxies: cfg.TrustedProxies})
	if err != nil {
		return nil, err
	}

	keyring, err := cryptofield.NewKeyring(cfg.AEADKeys)
	if err != nil {
		return nil, fmt.Errorf("app: AEAD keys: %w", err)
	}
	bi, err := cryptofield.NewBlindIndex(cfg.BlindIndexKey)
	if err != nil {
		return nil, fmt.Errorf("app: blind index: %w", err)
	}
	// Email at rest: the user store keys users by the address's blind
	// index and keeps the address sealed; everything built on users
	// (accounts, provisioning, the admin API) goes through this wrapper.
	prot := emailProtector{ring: keyring, index: bi}
	users, err := auth.NewEmailProtectedUsers(st.users, prot)
	if err != nil {
		return nil, fmt.Errorf("app: email protection: %w", err)
	}
	a.Users, a.emailUsers = users, users
	// The embedded database may hold users stored in clear by an earlier
	// version: move them under protection (one compare-and-swap each; a
	// scan of the users, cheap at embedded sizes). MongoDB deployments
	// run App.MigrateEmails when they need it.
	if cfg.MongoURI == "" {
		n, err := users.MigratePlaintext(ctx)
		if err != nil {
			return nil, fmt.Errorf("app: %w", err)
		}
		if n > 0 {
			o.Logger.Info("app: moved users' email addresses under protection", "users", n)
		}
	}
	profiles, err := profile.NewService(st.profiles, keyring, bi, o.Now)
	if err != nil {
		return nil, err
	}
	if len(cfg.FernetKeys) > 0 {
		f, err := cryptofield.NewFernet(cfg.FernetKeys)
		if err != nil {
			return nil, fmt.Errorf("app: Fernet keys: %w", err)
		}
		profiles.WithLegacyFernet(f)
	}

	mailer := o.Mailer
	if mailer == nil {
		if mailer, err = a.openMailer(cfg, o.Logger); err != nil {
			return nil, err
		}
	}
	ops, err := a.opsDeps(ctx, cfg, st, tokens, lg, o, st.redis)
	if err != nil {
		return nil, err
	}
	policy := password.AutoSpot()
	acc, err := auth.NewAccounts(tokens, hasher,
		auth.AccountStores{Users: users, Pending: st.pending, OTPs: st.otps, Attempts: st.attempts, Resets: st.resets},
		mailer, cfg.PublicURL+"/reset-password",
		auth.WithPasswordPolicy(policy),
		auth.WithEventSink(auditBridge{lg}),
		auth.WithEmailProtection(prot),
		auth.WithOTPKey(deriveKey(cfg.AuditKey, "autospot/otp-codes")),
		auth.WithDeleteHook(func(ctx context.Context, u auth.User) error {
			if err := opsapi.DeleteDriverData(ctx, ops, u.ID); err != nil {
				return err
			}
			return profiles.Delete(ctx, u.ID)
		}),
		auth.WithAccountsClock(o.Now),
	)
	if err != nil {
		return nil, fmt.Errorf("app: accounts: %w", err)
	}
	a.Accounts = acc
	// Registered after the audit logger, so closed before it: pending
	// mails still report into the trail.
	a.closers = append(a.closers, func() error {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		return acc.Close(cctx)
	})
	a.Provisioner = &accounts.Provisioner{Users: users, Hasher: hasher, Policy: &policy, Now: o.Now}

	pm, err := parkingMount(ctx, st.parking, o.Now, ops.Sessions, ops.Hub)
	if err != nil {
		return nil, err
	}
	srv, err := server.New(server.Deps{
		Config: cfg, Logger: o.Logger, Audit: lg, AuditStore: st.trail, AuditChain: chain,
		Tokens: tokens, RBAC: auth.DefaultRBAC(), Users: users, Accounts: acc, Provisioner: a.Provisioner,
		Profiles: profiles, RateStore: st.rates, IPs: ips, Ready: st.ready, Registry: a.Registry, Now: o.Now,
		Version: o.Version, EMFOutput: o.Stdout, Mounts: append([]server.Mount{pm, opsMount(ops)}, o.Mounts...),
	})
	if err != nil {
		return nil, err
	}
	a.Server = srv
	return a, nil
}

// keyRing builds the token key ring from the configuration.
func keyRing(cfg config.Config) (*auth.KeyRing, error) {
	var (
		k   *auth.Key
		err error
	)
	switch cfg.JWTAlg {
	case config.AlgEdDSA:
		k, err = auth.NewEd25519Key(cfg.JWTKeyID, ed25519.NewKeyFromSeed(cfg.JWTEd25519Seed))
	default:
		k, err = auth.NewHMACKey(cfg.JWTKeyID, cfg.JWTSecret)
	}
	if err != nil {
		return nil, fmt.Errorf("app: JWT key: %w", err)
	}
	return auth.NewKeyRing(k)
}

// deriveKey derives a purpose-bound key from a secret (HMAC-SHA256), so
// that one configured secret never serves two purposes directly.
func deriveKey(secret []byte, purpose string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(purpose))
	return m.Sum(nil)
}

// requestFields feeds the audit logger the request's id and client.
func requestFields(ctx context.Context) (string, string, string) {
	ip := headers.ClientIP(ctx)
	s := ""
	if ip.IsValid() {
		s = ip.String()
	}
	return headers.RequestID(ctx), s, server.UserAgent(ctx)
}

// Prune deletes expired records from the stores that need it (the
// embedded database, MongoDB). The binary runs it hourly.
func (a *App) Prune(ctx context.Context, now time.Time) error {
	var errs []error
	for _, p := range a.pruners {
		errs = append(errs, p(ctx, now))
	}
	return errors.Join(errs...)
}

// MigrateEmails moves users stored with a plaintext email (by a version
// before email protection) under protection and returns how many it
// moved; see auth.EmailProtectedUsers.MigratePlaintext. Open does it by
// itself for the embedded database.
func (a *App) MigrateEmails(ctx context.Context) (int, error) {
	return a.emailUsers.MigratePlaintext(ctx)
}

// Close releases everything, newest first.
func (a *App) Close() error {
	var errs []error
	for i := len(a.closers) - 1; i >= 0; i-- {
		if err := a.closers[i](); err != nil {
			errs = append(errs, err)
		}
	}
	a.closers = nil
	return errors.Join(errs...)
}
