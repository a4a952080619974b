// Package accounts is the reference server's interim implementation of the
// account flows — registration with an email code, login with lockout,
// password reset and change, logout and account deletion — on the storage
// interfaces of package auth (auth.UserStore, auth.PendingStore,
// auth.OTPStore, auth.AttemptStore, auth.ResetStore).
//
// It exists because the library's own account service (auth.Accounts,
// issue 4) was still being written when the server was built; the server
// consumes it only through the small interface internal/server.Accounts,
// and the stores it writes are the library's, so switching to auth.Accounts
// changes one constructor call and no data.
//
// # Guarantees
//
//   - Login attempts are reserved atomically before the hash compare
//     (auth.AttemptStore.Reserve), per account+client bucket (5 per 15
//     minutes, then that pair is locked for 15 minutes) and per account (20
//     per 15 minutes, a ceiling one address cannot reach alone), so one
//     client cannot lock the owner out from everywhere; unknown user, wrong
//     password, locked account and administrator lock answer the same
//     [ErrInvalidCredentials] after a hash compare (a dummy one when there
//     is no hash).
//   - Codes are 6 CSPRNG digits, kept as an HMAC, 10 minutes, 5 tries,
//     bound to purpose and email, compared in constant time.
//   - Reset secrets are 256-bit, kept as SHA-256, 30 minutes, single use;
//     links are built from the configured public URL, never a request's
//     Host; a reset revokes every session.
//   - A duplicate email at registration gets the same answer as a new one;
//     the owner is told by email instead.
//
// # Concurrency
//
// [Service] is safe for concurrent use.
package accounts
