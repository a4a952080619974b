package password

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"
)

// passlib's bcrypt_sha256, so hashes move both ways between this package
// and Python. Version 2 (passlib ≥ 1.7.3, the one this package writes):
//
//	$bcrypt-sha256$v=2,t=2b,r=12$<22-char salt>$<31-char digest>
//	key    = base64.StdEncoding(HMAC-SHA256(key: the salt as its 22 ASCII characters, msg: password))
//	digest = bcrypt($2b$, cost r, salt, key)
//
// Version 1 (older passlib, verified and flagged for rehash):
//
//	$bcrypt-sha256$2a,12$<salt>$<digest>   key = base64.StdEncoding(SHA-256(password))
//
// The key is 44 ASCII bytes with no NUL, so bcrypt reads all of it: nothing
// of the password is ever cut off, whatever its length.

const bcryptSHA256Prefix = "$bcrypt-sha256$"

// bcryptSHA256Hash is a parsed bcrypt_sha256 hash.
type bcryptSHA256Hash struct {
	version int  // 1 or 2
	ident   byte // 'a' or 'b'; always 'b' in version 2
	cost    int
	salt    string // 22 characters
	digest  string // 31 characters
}

// parseBcryptSHA256 follows passlib's two regular expressions for the
// format, and its refusal of zero-padded rounds and (in v2) of salts with
// stray padding bits.
func parseBcryptSHA256(s string, lim Limits) (*bcryptSHA256Hash, error) {
	params, rest, ok1 := strings.Cut(strings.TrimPrefix(s, bcryptSHA256Prefix), "$")
	salt, digest, ok2 := strings.Cut(rest, "$")
	if !ok1 || !ok2 || len(salt) != bcryptSaltB64 || len(digest) != bcryptSumB64 || !isBcryptB64(salt) || !isBcryptB64(digest) {
		return nil, fmt.Errorf("%w: bcrypt_sha256 hash must be \"$bcrypt-sha256$v=2,t=2b,r=N$<22-char salt>$<31-char digest>\"", ErrMalformedHash)
	}
	b := &bcryptSHA256Hash{salt: salt, digest: digest}
	var rounds string
	if v, tail, ok := strings.Cut(params, ","); ok && strings.HasPrefix(v, "v=") {
		// v=2,t=2b,r=12
		t, r, ok := strings.Cut(tail, ",")
		switch {
		case !ok || t != "t=2b" || !strings.HasPrefix(r, "r="):
			return nil, fmt.Errorf("%w: bcrypt_sha256 parameters %q", ErrMalformedHash, params)
		case v == "v=2":
		case !isDigits(v[2:]) || v == "v=1" || v == "v=0":
			return nil, fmt.Errorf("%w: bcrypt_sha256 version field %q", ErrMalformedHash, v)
		default:
			return nil, fmt.Errorf("%w: bcrypt_sha256 version %q", ErrUnknownScheme, v)
		}
		if !strings.ContainsRune(bcryptFinalSaltChars, rune(salt[len(salt)-1])) {
			return nil, fmt.Errorf("%w: bcrypt_sha256 salt has padding bits set", ErrMalformedHash)
		}
		b.version, b.ident, rounds = 2, 'b', r[2:]
	} else {
		// 2a,12 or 2b,12
		ident, r, ok := strings.Cut(params, ",")
		if !ok || (ident != "2a" && ident != "2b") {
			return nil, fmt.Errorf("%w: bcrypt_sha256 parameters %q", ErrMalformedHash, params)
		}
		b.version, b.ident, rounds = 1, ident[1], r
	}
	cost, err := parseCost(rounds, false, lim)
	if err != nil {
		return nil, err
	}
	b.cost = cost
	return b, nil
}

// bcryptSHA256Key derives the bcrypt input from the password.
func bcryptSHA256Key(version int, salt string, pw []byte) []byte {
	var sum []byte
	if version == 1 {
		s := sha256.Sum256(pw)
		sum = s[:]
	} else {
		m := hmac.New(sha256.New, []byte(salt))
		m.Write(pw)
		sum = m.Sum(nil)
	}
	key := make([]byte, base64.StdEncoding.EncodedLen(len(sum)))
	base64.StdEncoding.Encode(key, sum)
	return key
}

// accepts any password: the pre-hash takes every byte.
func (b *bcryptSHA256Hash) accepts([]byte) error { return nil }

func (b *bcryptSHA256Hash) verify(pw []byte) error {
	inner := fmt.Sprintf("$2%c$%02d$%s%s", b.ident, b.cost, b.salt, b.digest)
	return bcryptCompare([]byte(inner), bcryptSHA256Key(b.version, b.salt, pw))
}

func (b *bcryptSHA256Hash) current(h *Hasher, pw []byte) bool {
	return h.target(pw) == SchemeBcryptSHA256 && b.version == 2 && b.cost == h.cfg.BcryptCost
}

// hashBcryptSHA256 makes a version 2 bcrypt_sha256 hash.
func hashBcryptSHA256(h *Hasher, pw []byte) (string, error) {
	raw, salt, err := bcryptSalt(h)
	if err != nil {
		return "", err
	}
	sum, err := bcryptDigest(bcryptSHA256Key(2, string(salt), pw), h.cfg.BcryptCost, raw)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%sv=2,t=2b,r=%d$%s$%s", bcryptSHA256Prefix, h.cfg.BcryptCost, salt, sum), nil
}
