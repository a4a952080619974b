// Package bolt implements AutoSpot Secure's storage interfaces on one
// embedded bbolt (go.etcd.io/bbolt) file: the reference server's durable
// default when no MongoDB or Redis is configured. It needs no server, keeps
// everything in one file, and survives restarts and crashes.
//
// # Usage
//
//	db, err := bolt.Open("data/autospot.db")
//	if err != nil { … } // bolt.ErrLocked: another process has the file
//	defer db.Close()
//
//	svc, err := auth.NewService(ring, db.RefreshStore(), db.RevocationStore())
//	trail := db.AuditStore() // for audit.NewStoreHandler and Chain.Verify
//
// [Open] returns a [DB]; each store is a small value taken from it:
//
//   - [DB.RefreshStore] implements [auth.RefreshStore] (refresh-token
//     families, rotated by compare-and-swap of the head hash);
//   - [DB.RevocationStore] implements [auth.RevocationStore] (per-user
//     revocation epochs and logged-out sessions);
//   - [DB.AuditStore] implements [audit.Store] (the hash-chained audit
//     trail);
//   - [DB.UserStore] implements [auth.UserStore] (accounts, with unique
//     email and username indexes);
//   - [DB.PendingStore] implements [auth.PendingStore] (registrations
//     waiting for their email code);
//   - [DB.OTPStore] implements [auth.OTPStore] (hashed one-time codes with
//     a try counter);
//   - [DB.AttemptStore] implements [auth.AttemptStore] (login-attempt
//     windows and locks);
//   - [DB.ResetStore] implements [auth.ResetStore] (hashed password-reset
//     tokens).
//
// Each passes its conformance suite in
// [github.com/autospot/autospot/store/storetest], under -race.
//
// # Guarantees
//
// Every write is one bbolt read-write transaction that is committed, and
// fsynced, before the method returns; bbolt's NoSync is never set. A write
// that returned nil is on disk: it survives a restart, a kill -9 and a
// power cut (as far as the disk honours fsync). The package's tests kill a
// writing child process with SIGKILL mid-stream and find every
// acknowledged write after reopening the file.
//
// Every operation that an interface requires to be atomic (rotating a
// family's head, bumping an epoch, appending to the audit chain, creating
// a user with unique email and username, reserving a login attempt,
// consuming a code or token) is a single transaction, never a
// read-modify-write across transactions. bbolt has one writer at a time,
// so of any number of concurrent rotations of one head exactly one wins,
// and the audit chain is exactly linear: the seal function runs inside
// the append's transaction, against the true head, once.
//
// Reads run in read-only transactions, in parallel with each other and
// with the writer. Expiry is checked in every read and conditional write
// against the time the caller passes; the Prune methods ([DB.Prune],
// [RefreshStore.Prune] …) only reclaim space, and the server should call
// [DB.Prune] periodically (say hourly).
//
// A [DB] and every store taken from it are safe for concurrent use.
//
// # The file
//
// The file is created with mode 0600 ([FileMode]): it holds password
// hashes and session state. An existing file keeps its mode; keep its
// directory private too. bbolt locks the file while it is open: a second
// [Open], from any process, waits [DefaultLockTimeout] (see
// [WithLockTimeout]) and fails with [ErrLocked], so two servers can never
// write one file. One file therefore serves one process: run several
// replicas against MongoDB and Redis instead.
//
// Records are stored in a compact, versioned binary encoding, keyed for
// their lookups, with secondary index buckets kept in the same
// transaction as the record: families by user (for logout everywhere) and
// by expiry, users by email and by username (unique), reset tokens by
// user, audit records by actor, and expiry indexes for pruning. A record that does not decode
// is reported as [ErrCorrupt], never a panic; [DB.Check] verifies bbolt's
// page structure. A file of another format version is refused with
// [ErrVersion].
//
// # Context
//
// Each method checks its context before it starts and again inside the
// write transaction, after the writer lock was obtained: a canceled
// caller's write is rolled back, not committed. A transaction that has
// started is not interrupted.
package bolt
