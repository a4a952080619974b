package parking_test

import (
	"testing"

	"github.com/autospot/autospot/internal/parking"
	"github.com/autospot/autospot/internal/parking/parkingtest"
)

func TestMemoryMapRepository(t *testing.T) {
	parkingtest.RunMapRepository(t, func(t *testing.T) parking.MapRepository { return parking.NewMemoryStore() })
}

func TestMemoryRateRepository(t *testing.T) {
	parkingtest.RunRateRepository(t, func(t *testing.T) parking.RateRepository { return parking.NewMemoryStore() })
}

func TestMemoryMapVersioner(t *testing.T) {
	parkingtest.RunMapVersioner(t, func(t *testing.T) parkingtest.VersionedRepository { return parking.NewMemoryStore() })
}
