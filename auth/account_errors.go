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

	// ErrSealedEmail is returned by [EmailProtectedUsers] for a stored
	// user whose sealed email cannot be opened (wrong or missing key,
	// tampered record, or an address that does not match the stored
	// index). It is a server error.
	ErrSealedEmail = errors.New("auth: stored email cannot be opened")
)

// Errors of the account flows ([Accounts]). They are safe to map to client
// responses: none tells an outsider whether an email or username is
// registered.
var (
	// ErrInvalidCredentials is the one error of a failed login, whatever
	// the cause: unknown user, wrong password, locked account (by
	// failed logins or by an administrator), or a stored hash that cannot
	// be verified. Serve it as 401 with one fixed body.
	ErrInvalidCredentials = errors.New("auth: invalid credentials")

	// ErrInvalidCode is returned for a one-time code that is wrong,
	// expired, used up (5 tries), already used, issued for another purpose
	// or registration, or never issued.
	ErrInvalidCode = errors.New("auth: invalid or expired code")

	// ErrInvalidResetToken is returned for a password-reset secret that is
	// malformed, unknown, expired or already used.
	ErrInvalidResetToken = errors.New("auth: invalid or expired reset link")

	// ErrInvalidInput is matched by every *ValidationError.
	ErrInvalidInput = errors.New("auth: invalid input")

	// ErrTooManyRequests is returned when a code resend or a reset request
	// comes too soon after the previous ones. It depends only on the
	// address asked for, never on whether it is registered.
	ErrTooManyRequests = errors.New("auth: too many requests; try again later")

	// ErrAccountsClosed is returned by operations that send email after
	// [Accounts.Close].
	ErrAccountsClosed = errors.New("auth: accounts service closed")
)
