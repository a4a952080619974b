package password

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"

	"golang.org/x/crypto/bcrypt"
	//lint:ignore SA1019 bcrypt is Blowfish's key schedule; x/crypto/bcrypt imports this package too.
	"golang.org/x/crypto/blowfish"
)

// Plain bcrypt: "$2b$12$" + 22 characters of salt + 31 of digest, in
// bcrypt's own base64 alphabet. Verification goes through
// golang.org/x/crypto/bcrypt.CompareHashAndPassword, after this file has
// parsed the string strictly and capped its cost. Hashing uses the same
// algorithm over x/crypto's blowfish (see bcryptDigest), because
// x/crypto/bcrypt cannot take a caller's salt, and bcrypt_sha256 needs the
// salt before it hashes.

const (
	// bcryptMaxBytes is how much of a password bcrypt reads.
	bcryptMaxBytes = 72
	bcryptMinCost  = 4 // bcrypt's own minimum
	bcryptMaxCost  = 31
	bcryptSaltLen  = 16 // bytes; 22 characters encoded
	bcryptSaltB64  = 22
	bcryptSumB64   = 31 // 23 bytes encoded: C bcrypt drops the 24th
	bcryptAlphabet = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	// bcryptFinalSaltChars are the characters whose unused low bits are zero
	// in the 22nd salt character; passlib refuses others in bcrypt_sha256 v2.
	bcryptFinalSaltChars = ".Oeu"
)

var bcryptB64 = base64.NewEncoding(bcryptAlphabet).WithPadding(base64.NoPadding)

// bcryptMagic is the block bcrypt encrypts.
const bcryptMagic = "OrpheanBeholderScryDoubt"

// bcryptDigest computes bcrypt(key, cost, salt) and returns the 31-character
// encoded digest. It is the algorithm of x/crypto/bcrypt (EksBlowfishSetup
// with the key's trailing NUL, then 64 encryptions of the magic block), which
// verifies every hash it makes; tests check both against passlib's output.
func bcryptDigest(key []byte, cost int, salt []byte) ([]byte, error) {
	ckey := make([]byte, len(key)+1) // C implementations hash the trailing NUL
	copy(ckey, key)
	c, err := blowfish.NewSaltedCipher(ckey, salt)
	if err != nil {
		return nil, fmt.Errorf("password: bcrypt setup: %w", err)
	}
	for i := uint64(0); i < 1<<uint(cost); i++ {
		blowfish.ExpandKey(ckey, c)
		blowfish.ExpandKey(salt, c)
	}
	block := []byte(bcryptMagic)
	for i := 0; i < len(block); i += 8 {
		for range 64 {
			c.Encrypt(block[i:i+8], block[i:i+8])
		}
	}
	out := make([]byte, bcryptSumB64)
	bcryptB64.Encode(out, block[:23])
	return out, nil
}

// bcryptSalt draws a fresh salt and returns it raw and encoded; the encoded
// form always ends in one of bcryptFinalSaltChars, because 16 bytes leave
// the last character's 4 low bits zero.
func bcryptSalt(h *Hasher) (raw, enc []byte, err error) {
	raw = make([]byte, bcryptSaltLen)
	if err := h.readRand(raw); err != nil {
		return nil, nil, err
	}
	enc = make([]byte, bcryptSaltB64)
	bcryptB64.Encode(enc, raw)
	return raw, enc, nil
}

// bcryptCompare verifies key against a "$2?$NN$salt+digest" string with
// x/crypto, in constant time.
func bcryptCompare(hash, key []byte) error {
	err := bcrypt.CompareHashAndPassword(hash, key)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, bcrypt.ErrMismatchedHashAndPassword):
		return ErrMismatch
	default: // parsed already, so unreachable in practice
		return fmt.Errorf("%w: %v", ErrMalformedHash, err)
	}
}

// bcryptHash is a parsed plain bcrypt hash.
type bcryptHash struct {
	raw   string
	ident byte // 'a', 'b' or 'y'
	cost  int
}

// parseBcrypt parses "$2a$", "$2b$" or "$2y$" hashes as passlib writes them:
// exactly two cost digits, 22 salt and 31 digest characters.
func parseBcrypt(s string, lim Limits) (*bcryptHash, error) {
	// "$2b$" + "12" + "$" + 53
	if len(s) != 7+bcryptSaltB64+bcryptSumB64 || s[3] != '$' || s[6] != '$' {
		return nil, fmt.Errorf("%w: bcrypt hash must be 60 characters \"$2b$NN$<salt><digest>\"", ErrMalformedHash)
	}
	cost, err := parseCost(s[4:6], true, lim)
	if err != nil {
		return nil, err
	}
	if !isBcryptB64(s[7:]) {
		return nil, fmt.Errorf("%w: bcrypt salt or digest has a character outside bcrypt's base64", ErrMalformedHash)
	}
	return &bcryptHash{raw: s, ident: s[2], cost: cost}, nil
}

// parseCost reads a bcrypt cost field. Plain bcrypt writes it with two
// digits ("04"); bcrypt_sha256 v2 without zero padding ("4").
func parseCost(f string, twoDigits bool, lim Limits) (int, error) {
	valid := len(f) == 2 || (!twoDigits && len(f) == 1)
	if valid && !twoDigits && len(f) == 2 && f[0] == '0' {
		valid = false // passlib refuses zero-padded rounds here
	}
	for i := 0; i < len(f); i++ {
		if f[i] < '0' || f[i] > '9' {
			valid = false
		}
	}
	if !valid {
		return 0, fmt.Errorf("%w: bad bcrypt cost field %q", ErrMalformedHash, f)
	}
	cost, _ := strconv.Atoi(f)
	if cost < bcryptMinCost || cost > bcryptMaxCost {
		return 0, fmt.Errorf("%w: bcrypt cost %d outside %d..%d", ErrMalformedHash, cost, bcryptMinCost, bcryptMaxCost)
	}
	if cost > lim.MaxBcryptCost {
		return 0, fmt.Errorf("%w: bcrypt cost %d > %d", ErrCostLimit, cost, lim.MaxBcryptCost)
	}
	return cost, nil
}

func isBcryptB64(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '.' || c == '/' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// checkPlainBcrypt refuses what plain bcrypt cannot hash faithfully.
func checkPlainBcrypt(pw []byte) error {
	if len(pw) > bcryptMaxBytes {
		return fmt.Errorf("%w: %d bytes; plain bcrypt reads only %d", ErrPasswordTooLong, len(pw), bcryptMaxBytes)
	}
	if bytes.IndexByte(pw, 0) >= 0 {
		return ErrPasswordNUL
	}
	return nil
}

func (b *bcryptHash) accepts(pw []byte) error { return checkPlainBcrypt(pw) }

func (b *bcryptHash) verify(pw []byte) error { return bcryptCompare([]byte(b.raw), pw) }

func (b *bcryptHash) current(h *Hasher, pw []byte) bool {
	return h.target(pw) == SchemeBcrypt && b.ident == 'b' && b.cost == h.cfg.BcryptCost
}

// hashBcrypt makes a "$2b$" hash. pw has passed checkPlainBcrypt.
func hashBcrypt(h *Hasher, pw []byte) (string, error) {
	raw, salt, err := bcryptSalt(h)
	if err != nil {
		return "", err
	}
	sum, err := bcryptDigest(pw, h.cfg.BcryptCost, raw)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("$2b$%02d$%s%s", h.cfg.BcryptCost, salt, sum), nil
}
