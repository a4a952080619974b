package auth

import "errors"

// Errors that the account storage interfaces ([UserStore], [PendingStore],
// [OTPStore], [AttemptStore], [ResetStore]) return; the conformance suites
// in store/storetest check them. [Accounts] never hands them to a client
// verbatim: an outsider sees only the account-flow errors below.
var (
	// ErrUserNotFound is returned for an unknown user id, email or
	// username.
	ErrUserNotFound = errors.New("auth: user not found")

	// ErrUserExists is returned by UserStore.Create for a duplicate id.
	ErrUserExists = errors.New("auth: user id already exists")

	// ErrEmailTaken is returned by UserStore.Create when another user has
	// the email.
	ErrEmailTaken = errors.New("auth: email already registered")

	// ErrUsernameTaken is returned by UserStore.Create when another user
	// has the username.
	ErrUsernameTaken = errors.New("auth: username already taken")

	// ErrUserChanged is returned by UserStore.UpdatePasswordHash when the
	// stored hash is no longer the expected one.
	ErrUserChanged = errors.New("auth: user changed concurrently")

	// ErrPendingNotFound is returned for an absent, expired or replaced
	// pending registration.
	ErrPendingNotFound = errors.New("auth: pending registration not found")

	// ErrOTPNotFound is returned for an absent, expired, replaced or
	// consumed one-time code.
	ErrOTPNotFound = errors.New("auth: one-time code not found")

	// ErrOTPExhausted is returned by OTPStore.Try when the code's tries
	// are used up.
	ErrOTPExhausted = errors.New("auth: one-time code tries exhausted")

	// ErrResetNotFound is returned for an absent, expired or consumed
	// reset token.
	ErrResetNotFound = errors.New("auth: reset token not found")

	// ErrResetExists is returned by ResetStore.Put for a duplicate hash.
	ErrResetExists = errors.New("auth: reset token already exists")
)
