package config

import (
	"crypto/ed25519"
	"encoding/base64"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/autospot/autospot/cryptofield"
	"github.com/autospot/autospot/headers"
	"github.com/autospot/autospot/ratelimit"
)

// reader collects problems while reading variables.
type reader struct {
	getenv   func(string) string
	readFile func(string) ([]byte, error)
	problems []Problem
}

func (r *reader) add(name, reason string, err error) {
	r.problems = append(r.problems, Problem{Var: name, Reason: reason, Err: err})
}

// has reports whether a problem was already recorded for name.
func (r *reader) has(name string) bool {
	for _, p := range r.problems {
		if p.Var == name {
			return true
		}
	}
	return false
}

func (r *reader) str(name, def string) string {
	if v := strings.TrimSpace(r.getenv(name)); v != "" {
		return v
	}
	return def
}

func (r *reader) duration(name string, def time.Duration) time.Duration {
	v := r.str(name, "")
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		r.add(name, fmt.Sprintf("%q is not a positive duration such as 15s", v), ErrInvalid)
		return def
	}
	return d
}

func (r *reader) integer(name string, def, lo, hi int64) int64 {
	v := r.str(name, "")
	if v == "" {
		return def
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < lo || n > hi {
		r.add(name, fmt.Sprintf("%q is not an integer in [%d, %d]", v, lo, hi), ErrInvalid)
		return def
	}
	return n
}

func (r *reader) boolean(name string) bool {
	switch strings.ToLower(r.str(name, "")) {
	case "", "0", "false", "no", "off":
		return false
	case "1", "true", "yes", "on":
		return true
	}
	r.add(name, "want 1 or 0", ErrInvalid)
	return false
}

func (r *reader) list(name string, def []string) []string {
	v := r.str(name, "")
	if v == "" {
		return def
	}
	return strings.FieldsFunc(v, func(c rune) bool { return c == ',' || c == ' ' || c == '\n' || c == '\t' })
}

// secret reads NAME or the file NAME_FILE names; "" when neither is set.
// The value is never part of a problem's text.
func (r *reader) secret(name string) string {
	v := r.getenv(name)
	file := strings.TrimSpace(r.getenv(name + "_FILE"))
	switch {
	case v != "" && file != "":
		r.add(name, "both "+name+" and "+name+"_FILE are set", ErrConflict)
		return v
	case file != "":
		b, err := r.readFile(file)
		if err != nil {
			r.add(name+"_FILE", "cannot read the secret file: "+pathError(err), ErrInvalid)
			return ""
		}
		return strings.TrimRight(string(b), "\r\n")
	}
	return v
}

func pathError(err error) string {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err.Error()
	}
	return "read failed"
}

