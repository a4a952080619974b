package config_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/autospot/autospot/cryptofield"
	"github.com/autospot/autospot/internal/config"
)

func getenv(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// strong is a production environment that passes every check.
func strong(t *testing.T) map[string]string {
	t.Helper()
	return map[string]string{
		"ENV":                      "production",
		"AUTOSPOT_DATA_DIR":        t.TempDir(),
		"JWT_SECRET_KEY":           "pQ7v1x9Zr2kLw4sT8bN3mC6yH0dJ5fGa",
		"AUTOSPOT_AUDIT_KEY":       "Zk3vT9qW1xR7pL2mN8bC4yH6dJ0fGs5A",
		"AUTOSPOT_AEAD_KEYS":       aeadKey(t),
		"AUTOSPOT_BLIND_INDEX_KEY": "c2VjcmV0LWluZGV4LWtleS1vZi10aGlydHktdHdvLWJ5dGVz",
		"AUTOSPOT_PUBLIC_URL":      "https://autospot.it.com",
		"AUTOSPOT_SMTP_ADDR":       "smtp.example.com:587",
	}
}

func aeadKey(t *testing.T) string {
	t.Helper()
	k, err := cryptofield.GenerateAEADKey(7)
	if err != nil {
		t.Fatal(err)
	}
	return k.Encode()
}

func TestDefaults(t *testing.T) {
	dir := t.TempDir()
	cfg, err := config.Load(getenv(map[string]string{"AUTOSPOT_DATA_DIR": dir}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Addr != ":8000" || cfg.Env != config.Development || cfg.BcryptCost != 12 || cfg.LoginRate != "5/minute" ||
		cfg.AccessTTL != time.Hour || cfg.RefreshTTL != 24*time.Hour || cfg.JWTAlg != "HS256" || cfg.OutboxDir != filepath.Join(dir, "outbox") {
		t.Errorf("defaults: %+v", cfg)
	}
	if len(cfg.CORSOrigins) != 3 || cfg.CORSOrigins[0] != "https://autospot.it.com" {
		t.Errorf("CORS default %v", cfg.CORSOrigins)
	}
	if len(cfg.Warnings) != 1 || !strings.Contains(cfg.Warnings[0], "DEVELOPMENT SECRETS") {
		t.Errorf("warnings %v", cfg.Warnings)
	}
	fi, err := os.Stat(filepath.Join(dir, config.DevSecretsFile))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("dev secrets file: %v %v", fi, err)
	}
	again, err := config.Load(getenv(map[string]string{"AUTOSPOT_DATA_DIR": dir}))
	if err != nil {
		t.Fatal(err)
	}
	if string(again.JWTSecret) != string(cfg.JWTSecret) || string(again.AuditKey) != string(cfg.AuditKey) || again.AEADKeys[0].Encode() != cfg.AEADKeys[0].Encode() {
		t.Error("development secrets not kept across loads")
	}
	if len(cfg.JWTSecret) < 32 || len(cfg.BlindIndexKey) < 32 {
		t.Error("generated secrets too short")
	}
}

func TestEnvironmentSecretsWin(t *testing.T) {
	env := map[string]string{"AUTOSPOT_DATA_DIR": t.TempDir(), "JWT_SECRET_KEY": "from-the-environment-0123456789abcdef"}
	cfg, err := config.Load(getenv(env))
	if err != nil {
		t.Fatal(err)
	}
	if string(cfg.JWTSecret) != env["JWT_SECRET_KEY"] {
		t.Error("env secret ignored")
	}
}

func TestProductionStrong(t *testing.T) {
	cfg, err := config.Load(getenv(strong(t)))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.DevSecretsPath != "" || len(cfg.Warnings) != 0 {
		t.Errorf("production generated secrets: %+v", cfg)
	}
	if _, err := os.Stat(filepath.Join(cfg.DataDir, config.DevSecretsFile)); !errors.Is(err, os.ErrNotExist) {
		t.Error("production wrote a dev secrets file")
	}
}

// TestProductionRefusals: every problem is reported at once, each with
// its sentinel.
func TestProductionRefusals(t *testing.T) {
	env := map[string]string{
		"ENV":                   "production",
		"AUTOSPOT_DATA_DIR":     t.TempDir(),
		"JWT_SECRET_KEY":        "cryptographically-strong-random-key",
		"AUTOSPOT_CORS_ORIGINS": "*",
		"MONGODB_URI":           "mongodb://db.internal:27017/autospot",
		"REDIS_URL":             "redis://cache.internal:6379/0",
		"AUTOSPOT_BCRYPT_COST":  "11", // below the seed's 12
	}
	_, err := config.Load(getenv(env))
	var ce *config.Error
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v", err)
	}
	want := map[string]error{
		"JWT_SECRET_KEY":           config.ErrWeakSecret,
		"AUTOSPOT_AUDIT_KEY":       config.ErrMissing,
		"AUTOSPOT_AEAD_KEYS":       config.ErrMissing,
		"AUTOSPOT_BLIND_INDEX_KEY": config.ErrMissing,
		"AUTOSPOT_CORS_ORIGINS":    config.ErrInsecure,
		"MONGODB_URI":              config.ErrInsecure,
		"REDIS_URL":                config.ErrInsecure,
		"AUTOSPOT_PUBLIC_URL":      config.ErrInsecure,
		"AUTOSPOT_BCRYPT_COST":     config.ErrInsecure,
		"AUTOSPOT_SMTP_ADDR":       config.ErrMissing,
	}
	got := map[string]error{}
	for _, p := range ce.Problems {
		got[p.Var] = p.Err
	}
	for v, sentinel := range want {
		if !errors.Is(got[v], sentinel) {
			t.Errorf("%s: got %v, want %v", v, got[v], sentinel)
		}
	}
	if !errors.Is(err, config.ErrWeakSecret) || !errors.Is(err, config.ErrInsecure) {
		t.Error("errors.Is does not see the problems")
	}
	if strings.Contains(err.Error(), "cryptographically-strong-random-key") {
		t.Error("error message contains the secret")
	}
	if strings.Count(err.Error(), "\n  - ") != len(ce.Problems) {
		t.Errorf("message does not list every problem: %s", err)
	}
}

// TestProductionRefusesOne: each setting refused in production alone,
// on an otherwise strong configuration, is reported under its variable.
func TestProductionRefusesOne(t *testing.T) {
	for _, tc := range []struct {
		name, variable string
		set            map[string]string
		sentinel       error
	}{
		{"plain-HTTP CORS origin", "AUTOSPOT_CORS_ORIGINS", map[string]string{"AUTOSPOT_CORS_ORIGINS": "https://autospot.it.com,http://autospot.it.com"}, config.ErrInsecure},
		{"EdDSA without its key", "AUTOSPOT_JWT_ED25519_KEY", map[string]string{"AUTOSPOT_JWT_ALG": "EdDSA"}, config.ErrMissing},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := strong(t)
			for k, v := range tc.set {
				env[k] = v
			}
			_, err := config.Load(getenv(env))
			var ce *config.Error
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v, want a *config.Error", err)
			}
			for _, p := range ce.Problems {
				if p.Var == tc.variable && errors.Is(p, tc.sentinel) {
					return
				}
			}
			t.Errorf("problems %v lack %s (%v)", ce.Problems, tc.variable, tc.sentinel)
		})
	}
}

