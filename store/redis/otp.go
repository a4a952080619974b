package redis

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/autospot/autospot/auth"
)

var _ auth.OTPStore = (*OTPStore)(nil)

const kindOTP = "otp"

// OTPStore is an [auth.OTPStore] on Redis: one hash per (purpose,
// subject), so a code for one purpose is never found under another. Try
// (reserve one attempt while tries remain and the code is live) and
// Consume (delete if the hash is still the one compared against) are one
// Lua script each. Get one from [Store.OTPs]; the zero value is not usable. It is safe for concurrent
// use.
//
// Expiry is decided by the now passed to Try; the key's TTL (ExpiresAt −
// CreatedAt plus the cleanup grace) only frees memory.
type OTPStore struct{ s *Store }

// OTPs returns the store's [auth.OTPStore].
func (s *Store) OTPs() *OTPStore { return &OTPStore{s: s} }

// otpKey is the key of (purpose, subject); the purpose is length-prefixed
// so no pair of (purpose, subject) shares the hashed id of another.
func (o *OTPStore) otpKey(purpose auth.OTPPurpose, subject string) string {
	return o.s.key(kindOTP, otpID(purpose, subject))
}

// otpID encodes (purpose, subject) as "len(purpose):purpose subject",
// which decodes back to exactly one pair.
func otpID(purpose auth.OTPPurpose, subject string) string {
	return strconv.Itoa(len(purpose)) + ":" + string(purpose) + subject
}

// Put implements [auth.OTPStore] with one script that replaces the
// record and its tries.
func (o *OTPStore) Put(ctx context.Context, c auth.OTP) error {
	err := o.s.scripts.putRecord.Run(ctx, o.s.client, []string{o.otpKey(c.Purpose, c.Subject)},
		o.s.spanTTL(c.CreatedAt, c.ExpiresAt),
		"p", string(c.Purpose), "sub", c.Subject, "b", c.Binding, "s", c.Salt, "h", c.Hash,
		"ca", ms(c.CreatedAt), "ea", ms(c.ExpiresAt), "t", c.Tries, "m", c.MaxTries).Err()
	if err != nil {
		return fmt.Errorf("redis: put otp: %w", err)
	}
	return nil
}

// Try implements [auth.OTPStore] with one script.
func (o *OTPStore) Try(ctx context.Context, purpose auth.OTPPurpose, subject string, now time.Time) (auth.OTP, error) {
	reply, err := o.s.scripts.otpTry.Run(ctx, o.s.client, []string{o.otpKey(purpose, subject)}, now.UnixMilli()).StringSlice()
	if err != nil {
		return auth.OTP{}, fmt.Errorf("redis: try otp: %w", err)
	}
	status, r, err := parseReply(reply)
	if err != nil {
		return auth.OTP{}, err
	}
	switch status {
	case "notfound":
		return auth.OTP{}, auth.ErrOTPNotFound
	case "exhausted":
		return auth.OTP{}, auth.ErrOTPExhausted
	case "ok":
		return decodeOTP(r)
	}
	return auth.OTP{}, fmt.Errorf("%w: try status %q", ErrUnexpectedReply, status)
}

func decodeOTP(r record) (auth.OTP, error) {
	var c auth.OTP
	var errs [9]error
	var purpose, salt, hash string
	purpose, errs[0] = r.field("p")
	c.Subject, errs[1] = r.field("sub")
	c.Binding, errs[2] = r.field("b")
	salt, errs[3] = r.field("s")
	hash, errs[4] = r.field("h")
	c.CreatedAt, errs[5] = r.time("ca")
	c.ExpiresAt, errs[6] = r.time("ea")
	c.Tries, errs[7] = r.int("t")
	c.MaxTries, errs[8] = r.int("m")
	if err := errors.Join(errs[:]...); err != nil {
		return auth.OTP{}, err
	}
	c.Purpose = auth.OTPPurpose(purpose)
	c.Salt, c.Hash = []byte(salt), []byte(hash)
	return c, nil
}

// Consume implements [auth.OTPStore] with one script.
func (o *OTPStore) Consume(ctx context.Context, purpose auth.OTPPurpose, subject string, hash []byte) error {
	n, err := o.s.scripts.otpConsume.Run(ctx, o.s.client, []string{o.otpKey(purpose, subject)}, hash).Int()
	if err != nil {
		return fmt.Errorf("redis: consume otp: %w", err)
	}
	if n != 1 {
		return auth.ErrOTPNotFound
	}
	return nil
}

// Delete implements [auth.OTPStore] with one DEL.
func (o *OTPStore) Delete(ctx context.Context, purpose auth.OTPPurpose, subject string) error {
	if err := o.s.client.Del(ctx, o.otpKey(purpose, subject)).Err(); err != nil {
		return fmt.Errorf("redis: delete otp: %w", err)
	}
	return nil
}
