package storetest

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/autospot/autospot/auth"
)

func otpRecord(purpose auth.OTPPurpose, subject string, hash string) auth.OTP {
	return auth.OTP{
		Purpose:   purpose,
		Subject:   subject,
		Binding:   "ticket-1",
		Salt:      []byte("salt-" + hash),
		Hash:      []byte(hash),
		CreatedAt: authBase,
		ExpiresAt: authBase.Add(10 * time.Minute),
		MaxTries:  5,
	}
}

func checkOTP(t *testing.T, got, want auth.OTP) {
	t.Helper()
	if got.Purpose != want.Purpose || got.Subject != want.Subject || got.Binding != want.Binding ||
		!bytes.Equal(got.Salt, want.Salt) || !bytes.Equal(got.Hash, want.Hash) ||
		!got.CreatedAt.Equal(want.CreatedAt) || !got.ExpiresAt.Equal(want.ExpiresAt) ||
		got.Tries != want.Tries || got.MaxTries != want.MaxTries {
		t.Fatalf("otp mismatch\n got %+v\nwant %+v", got, want)
	}
}

// RunOTPStore runs the [auth.OTPStore] conformance suite. newStore must
// return a new, empty store each time it is called.
func RunOTPStore(t *testing.T, newStore func(t *testing.T) auth.OTPStore) {
	t.Helper()
	ctx := context.Background()
	const reg, reset = auth.PurposeRegistration, auth.PurposeReset
	put := func(t *testing.T, s auth.OTPStore, o auth.OTP) {
		t.Helper()
		if err := s.Put(ctx, o); err != nil {
			t.Fatalf("Put: %v", err)
		}
	}
	cases := []struct {
		name string
		run  func(t *testing.T, s auth.OTPStore)
	}{
		{"try counts up and returns the record", func(t *testing.T, s auth.OTPStore) {
			o := otpRecord(reg, "a@example.com", "h1")
			put(t, s, o)
			for i := 1; i <= 5; i++ {
				got, err := s.Try(ctx, reg, "a@example.com", authBase)
				if err != nil {
					t.Fatalf("try %d: %v", i, err)
				}
				o.Tries = i
				checkOTP(t, got, o)
			}
			if _, err := s.Try(ctx, reg, "a@example.com", authBase); !errors.Is(err, auth.ErrOTPExhausted) {
				t.Fatalf("6th try: %v, want ErrOTPExhausted", err)
			}
			if err := s.Consume(ctx, reg, "a@example.com", []byte("h1")); err != nil {
				t.Fatalf("Consume after the last allowed try (the 5th try may match): %v", err)
			}
		}},
		{"unknown code", func(t *testing.T, s auth.OTPStore) {
			if _, err := s.Try(ctx, reg, "a@example.com", authBase); !errors.Is(err, auth.ErrOTPNotFound) {
				t.Fatalf("Try: %v", err)
			}
			if err := s.Consume(ctx, reg, "a@example.com", []byte("h1")); !errors.Is(err, auth.ErrOTPNotFound) {
				t.Fatalf("Consume: %v", err)
			}
			if err := s.Delete(ctx, reg, "a@example.com"); err != nil {
				t.Fatalf("Delete of absent: %v", err)
			}
		}},
		{"expiry is checked in the query", func(t *testing.T, s auth.OTPStore) {
			o := otpRecord(reg, "a@example.com", "h1")
			put(t, s, o)
			if _, err := s.Try(ctx, reg, "a@example.com", o.ExpiresAt.Add(-time.Millisecond)); err != nil {
				t.Fatalf("just before expiry: %v", err)
			}
			if _, err := s.Try(ctx, reg, "a@example.com", o.ExpiresAt); !errors.Is(err, auth.ErrOTPNotFound) {
				t.Fatalf("at expiry: %v", err)
			}
		}},
		{"purpose is part of the key", func(t *testing.T, s auth.OTPStore) {
			put(t, s, otpRecord(reg, "a@example.com", "h1"))
			if _, err := s.Try(ctx, reset, "a@example.com", authBase); !errors.Is(err, auth.ErrOTPNotFound) {
				t.Fatalf("registration code tried as reset: %v", err)
			}
			if err := s.Consume(ctx, reset, "a@example.com", []byte("h1")); !errors.Is(err, auth.ErrOTPNotFound) {
				t.Fatalf("registration code consumed as reset: %v", err)
			}
			put(t, s, otpRecord(reset, "a@example.com", "h2"))
			got, err := s.Try(ctx, reg, "a@example.com", authBase)
			if err != nil || !bytes.Equal(got.Hash, []byte("h1")) {
				t.Fatalf("a reset code replaced the registration code: %+v, %v", got, err)
			}
		}},
		{"subject is part of the key", func(t *testing.T, s auth.OTPStore) {
			put(t, s, otpRecord(reg, "a@example.com", "h1"))
			if _, err := s.Try(ctx, reg, "b@example.com", authBase); !errors.Is(err, auth.ErrOTPNotFound) {
				t.Fatalf("other subject: %v", err)
			}
		}},
		{"consume is single use and conditional on the hash", func(t *testing.T, s auth.OTPStore) {
			put(t, s, otpRecord(reg, "a@example.com", "h1"))
			if err := s.Consume(ctx, reg, "a@example.com", []byte("h2")); !errors.Is(err, auth.ErrOTPNotFound) {
				t.Fatalf("Consume with another hash: %v", err)
			}
			if err := s.Consume(ctx, reg, "a@example.com", []byte("h1")); err != nil {
				t.Fatal(err)
			}
			if err := s.Consume(ctx, reg, "a@example.com", []byte("h1")); !errors.Is(err, auth.ErrOTPNotFound) {
				t.Fatalf("second Consume: %v", err)
			}
			if _, err := s.Try(ctx, reg, "a@example.com", authBase); !errors.Is(err, auth.ErrOTPNotFound) {
				t.Fatalf("Try after Consume: %v", err)
			}
		}},
		{"put replaces and resets tries", func(t *testing.T, s auth.OTPStore) {
			put(t, s, otpRecord(reg, "a@example.com", "h1"))
			for range 5 {
				if _, err := s.Try(ctx, reg, "a@example.com", authBase); err != nil {
					t.Fatal(err)
				}
			}
			o2 := otpRecord(reg, "a@example.com", "h2")
			put(t, s, o2)
			if err := s.Consume(ctx, reg, "a@example.com", []byte("h1")); !errors.Is(err, auth.ErrOTPNotFound) {
				t.Fatalf("replaced code consumed: %v", err)
			}
			got, err := s.Try(ctx, reg, "a@example.com", authBase)
			if err != nil {
				t.Fatal(err)
			}
			o2.Tries = 1
			checkOTP(t, got, o2)
		}},
		{"delete", func(t *testing.T, s auth.OTPStore) {
			put(t, s, otpRecord(reg, "a@example.com", "h1"))
			if err := s.Delete(ctx, reg, "a@example.com"); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Try(ctx, reg, "a@example.com", authBase); !errors.Is(err, auth.ErrOTPNotFound) {
				t.Fatalf("Try after Delete: %v", err)
			}
		}},
		{"returned records are copies", func(t *testing.T, s auth.OTPStore) {
			o := otpRecord(reg, "a@example.com", "h1")
			put(t, s, o)
			o.Hash[0] = 'X'
			got, err := s.Try(ctx, reg, "a@example.com", authBase)
			if err != nil {
				t.Fatal(err)
			}
			got.Hash[0], got.Salt[0] = 'Y', 'Y'
			if err := s.Consume(ctx, reg, "a@example.com", []byte("h1")); err != nil {
				t.Fatalf("stored hash aliased a caller's slice: %v", err)
			}
		}},
		{"parallel tries: at most MaxTries reserved", func(t *testing.T, s auth.OTPStore) {
			put(t, s, otpRecord(reg, "a@example.com", "h1"))
			var ok, exhausted atomic.Int32
			var wg sync.WaitGroup
			for range 50 {
				wg.Go(func() {
					_, err := s.Try(ctx, reg, "a@example.com", authBase)
					switch {
					case err == nil:
						ok.Add(1)
					case errors.Is(err, auth.ErrOTPExhausted):
						exhausted.Add(1)
					default:
						t.Error(err)
					}
				})
			}
			wg.Wait()
			if ok.Load() != 5 || exhausted.Load() != 45 {
				t.Fatalf("%d tries reserved, %d exhausted; want 5 and 45", ok.Load(), exhausted.Load())
			}
		}},
		{"parallel matching attempts: one consumption", func(t *testing.T, s auth.OTPStore) {
			put(t, s, otpRecord(reg, "a@example.com", "h1"))
			exactlyOneWins(t, "try and consume", 5, auth.ErrOTPNotFound, func(int) error {
				o, err := s.Try(ctx, reg, "a@example.com", authBase)
				if err != nil {
					return err
				}
				return s.Consume(ctx, reg, "a@example.com", o.Hash)
			})
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.run(t, newStore(t))
		})
	}
}
