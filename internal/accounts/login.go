package accounts

import (
	"context"
	"errors"
	"net/netip"

	"github.com/autospot/autospot/audit"
	"github.com/autospot/autospot/auth"
)

func pairKey(email string, bucket netip.Prefix) string {
	return "login:" + email + "|" + bucket.String()
}
func accountKey(email string) string { return "login:" + email }

// Login checks email and password and issues a token pair. Attempts are
// reserved before the hash compare; every failure — unknown user, wrong
// password, locked — is ErrInvalidCredentials after the same hash work.
func (s *Service) Login(ctx context.Context, email, pw string, client netip.Addr) (auth.Pair, error) {
	email = Normalize(email)
	now := s.now()
	pk, ak := pairKey(email, s.c.Bucket(client)), accountKey(email)
	fail := func(reason string) (auth.Pair, error) {
		s.c.Audit.Log(ctx, audit.Event{Action: audit.ActionLogin, Outcome: audit.OutcomeFailure, Reason: reason, Actor: audit.Actor{ID: email}})
		return auth.Pair{}, ErrInvalidCredentials
	}
	ps, err := s.c.Stores.Attempts.Reserve(ctx, pk, PairLimit, LockWindow, now)
	if err != nil {
		return auth.Pair{}, err
	}
	as, err := s.c.Stores.Attempts.Reserve(ctx, ak, AccountLimit, LockWindow, now)
	if err != nil {
		return auth.Pair{}, err
	}
	if !ps.Allowed || !as.Allowed {
		_ = s.c.Hasher.DummyVerify(ctx, pw)
		return fail("locked")
	}
	u, err := s.c.Stores.Users.ByEmail(ctx, email)
	if err != nil {
		if !errors.Is(err, auth.ErrUserNotFound) {
			return auth.Pair{}, err
		}
		_ = s.c.Hasher.DummyVerify(ctx, pw)
		return fail("unknown_user")
	}
	rehash, verr := s.c.Hasher.Verify(ctx, pw, u.PasswordHash)
	if verr != nil {
		if ps.Count >= PairLimit || as.Count >= AccountLimit {
			until := now.Add(LockWindow)
			key := pk
			if as.Count >= AccountLimit {
				key = ak
			}
			_ = s.c.Stores.Attempts.Lock(ctx, key, until)
			s.c.Audit.Lockout(ctx, email, client, until)
			s.send(ctx, u.Email, "AutoSpot: sign-in attempts blocked",
				"Several wrong passwords were entered for your account; sign-in from that address is blocked for 15 minutes. If this was not you, change your password.")
		}
		return fail("bad_credentials")
	}
	if u.LockedUntil.After(now) {
		return fail("admin_locked")
	}
	_ = s.c.Stores.Attempts.Reset(ctx, pk)
	_ = s.c.Stores.Attempts.Reset(ctx, ak)
	if rehash {
		if h, err := s.c.Hasher.Hash(ctx, pw); err == nil {
			_ = s.c.Stores.Users.UpdatePasswordHash(ctx, u.ID, u.PasswordHash, h, now)
		}
	}
	s.c.Audit.AuthAttempt(ctx, email, true, client)
	return s.c.Tokens.IssuePair(ctx, auth.Subject{ID: u.ID, Roles: u.Roles, Facility: u.Facility})
}
