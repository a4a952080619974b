// Package accounts provisions AutoSpot accounts directly — administrators
// from the command line and operators from the admin API — for which the
// library's self-service flows (auth.Accounts: registration with an
// emailed code, login, reset …) have no entry point.
//
// A [Provisioner] applies the same password policy as registration,
// hashes with the same [password.Hasher], and creates the user with one
// atomic auth.UserStore.Create (unique email and username).
//
// # Concurrency
//
// [Provisioner] is safe for concurrent use.
package accounts
