package auth

import (
	"context"
	"time"
)

// Family is one refresh-token family: the chain of refresh tokens of one
// login session, as a [RefreshStore] keeps it. Tokens are never stored;
// Head and Prev are SHA-256 hashes (unpadded base64url) of token ids.
//
// Times handed to stores are UTC and truncated to the millisecond, so every
// backend can store them exactly.
type Family struct {
	// ID is the family (session) id, the tokens' "sid" claim.
	ID string
	// UserID is the subject the family belongs to.
	UserID string
	// Roles and Facility are the subject's roles and facility at login;
	// every access token the family issues carries them.
	Roles    []Role
	Facility string
	// Epoch is the user's revocation epoch at login.
	Epoch uint64
	// CreatedAt is the login time; ExpiresAt the absolute end of the
	// family, after which no rotation succeeds whatever the tokens say.
	CreatedAt time.Time
	ExpiresAt time.Time
	// Head is the hash of the only refresh token that may be spent next.
	Head string
	// Prev is the hash of the token Head replaced, RotatedAt when, and
	// Salt the random value the successor's id was derived with (see the
	// package documentation, "Parallel refreshes"). Empty before the first
	// rotation.
	Prev      string
	RotatedAt time.Time
	Salt      string
	// Generation counts rotations.
	Generation uint64
	// RevokedAt is zero while the family is live; RevokeReason says why it
	// was revoked ("logout", "logout-all", "reuse" …).
	RevokedAt    time.Time
	RevokeReason string
}

// Rotation asks [RefreshStore.RotateFamily] to replace a family's head.
type Rotation struct {
	FamilyID string
	// Presented is the hash of the token being spent; Next the hash of its
	// successor; Salt is recorded with it.
	Presented string
	Next      string
	Salt      string
	// Now is the rotation time; the family must not be expired at Now.
	Now time.Time
}

// RefreshStore keeps refresh-token families. Every method is a single-record
// operation, so it maps onto one conditional update in each backend:
// MongoDB findOneAndUpdate with a filter, one Redis Lua script, one bbolt
// transaction. Implementations must be safe for concurrent use;
// store/storetest.RunRefreshStore is their conformance suite.
type RefreshStore interface {
	// CreateFamily stores a new family. A duplicate id is ErrFamilyExists.
	CreateFamily(ctx context.Context, f Family) error

	// Family returns the family with the given id, or ErrFamilyNotFound.
	Family(ctx context.Context, id string) (Family, error)

	// RotateFamily atomically compares and swaps the head: if the family
	// exists, is not revoked, r.Now is before ExpiresAt and Head equals
	// r.Presented, it sets Prev = Head, Head = r.Next, RotatedAt = r.Now,
	// Salt = r.Salt, increments Generation and returns the updated family.
	// Otherwise it changes nothing and returns the family as it is now
	// (zero for an unknown id) with, in this order of precedence,
	// ErrFamilyNotFound, ErrFamilyRevoked, ErrFamilyExpired or
	// ErrStaleRefresh. Of any number of concurrent calls presenting the
	// same head, exactly one succeeds.
	RotateFamily(ctx context.Context, r Rotation) (Family, error)

	// RevokeFamily marks the family revoked at `at` for reason. Revoking a
	// revoked family succeeds and keeps the first time and reason. An
	// unknown id is ErrFamilyNotFound.
	RevokeFamily(ctx context.Context, id string, at time.Time, reason string) error

	// RevokeUserFamilies revokes every live family of userID and returns
	// how many it revoked. It need not be atomic across families, but each
	// family's revocation is.
	RevokeUserFamilies(ctx context.Context, userID string, at time.Time, reason string) (int, error)
}

// RevocationStatus is what [RevocationStore.Status] reports.
type RevocationStatus struct {
	// Epoch is the user's current revocation epoch (0 if never raised).
	// Tokens whose "ep" claim is lower are revoked.
	Epoch uint64
	// SessionRevoked reports whether the session was logged out.
	SessionRevoked bool
}

// RevocationStore keeps what makes a still-unexpired access token invalid:
// a per-user epoch (raised by logout-all, password change, role change) and
// a list of logged-out sessions, each kept until no token of the session can
// still be valid. Implementations must be safe for concurrent use;
// store/storetest.RunRevocationStore is their conformance suite.
type RevocationStore interface {
	// Status returns the user's epoch and whether sessionID (may be empty:
	// then false) is revoked at now. A session entry whose until time is
	// not after now reads as not revoked.
	Status(ctx context.Context, userID, sessionID string, now time.Time) (RevocationStatus, error)

	// BumpEpoch atomically increments the user's epoch and returns the new
	// value (1 the first time).
	BumpEpoch(ctx context.Context, userID string) (uint64, error)

	// RevokeSession records sessionID as revoked until `until`; revoking
	// again keeps the later until.
	RevokeSession(ctx context.Context, sessionID string, until time.Time) error
}
