package config

import (
	"log/slog"
	"time"

	"github.com/autospot/autospot/cryptofield"
)

// Environments accepted in ENV.
const (
	Development = "development"
	Production  = "production"
)

// Defaults of the settings that have one.
const (
	DefaultAddr              = ":8000" // the seed's port
	DefaultDataDir           = "data"
	DefaultShutdownTimeout   = 15 * time.Second
	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultReadTimeout       = 30 * time.Second
	DefaultWriteTimeout      = 30 * time.Second
	DefaultIdleTimeout       = 120 * time.Second
	DefaultLoginRate         = "5/minute" // the seed's login limit
	DefaultAuthRate          = "20/minute"
	DefaultAPIRate           = "300/minute"
	DefaultMaxBodyBytes      = 1 << 20
	DefaultMaxUploadBytes    = 11 << 20
	DefaultBcryptCost        = 12 // the seed's
	DefaultIssuer            = "autospot"
	DefaultAudience          = "autospot-api"
	DefaultAccessTTL         = time.Hour      // the seed's JWT_EXPIRATION
	DefaultRefreshTTL        = 24 * time.Hour // the seed's JWT_REFRESH_EXPIRATION
	DefaultNamespace         = "AutoSpot/Production"
	DefaultPublicURL         = "http://localhost:8000"
	DefaultSMTPFrom          = "AutoSpot <no-reply@autospot.it.com>"

	// MinSecretLen is the minimum length in bytes of every secret.
	MinSecretLen = 32
	// MinProductionBcryptCost is the lowest AUTOSPOT_BCRYPT_COST accepted
	// with ENV=production: the seed's 12, which SECURITY.md makes a floor
	// (tests use 4 for speed in development mode).
	MinProductionBcryptCost = 12
)

// JWT signing algorithms accepted in AUTOSPOT_JWT_ALG.
const (
	AlgHS256 = "HS256"
	AlgEdDSA = "EdDSA"
)

