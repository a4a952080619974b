package config_test

import (
	"errors"
	"fmt"

	"github.com/autospot/autospot/internal/config"
)

// Load with ENV=production reports every problem at once.
func ExampleLoad_production() {
	env := map[string]string{
		"ENV":                   "production",
		"JWT_SECRET_KEY":        "cryptographically-strong-random-key",
		"AUTOSPOT_CORS_ORIGINS": "*",
		"REDIS_URL":             "redis://cache:6379/0",
	}
	_, err := config.Load(func(k string) string { return env[k] })
	var ce *config.Error
	if errors.As(err, &ce) {
		for _, p := range ce.Problems {
			fmt.Println(p.Var, errors.Is(p, config.ErrWeakSecret), errors.Is(p, config.ErrInsecure))
		}
	}
	// Output:
	// JWT_SECRET_KEY true false
	// AUTOSPOT_AUDIT_KEY false false
	// AUTOSPOT_AEAD_KEYS false false
	// AUTOSPOT_BLIND_INDEX_KEY false false
	// AUTOSPOT_CORS_ORIGINS false true
	// REDIS_URL false true
	// AUTOSPOT_PUBLIC_URL false true
	// AUTOSPOT_SMTP_ADDR false false
}