func TestWeakSecret(t *testing.T) {
	tests := []struct {
		name, secret string
		weak         bool
	}{
		{"short", "abc", true},
		{"31 bytes", strings.Repeat("k", 30) + "x", true},
		{"seed placeholder", "cryptographically-strong-random-key", true},
		{"placeholder inside", "xx-CHANGEME-0123456789abcdefghijklmnop", true},
		{"repeated", strings.Repeat("a", 40), true},
		{"random", "pQ7v1x9Zr2kLw4sT8bN3mC6yH0dJ5fGa", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := config.WeakSecret([]byte(tc.secret)) != ""; got != tc.weak {
				t.Errorf("WeakSecret = %v", got)
			}
		})
	}
}

func TestURICredentials(t *testing.T) {
	tests := []struct {
		uri  string
		want bool
	}{
		{"mongodb://user:pw@host:27017/db", true},
		{"mongodb+srv://user:pw@cluster.example/db", true},
		{"mongodb://host:27017/db", false},
		{"mongodb://user@host/db", false},
		{"mongodb://host/db?authMechanism=MONGODB-X509", true},
		{"redis://:pw@host:6379/0", true},
		{"redis://password@host:6379/0", true}, // the seed's form
		{"rediss://user:pw@host:6380", true},
		{"redis://host:6379", false},
		{"::not a url", false},
	}
	for _, tc := range tests {
		t.Run(tc.uri, func(t *testing.T) {
			if got := config.URICredentials(tc.uri); got != tc.want {
				t.Errorf("got %v", got)
			}
		})
	}
}

