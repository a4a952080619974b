// Package store is the parent of AutoSpot Secure's storage backends.
//
// The library packages (auth, ratelimit, audit …) define the small storage
// interfaces they consume. The sub-packages implement them:
//
//   - [github.com/autospot/autospot/store/memory]: in-process maps, for tests
//     and single-process servers.
//   - [github.com/autospot/autospot/store/storetest]: the conformance suites
//     that every backend runs; a backend is not done until it passes.
//
// Durable backends (bbolt, MongoDB, Redis) implement the same interfaces and
// run the same suites.
package store
