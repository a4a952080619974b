package auth

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"time"
)

// OTPDigits is the length of an emailed one-time code.
const OTPDigits = 6

const otpSaltLen = 16

// newCode returns a uniformly random 6-digit code from a's random source,
// by rejection sampling (no modulo bias).
func (a *Accounts) newCode() (string, error) {
	const n = 1_000_000
	const limit = (1 << 32) / n * n
	var b [4]byte
	for range 64 {
		if _, err := io.ReadFull(a.rand, b[:]); err != nil {
			return "", fmt.Errorf("auth: code: read random: %w", err)
		}
		if v := binary.BigEndian.Uint32(b[:]); v < limit {
			return fmt.Sprintf("%06d", v%n), nil
		}
	}
	return "", errors.New("auth: code: random source is biased")
}

// otpHash is the keyed hash a code is stored as: HMAC-SHA256 keyed by the
// OTP key (or, without one, by the per-code salt), over a domain label,
// the purpose, subject, binding, salt and code, each length-prefixed so no
// two inputs collide.
func (a *Accounts) otpHash(purpose OTPPurpose, subject, binding string, salt []byte, code string) []byte {
	key := a.otpKey
	if key == nil {
		key = salt
	}
	m := hmac.New(sha256.New, key)
	for _, part := range [][]byte{[]byte("autospot-otp-v1"), []byte(purpose), []byte(subject), []byte(binding), salt, []byte(code)} {
		var l [4]byte
		binary.BigEndian.PutUint32(l[:], uint32(len(part)))
		m.Write(l[:])
		m.Write(part)
	}
	return m.Sum(nil)
}

// issueOTP creates and stores a new code for (purpose, subject, binding),
// replacing any earlier one, and returns it (to be emailed, never logged).
func (a *Accounts) issueOTP(ctx context.Context, purpose OTPPurpose, subject, binding string, now time.Time) (string, error) {
	code, err := a.newCode()
	if err != nil {
		return "", err
	}
	salt := make([]byte, otpSaltLen)
	if _, err := io.ReadFull(a.rand, salt); err != nil {
		return "", fmt.Errorf("auth: code: read random: %w", err)
	}
	o := OTP{
		Purpose:   purpose,
		Subject:   subject,
		Binding:   binding,
		Salt:      salt,
		Hash:      a.otpHash(purpose, subject, binding, salt, code),
		CreatedAt: now,
		ExpiresAt: now.Add(a.otpTTL),
		MaxTries:  DefaultOTPMaxTries,
	}
	if err := a.otps.Put(ctx, o); err != nil {
		return "", fmt.Errorf("auth: store code: %w", err)
	}
	return code, nil
}

// validCodeFormat reports whether s is exactly OTPDigits ASCII digits.
func validCodeFormat(s string) bool {
	if len(s) != OTPDigits {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// checkOTP verifies code for (purpose, subject, binding): it reserves a
// try in the store, compares the hashes in constant time and, on a match,
// consumes the code. It returns nil only for the one caller that consumed
// a matching code; ErrInvalidCode for every kind of failure; other errors
// for store failures.
func (a *Accounts) checkOTP(ctx context.Context, purpose OTPPurpose, subject, binding, code string, now time.Time) error {
	if !validCodeFormat(code) {
		// Malformed codes still cost a try, so that nobody learns more
		// from a malformed code than from a wrong one.
		code = "??????"
	}
	// Beyond the 5 tries of one code, cap the tries per purpose and
	// address over a day, whatever codes were issued meanwhile: otherwise
	// re-registering (or re-requesting a reset) every few minutes would
	// give a guesser thousands of tries a day.
	st, err := a.attempts.Reserve(ctx, "otp:"+string(purpose)+":"+subject, DefaultOTPDailyTries, 24*time.Hour, now)
	if err != nil {
		return fmt.Errorf("auth: check code: %w", err)
	}
	if !st.Allowed {
		return ErrInvalidCode
	}
	o, err := a.otps.Try(ctx, purpose, subject, now)
	switch {
	case errors.Is(err, ErrOTPNotFound), errors.Is(err, ErrOTPExhausted):
		return ErrInvalidCode
	case err != nil:
		return fmt.Errorf("auth: check code: %w", err)
	}
	// The store keyed the record by purpose and subject; the hash binds
	// them (and the binding) again, so a record filed under the wrong key
	// still does not match.
	want := a.otpHash(purpose, subject, binding, o.Salt, code)
	if o.Purpose != purpose || o.Subject != subject || subtle.ConstantTimeCompare(o.Hash, want) != 1 {
		return ErrInvalidCode
	}
	if err := a.otps.Consume(ctx, purpose, subject, o.Hash); err != nil {
		if errors.Is(err, ErrOTPNotFound) {
			return ErrInvalidCode // consumed or replaced concurrently
		}
		return fmt.Errorf("auth: consume code: %w", err)
	}
	return nil
}
