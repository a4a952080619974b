package cryptofield

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"io"
)

// AEAD ciphertext layout, version 1 (the same framing as Tink's):
//
//	Version 0x01 (1) ‖ Key id (4, big-endian) ‖ Nonce (12) ‖ AES-256-GCM ciphertext ‖ Tag (16)
//
// The text form is the same bytes in unpadded URL-safe base64.
const (
	aeadVersion   = 0x01
	aeadHeaderLen = 1 + 4
	aeadNonceLen  = 12
	aeadTagLen    = 16
	aeadOverhead  = aeadHeaderLen + aeadNonceLen + aeadTagLen
)

// Keyring encrypts values with AES-256-GCM under a set of keys. Each
// ciphertext starts with a version byte and the id of the key that made it,
// so keys can be rotated: the keyring encrypts with its first (primary)
// key and decrypts with whichever key a ciphertext names. A fresh random
// 96-bit nonce is used for every message; as NIST SP 800-38D requires for
// random nonces, rotate a key before it has encrypted 2³² values.
//
// Associated data binds a ciphertext to where it is stored: encrypt a user's
// e-mail address with AssociatedData("users", userID, "email") and it will
// not decrypt as another user's, or as another field.
//
// A Keyring is safe for concurrent use.
type Keyring struct {
	primary uint32
	aeads   map[uint32]cipher.AEAD
	ids     []uint32
	rand    io.Reader
}

// NewKeyring returns a key ring that encrypts with keys[0] and decrypts
// with any of keys. It fails with [ErrInvalidKey] if keys is empty or two
// keys share an id.
func NewKeyring(keys []AEADKey, opts ...KeyringOption) (*Keyring, error) {
	if len(keys) == 0 {
		return nil, fmt.Errorf("%w: a key ring needs at least one key", ErrInvalidKey)
	}
	r := &Keyring{primary: keys[0].id, aeads: make(map[uint32]cipher.AEAD, len(keys)), rand: rand.Reader}
	for _, o := range opts {
		if o != nil {
			o.applyKeyring(r)
		}
	}
	if r.rand == nil {
		r.rand = rand.Reader
	}
	for _, k := range keys {
		if k.id == 0 {
			return nil, fmt.Errorf("%w: key id 0 (use NewAEADKey or ParseAEADKey)", ErrInvalidKey)
		}
		if _, dup := r.aeads[k.id]; dup {
			return nil, fmt.Errorf("%w: key id %d listed twice", ErrInvalidKey, k.id)
		}
		block, err := aes.NewCipher(k.raw[:])
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrInvalidKey, err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrInvalidKey, err)
		}
		r.aeads[k.id] = aead
		r.ids = append(r.ids, k.id)
	}
	return r, nil
}

// PrimaryID returns the id of the key new ciphertexts are made with.
func (r *Keyring) PrimaryID() uint32 { return r.primary }

// Encrypt seals plaintext under the primary key, binding it to ad (which
// may be nil; see [AssociatedData]). The result is
// len(plaintext)+33 bytes.
func (r *Keyring) Encrypt(plaintext, ad []byte) ([]byte, error) {
	out := make([]byte, aeadHeaderLen+aeadNonceLen, aeadOverhead+len(plaintext))
	out[0] = aeadVersion
	binary.BigEndian.PutUint32(out[1:5], r.primary)
	nonce := out[aeadHeaderLen : aeadHeaderLen+aeadNonceLen]
	if _, err := io.ReadFull(r.rand, nonce); err != nil {
		return nil, fmt.Errorf("cryptofield: read nonce: %w", err)
	}
	return r.aeads[r.primary].Seal(out, nonce, plaintext, ad), nil
}

// Decrypt opens a ciphertext made by [Keyring.Encrypt] with the same ad.
// Any failure (malformed input, unknown version or key id, tampering,
// different associated data) wraps [ErrDecrypt].
func (r *Keyring) Decrypt(ciphertext, ad []byte) ([]byte, error) {
	aead, err := r.aeadFor(ciphertext)
	if err != nil {
		return nil, err
	}
	nonce := ciphertext[aeadHeaderLen : aeadHeaderLen+aeadNonceLen]
	pt, err := aead.Open(nil, nonce, ciphertext[aeadHeaderLen+aeadNonceLen:], ad)
	if err != nil {
		return nil, ErrDecrypt
	}
	if pt == nil {
		pt = []byte{}
	}
	return pt, nil
}

