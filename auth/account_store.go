package auth

import (
	"context"
	"time"
)

// This file defines the storage interfaces of the account flows
// ([Accounts]). Every method is a single-record operation that maps onto
// one conditional update in each backend: MongoDB findOneAndUpdate (or
// updateOne/deleteOne) with a filter and $inc, one Redis command or Lua
// script, one bbolt transaction. None needs a multi-document transaction.
// Expiry is always passed in (now) and checked in the query; TTL indexes
// or key expiry are only a clean-up aid.
//
// Times handed to stores are UTC and truncated to the millisecond, so every
// backend can store them exactly. Implementations must be safe for
// concurrent use and must return copies: a caller mutating a returned value
// (or a slice in it) must not change the stored record. Each interface has
// a conformance suite in store/storetest (RunUserStore, RunPendingStore,
// RunOTPStore, RunAttemptStore, RunResetStore).

// User is an account as a [UserStore] keeps it.
type User struct {
	// ID is the stable, server-generated user id (the tokens' "sub").
	ID string
	// Email is the normalised (trimmed, lower-cased) address; unique.
	// With email protection ([WithEmailProtection], [EmailProtectedUsers])
	// the store holds the address's blind index in this field instead,
	// and [EmailProtectedUsers] puts the opened address back in every
	// user it returns.
	Email string
	// EmailSealed is the address encrypted by an [EmailProtector], bound
	// to ID; empty without email protection. Opaque to stores.
	EmailSealed string
	// Username is the normalised (lower-cased) user name; unique.
	Username string
	// FullName is the display name, as entered (trimmed).
	FullName string
	// PasswordHash is the password package's encoded hash. Never log it.
	PasswordHash string
	// Roles and Facility are what [Service.IssuePair] puts in tokens.
	Roles    []Role
	Facility string
	// CreatedAt is when the account was created; UpdatedAt when it last
	// changed (password, roles, lock; not the full name). UpdatedAt is
	// also the generation of the per-address failed-login counts, which
	// start afresh whenever it moves.
	CreatedAt time.Time
	UpdatedAt time.Time
	// LockedUntil, when after now, means an administrator locked the
	// account: logins fail (with the same response as a wrong password)
	// until then. Zero means not locked.
	LockedUntil time.Time
}

// UserQuery selects a page of users for [UserStore.List].
type UserQuery struct {
	// Search, if not empty, keeps users whose Email, Username or FullName
	// contains it as a literal, case-insensitive substring. It is never
	// interpreted as a pattern: backends that use regular expressions
	// must quote it (regexp.QuoteMeta).
	Search string
	// Role, if not empty, keeps users that have this role.
	Role Role
	// After is a cursor: only users whose ID sorts after it (byte-wise)
	// are returned. Empty starts at the beginning.
	After string
	// Limit is the page size; values < 1 mean 50, values > 1000 mean 1000.
	Limit int
}

// Page size bounds of [UserQuery.Limit].
const (
	DefaultUserPageSize = 50
	MaxUserPageSize     = 1000
)

// PageLimit returns q.Limit clamped to [1, MaxUserPageSize], with
// DefaultUserPageSize for values < 1. Backends use it so that they agree.
func (q UserQuery) PageLimit() int {
	switch {
	case q.Limit < 1:
		return DefaultUserPageSize
	case q.Limit > MaxUserPageSize:
		return MaxUserPageSize
	}
	return q.Limit
}

// UserPage is one page of [UserStore.List].
type UserPage struct {
	// Users are sorted by ID, ascending.
	Users []User
	// Next is the cursor for the following page (the last user's ID), or
	// empty when this page is the last.
	Next string
}

