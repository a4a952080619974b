package mongo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	driver "go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/autospot/autospot/auth"
)

var _ auth.OTPStore = (*OTPStore)(nil)

// OTPStore implements [auth.OTPStore] as a register per (purpose, subject)
// in [CollOTP] and [CollOTPVersions] (see the package documentation,
// "Atomicity"). Try swaps in Tries+1 only while Tries < MaxTries and the
// code is live at now; Consume swaps in a tombstone only while the hash is
// the one compared against. Of concurrent calls, at most MaxTries Try and
// exactly one matching Consume succeed. It is safe for concurrent use.
// Get it from [Store.OTPStore]; the zero value is not usable.
type OTPStore struct {
	reg      register
	attempts int
}

func newOTPStore(db *driver.Database, attempts int) *OTPStore {
	return &OTPStore{
		reg:      register{heads: db.Collection(CollOTP), versions: db.Collection(CollOTPVersions), upsertHead: true},
		attempts: attempts,
	}
}

// otpKey is the register key of (purpose, subject); the length prefix
// keeps it unambiguous whatever either contains.
func otpKey(purpose auth.OTPPurpose, subject string) string {
	return fmt.Sprintf("%d:%s:%s", len(purpose), purpose, subject)
}

type otpState struct {
	Binding   string    `bson:"binding,omitempty"`
	Salt      []byte    `bson:"salt"`
	Hash      []byte    `bson:"hash"`
	CreatedAt time.Time `bson:"createdAt"`
	ExpiresAt time.Time `bson:"expiresAt"`
	Tries     int       `bson:"tries"`
	MaxTries  int       `bson:"maxTries"`
}

func (st *otpState) otp(purpose auth.OTPPurpose, subject string) auth.OTP {
	return auth.OTP{
		Purpose: purpose, Subject: subject, Binding: st.Binding,
		Salt: bytes.Clone(st.Salt), Hash: bytes.Clone(st.Hash),
		CreatedAt: utc(st.CreatedAt), ExpiresAt: utc(st.ExpiresAt), Tries: st.Tries, MaxTries: st.MaxTries,
	}
}

func (s *OTPStore) load(ctx context.Context, key string) (version, *otpState, error) {
	return loadState[otpState](ctx, &s.reg, key)
}

// Put implements [auth.OTPStore].
func (s *OTPStore) Put(ctx context.Context, o auth.OTP) error {
	key := otpKey(o.Purpose, o.Subject)
	st := otpState{
		Binding: o.Binding, Salt: o.Salt, Hash: o.Hash, CreatedAt: o.CreatedAt, ExpiresAt: o.ExpiresAt,
		Tries: o.Tries, MaxTries: o.MaxTries,
	}
	err := retry(ctx, s.attempts, func() (bool, error) {
		cur, err := s.reg.load(ctx, key, nil)
		if err != nil {
			return false, err
		}
		return s.reg.swap(ctx, key, cur, st, o.ExpiresAt)
	})
	if err != nil {
		return fmt.Errorf("mongo: put code: %w", err)
	}
	return nil
}

// Try implements [auth.OTPStore].
func (s *OTPStore) Try(ctx context.Context, purpose auth.OTPPurpose, subject string, now time.Time) (auth.OTP, error) {
	key := otpKey(purpose, subject)
	var got auth.OTP
	err := retry(ctx, s.attempts, func() (bool, error) {
		cur, st, err := s.load(ctx, key)
		switch {
		case err != nil:
			return false, err
		case st == nil || !now.Before(st.ExpiresAt):
			return false, auth.ErrOTPNotFound
		case st.Tries >= st.MaxTries:
			return false, auth.ErrOTPExhausted
		}
		st.Tries++
		got = st.otp(purpose, subject)
		return s.reg.swap(ctx, key, cur, st, st.ExpiresAt)
	})
	switch {
	case err == nil:
		return got, nil
	case errors.Is(err, auth.ErrOTPNotFound) || errors.Is(err, auth.ErrOTPExhausted):
		return auth.OTP{}, err
	}
	return auth.OTP{}, fmt.Errorf("mongo: try code: %w", err)
}

// Consume implements [auth.OTPStore].
func (s *OTPStore) Consume(ctx context.Context, purpose auth.OTPPurpose, subject string, hash []byte) error {
	key := otpKey(purpose, subject)
	err := retry(ctx, s.attempts, func() (bool, error) {
		cur, st, err := s.load(ctx, key)
		switch {
		case err != nil:
			return false, err
		case st == nil || !bytes.Equal(st.Hash, hash):
			return false, auth.ErrOTPNotFound
		}
		return s.reg.swap(ctx, key, cur, nil, cur.exp)
	})
	if err != nil && !errors.Is(err, auth.ErrOTPNotFound) {
		return fmt.Errorf("mongo: consume code: %w", err)
	}
	return err
}

// Delete implements [auth.OTPStore].
func (s *OTPStore) Delete(ctx context.Context, purpose auth.OTPPurpose, subject string) error {
	key := otpKey(purpose, subject)
	err := retry(ctx, s.attempts, func() (bool, error) {
		cur, err := s.reg.load(ctx, key, nil)
		if err != nil || cur.s == nil {
			return true, err
		}
		return s.reg.swap(ctx, key, cur, nil, cur.exp)
	})
	if err != nil {
		return fmt.Errorf("mongo: delete code: %w", err)
	}
	return nil
}

// Prune deletes codes that expired more than [PruneGrace] before now (the TTL index does the
// same where the server has one) and returns how many.
func (s *OTPStore) Prune(ctx context.Context, now time.Time) (int, error) {
	n, err := s.reg.prune(ctx, now)
	if err != nil {
		return n, fmt.Errorf("mongo: prune codes: %w", err)
	}
	return n, nil
}
