package redis_test

import (
	"testing"

	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/store/redis"
	"github.com/autospot/autospot/store/storetest"
)

// runSuite runs a storetest suite on every backend, handing it the
// sub-store pick takes from a fresh [redis.Store] per store it asks for.
func runSuite[S any](t *testing.T, suite func(*testing.T, func(*testing.T) S), pick func(*redis.Store) S) {
	for _, b := range backends {
		b.run(t, func(t *testing.T) {
			suite(t, func(t *testing.T) S {
				s, _, _ := b.store(t)
				return pick(s)
			})
		})
	}
}

func TestRevocationStore(t *testing.T) {
	runSuite(t, storetest.RunRevocationStore, func(s *redis.Store) auth.RevocationStore { return s.Revocations() })
}

func TestAttemptStore(t *testing.T) {
	runSuite(t, storetest.RunAttemptStore, func(s *redis.Store) auth.AttemptStore { return s.Attempts() })
}

func TestOTPStore(t *testing.T) {
	runSuite(t, storetest.RunOTPStore, func(s *redis.Store) auth.OTPStore { return s.OTPs() })
}

func TestPendingStore(t *testing.T) {
	runSuite(t, storetest.RunPendingStore, func(s *redis.Store) auth.PendingStore { return s.Pending() })
}

func TestResetStore(t *testing.T) {
	runSuite(t, storetest.RunResetStore, func(s *redis.Store) auth.ResetStore { return s.Resets() })
}
