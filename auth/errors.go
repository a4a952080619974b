package auth

import "errors"

// Token errors. Every error returned by [Service.VerifyAccess],
// [Service.Refresh] and the other verifying methods for a bad token matches
// [ErrTokenInvalid] with [errors.Is]; the more specific sentinels below say
// why, for logs and for the middleware's error_code. Never echo them to a
// client verbatim beyond that code.
var (
	// ErrTokenInvalid is matched by every verification failure: malformed
	// token, bad signature, unknown key, disallowed algorithm or header,
	// wrong issuer, audience or token type, expired, not yet valid, revoked.
	ErrTokenInvalid = errors.New("auth: invalid token")

	// ErrTokenMissing means no credentials were presented.
	ErrTokenMissing = errors.New("auth: no token")

	// ErrTokenTooLong means the token (or the Authorization value) exceeds
	// the configured maximum length; it was rejected before parsing.
	ErrTokenTooLong = errors.New("auth: token too long")

	// ErrTokenExpired means exp (plus leeway) has passed.
	ErrTokenExpired = errors.New("auth: token expired")

	// ErrTokenNotYetValid means nbf or iat is in the future (beyond leeway).
	ErrTokenNotYetValid = errors.New("auth: token not valid yet")

	// ErrTokenType means an access token was presented where a refresh token
	// was expected, or the reverse.
	ErrTokenType = errors.New("auth: wrong token type")

	// ErrTokenRevoked means the token was valid but its session was logged
	// out or its user's tokens were revoked (logout-all, password or role
	// change, refresh-token reuse).
	ErrTokenRevoked = errors.New("auth: token revoked")

	// ErrRefreshReused means a refresh token that had already been spent was
	// presented again outside the grace window. The whole family (session)
	// has been revoked as a result.
	ErrRefreshReused = errors.New("auth: refresh token reused; session revoked")

	// ErrSessionExpired means the refresh-token family reached its absolute
	// lifetime; the user must log in again.
	ErrSessionExpired = errors.New("auth: session expired")
)

// Configuration and issuing errors.
var (
	// ErrWeakKey is returned for an HMAC secret shorter than
	// [MinHMACKeyLen] bytes or an Ed25519 key of the wrong size.
	ErrWeakKey = errors.New("auth: key too short or malformed")

	// ErrInvalidKeyID is returned for an empty, over-long or non-printable
	// key id, or for two keys with the same id in one [KeyRing].
	ErrInvalidKeyID = errors.New("auth: invalid key id")

	// ErrNoSigningKey is returned when issuing with a verify-only
	// [KeyRing].
	ErrNoSigningKey = errors.New("auth: key ring has no signing key")

	// ErrInvalidSubject is returned by [Service.IssuePair] for a [Subject]
	// without an ID, or an operator without a facility.
	ErrInvalidSubject = errors.New("auth: invalid subject")

	// ErrInvalidConfig is returned by [NewService] and [NewRBAC] for
	// unusable settings.
	ErrInvalidConfig = errors.New("auth: invalid configuration")
)

// Errors that [RefreshStore] implementations return; the conformance suite
// in store/storetest checks them.
var (
	// ErrFamilyExists is returned by CreateFamily for a duplicate id.
	ErrFamilyExists = errors.New("auth: refresh family already exists")

	// ErrFamilyNotFound is returned for an unknown family id.
	ErrFamilyNotFound = errors.New("auth: refresh family not found")

	// ErrFamilyRevoked is returned by RotateFamily for a revoked family.
	ErrFamilyRevoked = errors.New("auth: refresh family revoked")

	// ErrFamilyExpired is returned by RotateFamily when the family's
	// absolute lifetime has passed at the rotation's time.
	ErrFamilyExpired = errors.New("auth: refresh family expired")

	// ErrStaleRefresh is returned by RotateFamily when the presented hash
	// is not the family's current head: the token was already spent (or
	// never belonged to the family).
	ErrStaleRefresh = errors.New("auth: refresh token is not the family head")
)
