package accounts

import "errors"

// Errors the flows return. Messages are safe to show a client.
var (
	// ErrInvalidCredentials: unknown user, wrong password or locked
	// account, deliberately indistinguishable.
	ErrInvalidCredentials = errors.New("accounts: invalid email or password")
	// ErrInvalidCode: wrong, expired, used-up or unknown email code.
	ErrInvalidCode = errors.New("accounts: invalid or expired code")
	// ErrInvalidResetToken: unknown, expired or used reset token.
	ErrInvalidResetToken = errors.New("accounts: invalid or expired reset token")
	// ErrTaken: CreateUser found the email or username in use (only
	// administrators see it).
	ErrTaken = errors.New("accounts: email or username already in use")
	// ErrThrottled: too many codes or reset mails requested.
	ErrThrottled = errors.New("accounts: too many requests, try later")
)