// Config is the server's whole configuration. Every field names the
// variable it comes from; the README's Configuration section has the
// full table.
type Config struct {
	// Env is ENV: "development" (default) or "production".
	Env string

	// Addr is AUTOSPOT_ADDR, the API listen address (default ":8000").
	Addr string
	// RedirectAddr is AUTOSPOT_HTTP_REDIRECT_ADDR: with TLS on, a plain
	// HTTP listener there redirects to HTTPS (default none).
	RedirectAddr string
	// MetricsAddr is AUTOSPOT_METRICS_ADDR: a separate listener for
	// /metrics. Empty serves /metrics on the API behind admin auth.
	MetricsAddr string
	// PublicURL is AUTOSPOT_PUBLIC_URL, the base of links in emails
	// (never taken from the Host header). Default http://localhost:8000.
	PublicURL string

	// Timeouts: AUTOSPOT_SHUTDOWN_TIMEOUT, AUTOSPOT_READ_HEADER_TIMEOUT,
	// AUTOSPOT_READ_TIMEOUT, AUTOSPOT_WRITE_TIMEOUT, AUTOSPOT_IDLE_TIMEOUT.
	ShutdownTimeout   time.Duration
	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration
	WriteTimeout      time.Duration
	IdleTimeout       time.Duration

	// DataDir is AUTOSPOT_DATA_DIR (default ./data): the embedded
	// database, development secrets and the mail outbox.
	DataDir string
	// OutboxDir is AUTOSPOT_MAIL_OUTBOX (default DataDir/outbox), where
	// the development mailer writes messages.
	OutboxDir string

	// SMTPAddr is AUTOSPOT_SMTP_ADDR (host:port). Empty writes mail to
	// the development outbox instead; required in production.
	SMTPAddr string
	// SMTPFrom is AUTOSPOT_SMTP_FROM (default
	// "AutoSpot <no-reply@autospot.it.com>").
	SMTPFrom string
	// SMTPUsername and SMTPPassword are AUTOSPOT_SMTP_USERNAME and
	// AUTOSPOT_SMTP_PASSWORD (or _FILE), for AUTH PLAIN over TLS.
	SMTPUsername string
	SMTPPassword string
	// SMTPImplicitTLS is AUTOSPOT_SMTP_IMPLICIT_TLS=1 (port 465);
	// default STARTTLS, refused if the server does not offer it.
	SMTPImplicitTLS bool

	// MongoURI is MONGODB_URI; empty uses the embedded store.
	MongoURI string
	// RedisURL is REDIS_URL; empty keeps counters in memory.
	RedisURL string

	// JWTAlg is AUTOSPOT_JWT_ALG: HS256 (default, the seed's) or EdDSA.
	JWTAlg string
	// JWTSecret is JWT_SECRET_KEY (or JWT_SECRET_KEY_FILE), the HS256 key.
	JWTSecret []byte
	// JWTEd25519Seed is AUTOSPOT_JWT_ED25519_KEY (base64 32-byte seed),
	// the EdDSA signing key.
	JWTEd25519Seed []byte
	// JWTKeyID is AUTOSPOT_JWT_KEY_ID, the kid of the signing key
	// (default "k1").
	JWTKeyID string
	// Issuer and Audience are AUTOSPOT_JWT_ISSUER and AUTOSPOT_JWT_AUDIENCE.
	Issuer   string
	Audience string
	// AccessTTL and RefreshTTL are AUTOSPOT_ACCESS_TTL (1h) and
	// AUTOSPOT_REFRESH_TTL (24h).
	AccessTTL  time.Duration
	RefreshTTL time.Duration

	// AEADKeys is AUTOSPOT_AEAD_KEYS: "ID:BASE64" keys, newest first, for
	// the profile fields encrypted at rest.
	AEADKeys []cryptofield.AEADKey
	// FernetKeys is AUTOSPOT_FERNET_KEYS: optional keys to read values the
	// seed's Python FieldEncryption wrote (migrated to AEAD on write).
	FernetKeys []cryptofield.FernetKey
	// BlindIndexKey is AUTOSPOT_BLIND_INDEX_KEY (base64, ≥ 32 bytes).
	BlindIndexKey []byte
	// AuditKey is AUTOSPOT_AUDIT_KEY (≥ 32 bytes), the HMAC key of the
	// audit trail's hash chain.
	AuditKey []byte

	// CORSOrigins is AUTOSPOT_CORS_ORIGINS, comma-separated exact
	// origins. Default: the seed's three autospot.it.com origins.
	CORSOrigins []string
	// TrustedProxies is AUTOSPOT_TRUSTED_PROXIES, comma-separated CIDRs or
	// addresses of the reverse proxies allowed to set X-Forwarded-For.
	TrustedProxies []string
	// XSSProtection is AUTOSPOT_XSS_PROTECTION: "0" (default, OWASP) or
	// "1; mode=block" (the seed's).
	XSSProtection string

	// TLSCert and TLSKey are AUTOSPOT_TLS_CERT and AUTOSPOT_TLS_KEY (PEM
	// file paths). Both set: the server speaks HTTPS itself.
	TLSCert string
	TLSKey  string

	// BcryptCost is AUTOSPOT_BCRYPT_COST (default 12; ≥ 12 in production).
	BcryptCost int
	// HashConcurrency is AUTOSPOT_HASH_CONCURRENCY: how many password
	// hashes run at once (0, the default, means GOMAXPROCS). Fewer than
	// the cores leaves a core to other requests during a login flood, at
	// the price of login throughput.
	HashConcurrency int
	// LoginRate, AuthRate and APIRate are AUTOSPOT_LOGIN_RATE ("5/minute"
	// per IP, the seed's), AUTOSPOT_AUTH_RATE ("20/minute" per IP, the
	// other /auth routes) and AUTOSPOT_API_RATE ("300/minute" per IP,
	// everything).
	LoginRate string
	AuthRate  string
	APIRate   string
	// MaxBodyBytes is AUTOSPOT_MAX_BODY_BYTES (default 1 MiB).
	MaxBodyBytes int64
	// MaxUploadBytes is AUTOSPOT_MAX_UPLOAD_BYTES (default 11 MiB: the
	// seed's 10 MiB image plus multipart overhead), the body limit of
	// mounted APIs (map uploads).
	MaxUploadBytes int64

	// CloudWatchEMF is AUTOSPOT_CLOUDWATCH_EMF=1: request metrics also as
	// CloudWatch Embedded Metric Format lines on stdout.
	CloudWatchEMF bool
	// CloudWatchNamespace is AUTOSPOT_CLOUDWATCH_NAMESPACE (default
	// "AutoSpot/Production", the seed's).
	CloudWatchNamespace string
	// LogLevel is AUTOSPOT_LOG_LEVEL: debug, info (default), warn, error.
	LogLevel slog.Level

	// DevSecretsPath is set when development secrets were generated or
	// loaded from a file; Warnings lists what an operator should know.
	DevSecretsPath string
	Warnings       []string
}

// Production reports whether ENV=production.
func (c *Config) Production() bool { return c.Env == Production }

// TLS reports whether the server terminates TLS itself.
func (c *Config) TLS() bool { return c.TLSCert != "" && c.TLSKey != "" }
