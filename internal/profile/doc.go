// Package profile keeps the personal details of an AutoSpot account —
// phone number, postal address and licence plate — encrypted at rest.
//
// # Encryption
//
// [Service] encrypts each field with a cryptofield AEAD [cryptofield.Keyring]
// (AES-256-GCM, newest key first) before it reaches a [Store], with
// associated data binding the ciphertext to its user id and field name
// (cryptofield.AssociatedData("profile", userID, field)): a ciphertext
// copied to another user or another field does not decrypt. Reads decrypt
// with every key of the ring and re-encrypt under the newest key on the
// next write. The phone number is also stored as a blind index
// ([cryptofield.BlindIndex.Phone]) so that it can be looked up without
// decrypting.
//
// # Stores
//
// [MemoryStore] keeps records in process; [BoltStore] in a bbolt file (the
// reference server's embedded default). Both are safe for concurrent use.
package profile
