package redis

import "errors"

// ErrNilClient is returned by [New] for a nil client.
var ErrNilClient = errors.New("redis: nil client")

// ErrBadURL is returned by [Open] for a URL that is not a valid Redis URL.
// The error never quotes the URL, which may hold a password.
var ErrBadURL = errors.New("redis: invalid Redis URL")

// ErrBadOption is returned by [New] and [Open] for an option with an
// invalid value (a negative grace, a nil clock).
var ErrBadOption = errors.New("redis: invalid option")

// ErrUnexpectedReply means the server answered something the store's
// command or script never returns (a different script cached under the
// same SHA, a proxy mangling replies, a key of the store's namespace
// written by someone else).
var ErrUnexpectedReply = errors.New("redis: unexpected reply")
