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
// Both prune what has expired as they go; [RefreshStore.Prune] and
// [RevocationStore.Prune] do it on demand.
//
// The account flows ([auth.Accounts]) use [UserStore], [PendingStore],
// [OTPStore], [AttemptStore] and [ResetStore], which implement the
// matching auth interfaces.
//
// # Audit
//
// [AuditStore] implements the audit package's store interface.
package memory
