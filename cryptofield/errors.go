package cryptofield

import "errors"

// Sentinel errors. Check them with [errors.Is]; the error a function returns
// may wrap more detail, but never key material or plaintext.
var (
	// ErrInvalidToken reports a Fernet token that cannot be accepted: bad
	// base64, wrong version byte, wrong length, a MAC that matches no key,
	// bad padding, an expired token or a timestamp too far in the future.
	// Like Python's cryptography.fernet.InvalidToken it is the one error a
	// caller needs to check; [ErrExpired] and [ErrFutureToken] are wrapped
	// with it when the MAC was valid but the time was not.
	ErrInvalidToken = errors.New("cryptofield: invalid token")

	// ErrExpired reports an authentic Fernet token older than the TTL.
	// It is always returned together with [ErrInvalidToken].
	ErrExpired = errors.New("cryptofield: token expired")

	// ErrFutureToken reports an authentic Fernet token whose timestamp is
	// further in the future than the allowed clock skew. It is always
	// returned together with [ErrInvalidToken].
	ErrFutureToken = errors.New("cryptofield: token timestamp is in the future")

	// ErrDecrypt reports an AEAD ciphertext that cannot be opened: it is
	// malformed, was made with an unknown version, or its tag does not
	// verify (wrong key, tampered bytes, or different associated data, for
	// example a value copied to another record or field).
	ErrDecrypt = errors.New("cryptofield: message authentication failed")

	// ErrUnknownKey reports an AEAD ciphertext naming a key id that is not
	// in the key ring. It is always returned together with [ErrDecrypt].
	ErrUnknownKey = errors.New("cryptofield: unknown key id")

	// ErrInvalidKey reports key material of the wrong size or encoding, or
	// a key ring that is empty or lists a key id twice.
	ErrInvalidKey = errors.New("cryptofield: invalid key")

	// ErrNoKey reports an environment variable (and its _FILE variant)
	// that is unset or empty.
	ErrNoKey = errors.New("cryptofield: key not configured")
)
