package cryptofield

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
)

const redacted = "REDACTED"

// FernetKey is a Fernet key: a 128-bit signing key followed by a 128-bit
// encryption key, 32 bytes in all. Its text form, returned by
// [FernetKey.Encode] and read by [ParseFernetKey], is the URL-safe base64
// string Python's Fernet.generate_key returns.
//
// String, GoString and LogValue redact the key so it cannot be printed or
// logged by accident; call Encode to export it on purpose.
type FernetKey struct {
	raw [32]byte
}

// NewFernetKey returns the key made of the 32 bytes in raw.
func NewFernetKey(raw []byte) (FernetKey, error) {
	var k FernetKey
	if len(raw) != len(k.raw) {
		return k, fmt.Errorf("%w: a Fernet key is 32 bytes, got %d", ErrInvalidKey, len(raw))
	}
	copy(k.raw[:], raw)
	return k, nil
}

// GenerateFernetKey returns a new random key from crypto/rand.
func GenerateFernetKey() (FernetKey, error) { return generateFernetKey(rand.Reader) }

func generateFernetKey(r io.Reader) (FernetKey, error) {
	var k FernetKey
	if _, err := io.ReadFull(r, k.raw[:]); err != nil {
		return k, fmt.Errorf("cryptofield: generate key: %w", err)
	}
	return k, nil
}

// ParseFernetKey decodes a key in the form Python's cryptography accepts:
// URL-safe base64 of 32 bytes (padded, as Python writes it, or unpadded;
// the standard alphabet is accepted too, as Python's urlsafe_b64decode does).
func ParseFernetKey(s string) (FernetKey, error) {
	raw, err := decodeKey(s)
	if err != nil {
		return FernetKey{}, err
	}
	return NewFernetKey(raw)
}

// Encode returns the key as padded URL-safe base64, the format Python's
// Fernet.generate_key produces and [ParseFernetKey] reads.
func (k FernetKey) Encode() string { return base64.URLEncoding.EncodeToString(k.raw[:]) }

// String redacts the key.
func (k FernetKey) String() string { return "cryptofield.FernetKey(" + redacted + ")" }

// GoString redacts the key.
func (k FernetKey) GoString() string { return k.String() }

// LogValue redacts the key.
func (k FernetKey) LogValue() slog.Value { return slog.StringValue(redacted) }

// AEADKey is an AES-256-GCM key with the key id written into every
// ciphertext it makes. Its text form, returned by [AEADKey.Encode] and read
// by [ParseAEADKey], is "ID:BASE64" (for example "3:q83v…"), the key
// being 32 bytes in URL-safe base64.
//
// String, GoString and LogValue show the id only.
type AEADKey struct {
	id  uint32
	raw [32]byte
}

// NewAEADKey returns the key with the given id (not 0) and the 32 bytes in raw.
func NewAEADKey(id uint32, raw []byte) (AEADKey, error) {
	var k AEADKey
	if id == 0 {
		return k, fmt.Errorf("%w: AEAD key id 0 is reserved", ErrInvalidKey)
	}
	if len(raw) != len(k.raw) {
		return k, fmt.Errorf("%w: an AEAD key is 32 bytes, got %d", ErrInvalidKey, len(raw))
	}
	k.id = id
	copy(k.raw[:], raw)
	return k, nil
}

// GenerateAEADKey returns a new random key with the given id (not 0).
func GenerateAEADKey(id uint32) (AEADKey, error) {
	var raw [32]byte
	if _, err := io.ReadFull(rand.Reader, raw[:]); err != nil {
		return AEADKey{}, fmt.Errorf("cryptofield: generate key: %w", err)
	}
	return NewAEADKey(id, raw[:])
}

// ParseAEADKey decodes "ID:BASE64", the form [AEADKey.Encode] writes.
func ParseAEADKey(s string) (AEADKey, error) {
	idText, keyText, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok {
		return AEADKey{}, fmt.Errorf("%w: an AEAD key is written ID:BASE64", ErrInvalidKey)
	}
	id, err := strconv.ParseUint(idText, 10, 32)
	if err != nil {
		return AEADKey{}, fmt.Errorf("%w: key id %q is not a number from 1 to 4294967295", ErrInvalidKey, idText)
	}
	raw, err := decodeKey(keyText)
	if err != nil {
		return AEADKey{}, err
	}
	return NewAEADKey(uint32(id), raw)
}

// ID returns the key id.
func (k AEADKey) ID() uint32 { return k.id }

// Encode returns the key as "ID:BASE64" (URL-safe base64, padded).
func (k AEADKey) Encode() string {
	return strconv.FormatUint(uint64(k.id), 10) + ":" + base64.URLEncoding.EncodeToString(k.raw[:])
}

