// Package store is the parent of AutoSpot Secure's storage backends.
//
// The library packages (auth, ratelimit, audit …) define the small storage
// interfaces they consume. The sub-packages implement them:
//
//   - [github.com/autospot/autospot/store/memory]: in-process maps, for tests
//     and single-process servers.
//   - [github.com/autospot/autospot/store/bolt]: one embedded bbolt file,
//     every store; the durable default of a single server.
//   - [github.com/autospot/autospot/store/mongo]: MongoDB (tested on
//     FerretDB), every store, shared by several replicas.
//   - [github.com/autospot/autospot/store/redis]: Redis, the short-lived
//     stores only (revocations, attempts, one-time codes, pending
//     registrations, reset tokens); users, refresh families and the audit
//     trail stay in bolt or mongo.
//   - [github.com/autospot/autospot/store/storetest]: the conformance suites
//     that every backend runs; a backend is not done until it passes.
package store
