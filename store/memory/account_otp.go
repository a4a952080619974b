package memory

import (
	"bytes"
	"context"
	"sync"
	"time"

	"github.com/autospot/autospot/auth"
)

var _ auth.OTPStore = (*OTPStore)(nil)

type otpKey struct {
	purpose auth.OTPPurpose
	subject string
}

// OTPStore keeps one-time codes in memory. The zero value is not usable;
// call [NewOTPStore]. It is safe for concurrent use. Expired codes are
// pruned as new ones are put.
type OTPStore struct {
	mu     sync.Mutex
	m      map[otpKey]auth.OTP
	writes int
}

// NewOTPStore returns an empty store.
func NewOTPStore() *OTPStore {
	return &OTPStore{m: make(map[otpKey]auth.OTP)}
}

func cloneOTP(o auth.OTP) auth.OTP {
	o.Salt = bytes.Clone(o.Salt)
	o.Hash = bytes.Clone(o.Hash)
	return o
}

// Put implements [auth.OTPStore].
func (s *OTPStore) Put(ctx context.Context, o auth.OTP) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.writes++; s.writes%pruneEvery == 0 {
		deleteExpired(s.m, func(v auth.OTP) bool { return !o.CreatedAt.Before(v.ExpiresAt) })
	}
	s.m[otpKey{o.Purpose, o.Subject}] = cloneOTP(o)
	return nil
}

// Try implements [auth.OTPStore].
func (s *OTPStore) Try(ctx context.Context, purpose auth.OTPPurpose, subject string, now time.Time) (auth.OTP, error) {
	if err := ctx.Err(); err != nil {
		return auth.OTP{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k := otpKey{purpose, subject}
	o, ok := s.m[k]
	if !ok || !now.Before(o.ExpiresAt) {
		return auth.OTP{}, auth.ErrOTPNotFound
	}
	if o.Tries >= o.MaxTries {
		return auth.OTP{}, auth.ErrOTPExhausted
	}
	o.Tries++
	s.m[k] = o
	return cloneOTP(o), nil
}

// Consume implements [auth.OTPStore].
func (s *OTPStore) Consume(ctx context.Context, purpose auth.OTPPurpose, subject string, hash []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k := otpKey{purpose, subject}
	o, ok := s.m[k]
	if !ok || !bytes.Equal(o.Hash, hash) {
		return auth.ErrOTPNotFound
	}
	delete(s.m, k)
	return nil
}

// Delete implements [auth.OTPStore].
func (s *OTPStore) Delete(ctx context.Context, purpose auth.OTPPurpose, subject string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, otpKey{purpose, subject})
	return nil
}
