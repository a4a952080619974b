package cryptofield

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"time"
)

// Fernet token layout (https://github.com/fernet/spec/blob/master/Spec.md):
//
//	Version (1) ‖ Timestamp (8, big-endian seconds) ‖ IV (16) ‖ Ciphertext (16·n) ‖ HMAC (32)
//
// base64url-encoded with padding.
const (
	fernetVersion     = 0x80
	fernetHeaderLen   = 1 + 8 + 16
	fernetMACLen      = sha256.Size
	fernetMinLen      = fernetHeaderLen + aes.BlockSize + fernetMACLen
	defaultClockSkew  = 60 * time.Second
	fernetMaxTokenLen = 64 << 20 // 64 MiB of token text: far above any field
)

type fernetKeyState struct {
	signing [16]byte
	block   cipher.Block
}

// Fernet encrypts and decrypts Fernet tokens (AES-128-CBC with
// HMAC-SHA256, version 0x80), byte for byte compatible with Python's
// cryptography.fernet.Fernet and MultiFernet. It holds one or more keys: it
// encrypts with the first and decrypts with any, so keys can be rotated.
//
// A Fernet is safe for concurrent use.
type Fernet struct {
	keys []fernetKeyState
	ttl  time.Duration
	skew time.Duration
	now  func() time.Time
	rand io.Reader
}

// NewFernet returns a Fernet that encrypts with keys[0] and decrypts with
// any of keys. It fails with [ErrInvalidKey] when keys is empty.
func NewFernet(keys []FernetKey, opts ...FernetOption) (*Fernet, error) {
	if len(keys) == 0 {
		return nil, fmt.Errorf("%w: a Fernet needs at least one key", ErrInvalidKey)
	}
	f := &Fernet{skew: defaultClockSkew, now: time.Now, rand: rand.Reader}
	for _, o := range opts {
		if o != nil {
			o.applyFernet(f)
		}
	}
	if f.rand == nil {
		f.rand = rand.Reader
	}
	f.keys = make([]fernetKeyState, len(keys))
	for i, k := range keys {
		block, err := aes.NewCipher(k.raw[16:])
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrInvalidKey, err)
		}
		f.keys[i].block = block
		copy(f.keys[i].signing[:], k.raw[:16])
	}
	return f, nil
}

// Encrypt returns the Fernet token of plaintext, made with the first key,
// the current time and a fresh random IV.
func (f *Fernet) Encrypt(plaintext []byte) ([]byte, error) {
	var iv [aes.BlockSize]byte
	if _, err := io.ReadFull(f.rand, iv[:]); err != nil {
		return nil, fmt.Errorf("cryptofield: read IV: %w", err)
	}
	return f.keys[0].seal(plaintext, unixSeconds(f.now()), iv[:]), nil
}

// EncryptString is [Fernet.Encrypt] for text: it returns the token as a
// string, ready to store in a JSON or BSON string field, exactly as Python's
// cipher.encrypt(data.encode()).decode() does.
func (f *Fernet) EncryptString(plaintext string) (string, error) {
	tok, err := f.Encrypt([]byte(plaintext))
	return string(tok), err
}

// Decrypt verifies token and returns its plaintext. The MAC is checked in
// constant time, against each key in turn, before anything is decrypted.
// With a TTL ([WithTTL]) the token's age is checked too. Every failure
// wraps [ErrInvalidToken].
func (f *Fernet) Decrypt(token []byte) ([]byte, error) {
	return f.DecryptWithTTL(token, f.ttl)
}

// DecryptString is [Fernet.Decrypt] for tokens and plaintexts held as strings.
func (f *Fernet) DecryptString(token string) (string, error) {
	pt, err := f.Decrypt([]byte(token))
	return string(pt), err
}

// DecryptWithTTL is [Fernet.Decrypt] with a TTL for this call only, like
// Python's decrypt(token, ttl). A ttl of 0 means none.
func (f *Fernet) DecryptWithTTL(token []byte, ttl time.Duration) ([]byte, error) {
	raw, k, err := f.verify(token)
	if err != nil {
		return nil, err
	}
	if ttl > 0 {
		if err := f.checkTime(raw, ttl); err != nil {
			return nil, err
		}
	}
	return k.open(raw)
}

// Timestamp returns the creation time recorded in an authentic token (like
// Python's extract_timestamp). It does not apply the TTL.
func (f *Fernet) Timestamp(token []byte) (time.Time, error) {
	raw, _, err := f.verify(token)
	if err != nil {
		return time.Time{}, err
	}
	ts := binary.BigEndian.Uint64(raw[1:9])
	if ts > math.MaxInt64 {
		return time.Time{}, invalidToken("timestamp out of range")
	}
	return time.Unix(int64(ts), 0), nil
}

// Rotate re-encrypts an authentic token with the first key and a new IV,
// keeping its original timestamp, as Python's MultiFernet.rotate does. No
// TTL applies. Use it to move stored values to a new key before the old
// key is removed.
func (f *Fernet) Rotate(token []byte) ([]byte, error) {
	raw, k, err := f.verify(token)
	if err != nil {
		return nil, err
	}
	pt, err := k.open(raw)
	if err != nil {
		return nil, err
	}
	var iv [aes.BlockSize]byte
	if _, err := io.ReadFull(f.rand, iv[:]); err != nil {
		return nil, fmt.Errorf("cryptofield: read IV: %w", err)
	}
	return f.keys[0].seal(pt, binary.BigEndian.Uint64(raw[1:9]), iv[:]), nil
}

