// Package memory implements AutoSpot Secure's storage interfaces in process
// memory: for tests, examples and single-process servers. Nothing survives
// a restart, and nothing is shared between replicas; use the bolt, MongoDB
// or Redis backends for that.
//
// Every type is safe for concurrent use, and every operation that the
// interfaces require to be atomic is done under one mutex. Each type passes
// its conformance suite in [github.com/autospot/autospot/store/storetest].
//
// # Auth
//
//   - [RefreshStore] implements [auth.RefreshStore]: refresh-token
//     families, rotated by compare-and-swap of the head hash.
//   - [RevocationStore] implements [auth.RevocationStore]: per-user
//     revocation epochs and logged-out sessions.
//
// The account flows ([auth.Accounts]) use [UserStore], [PendingStore],
// [OTPStore], [AttemptStore] and [ResetStore], which implement the
// matching auth interfaces.
//
// Every store with an expiry (all of these but [UserStore]) sweeps out
// what has expired once every 1024 writes, so memory stays bounded
// without a background goroutine; [RefreshStore.Prune],
// [RevocationStore.Prune] and [PendingStore.Prune] sweep on demand.
//
// # Audit
//
// [AuditStore] implements the audit package's store interface.
package memory
