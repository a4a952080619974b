package redis_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/autospot/autospot/auth"
)

// Every operation of every store is one command (one round trip) once the
// scripts are cached: a single command or one EVALSHA.
func TestOneRoundTripPerOperation(t *testing.T) {
	for _, b := range backends {
		b.run(t, func(t *testing.T) {
			s, hook, m := b.store(t)
			ctx := context.Background()
			now := time.Now().UTC().Truncate(time.Millisecond)
			if m != nil {
				// A fresh server has no cached script: EVALSHA, NOSCRIPT,
				// EVAL. (Not checked on the shared real server, whose
				// script cache other tests fill.)
				hook.Store(0)
				if err := s.Revocations().RevokeSession(ctx, "cold", now.Add(time.Hour)); err != nil {
					t.Fatal(err)
				}
				if n := hook.Load(); n != 2 {
					t.Errorf("script on a cold server: %d commands, want 2 (EVALSHA, EVAL)", n)
				}
			}
			if err := s.Load(ctx); err != nil {
				t.Fatal(err)
			}
			rev, att, otp, pen, res := s.Revocations(), s.Attempts(), s.OTPs(), s.Pending(), s.Resets()
			code := auth.OTP{Purpose: auth.PurposeReset, Subject: "u1", Salt: []byte("s"), Hash: []byte("h"),
				CreatedAt: now, ExpiresAt: now.Add(10 * time.Minute), MaxTries: 1000}
			reg := auth.PendingRegistration{Email: "a@example.com", Ticket: "t", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
			n := 0
			token := func() auth.ResetToken {
				n++
				return auth.ResetToken{Hash: "h" + string(rune('a'+n%26)) + time.Duration(n).String(), UserID: "u1", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
			}
			ignore := func(err error, allowed ...error) error {
				for _, a := range allowed {
					if errors.Is(err, a) {
						return nil
					}
				}
				return err
			}
			ops := []struct {
				name string
				run  func() error
			}{
				{"Revocations.BumpEpoch", func() error { _, err := rev.BumpEpoch(ctx, "u1"); return err }},
				{"Revocations.RevokeSession", func() error { return rev.RevokeSession(ctx, "s1", now.Add(time.Hour)) }},
				{"Revocations.Status", func() error { _, err := rev.Status(ctx, "u1", "s1", now); return err }},
				{"Revocations.Status without session", func() error { _, err := rev.Status(ctx, "u1", "", now); return err }},
				{"Attempts.Reserve", func() error { _, err := att.Reserve(ctx, "k", 5, time.Minute, now); return err }},
				{"Attempts.Lock", func() error { return att.Lock(ctx, "k", now.Add(time.Minute)) }},
				{"Attempts.Reset", func() error { return att.Reset(ctx, "k") }},
				{"OTPs.Put", func() error { return otp.Put(ctx, code) }},
				{"OTPs.Try", func() error { _, err := otp.Try(ctx, code.Purpose, code.Subject, now); return err }},
				{"OTPs.Consume", func() error {
					return ignore(otp.Consume(ctx, code.Purpose, code.Subject, code.Hash), auth.ErrOTPNotFound)
				}},
				{"OTPs.Delete", func() error { return otp.Delete(ctx, code.Purpose, code.Subject) }},
				{"Pending.Put", func() error { return pen.Put(ctx, reg) }},
				{"Pending.Get", func() error { _, err := pen.Get(ctx, reg.Email, now); return err }},
				{"Pending.Take", func() error {
					_, err := pen.Take(ctx, reg.Email, reg.Ticket, now)
					return ignore(err, auth.ErrPendingNotFound)
				}},
				{"Pending.Delete", func() error { return pen.Delete(ctx, reg.Email) }},
				{"Resets.Put", func() error { return res.Put(ctx, token()) }},
				{"Resets.Consume", func() error {
					_, err := res.Consume(ctx, "absent", now)
					return ignore(err, auth.ErrResetNotFound)
				}},
				{"Resets.DeleteUser", func() error { _, err := res.DeleteUser(ctx, "u1"); return err }},
			}
			const calls = 10
			for _, op := range ops {
				hook.Store(0)
				for range calls {
					if err := op.run(); err != nil {
						t.Fatalf("%s: %v", op.name, err)
					}
				}
				if got := hook.Load(); got != calls {
					t.Errorf("%s: %d calls sent %d commands, want exactly 1 each", op.name, calls, got)
				}
			}
		})
	}
}
