package boltrepo_test

import (
	"testing"

	"github.com/autospot/autospot/internal/parking/parkingtest"
)

// BenchmarkRepo times a full map read (JSON decode and validation), the
// version-only read routing uses, and an update (one fsynced commit), on
// a generated 20×20×5 map.
func BenchmarkRepo(b *testing.B) {
	s, err := boltrepoOpen(b)
	if err != nil {
		b.Fatal(err)
	}
	parkingtest.BenchMapRepository(b, s)
}