// EncryptString encrypts a text value and returns the text form (unpadded
// URL-safe base64), ready for a JSON or BSON string field.
func (r *Keyring) EncryptString(plaintext string, ad []byte) (string, error) {
	ct, err := r.Encrypt([]byte(plaintext), ad)
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(ct), nil
}

// DecryptString opens the text form made by [Keyring.EncryptString].
func (r *Keyring) DecryptString(ciphertext string, ad []byte) (string, error) {
	ct, err := base64.RawURLEncoding.DecodeString(ciphertext)
	if err != nil {
		return "", fmt.Errorf("%w: bad base64", ErrDecrypt)
	}
	pt, err := r.Decrypt(ct, ad)
	return string(pt), err
}

// KeyID returns the key id written in a ciphertext, without decrypting it.
func (r *Keyring) KeyID(ciphertext []byte) (uint32, error) {
	if len(ciphertext) < aeadOverhead || ciphertext[0] != aeadVersion {
		return 0, fmt.Errorf("%w: malformed ciphertext", ErrDecrypt)
	}
	return binary.BigEndian.Uint32(ciphertext[1:5]), nil
}

// Reencrypt returns ciphertext sealed under the primary key. If it already
// is, it is returned unchanged with rotated false; otherwise it is
// decrypted (which authenticates it with ad) and encrypted anew with the
// same ad. Run it over stored values after adding a new primary key; once
// no value names the old key, remove it from the ring.
func (r *Keyring) Reencrypt(ciphertext, ad []byte) (out []byte, rotated bool, err error) {
	id, err := r.KeyID(ciphertext)
	if err != nil {
		return nil, false, err
	}
	if id == r.primary {
		if _, err := r.Decrypt(ciphertext, ad); err != nil {
			return nil, false, err
		}
		return ciphertext, false, nil
	}
	pt, err := r.Decrypt(ciphertext, ad)
	if err != nil {
		return nil, false, err
	}
	out, err = r.Encrypt(pt, ad)
	return out, err == nil, err
}

// ReencryptString is [Keyring.Reencrypt] for the text form.
func (r *Keyring) ReencryptString(ciphertext string, ad []byte) (string, bool, error) {
	ct, err := base64.RawURLEncoding.DecodeString(ciphertext)
	if err != nil {
		return "", false, fmt.Errorf("%w: bad base64", ErrDecrypt)
	}
	out, rotated, err := r.Reencrypt(ct, ad)
	if err != nil || !rotated {
		if err != nil {
			return "", false, err
		}
		return ciphertext, false, nil
	}
	return base64.RawURLEncoding.EncodeToString(out), true, nil
}

func (r *Keyring) aeadFor(ciphertext []byte) (cipher.AEAD, error) {
	id, err := r.KeyID(ciphertext)
	if err != nil {
		return nil, err
	}
	aead, ok := r.aeads[id]
	if !ok {
		return nil, fmt.Errorf("%w: %w %d", ErrDecrypt, ErrUnknownKey, id)
	}
	return aead, nil
}

// AssociatedData encodes parts (for example collection, record id and
// field name) into associated data for [Keyring.Encrypt]. Each part is
// length-prefixed, so ("ab", "c") and ("a", "bc") differ.
func AssociatedData(parts ...string) []byte {
	n := 0
	for _, p := range parts {
		n += binary.MaxVarintLen64 + len(p)
	}
	out := make([]byte, 0, n)
	for _, p := range parts {
		out = binary.AppendUvarint(out, uint64(len(p)))
		out = append(out, p...)
	}
	return out
}

// MigrateFernet converts a value stored by the Python AutoSpot stack (a
// Fernet token) to this key ring's text form bound to ad: it decrypts the
// token with f and encrypts the plaintext with r. A value that is already
// in the key ring's form (it does not start with Fernet's "gAAAAA") is
// returned unchanged after checking that it decrypts.
func MigrateFernet(f *Fernet, r *Keyring, value string, ad []byte) (string, error) {
	if !IsFernetToken(value) {
		if _, err := r.DecryptString(value, ad); err != nil {
			return "", err
		}
		return value, nil
	}
	pt, err := f.Decrypt([]byte(value))
	if err != nil {
		return "", err
	}
	return r.EncryptString(string(pt), ad)
}

// IsFernetToken reports whether s looks like a Fernet token (version 0x80
// and a timestamp below 2^36, so base64 "gAAAAA"). It does not verify it.
func IsFernetToken(s string) bool {
	return len(s) >= 6 && s[:6] == "gAAAAA"
}
