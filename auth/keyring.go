package auth

import (
	"crypto/ed25519"
	"fmt"
	"io"
	"sort"

	"github.com/golang-jwt/jwt/v5"
)

// MinHMACKeyLen is the shortest HS256 secret accepted: 32 bytes (256 bits,
// RFC 7518 §3.2). HS384 and HS512 need 48 and 64 bytes.
const MinHMACKeyLen = 32

const maxKeyIDLen = 64

// Key is one signing or verification key with its key id ("kid") and its
// algorithm. The key, not the token, decides the algorithm: a token is
// verified with a key only when its "alg" header equals the key's
// algorithm, so HS256/HS512 and HMAC/asymmetric confusion cannot happen.
//
// A Key is immutable and safe for concurrent use. Create one with
// [NewHMACKey], [NewHMACKeyWithAlg], [NewEd25519Key] or
// [NewEd25519PublicKey].
type Key struct {
	id     string
	method jwt.SigningMethod
	sign   any // []byte or ed25519.PrivateKey; nil when verify-only
	verify any // []byte or ed25519.PublicKey, boxed once
	pub    ed25519.PublicKey
}

// NewHMACKey returns an HS256 key. The secret must be at least
// [MinHMACKeyLen] random bytes (not a password); it is copied.
func NewHMACKey(id string, secret []byte) (*Key, error) {
	return NewHMACKeyWithAlg(id, "HS256", secret)
}

// NewHMACKeyWithAlg returns an HMAC key for alg "HS256", "HS384" or "HS512".
// The secret must be at least as long as the hash output (32, 48 or 64
// bytes); it is copied.
func NewHMACKeyWithAlg(id, alg string, secret []byte) (*Key, error) {
	if err := checkKeyID(id); err != nil {
		return nil, err
	}
	var m *jwt.SigningMethodHMAC
	var min int
	switch alg {
	case "HS256":
		m, min = jwt.SigningMethodHS256, MinHMACKeyLen
	case "HS384":
		m, min = jwt.SigningMethodHS384, 48
	case "HS512":
		m, min = jwt.SigningMethodHS512, 64
	default:
		return nil, fmt.Errorf("%w: HMAC algorithm %q", ErrInvalidConfig, alg)
	}
	if len(secret) < min {
		return nil, fmt.Errorf("%w: %s needs at least %d bytes, got %d", ErrWeakKey, alg, min, len(secret))
	}
	s := append([]byte(nil), secret...)
	return &Key{id: id, method: m, sign: s, verify: s}, nil
}

// NewEd25519Key returns an EdDSA (Ed25519) signing key; its public half
// verifies and is published by [KeyRing.JWKSHandler].
func NewEd25519Key(id string, priv ed25519.PrivateKey) (*Key, error) {
	if err := checkKeyID(id); err != nil {
		return nil, err
	}
	if len(priv) != ed25519.PrivateKeySize {
		return nil, fmt.Errorf("%w: Ed25519 private key of %d bytes", ErrWeakKey, len(priv))
	}
	p := append(ed25519.PrivateKey(nil), priv...)
	pub := p.Public().(ed25519.PublicKey)
	return &Key{id: id, method: jwt.SigningMethodEdDSA, sign: p, verify: pub, pub: pub}, nil
}

// GenerateEd25519Key makes a new Ed25519 signing key from rand (nil means
// crypto/rand).
func GenerateEd25519Key(id string, rand io.Reader) (*Key, error) {
	_, priv, err := ed25519.GenerateKey(rand)
	if err != nil {
		return nil, fmt.Errorf("auth: generate Ed25519 key: %w", err)
	}
	return NewEd25519Key(id, priv)
}

// NewEd25519PublicKey returns a verify-only EdDSA key, for services that
// verify tokens without holding any secret (see [ParseJWKS]).
func NewEd25519PublicKey(id string, pub ed25519.PublicKey) (*Key, error) {
	if err := checkKeyID(id); err != nil {
		return nil, err
	}
	if len(pub) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("%w: Ed25519 public key of %d bytes", ErrWeakKey, len(pub))
	}
	p := append(ed25519.PublicKey(nil), pub...)
	return &Key{id: id, method: jwt.SigningMethodEdDSA, verify: p, pub: p}, nil
}

// ID returns the key id, sent as the "kid" header.
func (k *Key) ID() string { return k.id }

// Alg returns the JWS algorithm: "HS256", "HS384", "HS512" or "EdDSA".
func (k *Key) Alg() string { return k.method.Alg() }

// CanSign reports whether the key holds signing material.
func (k *Key) CanSign() bool { return k.sign != nil }

// PublicKey returns the Ed25519 public key, or nil for an HMAC key.
func (k *Key) PublicKey() ed25519.PublicKey { return k.pub }

func checkKeyID(id string) error {
	if id == "" || len(id) > maxKeyIDLen {
		return fmt.Errorf("%w: %q", ErrInvalidKeyID, id)
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == ':'
		if !ok {
			return fmt.Errorf("%w: %q (use letters, digits and - _ . :)", ErrInvalidKeyID, id)
		}
	}
	return nil
}

// KeyRing holds the keys a [Service] signs and verifies with: one signing
// key and any number of verify-only keys, each selected by its "kid". A
// token's kid only ever selects among these keys; it is never a path, URL
// or lookup elsewhere, and jku, jwk, x5u and x5c headers are refused.
//
// To rotate a secret without logging anyone out: deploy a ring whose
// signing key is the new key and that still holds the old key; once every
// token signed with the old key has expired (the refresh TTL), drop it. A
// running service switches rings with [Service.SetKeyRing].
//
// A KeyRing is immutable and safe for concurrent use.
type KeyRing struct {
	signer *Key
	keys   map[string]*Key
	ids    []string // sorted, for JWKS output
	jwks   []byte
}

// NewKeyRing returns a ring that signs with signing and verifies with
// signing and every key in verify. signing may be nil for a verify-only
// ring (then [Service.IssuePair] fails with [ErrNoSigningKey]). Key ids must
// be unique.
func NewKeyRing(signing *Key, verify ...*Key) (*KeyRing, error) {
	r := &KeyRing{keys: make(map[string]*Key, len(verify)+1)}
	add := func(k *Key) error {
		if k == nil || k.method == nil {
			return fmt.Errorf("%w: nil key", ErrInvalidConfig)
		}
		if _, dup := r.keys[k.id]; dup {
			return fmt.Errorf("%w: duplicate kid %q", ErrInvalidKeyID, k.id)
		}
		r.keys[k.id] = k
		r.ids = append(r.ids, k.id)
		return nil
	}
	if signing != nil {
		if !signing.CanSign() {
			return nil, fmt.Errorf("%w: key %q has no signing material", ErrInvalidConfig, signing.id)
		}
		if err := add(signing); err != nil {
			return nil, err
		}
		r.signer = signing
	}
	for _, k := range verify {
		if err := add(k); err != nil {
			return nil, err
		}
	}
	if len(r.keys) == 0 {
		return nil, fmt.Errorf("%w: empty key ring", ErrInvalidConfig)
	}
	sort.Strings(r.ids)
	r.jwks = r.buildJWKS()
	return r, nil
}

// SigningKey returns the key new tokens are signed with, or nil.
func (r *KeyRing) SigningKey() *Key { return r.signer }

// Key returns the key with the given id.
func (r *KeyRing) Key(id string) (*Key, bool) {
	k, ok := r.keys[id]
	return k, ok
}

// IDs returns the key ids in the ring, sorted.
func (r *KeyRing) IDs() []string { return append([]string(nil), r.ids...) }
