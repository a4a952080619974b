// Package redis implements AutoSpot Secure's short-lived storage
// interfaces on Redis (go-redis v9), for state that every replica of a
// service must share: revocation epochs and logged-out sessions, login
// attempt counters and locks, one-time codes, pending registrations and
// password-reset tokens.
//
// Users, refresh-token families and the audit trail need durable storage
// with indexes: they live in store/bolt or store/mongo, not here.
//
// # Usage
//
//	s, err := redis.Open(os.Getenv("REDIS_URL")) // redis://:password@host:6379/0
//	if err != nil { … }
//	defer s.Close()
//	if err := s.Load(ctx); err != nil { … } // optional: caches the scripts, checks the server
//
//	revocations := s.Revocations() // auth.RevocationStore
//	attempts := s.Attempts()       // auth.AttemptStore
//	otps := s.OTPs()               // auth.OTPStore
//	pending := s.Pending()         // auth.PendingStore
//	resets := s.Resets()           // auth.ResetStore
//
// [New] takes a client the caller already has (any
// [github.com/redis/go-redis/v9.UniversalClient]); [Open] parses the
// seed's REDIS_URL and owns the client it creates. [WithPrefix]
// namespaces the keys (default [DefaultPrefix], "autospot:").
//
// # Atomicity
//
// Every operation is one round trip: one command (INCR, MGET, HGETALL,
// DEL) or one Lua script, sent as EVALSHA and falling back to EVAL once
// when the server answers NOSCRIPT ([Store.Load] caches them all ahead).
// A script runs atomically on the server, so nothing is ever read,
// decided in Go, and written back:
//
//   - [AttemptStore.Reserve] checks the lock, starts a new window when the
//     old one has ended, and counts the attempt only while under the limit:
//     50 parallel wrong passwords against a limit of 5 reserve exactly 5.
//   - [OTPStore.Try] counts a try only while tries remain and the code is
//     live; [OTPStore.Consume] deletes the code only if its hash is still
//     the one the caller compared against, so one code is consumed once.
//   - [PendingStore.Take] and [ResetStore.Consume] delete what they return,
//     so of concurrent callers exactly one gets it.
//   - [RevocationStore.BumpEpoch] is INCR; [RevocationStore.RevokeSession]
//     keeps the later of two revocation times.
//
// # Clocks and expiry
//
// The interfaces pass the caller's now, and the caller's clock decides:
// every script or read compares the stored times (Unix milliseconds) with
// the now it is given. The Redis server's clock decides nothing. Key TTLs
// are only clean-up: a key lives until its entry's own end (a code's or
// token's ExpiresAt, a window's end, a lock, a session's revocation time)
// plus a grace ([WithCleanupGrace], default [DefaultCleanupGrace]) that
// must exceed the clock skew between application servers. TTLs are
// relative (PX), computed from the record's own times where it has them,
// and from the store's clock ([WithClock]) for RevokeSession and Lock,
// whose interfaces pass no now. An update never shortens a TTL; a Put that
// replaces a record sets its TTL anew.
//
// # Keys
//
// Each key is the prefix, a kind and the SHA-256 (unpadded base64url) of
// the caller's id: "autospot:attempt:…", "autospot:otp:…",
// "autospot:rev:epoch:…". Caller-supplied ids (emails, IP addresses,
// session ids) never appear raw in a key, so they cannot inject
// separators or glob characters, grow keys without bound, or show emails
// to whoever lists keys. The hash is not secrecy: values (a pending
// registration's email) are stored as they are.
//
// # Durability
//
// Revocation epochs have no TTL and must never be lost: a Redis that
// evicts keys (any maxmemory-policy other than noeviction) or restarts
// without persistence (AOF or RDB) puts epochs back to 0, and access
// tokens revoked by logout-all or a password change become valid again
// until they expire. Run it with persistence and noeviction, or keep
// revocations in store/bolt or store/mongo. Losing the other stores'
// entries is benign: counters restart, codes and tokens must be sent again.
//
// # Redis Cluster
//
// [RevocationStore.Status] reads two keys in one MGET, [ResetStore.Put]
// writes two in one script, and [ResetStore.DeleteUser] deletes keys it
// reads from a set. Cluster allows that only within one hash slot: use a
// prefix with a hash tag, WithPrefix("{autospot}:"). Every key then lives
// on one shard, which is enough for this small, short-lived state.
//
// # Errors
//
// The interfaces' sentinel errors
// ([github.com/autospot/autospot/auth.ErrOTPNotFound] …) come back as they
// are. Client errors (connection refused, timeout, context cancelled)
// are wrapped with the operation, "redis: reserve attempt: …", and still
// match errors.Is. A reply the store never produces (a key of its
// namespace written by someone else) is [ErrUnexpectedReply].
//
// go-redis retries a command after a network error (Options.MaxRetries),
// and a command whose reply was lost may have run. Every operation errs
// on the safe side when run twice: an attempt or an OTP try is counted
// twice, an epoch raised twice; a retried Consume or Take finds nothing
// and fails, so the caller asks for a new code rather than spending one
// twice. Set MaxRetries to -1 for exact counts at the cost of more
// errors.
//
// # Concurrency
//
// [Store] and every store it returns are safe for concurrent use by any
// number of goroutines and processes.
package redis