// Load reads the configuration through getenv (os.Getenv in the binary, a
// map in tests). Without ENV=production, missing secrets are generated and
// kept in DataDir/dev-secrets.json. It returns an [*Error] listing every
// problem found.
func Load(getenv func(string) string) (Config, error) {
	r := &reader{getenv: getenv, readFile: os.ReadFile}
	c := Config{
		Env:                 strings.ToLower(r.str("ENV", Development)),
		Addr:                r.str("AUTOSPOT_ADDR", DefaultAddr),
		RedirectAddr:        r.str("AUTOSPOT_HTTP_REDIRECT_ADDR", ""),
		MetricsAddr:         r.str("AUTOSPOT_METRICS_ADDR", ""),
		PublicURL:           strings.TrimRight(r.str("AUTOSPOT_PUBLIC_URL", DefaultPublicURL), "/"),
		ShutdownTimeout:     r.duration("AUTOSPOT_SHUTDOWN_TIMEOUT", DefaultShutdownTimeout),
		ReadHeaderTimeout:   r.duration("AUTOSPOT_READ_HEADER_TIMEOUT", DefaultReadHeaderTimeout),
		ReadTimeout:         r.duration("AUTOSPOT_READ_TIMEOUT", DefaultReadTimeout),
		WriteTimeout:        r.duration("AUTOSPOT_WRITE_TIMEOUT", DefaultWriteTimeout),
		IdleTimeout:         r.duration("AUTOSPOT_IDLE_TIMEOUT", DefaultIdleTimeout),
		DataDir:             r.str("AUTOSPOT_DATA_DIR", DefaultDataDir),
		SMTPAddr:            r.str("AUTOSPOT_SMTP_ADDR", ""),
		SMTPFrom:            r.str("AUTOSPOT_SMTP_FROM", DefaultSMTPFrom),
		SMTPUsername:        r.str("AUTOSPOT_SMTP_USERNAME", ""),
		SMTPPassword:        r.secret("AUTOSPOT_SMTP_PASSWORD"),
		SMTPImplicitTLS:     r.boolean("AUTOSPOT_SMTP_IMPLICIT_TLS"),
		MongoURI:            r.secret("MONGODB_URI"),
		RedisURL:            r.secret("REDIS_URL"),
		JWTAlg:              r.str("AUTOSPOT_JWT_ALG", AlgHS256),
		JWTKeyID:            r.str("AUTOSPOT_JWT_KEY_ID", "k1"),
		Issuer:              r.str("AUTOSPOT_JWT_ISSUER", DefaultIssuer),
		Audience:            r.str("AUTOSPOT_JWT_AUDIENCE", DefaultAudience),
		AccessTTL:           r.duration("AUTOSPOT_ACCESS_TTL", DefaultAccessTTL),
		RefreshTTL:          r.duration("AUTOSPOT_REFRESH_TTL", DefaultRefreshTTL),
		TrustedProxies:      r.list("AUTOSPOT_TRUSTED_PROXIES", nil),
		XSSProtection:       r.str("AUTOSPOT_XSS_PROTECTION", headers.XSSProtectionOff),
		TLSCert:             r.str("AUTOSPOT_TLS_CERT", ""),
		TLSKey:              r.str("AUTOSPOT_TLS_KEY", ""),
		BcryptCost:          int(r.integer("AUTOSPOT_BCRYPT_COST", DefaultBcryptCost, 4, 31)),
		HashConcurrency:     int(r.integer("AUTOSPOT_HASH_CONCURRENCY", 0, 0, 1024)),
		LoginRate:           r.str("AUTOSPOT_LOGIN_RATE", DefaultLoginRate),
		AuthRate:            r.str("AUTOSPOT_AUTH_RATE", DefaultAuthRate),
		APIRate:             r.str("AUTOSPOT_API_RATE", DefaultAPIRate),
		MaxBodyBytes:        r.integer("AUTOSPOT_MAX_BODY_BYTES", DefaultMaxBodyBytes, 1024, 64<<20),
		MaxUploadBytes:      r.integer("AUTOSPOT_MAX_UPLOAD_BYTES", DefaultMaxUploadBytes, 1024, 1<<30),
		CloudWatchEMF:       r.boolean("AUTOSPOT_CLOUDWATCH_EMF"),
		CloudWatchNamespace: r.str("AUTOSPOT_CLOUDWATCH_NAMESPACE", DefaultNamespace),
	}
	c.OutboxDir = r.str("AUTOSPOT_MAIL_OUTBOX", filepath.Join(c.DataDir, "outbox"))
	c.CORSOrigins = r.list("AUTOSPOT_CORS_ORIGINS", headers.AutoSpotCORS().AllowedOrigins)

	if c.Env != Development && c.Env != Production {
		r.add("ENV", fmt.Sprintf("%q is neither development nor production", c.Env), ErrInvalid)
	}
	switch strings.ToLower(r.str("AUTOSPOT_LOG_LEVEL", "info")) {
	case "debug":
		c.LogLevel = slog.LevelDebug
	case "info":
		c.LogLevel = slog.LevelInfo
	case "warn", "warning":
		c.LogLevel = slog.LevelWarn
	case "error":
		c.LogLevel = slog.LevelError
	default:
		r.add("AUTOSPOT_LOG_LEVEL", "want debug, info, warn or error", ErrInvalid)
	}
	if c.JWTAlg != AlgHS256 && c.JWTAlg != AlgEdDSA {
		r.add("AUTOSPOT_JWT_ALG", fmt.Sprintf("%q: want HS256 or EdDSA", c.JWTAlg), ErrInvalid)
	}
	if c.XSSProtection != headers.XSSProtectionOff && c.XSSProtection != headers.XSSProtectionSeed {
		r.add("AUTOSPOT_XSS_PROTECTION", `want "0" or "1; mode=block"`, ErrInvalid)
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		r.add("AUTOSPOT_TLS_CERT", "AUTOSPOT_TLS_CERT and AUTOSPOT_TLS_KEY must be set together", ErrMissing)
	}
	if c.RedirectAddr != "" && !c.TLS() {
		r.add("AUTOSPOT_HTTP_REDIRECT_ADDR", "only meaningful with AUTOSPOT_TLS_CERT and AUTOSPOT_TLS_KEY", ErrConflict)
	}
	for _, rate := range []struct{ name, value string }{
		{"AUTOSPOT_LOGIN_RATE", c.LoginRate}, {"AUTOSPOT_AUTH_RATE", c.AuthRate}, {"AUTOSPOT_API_RATE", c.APIRate},
	} {
		if _, err := ratelimit.Parse(rate.value); err != nil {
			r.add(rate.name, err.Error(), ErrInvalid)
		}
	}
	if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		r.add("AUTOSPOT_PUBLIC_URL", "want an absolute http(s) URL such as https://autospot.it.com", ErrInvalid)
	}
	if _, err := headers.NewIPResolver(headers.ClientIPConfig{TrustedProxies: c.TrustedProxies}); err != nil {
		r.add("AUTOSPOT_TRUSTED_PROXIES", err.Error(), ErrInvalid)
	}
	if _, err := headers.NewCORS(headers.CORSConfig{AllowedOrigins: c.CORSOrigins, AllowCredentials: !wildcard(c.CORSOrigins)}); err != nil {
		r.add("AUTOSPOT_CORS_ORIGINS", err.Error(), ErrInvalid)
	}

	r.readSecrets(&c)
	if c.Production() {
		checkProduction(r, &c)
	} else {
		r.developmentSecrets(&c)
	}
	if len(r.problems) > 0 {
		return Config{}, &Error{Problems: r.problems}
	}
	return c, nil
}

