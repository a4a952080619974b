package bolt

import (
	"context"
	"crypto/subtle"
	"fmt"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/autospot/autospot/auth"
)

var _ auth.OTPStore = (*OTPStore)(nil)

// OTPStore implements [auth.OTPStore] on a [DB]: one code per (purpose,
// subject), keyed by both, with an expiry index for [OTPStore.Prune]. Try
// (check expiry and tries, increment) and Consume (compare the hash in
// constant time, delete) are one transaction each, so parallel tries never
// exceed MaxTries and of parallel matching attempts exactly one consumes
// the code. It is safe for concurrent use.
type OTPStore struct{ db *DB }

// OTPStore returns the one-time-code store of db.
func (db *DB) OTPStore() *OTPStore { return &OTPStore{db: db} }

const otpVersion = 1

func otpKey(purpose auth.OTPPurpose, subject string) []byte {
	return join(lp(string(purpose)), []byte(subject))
}

func encodeOTP(o *auth.OTP) []byte {
	e := newEncoder(otpVersion, 64+len(o.Purpose)+len(o.Subject)+len(o.Binding)+len(o.Salt)+len(o.Hash))
	e.str(string(o.Purpose))
	e.str(o.Subject)
	e.str(o.Binding)
	e.bytes(o.Salt)
	e.bytes(o.Hash)
	e.time(o.CreatedAt)
	e.time(o.ExpiresAt)
	e.int(int64(o.Tries))
	e.int(int64(o.MaxTries))
	return e.b
}

func decodeOTP(b []byte) (auth.OTP, error) {
	d := newDecoder(b, "one-time code", otpVersion)
	var o auth.OTP
	o.Purpose = auth.OTPPurpose(d.str())
	o.Subject = d.str()
	o.Binding = d.str()
	o.Salt = d.bytes()
	o.Hash = d.bytes()
	o.CreatedAt = d.time()
	o.ExpiresAt = d.time()
	o.Tries = d.smallInt()
	o.MaxTries = d.smallInt()
	if err := d.done(); err != nil {
		return auth.OTP{}, err
	}
	return o, nil
}

func openOTP(tx *bbolt.Tx) (expiring, error) {
	return openExpiring(tx, bucketOTP, bucketOTPExpiry)
}

// Put implements [auth.OTPStore]. An empty purpose or subject is an
// error.
func (s *OTPStore) Put(ctx context.Context, o auth.OTP) error {
	if o.Purpose == "" || o.Subject == "" {
		return fmt.Errorf("bolt: put one-time code: empty purpose or subject")
	}
	return s.db.update(ctx, "put one-time code", func(tx *bbolt.Tx) error {
		e, err := openOTP(tx)
		if err != nil {
			return err
		}
		key := otpKey(o.Purpose, o.Subject)
		old, ok, err := getRecord(e.data, key, decodeOTP)
		if err != nil {
			return err
		}
		var oldExp *time.Time
		if ok {
			oldExp = &old.ExpiresAt
		}
		return wrap("put one-time code", e.put(key, encodeOTP(&o), oldExp, o.ExpiresAt))
	})
}

// Try implements [auth.OTPStore].
func (s *OTPStore) Try(ctx context.Context, purpose auth.OTPPurpose, subject string, now time.Time) (auth.OTP, error) {
	var out auth.OTP
	err := s.db.update(ctx, "try one-time code", func(tx *bbolt.Tx) error {
		e, err := openOTP(tx)
		if err != nil {
			return err
		}
		key := otpKey(purpose, subject)
		o, ok, err := getRecord(e.data, key, decodeOTP)
		switch {
		case err != nil:
			return err
		case !ok || !now.Before(o.ExpiresAt):
			return auth.ErrOTPNotFound
		case o.Tries >= o.MaxTries:
			return auth.ErrOTPExhausted
		}
		o.Tries++
		if err := e.data.Put(key, encodeOTP(&o)); err != nil {
			return wrap("try one-time code", err)
		}
		out = o
		return nil
	})
	if err != nil {
		return auth.OTP{}, err
	}
	return out, nil
}

// Consume implements [auth.OTPStore].
func (s *OTPStore) Consume(ctx context.Context, purpose auth.OTPPurpose, subject string, hash []byte) error {
	return s.db.update(ctx, "consume one-time code", func(tx *bbolt.Tx) error {
		e, err := openOTP(tx)
		if err != nil {
			return err
		}
		key := otpKey(purpose, subject)
		o, ok, err := getRecord(e.data, key, decodeOTP)
		switch {
		case err != nil:
			return err
		case !ok || len(hash) == 0 || subtle.ConstantTimeCompare(o.Hash, hash) != 1:
			return auth.ErrOTPNotFound
		}
		return wrap("consume one-time code", e.del(key, o.ExpiresAt))
	})
}

// Delete implements [auth.OTPStore].
func (s *OTPStore) Delete(ctx context.Context, purpose auth.OTPPurpose, subject string) error {
	return s.db.update(ctx, "delete one-time code", func(tx *bbolt.Tx) error {
		e, err := openOTP(tx)
		if err != nil {
			return err
		}
		key := otpKey(purpose, subject)
		o, ok, err := getRecord(e.data, key, decodeOTP)
		if err != nil || !ok {
			return err
		}
		return wrap("delete one-time code", e.del(key, o.ExpiresAt))
	})
}

// Prune deletes the codes that have expired at now and returns how many.
func (s *OTPStore) Prune(ctx context.Context, now time.Time) (int, error) {
	return pruneLoop(ctx, s.db, "prune one-time codes", func(tx *bbolt.Tx) (int, error) {
		e, err := openOTP(tx)
		if err != nil {
			return 0, err
		}
		return e.prune(now)
	})
}
