package redis_test

import (
	"testing"

	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/store/storetest"
)

func TestRevocationStore(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			if b.name == "real" {
				realAddr(t)
			}
			storetest.RunRevocationStore(t, func(t *testing.T) auth.RevocationStore {
				s, _, _ := b.store(t)
				return s.Revocations()
			})
		})
	}
}
