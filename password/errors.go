package password

import "errors"

// Errors returned by [Hasher]. Check them with [errors.Is]: most are
// returned wrapped, with detail.
var (
	// ErrMismatch is returned by [Hasher.Verify] when the password does not
	// match the hash, and always by [Hasher.DummyVerify].
	ErrMismatch = errors.New("password: password does not match")

	// ErrMalformedHash is returned when a stored hash string cannot be parsed:
	// wrong length, bad field, bad base64, a parameter out of its valid range.
	ErrMalformedHash = errors.New("password: malformed hash")

	// ErrUnknownScheme is returned when a stored hash is of a scheme this
	// package does not verify (md5-crypt, argon2i, crypt_blowfish's buggy
	// "$2x$", an unknown bcrypt_sha256 or argon2 version …).
	ErrUnknownScheme = errors.New("password: unknown or unsupported hash scheme")

	// ErrCostLimit is returned when a stored hash asks for more work than the
	// [Limits] allow (bcrypt cost, argon2 memory, time or parallelism). The
	// hash is refused before any work is done.
	ErrCostLimit = errors.New("password: hash cost above the configured limit")

	// ErrEmptyPassword is returned for an empty password, by both
	// [Hasher.Hash] and [Hasher.Verify].
	ErrEmptyPassword = errors.New("password: empty password")

	// ErrPasswordTooLong is returned for a password longer than
	// [MaxPasswordBytes], and for one longer than 72 bytes given to plain
	// bcrypt, which would silently ignore the rest. A stored "$2a$"/"$2b$"/
	// "$2y$" hash therefore never verifies a password over 72 bytes; see
	// the package documentation for hashes passlib truncated.
	ErrPasswordTooLong = errors.New("password: password too long")

	// ErrPasswordNUL is returned when a password containing a NUL byte is
	// verified against a plain bcrypt hash: C bcrypt implementations (and so
	// passlib) stop at the first NUL, so the hash cannot mean what it seems.
	ErrPasswordNUL = errors.New("password: password contains a NUL byte, which plain bcrypt cannot hash")

	// ErrBusy is returned when every hashing slot is taken and the wait
	// queue is full, or when the caller's context ended while it waited for
	// a slot (then the context's error is wrapped too). Serve it as 503 with
	// Retry-After.
	ErrBusy = errors.New("password: too many concurrent hash operations")

	// ErrInvalidConfig is returned by [New] and [RegisterValidation] (and
	// [Policy.Check]) for a configuration outside the safe range.
	ErrInvalidConfig = errors.New("password: invalid configuration")
)