func TestSecretFiles(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "jwt")
	if err := os.WriteFile(f, []byte("file-secret-0123456789abcdefghijklmno\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(getenv(map[string]string{"AUTOSPOT_DATA_DIR": dir, "JWT_SECRET_KEY_FILE": f}))
	if err != nil {
		t.Fatal(err)
	}
	if string(cfg.JWTSecret) != "file-secret-0123456789abcdefghijklmno" {
		t.Errorf("secret %q", cfg.JWTSecret)
	}
	_, err = config.Load(getenv(map[string]string{"AUTOSPOT_DATA_DIR": dir, "JWT_SECRET_KEY_FILE": f, "JWT_SECRET_KEY": "x"}))
	if !errors.Is(err, config.ErrConflict) {
		t.Errorf("both set: %v", err)
	}
	_, err = config.Load(getenv(map[string]string{"AUTOSPOT_DATA_DIR": dir, "JWT_SECRET_KEY_FILE": filepath.Join(dir, "missing")}))
	if !errors.Is(err, config.ErrInvalid) {
		t.Errorf("missing file: %v", err)
	}
}

func TestInvalidValues(t *testing.T) {
	env := map[string]string{
		"AUTOSPOT_DATA_DIR":         t.TempDir(),
		"ENV":                       "staging",
		"AUTOSPOT_SHUTDOWN_TIMEOUT": "soon",
		"AUTOSPOT_READ_TIMEOUT":     "-1s",
		"AUTOSPOT_BCRYPT_COST":      "99",
		"AUTOSPOT_HASH_CONCURRENCY": "-1",
		"AUTOSPOT_LOGIN_RATE":       "5/fortnight",
		"AUTOSPOT_JWT_ALG":          "none",
		"AUTOSPOT_TRUSTED_PROXIES":  "not-an-ip",
		"AUTOSPOT_CORS_ORIGINS":     "null",
		"AUTOSPOT_TLS_CERT":         "/c.pem",
		"AUTOSPOT_CLOUDWATCH_EMF":   "maybe",
		"AUTOSPOT_PUBLIC_URL":       "ftp://x",
		"AUTOSPOT_AEAD_KEYS":        "garbage",
	}
	_, err := config.Load(getenv(env))
	var ce *config.Error
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v", err)
	}
	seen := map[string]bool{}
	for _, p := range ce.Problems {
		seen[p.Var] = true
	}
	for _, v := range []string{"ENV", "AUTOSPOT_SHUTDOWN_TIMEOUT", "AUTOSPOT_READ_TIMEOUT", "AUTOSPOT_BCRYPT_COST", "AUTOSPOT_HASH_CONCURRENCY", "AUTOSPOT_LOGIN_RATE",
		"AUTOSPOT_JWT_ALG", "AUTOSPOT_TRUSTED_PROXIES", "AUTOSPOT_CORS_ORIGINS", "AUTOSPOT_TLS_CERT", "AUTOSPOT_CLOUDWATCH_EMF",
		"AUTOSPOT_PUBLIC_URL", "AUTOSPOT_AEAD_KEYS"} {
		if !seen[v] {
			t.Errorf("no problem reported for %s", v)
		}
	}
	if _, err := os.Stat(filepath.Join(env["AUTOSPOT_DATA_DIR"], config.DevSecretsFile)); !errors.Is(err, os.ErrNotExist) {
		t.Error("a refused configuration wrote secrets")
	}
}