// UserStore keeps accounts. store/storetest.RunUserStore is its conformance
// suite.
type UserStore interface {
	// Create stores a new user. Email and Username must be unique:
	// a duplicate is ErrEmailTaken or ErrUsernameTaken (email checked
	// first), decided atomically with the insert (unique indexes, one
	// transaction or one script), so of any number of concurrent creates
	// with the same email exactly one succeeds. A duplicate ID is
	// ErrUserExists.
	Create(ctx context.Context, u User) error

	// ByID, ByEmail and ByUsername return the user, or ErrUserNotFound.
	// email and username are already normalised by the caller; stores
	// compare them exactly.
	ByID(ctx context.Context, id string) (User, error)
	ByEmail(ctx context.Context, email string) (User, error)
	ByUsername(ctx context.Context, username string) (User, error)

	// UpdatePasswordHash sets the hash to newHash and UpdatedAt to at, if
	// the stored hash still equals oldHash (compare-and-swap, so a rehash
	// after login never overwrites a concurrent password change). An
	// unknown id is ErrUserNotFound; a different stored hash is
	// ErrUserChanged and changes nothing.
	UpdatePasswordHash(ctx context.Context, id, oldHash, newHash string, at time.Time) error

	// UpdateFullName sets FullName to newName if the stored name still
	// equals oldName (compare-and-swap, like UpdatePasswordHash). It
	// leaves UpdatedAt alone: a name change by the user must not restart
	// the failed-login counts. An unknown id is ErrUserNotFound; a
	// different stored name is ErrUserChanged and changes nothing.
	UpdateFullName(ctx context.Context, id, oldName, newName string) error

	// UpdateEmail replaces the email key by newEmail and EmailSealed by
	// newSealed, if the stored email still equals oldEmail
	// (compare-and-swap); the unique key moves atomically. It leaves
	// UpdatedAt alone. A newEmail held by another user is ErrEmailTaken,
	// an unknown id ErrUserNotFound, a different stored email
	// ErrUserChanged; each changes nothing. It exists so that users
	// stored in clear can be moved under email protection
	// ([EmailProtectedUsers.MigratePlaintext]).
	UpdateEmail(ctx context.Context, id, oldEmail, newEmail, newSealed string) error

	// UpdateRoles replaces the roles and facility and sets UpdatedAt.
	// An unknown id is ErrUserNotFound.
	UpdateRoles(ctx context.Context, id string, roles []Role, facility string, at time.Time) error

	// SetLockedUntil sets LockedUntil (zero unlocks) and UpdatedAt.
	// An unknown id is ErrUserNotFound.
	SetLockedUntil(ctx context.Context, id string, until, at time.Time) error

	// Delete removes the user; an unknown id is ErrUserNotFound. The
	// email and username become free at once.
	Delete(ctx context.Context, id string) error

	// List returns one page of users matching q, sorted by ID.
	List(ctx context.Context, q UserQuery) (UserPage, error)
}

// PendingRegistration is a registration waiting for its email code. It is
// not a user: it reserves nothing, and a later registration with the same
// email replaces it.
type PendingRegistration struct {
	// Email is the normalised address, the key.
	Email string
	// Ticket is a random handle returned to the registering client and
	// required, with the code, to complete the registration; a later
	// registration for the same email gets a new ticket.
	Ticket string
	// Username (normalised), FullName and PasswordHash become the user's.
	Username     string
	FullName     string
	PasswordHash string
	CreatedAt    time.Time
	// ExpiresAt is when the registration lapses; it is not returned at or
	// after this time.
	ExpiresAt time.Time
}

// PendingStore keeps pending registrations, one per email.
// store/storetest.RunPendingStore is its conformance suite.
type PendingStore interface {
	// Put stores p, replacing any registration held for p.Email (expired
	// or not).
	Put(ctx context.Context, p PendingRegistration) error

	// Take atomically removes and returns the registration for email if
	// its Ticket equals ticket and it has not expired at now. Otherwise it
	// changes nothing and returns ErrPendingNotFound. Of concurrent Takes
	// exactly one succeeds.
	Take(ctx context.Context, email, ticket string, now time.Time) (PendingRegistration, error)

	// Get returns the live registration for email, or ErrPendingNotFound
	// (absent or expired at now).
	Get(ctx context.Context, email string, now time.Time) (PendingRegistration, error)

	// Delete removes the registration for email; absent is not an error.
	Delete(ctx context.Context, email string) error
}

// OTPPurpose is what a one-time code is for. A code is stored and checked
// under its purpose, so a code issued for one purpose never passes for
// another.
type OTPPurpose string

// The code purposes used by [Accounts].
const (
	PurposeRegistration OTPPurpose = "registration"
	PurposeReset        OTPPurpose = "reset"
)

// OTP is a one-time code as an [OTPStore] keeps it. The code itself is
// never stored: Hash is a keyed hash of purpose, subject, salt and code.
type OTP struct {
	// Purpose and Subject (a normalised email or a user id) are the key:
	// one live code per pair.
	Purpose OTPPurpose
	Subject string
	// Binding is an extra value the code is tied to (e.g. the pending
	// registration's ticket); opaque to the store.
	Binding string
	// Salt (random, per code) and Hash are opaque bytes to the store.
	Salt []byte
	Hash []byte
	// CreatedAt is the issue time; ExpiresAt the end of validity.
	CreatedAt time.Time
	ExpiresAt time.Time
	// Tries counts verification attempts so far; MaxTries bounds them.
	Tries    int
	MaxTries int
}

