package config

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"
)

// placeholders are secret values found in documentation and templates
// (the seed's own among them). A secret containing one is refused in
// production whatever its length.
var placeholders = []string{
	"cryptographically-strong-random-key",
	"change-me", "changeme", "replace-me", "your-secret", "your_secret",
	"secret-key", "secret_key", "example", "placeholder", "dev-secret",
	"development", "password", "xxxxxxxx",
}

// WeakSecret reports why s is not acceptable as a production secret, or ""
// when it is: shorter than [MinSecretLen] bytes, a known placeholder, or
// a single repeated character.
func WeakSecret(s []byte) string {
	if len(s) < MinSecretLen {
		return fmt.Sprintf("shorter than %d bytes", MinSecretLen)
	}
	low := strings.ToLower(string(s))
	for _, p := range placeholders {
		if strings.Contains(low, p) {
			return "a known placeholder value"
		}
	}
	if len(bytes.ReplaceAll(s, s[:1], nil)) == 0 {
		return "one repeated character"
	}
	return ""
}

// URICredentials reports whether a MongoDB or Redis URI carries
// credentials: a user name with a password, a Redis password in the user
// position (the seed's redis://password@host form), or MongoDB X.509 auth.
func URICredentials(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	if strings.EqualFold(u.Query().Get("authMechanism"), "MONGODB-X509") {
		return true
	}
	if u.User == nil {
		return false
	}
	pw, ok := u.User.Password()
	if strings.HasPrefix(u.Scheme, "redis") {
		return (ok && pw != "") || u.User.Username() != ""
	}
	return u.User.Username() != "" && ok && pw != ""
}

// checkProduction refuses what must not run in production.
func checkProduction(r *reader, c *Config) {
	secret := func(name string, v []byte) {
		if r.has(name) {
			return
		}
		if len(v) == 0 {
			r.add(name, "required with ENV=production (autospot keys generates one)", ErrMissing)
			return
		}
		if why := WeakSecret(v); why != "" {
			r.add(name, "weak secret: "+why, ErrWeakSecret)
		}
	}
	switch c.JWTAlg {
	case AlgHS256:
		secret("JWT_SECRET_KEY", c.JWTSecret)
	case AlgEdDSA:
		if len(c.JWTEd25519Seed) == 0 {
			r.add("AUTOSPOT_JWT_ED25519_KEY", "required with AUTOSPOT_JWT_ALG=EdDSA in production", ErrMissing)
		}
	}
	secret("AUTOSPOT_AUDIT_KEY", c.AuditKey)
	if len(c.AEADKeys) == 0 && !r.has("AUTOSPOT_AEAD_KEYS") {
		r.add("AUTOSPOT_AEAD_KEYS", "required with ENV=production (autospot keys generates one)", ErrMissing)
	}
	if len(c.BlindIndexKey) == 0 && !r.has("AUTOSPOT_BLIND_INDEX_KEY") {
		r.add("AUTOSPOT_BLIND_INDEX_KEY", "required with ENV=production (autospot keys generates one)", ErrMissing)
	}
	if wildcard(c.CORSOrigins) {
		r.add("AUTOSPOT_CORS_ORIGINS", `"*" is refused in production: list the exact origins`, ErrInsecure)
	}
	for _, o := range c.CORSOrigins {
		if strings.HasPrefix(strings.ToLower(o), "http://") {
			r.add("AUTOSPOT_CORS_ORIGINS", fmt.Sprintf("%q is not HTTPS", o), ErrInsecure)
		}
	}
	if c.MongoURI != "" && !URICredentials(c.MongoURI) {
		r.add("MONGODB_URI", "has no credentials (mongodb://user:password@host/db)", ErrInsecure)
	}
	if c.RedisURL != "" && !URICredentials(c.RedisURL) {
		r.add("REDIS_URL", "has no credentials (redis://:password@host:6379/0)", ErrInsecure)
	}
	if !strings.HasPrefix(c.PublicURL, "https://") {
		r.add("AUTOSPOT_PUBLIC_URL", "must be an https:// URL in production", ErrInsecure)
	}
	if c.SMTPAddr == "" {
		r.add("AUTOSPOT_SMTP_ADDR", "required in production: the development outbox would let anyone reading the data directory take over accounts", ErrMissing)
	}
	if c.BcryptCost < MinProductionBcryptCost {
		r.add("AUTOSPOT_BCRYPT_COST", fmt.Sprintf("%d is below the production minimum %d", c.BcryptCost, MinProductionBcryptCost), ErrInsecure)
	}
}