// RotateString is [Fernet.Rotate] for tokens held as strings.
func (f *Fernet) RotateString(token string) (string, error) {
	tok, err := f.Rotate([]byte(token))
	return string(tok), err
}

// tokenError is a rejected token: its message says why, and it matches
// ErrInvalidToken (and ErrExpired or ErrFutureToken when relevant) with
// errors.Is.
type tokenError struct {
	reason string
	kind   error // nil, ErrExpired or ErrFutureToken
}

func (e *tokenError) Error() string { return "cryptofield: invalid token: " + e.reason }

func (e *tokenError) Is(target error) bool {
	return target == ErrInvalidToken || (e.kind != nil && target == e.kind)
}

func invalidToken(reason string) error { return &tokenError{reason: reason} }

// verify decodes the token, checks its framing and finds the key whose MAC
// matches (constant-time comparison). Nothing is decrypted here.
func (f *Fernet) verify(token []byte) ([]byte, *fernetKeyState, error) {
	if len(token) > fernetMaxTokenLen {
		return nil, nil, invalidToken("too long")
	}
	raw := make([]byte, base64.URLEncoding.DecodedLen(len(token)))
	n, err := base64.URLEncoding.Decode(raw, token)
	if err != nil {
		return nil, nil, invalidToken("not padded URL-safe base64")
	}
	raw = raw[:n]
	if n < fernetMinLen || (n-fernetHeaderLen-fernetMACLen)%aes.BlockSize != 0 {
		return nil, nil, invalidToken("wrong length")
	}
	if raw[0] != fernetVersion {
		return nil, nil, invalidToken(fmt.Sprintf("unknown version 0x%02x", raw[0]))
	}
	body, tag := raw[:n-fernetMACLen], raw[n-fernetMACLen:]
	var sum [fernetMACLen]byte
	for i := range f.keys {
		k := &f.keys[i]
		m := hmac.New(sha256.New, k.signing[:])
		m.Write(body)
		if hmac.Equal(m.Sum(sum[:0]), tag) {
			return raw, k, nil
		}
	}
	return nil, nil, invalidToken("MAC does not match any key")
}

func (f *Fernet) checkTime(raw []byte, ttl time.Duration) error {
	ts := binary.BigEndian.Uint64(raw[1:9])
	now := unixSeconds(f.now())
	// Compare in seconds, as the spec and Python do; saturate instead of
	// overflowing on absurd timestamps.
	ttlSec := uint64(ttl / time.Second)
	skewSec := uint64(f.skew / time.Second)
	if ts <= math.MaxUint64-ttlSec && ts+ttlSec < now {
		return &tokenError{reason: "expired", kind: ErrExpired}
	}
	if now <= math.MaxUint64-skewSec && now+skewSec < ts {
		return &tokenError{reason: "timestamp too far in the future", kind: ErrFutureToken}
	}
	return nil
}

// seal builds the token for plaintext with the given timestamp and IV.
func (k *fernetKeyState) seal(plaintext []byte, ts uint64, iv []byte) []byte {
	pad := aes.BlockSize - len(plaintext)%aes.BlockSize
	n := fernetHeaderLen + len(plaintext) + pad + fernetMACLen
	raw := make([]byte, n)
	raw[0] = fernetVersion
	binary.BigEndian.PutUint64(raw[1:9], ts)
	copy(raw[9:fernetHeaderLen], iv)
	ct := raw[fernetHeaderLen : n-fernetMACLen]
	copy(ct, plaintext)
	for i := len(plaintext); i < len(ct); i++ {
		ct[i] = byte(pad)
	}
	cipher.NewCBCEncrypter(k.block, iv).CryptBlocks(ct, ct)
	m := hmac.New(sha256.New, k.signing[:])
	m.Write(raw[:n-fernetMACLen])
	m.Sum(raw[:n-fernetMACLen])
	out := make([]byte, base64.URLEncoding.EncodedLen(n))
	base64.URLEncoding.Encode(out, raw)
	return out
}

// open decrypts an authenticated token body and removes the PKCS#7 padding.
func (k *fernetKeyState) open(raw []byte) ([]byte, error) {
	iv := raw[9:fernetHeaderLen]
	ct := raw[fernetHeaderLen : len(raw)-fernetMACLen]
	pt := make([]byte, len(ct))
	cipher.NewCBCDecrypter(k.block, iv).CryptBlocks(pt, ct)
	pad := int(pt[len(pt)-1])
	if pad == 0 || pad > aes.BlockSize {
		return nil, invalidToken("bad padding")
	}
	for _, b := range pt[len(pt)-pad:] {
		if int(b) != pad {
			return nil, invalidToken("bad padding")
		}
	}
	return pt[:len(pt)-pad], nil
}

func unixSeconds(t time.Time) uint64 {
	s := t.Unix()
	if s < 0 {
		return 0
	}
	return uint64(s)
}
