package entryqr

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	qrcode "github.com/skip2/go-qrcode"
)

// Format limits.
const (
	Prefix      = "AS1." // version tag of the code format
	MinKeyLen   = 32     // bytes of HMAC-SHA256 key
	MaxCodeLen  = 1024   // bytes of code accepted by Verify
	MaxFieldLen = 100    // bytes of building or entrance id
	DefaultTTL  = 90 * 24 * time.Hour
	MaxTTL      = 2 * 365 * 24 * time.Hour
	macLen      = sha256.Size
)

// Entrance is what a code says: scan me at this entrance of this
// building, valid until Expires.
type Entrance struct {
	Building string    `json:"building"`
	Entrance string    `json:"entrance_id"`
	Level    int       `json:"level"`
	Expires  time.Time `json:"expires_at"`
}

type payload struct {
	B string `json:"b"`
	E string `json:"e"`
	L int    `json:"l"`
	X int64  `json:"x"` // expiry, Unix seconds
}

// Signer issues and verifies entrance codes. Create it with [New]; it is
// immutable and safe for concurrent use.
type Signer struct {
	keys [][]byte // keys[0] signs; all verify
	now  func() time.Time
	ttl  time.Duration
}

// Option configures a [Signer].
type Option func(*Signer) error

// WithClock sets the clock (default time.Now).
func WithClock(now func() time.Time) Option {
	return func(s *Signer) error {
		if now == nil {
			return fmt.Errorf("%w: nil clock", ErrInvalidConfig)
		}
		s.now = now
		return nil
	}
}

// WithTTL sets the lifetime of issued codes (default [DefaultTTL], at most
// [MaxTTL]).
func WithTTL(d time.Duration) Option {
	return func(s *Signer) error {
		if d <= 0 || d > MaxTTL {
			return fmt.Errorf("%w: lifetime %v", ErrInvalidConfig, d)
		}
		s.ttl = d
		return nil
	}
}

// WithPreviousKeys adds keys that still verify codes but never sign, for
// key rotation. Each must be at least [MinKeyLen] bytes.
func WithPreviousKeys(keys ...[]byte) Option {
	return func(s *Signer) error {
		for _, k := range keys {
			if len(k) < MinKeyLen {
				return fmt.Errorf("%w: previous key shorter than %d bytes", ErrInvalidConfig, MinKeyLen)
			}
			s.keys = append(s.keys, bytes.Clone(k))
		}
		return nil
	}
}

// New returns a Signer that signs with key (at least [MinKeyLen] bytes,
// from configuration; it is copied).
func New(key []byte, opts ...Option) (*Signer, error) {
	if len(key) < MinKeyLen {
		return nil, fmt.Errorf("%w: key shorter than %d bytes", ErrInvalidConfig, MinKeyLen)
	}
	s := &Signer{keys: [][]byte{bytes.Clone(key)}, now: time.Now, ttl: DefaultTTL}
	for _, o := range opts {
		if err := o(s); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func okField(s string) bool {
	if s == "" || len(s) > MaxFieldLen || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}

func mac(key []byte, signed string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(signed))
	return m.Sum(nil)
}

var b64 = base64.RawURLEncoding.Strict()

// Sign returns the code of e: "AS1." + base64url(JSON payload) + "." +
// base64url(HMAC-SHA256 of everything before the last dot). A zero
// Expires means now + the signer's lifetime.
func (s *Signer) Sign(e Entrance) (string, error) {
	if !okField(e.Building) || !okField(e.Entrance) || e.Level < -100 || e.Level > 1000 {
		return "", fmt.Errorf("%w: building, entrance or level out of range", ErrMalformed)
	}
	exp := e.Expires
	if exp.IsZero() {
		exp = s.now().Add(s.ttl)
	}
	raw, err := json.Marshal(payload{B: e.Building, E: e.Entrance, L: e.Level, X: exp.Unix()})
	if err != nil {
		return "", fmt.Errorf("entryqr: encode: %w", err)
	}
	signed := Prefix + b64.EncodeToString(raw)
	return signed + "." + b64.EncodeToString(mac(s.keys[0], signed)), nil
}

// Verify checks a scanned code: format and length, then the HMAC under
// each configured key in constant time, and only then the payload and its
// expiry. Errors: [ErrMalformed], [ErrBadSignature], [ErrExpired].
func (s *Signer) Verify(code string) (Entrance, error) {
	if len(code) > MaxCodeLen || !strings.HasPrefix(code, Prefix) {
		return Entrance{}, ErrMalformed
	}
	dot := strings.LastIndexByte(code, '.')
	if dot <= len(Prefix) {
		return Entrance{}, ErrMalformed
	}
	signed, sigPart := code[:dot], code[dot+1:]
	sig, err := b64.DecodeString(sigPart)
	if err != nil || len(sig) != macLen || strings.Contains(signed[len(Prefix):], ".") {
		return Entrance{}, ErrMalformed
	}
	ok := false
	for _, k := range s.keys {
		if hmac.Equal(mac(k, signed), sig) {
			ok = true
		}
	}
	if !ok {
		return Entrance{}, ErrBadSignature
	}
	e, err := parsePayload(signed[len(Prefix):])
	if err != nil {
		return Entrance{}, err
	}
	if !s.now().Before(e.Expires) {
		return e, ErrExpired
	}
	return e, nil
}

// parsePayload decodes the base64url JSON payload strictly: known fields
// only, all present and in range, nothing after the object.
func parsePayload(p string) (Entrance, error) {
	raw, err := b64.DecodeString(p)
	if err != nil {
		return Entrance{}, ErrMalformed
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var pl payload
	if err := dec.Decode(&pl); err != nil || dec.More() {
		return Entrance{}, ErrMalformed
	}
	if !okField(pl.B) || !okField(pl.E) || pl.L < -100 || pl.L > 1000 || pl.X <= 0 || pl.X > 1<<40 {
		return Entrance{}, ErrMalformed
	}
	return Entrance{Building: pl.B, Entrance: pl.E, Level: pl.L, Expires: time.Unix(pl.X, 0).UTC()}, nil
}

// PNG renders code as a QR code PNG of size×size pixels (64..1024),
// medium error correction.
func PNG(code string, size int) ([]byte, error) {
	if size < 64 || size > 1024 || code == "" || len(code) > MaxCodeLen {
		return nil, fmt.Errorf("%w: size %d or code length %d", ErrMalformed, size, len(code))
	}
	png, err := qrcode.Encode(code, qrcode.Medium, size)
	if err != nil {
		return nil, fmt.Errorf("entryqr: render: %w", err)
	}
	return png, nil
}
