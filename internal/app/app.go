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
	"path/filepath"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/autospot/autospot/audit"
	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/cryptofield"
	"github.com/autospot/autospot/headers"
	"github.com/autospot/autospot/internal/accounts"
	"github.com/autospot/autospot/internal/config"
	"github.com/autospot/autospot/internal/profile"
	"github.com/autospot/autospot/internal/server"
	"github.com/autospot/autospot/password"
	"github.com/autospot/autospot/ratelimit"
	"github.com/autospot/autospot/ratelimit/redisstore"
	"github.com/autospot/autospot/store/bolt"
	sredis "github.com/autospot/autospot/store/redis"
)

// App is the assembled server and the parts the subcommands need.
type App struct {
	Config     config.Config
	Server     *server.Server
	Registry   *prometheus.Registry
	Accounts   *accounts.Service
	Tokens     *auth.Service
	Users      auth.UserStore
	Audit      *audit.Logger
	AuditStore audit.Store
	AuditChain *audit.Chain
	// Bolt is the embedded database (nil never: users live there until
	// store/mongo has a UserStore).
	Bolt *bolt.DB

	closers []func() error
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
}

// Open builds everything from cfg. On error, whatever was opened is
// closed again.
func Open(ctx context.Context, cfg config.Config, o Options) (a *App, err error) {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Stdout == nil {
		o.Stdout = os.Stdout
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	a = &App{Config: cfg, Registry: prometheus.NewRegistry()}
	defer func() {
		if err != nil {
			_ = a.Close()
			a = nil
		}
	}()
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("app: data directory: %w", err)
	}

	// Embedded database: always (users, profiles), and everything else
	// when no external store is configured.
	db, err := bolt.Open(filepath.Join(cfg.DataDir, "autospot.db"))
	if err != nil {
		return nil, fmt.Errorf("app: open embedded database: %w", err)
	}
	a.Bolt = db
	a.closers = append(a.closers, db.Close)
	users := auth.UserStore(db.UserStore())
	var (
		refresh  auth.RefreshStore    = db.RefreshStore()
		revoke   auth.RevocationStore = db.RevocationStore()
		trail    audit.Store          = db.AuditStore()
		pending  auth.PendingStore    = db.PendingStore()
		otps     auth.OTPStore        = db.OTPStore()
		attempts auth.AttemptStore    = db.AttemptStore()
		resets   auth.ResetStore      = db.ResetStore()
		rates    ratelimit.Store
		ready    []server.ReadyCheck
	)
	if cfg.MongoURI != "" {
		if err := openMongo(ctx, cfg); err != nil {
			return nil, err
		}
	}
	if cfg.RedisURL != "" {
		rs, err := sredis.Open(cfg.RedisURL)
		if err != nil {
			return nil, fmt.Errorf("app: Redis: %w", err)
		}
		a.closers = append(a.closers, rs.Close)
		revoke, attempts, otps, pending, resets = rs.Revocations(), rs.Attempts(), rs.OTPs(), rs.Pending(), rs.Resets()
		opt, err := goredis.ParseURL(cfg.RedisURL)
		if err != nil {
			return nil, errors.New("app: REDIS_URL does not parse")
		}
		client := goredis.NewClient(opt)
		a.closers = append(a.closers, client.Close)
		rl, err := redisstore.New(client)
		if err != nil {
			return nil, err
		}
		rates = rl
		ready = append(ready, server.ReadyCheck{Name: "redis", Check: rs.Ping})
	} else {
		ms, err := ratelimit.NewMemoryStore()
		if err != nil {
			return nil, err
		}
		a.closers = append(a.closers, ms.Close)
		rates = ms
	}

	// Audit trail: stdout (warnings and above) and the chained store.
	chain, err := audit.NewHMACChain(cfg.AuditKey)
	if err != nil {
		return nil, fmt.Errorf("app: audit chain: %w", err)
	}
	lg, err := audit.New(
		audit.WithSink(audit.Sink{Name: "stdout", Handler: slog.NewJSONHandler(o.Stdout, nil), Level: slog.LevelWarn}),
		audit.WithSink(audit.Sink{Name: "store", Handler: audit.NewStoreHandler(trail, chain)}),
		audit.WithContextFields(requestFields),
		audit.WithClock(o.Now),
	)
	if err != nil {
		return nil, err
	}
	a.Audit, a.AuditStore, a.AuditChain, a.Users = lg, trail, chain, users
	a.closers = append(a.closers, lg.Close)

	// Tokens.
	ring, err := keyRing(cfg)
	if err != nil {
		return nil, err
	}
	tokens, err := auth.NewService(ring, refresh, revoke,
		auth.WithIssuer(cfg.Issuer), auth.WithAudience(cfg.Audience),
		auth.WithAccessTTL(cfg.AccessTTL), auth.WithRefreshTTL(cfg.RefreshTTL), auth.WithClock(o.Now))
	if err != nil {
		return nil, fmt.Errorf("app: tokens: %w", err)
	}
	a.Tokens = tokens

	hasher, err := password.New(password.Config{BcryptCost: cfg.BcryptCost})
	if err != nil {
		return nil, fmt.Errorf("app: password hasher: %w", err)
	}
	ips, err := headers.NewIPResolver(headers.ClientIPConfig{TrustedProxies: cfg.TrustedProxies})
	if err != nil {
		return nil, err
	}

	// Profiles: encrypted fields in their own bolt file.
	ps, err := profile.OpenBolt(filepath.Join(cfg.DataDir, "profiles.db"))
	if err != nil {
		return nil, fmt.Errorf("app: profile store: %w", err)
	}
	a.closers = append(a.closers, ps.Close)
	keyring, err := cryptofield.NewKeyring(cfg.AEADKeys)
	if err != nil {
		return nil, fmt.Errorf("app: AEAD keys: %w", err)
	}
	bi, err := cryptofield.NewBlindIndex(cfg.BlindIndexKey)
	if err != nil {
		return nil, fmt.Errorf("app: blind index: %w", err)
	}
	profiles, err := profile.NewService(ps, keyring, bi, o.Now)
	if err != nil {
		return nil, err
	}

	policy := password.AutoSpot()
	acc, err := accounts.New(accounts.Config{
		Stores: accounts.Stores{Users: users, Pending: pending, OTPs: otps, Attempts: attempts, Resets: resets},
		Tokens: tokens, Hasher: hasher, Policy: policy, Audit: lg,
		Mailer:    accounts.OutboxMailer{Dir: cfg.OutboxDir},
		PublicURL: cfg.PublicURL, CodeKey: deriveKey(cfg.AuditKey, "autospot/otp-codes"),
		Bucket:   ips.Bucket,
		OnDelete: profiles.Delete,
		Now:      o.Now,
	})
	if err != nil {
		return nil, err
	}
	a.Accounts = acc

	srv, err := server.New(server.Deps{
		Config: cfg, Logger: o.Logger, Audit: lg, AuditStore: trail, AuditChain: chain,
		Tokens: tokens, RBAC: auth.DefaultRBAC(), Users: users, Accounts: acc, Profiles: profiles,
		RateStore: rates, IPs: ips, Ready: ready, Registry: a.Registry, Now: o.Now,
		Version: o.Version, EMFOutput: o.Stdout,
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
	return headers.RequestID(ctx), s, ""
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
