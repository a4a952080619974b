package mongorepo_test

import (
	"testing"

	"github.com/autospot/autospot/internal/parking/parkingtest"
)

// BenchmarkRepo times a full map read, the version-only read routing
// uses, and an update (insert of the next version), on a generated
// 20×20×5 map, against the server in AUTOSPOT_TEST_MONGODB_URI.
func BenchmarkRepo(b *testing.B) {
	s, _ := newStoreWithClock(b, nil)
	parkingtest.BenchMapRepository(b, s)
}
