// Package storetest holds the conformance suites for AutoSpot Secure's
// storage interfaces, in the manner of testing/fstest.TestFS and
// testing/slogtest.Run. Every backend (store/memory, and later bolt,
// MongoDB and Redis) calls the suites from its own tests; a backend is not
// done until they pass, under -race.
//
// Each suite calls newStore once per subtest and expects an empty store.
// The auth suites do not call t.Parallel, so one server may back them if
// each store gets its own namespace (collection, key prefix, bucket). Times
// in the auth suites are UTC with millisecond precision, as the auth
// package hands them to stores.
//
// # Auth
//
//	func TestRefreshStore(t *testing.T) {
//		storetest.RunRefreshStore(t, func(t *testing.T) auth.RefreshStore {
//			return memory.NewRefreshStore()
//		})
//	}
//
// [RunRefreshStore] checks [auth.RefreshStore]: creation, the
// compare-and-swap rotation and its error precedence, revocation, per-user
// revocation, copy isolation, and the concurrency cases (of many parallel
// rotations of one head exactly one wins; rotation racing revocation leaves
// a consistent family). [RunRevocationStore] checks [auth.RevocationStore]:
// epochs (atomic under parallel bumps), session revocation and its expiry,
// checked in the query.
//
// The account suites check the storage of [auth.Accounts]:
// [RunUserStore] (unique email and username decided atomically: of 50
// parallel creates with one email exactly one wins; compare-and-swap
// password updates; literal, case-insensitive search and paging),
// [RunPendingStore] (replace-by-email, ticket-checked atomic take, expiry),
// [RunOTPStore] (purpose-keyed codes, at most MaxTries reservations under
// 50 parallel tries, single consumption), [RunAttemptStore] (fixed windows;
// 50 parallel reservations against a limit of 5 allow exactly 5; locks) and
// [RunResetStore] (single-use atomic consume, expiry, per-user deletion).
//
// # Audit
//
// [RunAuditStore] checks the audit package's store interface.
package storetest
