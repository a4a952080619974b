// Package parkingtest holds the conformance suites of the parking
// repositories, in the manner of testing/fstest.TestFS, and a
// deterministic map generator for tests and benchmarks.
//
// # Suites
//
// Every [parking.MapRepository] backend (memory, boltrepo, mongorepo)
// runs [RunMapRepository], and every
// [parking.RateRepository] backend runs [RunRateRepository]:
//
//	func TestMapRepository(t *testing.T) {
//		parkingtest.RunMapRepository(t, func(t *testing.T) parking.MapRepository {
//			return parking.NewMemoryStore()
//		})
//	}
//
// Each suite calls its constructor once per subtest and expects an empty
// repository. The suites check validation on write, copy isolation, the
// optimistic version protocol, case-insensitive exact building lookup
// (never by substring), facility filtering and, under -race, that of many
// concurrent updates based on one version exactly one wins.
// Repositories with the optional [parking.MapVersioner] ability also run
// [RunMapVersioner].
//
// # Generated maps
//
// [GenerateMap] builds a levels×rows×cols car park with aisles, slots,
// ramps between consecutive levels, an entrance and an exit, and a
// deterministic occupancy; the pathfinding benchmarks use it, and
// [BenchMapRepository] times a repository's reads and updates of one.
package parkingtest
