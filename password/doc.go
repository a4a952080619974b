// Package password hashes and verifies passwords, and decides which new
// passwords are acceptable.
//
// It stands alone: it imports no other package of this module.
//
// # Hashing
//
// A [Hasher] writes bcrypt at cost 12 with the "$2b$" ident, the format of
// the seed's Python stack (passlib's CryptContext(schemes=["bcrypt"],
// bcrypt__rounds=12, bcrypt__ident="2b")), so hashes move between the two
// unchanged. It verifies every format that stack and its successors write:
//
//   - bcrypt "$2a$", "$2b$" and "$2y$";
//   - passlib's bcrypt_sha256, version 2 ("$bcrypt-sha256$v=2,t=2b,r=12$…",
//     the bcrypt of base64(HMAC-SHA256 keyed by the salt string)) and
//     version 1 ("$bcrypt-sha256$2b,12$…", plain SHA-256);
//   - argon2id PHC strings ("$argon2id$v=19$m=19456,t=2,p=1$…"), the
//     format of libargon2, argon2-cffi and passlib.
//
// testdata/passlib_vectors.json holds such hashes made by passlib 1.7.4 and
// libargon2; testdata/gen_passlib_vectors.py regenerates them.
//
//	h, err := password.New(password.Config{}) // bcrypt, cost 12
//	hash, err := h.Hash(ctx, pw)              // at registration
//	needsRehash, err := h.Verify(ctx, pw, hash)
//	if err == nil && needsRehash {            // at login
//		newHash, err := h.Hash(ctx, pw)       // store it
//	}
//
// [Hasher.Verify] returns nil for a match and an error otherwise:
// [ErrMismatch] for a wrong password, other sentinels (checked with
// [errors.Is]) for hashes it refuses to try. Every error means the login
// failed. On a match it also says whether the hash is out of date — another
// scheme, another cost, a "$2a$"/"$2y$" ident, bcrypt_sha256 v1, other
// argon2 parameters — like passlib's deprecated="auto"; passlib ignores the
// ident, this package rewrites it as "$2b$" on the next login.
//
// # Long passwords: no truncation
//
// bcrypt reads 72 bytes; the seed allows 128 characters, up to 512 bytes of
// UTF-8. Nothing is ever silently cut off:
//
//   - With the default [SchemeBcrypt], a password of at most 72 bytes and
//     with no NUL byte is written as plain "$2b$" (what Python, the seed and
//     every bcrypt library read), and any other password as bcrypt_sha256 v2,
//     which hashes every byte. This keeps the common case in the seed's own
//     format and gives long passwords the format existing Python users
//     already have (add "bcrypt_sha256" to a CryptContext's schemes to read
//     them). [SchemeBcryptSHA256] writes bcrypt_sha256 for every password, if
//     that uniformity matters more than the seed's format; it is what the
//     hash string then reveals: only that the password is over 72 bytes,
//     which makes it no easier to guess.
//   - Plain bcrypt is never given more than 72 bytes. Verifying a longer
//     password against a "$2a$"/"$2b$"/"$2y$" hash returns
//     [ErrPasswordTooLong] (and one with a NUL byte [ErrPasswordNUL]), so a
//     stored hash of a 72-byte password does not verify with that password
//     plus a suffix, as bare bcrypt would. The refusal costs the time of
//     [Hasher.DummyVerify], so it does not tell known users from unknown.
//   - passlib truncated plain bcrypt silently: a seed user whose password was
//     longer than 72 bytes has a hash of its first 72 bytes. Verify refuses
//     it with [ErrPasswordTooLong]; send such a user through password reset.
//
// Passwords are hashed as the bytes given. [Normalize] (Unicode NFC, as
// RFC 8265 prescribes) is provided for callers who want "é" typed two ways
// to be one password: apply it before both Hash and Verify. passlib did not
// normalise, and nearly every input method already sends NFC.
//
// # argon2id
//
// [SchemeArgon2id] writes argon2id with OWASP's minimum parameters, m=19456
// KiB (19 MiB), t=2, p=1, a 16-byte salt and a 32-byte tag (RFC 9106's
// recommended salt and tag sizes; its own first choice, m=2 GiB, is too
// much memory for a web server). Set [Config.Argon2] for other trade-offs
// of OWASP's table (m=47104,t=1; m=12288,t=3; m=9216,t=4; m=7168,t=5) or
// RFC 9106's second option (m=65536,t=3,p=4). argon2 memory is per
// operation: at most Concurrency × Memory is in use at once.
//
// # Limits on stored hashes
//
// Cost parameters read from a stored hash are capped before any work
// ([Limits]): bcrypt cost at most 16, argon2 at most 64 MiB, 10 passes and 4
// lanes by default. A crafted or imported hash above them gets
// [ErrCostLimit], not seconds of CPU; a malformed one [ErrMalformedHash]; an
// unknown scheme [ErrUnknownScheme]. The parser is strict (exact lengths,
// passlib's field syntax, canonical numbers and base64, printable ASCII, at
// most 512 bytes) and fuzzed.
//
// # Denial of service
//
// Hashing is the cheapest way to exhaust a server's CPU. A Hasher runs at
// most [Config.Concurrency] hash operations at once (default GOMAXPROCS);
// later callers wait in order while their context lasts, up to
// [Config.MaxWaiting] of them (default 16 per slot, about 4 s of queue at
// cost 12). A full queue fails at once with [ErrBusy]; a caller whose
// context ends while it waits gets [ErrBusy] wrapping the context's error.
// Serve both as 503 with Retry-After. Other requests keep the CPU they need:
// see docs/benchmarks/password.md for a cheap request's latency beside 100
// concurrent logins with and without the bound. [Hasher.Stats] reports the
// load for metrics.
//
// For a login that names an unknown user, call [Hasher.DummyVerify]: it
// does the same work as a verification at the configured cost, through the
// same bound, and returns [ErrMismatch].
//
// Salts come from crypto/rand unless [Config.Rand] injects a reader (for
// tests). Digests are compared in constant time (x/crypto/bcrypt's
// comparison; crypto/subtle for argon2).
//
// # Policy
//
// A [Policy] checks new passwords. [Policy.Check] returns nil or a
// [*PolicyError] listing every rule the password failed, each a
// [Violation] with a stable [Code] ("too_short", "missing_upper", "common",
// "contains_user_info" …) and an English message, so a form can show them
// all at once. Presets:
//
//   - [AutoSpot], the seed's rules: 8 to 128 characters, at least one
//     upper-case letter, lower-case letter, digit and special character.
//   - [NIST], SP 800-63B-4 with a second factor: 8 to 128 characters, no
//     composition rules. [NISTSingleFactor]: at least 15 characters.
//
// Both reject common and guessable passwords with the zxcvbn estimator
// (score at least 3, about 10^8 guesses): "Password1!", "P@ssw0rd" and
// "Qwerty123!" meet the seed's composition rules and still fail. Both
// reject a password that contains the user's details ([UserInfo]: the
// email's local part, the username, the name, whole or in parts of 3
// characters or more, also in l33t or reversed as zxcvbn finds them) or the
// policy's context words ([AutoSpot] lists "autospot").
//
// Length is counted in Unicode code points of the NFC-normalised password,
// so a precomposed "é" and "e" with a combining accent both count as one.
// zxcvbn scores the first 24 characters only: its matching grows with the
// square of the length and took 0.3 s on 128 crafted characters (3 ms on
// 24), and scoring a prefix can only make the check stricter. User details
// are searched for in the whole password.
//
// [RegisterValidation] registers a validator/v10 tag, so request structs
// validate with a policy; the tag's parameter names the sibling fields
// holding the user's details.
//
// # Concurrency
//
// A [Hasher] is safe for concurrent use. A [Policy] is a plain value, safe
// for concurrent use while nobody modifies it.
package password