func wildcard(origins []string) bool {
	for _, o := range origins {
		if o == "*" {
			return true
		}
	}
	return false
}

// readSecrets parses the secrets that are set; missing ones are handled by
// checkProduction or developmentSecrets.
func (r *reader) readSecrets(c *Config) {
	if v := r.secret("JWT_SECRET_KEY"); v != "" {
		c.JWTSecret = []byte(v)
	}
	if v := r.secret("AUTOSPOT_JWT_ED25519_KEY"); v != "" {
		seed, err := decodeB64(v)
		if err != nil || len(seed) != ed25519.SeedSize {
			r.add("AUTOSPOT_JWT_ED25519_KEY", "want the base64 of a 32-byte Ed25519 seed", ErrInvalid)
		} else {
			c.JWTEd25519Seed = seed
		}
	}
	if v := r.secret("AUTOSPOT_AEAD_KEYS"); v != "" {
		for _, part := range strings.FieldsFunc(v, func(c rune) bool { return c == ',' || c == ' ' || c == '\n' }) {
			k, err := cryptofield.ParseAEADKey(part)
			if err != nil {
				r.add("AUTOSPOT_AEAD_KEYS", "want ID:BASE64 keys (autospot keys prints them)", ErrInvalid)
				break
			}
			c.AEADKeys = append(c.AEADKeys, k)
		}
	}
	if v := r.secret("AUTOSPOT_FERNET_KEYS"); v != "" {
		for _, part := range strings.FieldsFunc(v, func(c rune) bool { return c == ',' || c == ' ' || c == '\n' }) {
			k, err := cryptofield.ParseFernetKey(part)
			if err != nil {
				r.add("AUTOSPOT_FERNET_KEYS", "want Fernet keys (URL-safe base64 of 32 bytes)", ErrInvalid)
				break
			}
			c.FernetKeys = append(c.FernetKeys, k)
		}
	}
	if v := r.secret("AUTOSPOT_BLIND_INDEX_KEY"); v != "" {
		b, err := decodeB64(v)
		if err != nil || len(b) < cryptofield.MinBlindIndexKeyLen {
			r.add("AUTOSPOT_BLIND_INDEX_KEY", "want the base64 of at least 32 random bytes", ErrWeakSecret)
		} else {
			c.BlindIndexKey = b
		}
	}
	if v := r.secret("AUTOSPOT_AUDIT_KEY"); v != "" {
		c.AuditKey = []byte(v)
	}
}

func decodeB64(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return b, nil
		}
	}
	return nil, ErrInvalid
}