// String shows the key id and redacts the key.
func (k AEADKey) String() string {
	return "cryptofield.AEADKey(id=" + strconv.FormatUint(uint64(k.id), 10) + ", " + redacted + ")"
}

// GoString shows the key id and redacts the key.
func (k AEADKey) GoString() string { return k.String() }

// LogValue shows the key id and redacts the key.
func (k AEADKey) LogValue() slog.Value {
	return slog.GroupValue(slog.Uint64("id", uint64(k.id)), slog.String("key", redacted))
}

// GenerateBlindIndexKey returns 32 random bytes for [NewBlindIndex], as
// URL-safe base64 ready for an environment variable.
func GenerateBlindIndexKey() (string, error) {
	var raw [32]byte
	if _, err := io.ReadFull(rand.Reader, raw[:]); err != nil {
		return "", fmt.Errorf("cryptofield: generate key: %w", err)
	}
	return base64.URLEncoding.EncodeToString(raw[:]), nil
}

// decodeKey accepts base64 in the URL-safe or standard alphabet, padded or
// not. The error never contains the input.
func decodeKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	for _, enc := range []*base64.Encoding{base64.URLEncoding, base64.RawURLEncoding, base64.StdEncoding, base64.RawStdEncoding} {
		if raw, err := enc.DecodeString(s); err == nil {
			return raw, nil
		}
	}
	return nil, fmt.Errorf("%w: key is not valid base64", ErrInvalidKey)
}

// FernetFromEnv builds a [Fernet] from the keys in the environment variable
// name: one or more keys as [ParseFernetKey] reads them, separated by
// commas or white space, the first one used to encrypt (as with Python's
// MultiFernet). If name is unset or empty, the file named by name+"_FILE" is
// read instead (for container secrets).
func FernetFromEnv(name string, opts ...FernetOption) (*Fernet, error) {
	fields, err := envKeys(name)
	if err != nil {
		return nil, err
	}
	keys := make([]FernetKey, 0, len(fields))
	for i, f := range fields {
		k, err := ParseFernetKey(f)
		if err != nil {
			return nil, fmt.Errorf("cryptofield: %s: key %d: %w", name, i+1, err)
		}
		keys = append(keys, k)
	}
	return NewFernet(keys, opts...)
}

// KeyringFromEnv builds a [Keyring] from the environment variable name:
// one or more "ID:BASE64" keys separated by commas or white space, the first
// one used to encrypt. The _FILE fallback works as in [FernetFromEnv].
func KeyringFromEnv(name string, opts ...KeyringOption) (*Keyring, error) {
	fields, err := envKeys(name)
	if err != nil {
		return nil, err
	}
	keys := make([]AEADKey, 0, len(fields))
	for i, f := range fields {
		k, err := ParseAEADKey(f)
		if err != nil {
			return nil, fmt.Errorf("cryptofield: %s: key %d: %w", name, i+1, err)
		}
		keys = append(keys, k)
	}
	return NewKeyring(keys, opts...)
}

// BlindIndexFromEnv builds a [BlindIndex] from the base64 key in the
// environment variable name. The _FILE fallback works as in [FernetFromEnv].
func BlindIndexFromEnv(name string) (*BlindIndex, error) {
	fields, err := envKeys(name)
	if err != nil {
		return nil, err
	}
	if len(fields) != 1 {
		return nil, fmt.Errorf("cryptofield: %s: %w: a blind index takes exactly one key", name, ErrInvalidKey)
	}
	b, err := ParseBlindIndex(fields[0])
	if err != nil {
		return nil, fmt.Errorf("cryptofield: %s: %w", name, err)
	}
	return b, nil
}

// ParseBlindIndex returns the [BlindIndex] whose key is the base64 string s,
// as [GenerateBlindIndexKey] writes it.
func ParseBlindIndex(s string) (*BlindIndex, error) {
	raw, err := decodeKey(s)
	if err != nil {
		return nil, err
	}
	return NewBlindIndex(raw)
}

func envKeys(name string) ([]string, error) {
	v := os.Getenv(name)
	if strings.TrimSpace(v) == "" {
		if file := os.Getenv(name + "_FILE"); file != "" {
			b, err := os.ReadFile(file)
			if err != nil {
				return nil, fmt.Errorf("cryptofield: %s_FILE: %w", name, err)
			}
			v = string(b)
		}
	}
	fields := strings.FieldsFunc(v, func(r rune) bool {
		return r == ',' || r == ' ' || r == '\t' || r == '\n' || r == '\r'
	})
	if len(fields) == 0 {
		return nil, fmt.Errorf("cryptofield: %s: %w (set it, or %s_FILE, to a base64 key)", name, ErrNoKey, name)
	}
	return fields, nil
}