// OTPStore keeps one-time codes. Verifying is two single-record steps, so
// that any backend can do it without a transaction and the hash compare
// stays in [Accounts] (constant time):
//
//  1. Try reserves one attempt (Tries+1, only while Tries < MaxTries and
//     not expired) and returns the record;
//  2. if the presented code matches, Consume deletes the record if its
//     Hash is still the one compared against: of any number of
//     concurrent matching attempts exactly one consumes the code.
//
// store/storetest.RunOTPStore is its conformance suite.
type OTPStore interface {
	// Put stores o, replacing any code held for (o.Purpose, o.Subject).
	Put(ctx context.Context, o OTP) error

	// Try atomically increments Tries of the live code for (purpose,
	// subject) if Tries < MaxTries and now is before ExpiresAt, and
	// returns the record after the increment. An absent or expired code is
	// ErrOTPNotFound; a code whose tries are used up is ErrOTPExhausted
	// (and Tries is not incremented).
	Try(ctx context.Context, purpose OTPPurpose, subject string, now time.Time) (OTP, error)

	// Consume deletes the code for (purpose, subject) if its Hash equals
	// hash; otherwise (absent, replaced, already consumed) it changes
	// nothing and returns ErrOTPNotFound.
	Consume(ctx context.Context, purpose OTPPurpose, subject string, hash []byte) error

	// Delete removes the code for (purpose, subject); absent is not an
	// error.
	Delete(ctx context.Context, purpose OTPPurpose, subject string) error
}

// AttemptState is what [AttemptStore.Reserve] reports about one key.
type AttemptState struct {
	// Allowed reports whether this attempt was reserved (counted).
	Allowed bool
	// Count is the number of attempts counted in the current window,
	// including this one when Allowed.
	Count int
	// WindowEnd is when the current window's count lapses.
	WindowEnd time.Time
	// LockedUntil is the key's lock time if it is locked at now, else zero.
	LockedUntil time.Time
}

// AttemptStore counts attempts (failed logins, code sends) per key in fixed
// windows, and keeps per-key locks. Reserve is the atomic
// reserve-before-compare step: a caller reserves an attempt before doing
// the expensive or guessable thing, so N parallel callers against a limit
// of L get at most L reservations. store/storetest.RunAttemptStore is its
// conformance suite.
type AttemptStore interface {
	// Reserve atomically does the following for key at now:
	//   - if the key is locked (LockedUntil after now), it reserves nothing
	//     and reports Allowed false with LockedUntil set;
	//   - if the current window has ended (or there is none), it starts a
	//     new one: count 0, WindowEnd = now + window;
	//   - if count < limit, it increments count and reports Allowed true;
	//     otherwise Allowed false. Count and WindowEnd are reported
	//     either way.
	// Of any number of concurrent calls with the same key, limit and
	// window, at most limit are allowed per window.
	Reserve(ctx context.Context, key string, limit int, window time.Duration, now time.Time) (AttemptState, error)

	// Lock locks key until `until` (keeping a later existing lock). The
	// count is left as it is.
	Lock(ctx context.Context, key string, until time.Time) error

	// Reset forgets key: count and lock. Absent is not an error.
	Reset(ctx context.Context, key string) error
}

// ResetToken is an outstanding password-reset secret as a [ResetStore]
// keeps it. The secret is never stored.
type ResetToken struct {
	// Hash is the SHA-256 of the secret (unpadded base64url); the key.
	Hash string
	// UserID is whose password the token resets.
	UserID    string
	CreatedAt time.Time
	// ExpiresAt ends the token's validity.
	ExpiresAt time.Time
}

// ResetStore keeps password-reset tokens.
// store/storetest.RunResetStore is its conformance suite.
type ResetStore interface {
	// Put stores t. A duplicate Hash is ErrResetExists.
	Put(ctx context.Context, t ResetToken) error

	// Consume atomically removes and returns the token with this hash if
	// it has not expired at now. An absent, already consumed or expired
	// token is ErrResetNotFound (an expired one may be removed). Of
	// concurrent Consumes exactly one succeeds.
	Consume(ctx context.Context, hash string, now time.Time) (ResetToken, error)

	// DeleteUser removes every token of userID and returns how many.
	DeleteUser(ctx context.Context, userID string) (int, error)
}
