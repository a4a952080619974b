package password

import (
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// argon2id in the PHC string format that libargon2, argon2-cffi and
// passlib write:
//
//	$argon2id$v=19$m=19456,t=2,p=1$<salt, base64 unpadded>$<tag, base64 unpadded>

const (
	argon2idPrefix = "$argon2id$"
	argon2SaltLen  = 16 // bytes written; RFC 9106 recommends 128 bits
	argon2KeyLen   = 32 // bytes written; RFC 9106 recommends 256 bits
	// Bounds on what a stored hash may carry.
	argon2MinSalt = 8 // RFC 9106 minimum
	argon2MaxSalt = 64
	argon2MinKey  = 16 // shorter tags let random passwords match too often
	argon2MaxKey  = 64
)

// Argon2Params are argon2id's cost parameters.
type Argon2Params struct {
	// Memory in KiB.
	Memory uint32
	// Time is the number of passes over the memory.
	Time uint32
	// Parallelism is the number of lanes; x/crypto/argon2 runs one goroutine
	// per lane, so one hash operation may use this many cores.
	Parallelism uint8
}

var b64Std = base64.RawStdEncoding.Strict()

// argon2Hash is a parsed argon2id hash.
type argon2Hash struct {
	params    Argon2Params
	salt, key []byte
}

func parseArgon2id(s string, lim Limits) (*argon2Hash, error) {
	f := strings.Split(strings.TrimPrefix(s, argon2idPrefix), "$")
	if len(f) != 4 {
		return nil, fmt.Errorf("%w: argon2id hash must be \"$argon2id$v=19$m=M,t=T,p=P$<salt>$<tag>\"", ErrMalformedHash)
	}
	if f[0] != "v=19" {
		if v, ok := strings.CutPrefix(f[0], "v="); ok && isDigits(v) {
			return nil, fmt.Errorf("%w: argon2 version %s (only 19, argon2 1.3, is supported)", ErrUnknownScheme, v)
		}
		return nil, fmt.Errorf("%w: argon2id version field %q", ErrMalformedHash, f[0])
	}
	var p Argon2Params
	kv := strings.Split(f[1], ",")
	if len(kv) != 3 {
		return nil, fmt.Errorf("%w: argon2id parameters %q: want m=,t=,p=", ErrMalformedHash, f[1])
	}
	for i, name := range []string{"m=", "t=", "p="} {
		v, ok := strings.CutPrefix(kv[i], name)
		n, err := strconv.ParseUint(v, 10, 32)
		if !ok || err != nil || !isDigits(v) || (len(v) > 1 && v[0] == '0') {
			return nil, fmt.Errorf("%w: argon2id parameter %q", ErrMalformedHash, kv[i])
		}
		switch i {
		case 0:
			p.Memory = uint32(n)
		case 1:
			p.Time = uint32(n)
		case 2:
			if n > 255 {
				return nil, fmt.Errorf("%w: argon2id parallelism %d > 255", ErrCostLimit, n)
			}
			p.Parallelism = uint8(n)
		}
	}
	if p.Time < 1 || p.Parallelism < 1 || p.Memory < 8*uint32(p.Parallelism) {
		return nil, fmt.Errorf("%w: argon2id needs t ≥ 1, p ≥ 1, m ≥ 8·p (got m=%d,t=%d,p=%d)", ErrMalformedHash, p.Memory, p.Time, p.Parallelism)
	}
	if err := lim.checkArgon2(p); err != nil {
		return nil, err
	}
	salt, err1 := b64Std.DecodeString(f[2])
	key, err2 := b64Std.DecodeString(f[3])
	if err1 != nil || err2 != nil {
		return nil, fmt.Errorf("%w: argon2id salt or tag is not unpadded standard base64", ErrMalformedHash)
	}
	if len(salt) < argon2MinSalt || len(salt) > argon2MaxSalt || len(key) < argon2MinKey || len(key) > argon2MaxKey {
		return nil, fmt.Errorf("%w: argon2id salt of %d bytes or tag of %d bytes outside %d..%d / %d..%d",
			ErrMalformedHash, len(salt), len(key), argon2MinSalt, argon2MaxSalt, argon2MinKey, argon2MaxKey)
	}
	return &argon2Hash{params: p, salt: salt, key: key}, nil
}

func (a *argon2Hash) accepts([]byte) error { return nil }

func (a *argon2Hash) verify(pw []byte) error {
	got := argon2.IDKey(pw, a.salt, a.params.Time, a.params.Memory, a.params.Parallelism, uint32(len(a.key)))
	if subtle.ConstantTimeCompare(got, a.key) != 1 {
		return ErrMismatch
	}
	return nil
}

func (a *argon2Hash) current(h *Hasher, pw []byte) bool {
	return h.target(pw) == SchemeArgon2id && a.params == h.cfg.Argon2 && len(a.key) == argon2KeyLen
}

func hashArgon2id(h *Hasher, pw []byte) (string, error) {
	salt := make([]byte, argon2SaltLen)
	if err := h.readRand(salt); err != nil {
		return "", err
	}
	p := h.cfg.Argon2
	key := argon2.IDKey(pw, salt, p.Time, p.Memory, p.Parallelism, argon2KeyLen)
	return fmt.Sprintf("%sv=19$m=%d,t=%d,p=%d$%s$%s", argon2idPrefix, p.Memory, p.Time, p.Parallelism,
		b64Std.EncodeToString(salt), b64Std.EncodeToString(key)), nil
}
