package redis_test

import (
	"testing"

	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/store/storetest"
)

func TestRevocationStore(t *testing.T) {
	for _, b := range backends {
		b.run(t, func(t *testing.T) {
			storetest.RunRevocationStore(t, func(t *testing.T) auth.RevocationStore {
				s, _, _ := b.store(t)
				return s.Revocations()
			})
		})
	}
}

func TestAttemptStore(t *testing.T) {
	for _, b := range backends {
		b.run(t, func(t *testing.T) {
			storetest.RunAttemptStore(t, func(t *testing.T) auth.AttemptStore {
				s, _, _ := b.store(t)
				return s.Attempts()
			})
		})
	}
}

func TestOTPStore(t *testing.T) {
	for _, b := range backends {
		b.run(t, func(t *testing.T) {
			storetest.RunOTPStore(t, func(t *testing.T) auth.OTPStore {
				s, _, _ := b.store(t)
				return s.OTPs()
			})
		})
	}
}

func TestPendingStore(t *testing.T) {
	for _, b := range backends {
		b.run(t, func(t *testing.T) {
			storetest.RunPendingStore(t, func(t *testing.T) auth.PendingStore {
				s, _, _ := b.store(t)
				return s.Pending()
			})
		})
	}
}

func TestResetStore(t *testing.T) {
	for _, b := range backends {
		b.run(t, func(t *testing.T) {
			storetest.RunResetStore(t, func(t *testing.T) auth.ResetStore {
				s, _, _ := b.store(t)
				return s.Resets()
			})
		})
	}
}
