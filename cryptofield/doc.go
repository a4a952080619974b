// Package cryptofield encrypts individual fields of stored records (an
// e-mail address, a phone number, a licence plate) so that a copy of the
// database is not a copy of the data.
//
// It offers two schemes and a way to search encrypted values:
//
//   - [Fernet]: the Fernet specification (AES-128-CBC then HMAC-SHA256,
//     version byte 0x80, timestamp, optional TTL), byte for byte compatible
//     with Python's cryptography.fernet. It exists so that values written
//     by the AutoSpot Python stack (the seed's FieldEncryption) can be read,
//     and so that both stacks can share a database during a migration.
//   - [Keyring]: AES-256-GCM with a key id in every ciphertext and
//     associated data that binds a value to its record and field. Prefer it
//     for new data.
//   - [BlindIndex]: a keyed HMAC of a normalised value, stored beside the
//     ciphertext, so that "find the user with this e-mail" still works.
//
// # Fernet
//
// Build a [Fernet] from one or more keys ([ParseFernetKey] reads the
// URL-safe base64 keys Python's Fernet.generate_key makes; [FernetFromEnv]
// reads them from the environment). It encrypts with the first key and
// decrypts with any, like Python's MultiFernet, so a key is rotated by
// putting the new key first, calling [Fernet.Rotate] on stored tokens, and
// removing the old key.
//
// [Fernet.Decrypt] base64-decodes the token, checks its length and version,
// and compares the HMAC in constant time against each key before anything
// is decrypted; only an authentic token is decrypted and unpadded, so
// padding errors cannot be used as an oracle. With [WithTTL] it also
// rejects tokens older than the TTL and tokens dated more than the clock
// skew (60 s, [WithMaxClockSkew]) in the future. As in Python and the
// specification, timestamps are not checked when no TTL applies: data at
// rest does not expire. Every failure wraps [ErrInvalidToken].
//
// # AES-256-GCM key ring
//
// A [Keyring] holds [AEADKey] values, each with a numeric id. Ciphertexts
// are
//
//	0x01 ‖ key id (4 bytes, big-endian) ‖ nonce (12) ‖ ciphertext ‖ tag (16)
//
// (Tink's framing), and [Keyring.EncryptString] writes them as unpadded
// URL-safe base64. Pass [AssociatedData] built from the collection, the
// record id and the field name: the ciphertext then only decrypts in that
// place, so a value copied into another user's record fails with
// [ErrDecrypt]. To rotate, put a new key first ([NewKeyring] encrypts with
// keys[0]), run [Keyring.ReencryptString] over stored values, then drop
// the old key. [MigrateFernet] moves a Fernet value to the key ring.
//
// Nonces are 96 random bits per message, so a key must encrypt fewer than
// 2³² values (NIST SP 800-38D); rotate long before that.
//
// # Blind indexes
//
// [BlindIndex.Email] and [BlindIndex.Phone] normalise ([NormalizeEmail]:
// trim and lower-case; [NormalizePhone]: ASCII digits only) and return
// HMAC-SHA256 under a key of their own, with the field name mixed in. Store
// the index in its own indexed column and query by equality. Anyone with
// the blind-index key can confirm a guessed value, and equal values have
// equal indexes, so keep the key as secret as the encryption keys.
//
// # JSON and BSON
//
// The text forms ([Fernet.EncryptString], [Keyring.EncryptString]) are
// plain strings: store them in string fields of JSON documents or of BSON
// documents written by go.mongodb.org/mongo-driver/v2, which needs no
// custom marshaller for them. The [Keyring] example shows a struct round-
// tripped through both.
//
// # Keys
//
// Keys come from the environment: [FernetFromEnv], [KeyringFromEnv] and
// [BlindIndexFromEnv] read NAME, or the file named by NAME_FILE, holding one
// key or a comma-separated list (first = current). [GenerateFernetKey],
// [GenerateAEADKey] and [GenerateBlindIndexKey] make new ones, and
// examples/cryptofield prints a fresh set. Keys print as REDACTED with
// fmt and log/slog; call Encode to export one on purpose. Errors never
// contain key material or plaintext.
//
// All types are safe for concurrent use.
package cryptofield
