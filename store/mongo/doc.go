// Package mongo implements AutoSpot Secure's storage interfaces on MongoDB
// with the official driver (go.mongodb.org/mongo-driver/v2): refresh-token
// families and revocations for the auth package, the audit trail, and the
// account stores (users, pending registrations, one-time codes, attempt
// counters, password-reset tokens). Several server replicas can share one
// database: nothing a second replica needs lives only in one process.
//
// # Connecting
//
// [Open] takes the seed's MONGODB_URI, checks that the server answers and
// creates the indexes; [Store.Close] disconnects. [New] wraps a client the
// caller owns; call [Store.EnsureIndexes] once before use (the unique
// indexes keep email addresses and user names unique):
//
//	st, err := mongo.Open(ctx, os.Getenv("MONGODB_URI"))
//	if err != nil { … }
//	defer st.Close(ctx)
//	users := st.UserStore()           // auth.UserStore
//	families := st.RefreshStore()     // auth.RefreshStore
//	trail := st.AuditStore()          // audit.Store
//
// The database is the one named by [WithDatabase], else the URI's path
// ("mongodb://host/autospot"), else [DefaultDatabase]. Credentials, TLS,
// timeouts, write concern and pool size come from the URI's options.
// Errors never contain the URI.
//
// # Atomicity
//
// Every operation that the interfaces require to be atomic is atomic
// without multi-document transactions, and without relying on an update
// being atomic: the only writes whose atomicity this package relies on
// are inserting a document under a unique key and deleting a document
// that is never modified. That is deliberate. MongoDB's findOneAndUpdate
// with a conditional filter is atomic, but FerretDB v1 (the MongoDB-wire
// server the CI runs) implements updates as read, modify in the proxy,
// write back — two concurrent conditional updates can both succeed. The
// scheme below is correct on both, and on any server that enforces a
// unique _id.
//
// A record that changes (a user's password hash, a code's tries, an
// attempt counter, a refresh family's head) is a register: a chain of
// immutable versions {_id: "<key>/<n>"} and a head document that copies a
// recent version. A change reads the newest version n, decides, and
// inserts version n+1: of concurrent writers that read n exactly one
// insert succeeds; the others get a duplicate-key error and read again
// (bounded retries with jittered backoff, [WithAttempts], then
// [ErrContention]). A reader takes the head and probes n+1, n+2, n+4 … by
// _id until one is missing (one probe when the head is current), so a
// head that lags never yields a stale read. Compare-and-swap of a refresh
// family's head ([RefreshStore.RotateFamily]: of any number of parallel
// rotations exactly one wins), of a password hash
// ([UserStore.UpdatePasswordHash]), reservation of an attempt
// ([AttemptStore.Reserve]: at most limit per window), of a code's try
// ([OTPStore.Try]) and single consumption ([OTPStore.Consume],
// [PendingStore.Take]) all reduce to that one insert. Reset tokens are
// immutable, and [ResetStore.Consume] wins only if its delete removed the
// document. User uniqueness is two unique indexes checked by the one
// insert of [UserStore.Create].
//
// The audit trail ([AuditStore]) stays one linear chain under concurrent
// appenders on several replicas the same way: a record's _id is its
// sequence number, so of appenders that sealed against the same head
// exactly one insert succeeds and the others re-read the head and seal
// again.
//
// # Expiry and clean-up
//
// Expiry is checked in every operation against the time the caller passes
// (now, the rotation time): an expired code, registration, token, session
// revocation or family reads as expired or absent whether or not it has
// been deleted. Deleting expired documents is only clean-up, and happens
// [PruneGrace] (an hour) after the expiry, so that a write still in
// flight never lands in a chain that clean-up already removed:
// [Store.EnsureIndexes] creates TTL indexes with that delay on the "exp"
// field of each collection with an expiry. Servers without TTL indexes
// (FerretDB v1 answers NotImplemented) are tolerated — reported to the
// [WithLogger] logger — and there [Store.Prune] does the clean-up; run it
// periodically (hourly is enough). Versions of users and revocation
// epochs never expire: a user's grow by one document per change until
// the user is deleted, which removes them all; a revocation epoch's grow
// by one per logout-all and are never removed.
//
// # Query safety
//
// No caller-supplied map or document ever reaches a filter: every filter
// is built from typed Go values (strings compared exactly, times, numbers),
// so an email such as `{"$ne": ""}` is just a string that matches no
// user. The search text of [UserStore.List] is quoted with
// [regexp.QuoteMeta] before it becomes a case-insensitive $regex.
//
// # Servers
//
// Tested against FerretDB v1.24 (SQLite backend), which lacks
// transactions, TTL and partial indexes, change streams and $lookup; none
// is used. The package uses only basic CRUD and index commands of MongoDB
// (no aggregation, no pipeline updates), but this repository's CI has no
// MongoDB server, so it is not tested against one here. FerretDB v1
// pushes down only filters on _id, so on it the lookups by email or user
// name and the audit queries scan their collection; on MongoDB they use
// the indexes.
//
// # Concurrency
//
// [Store] and every store it returns are safe for concurrent use, also by
// several processes sharing the database.
package mongo
