package accounts

import "errors"

// Errors of [Provisioner.CreateUser]. Messages are safe to show an
// administrator.
var (
	// ErrTaken: the email or username is already in use.
	ErrTaken = errors.New("accounts: email or username already in use")
	// ErrIncomplete: a Provisioner without its user store or hasher.
	ErrIncomplete = errors.New("accounts: provisioner needs a user store and a hasher")
)
