package auth

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"time"
)

// Refresh spends a refresh token and returns the next pair: a new access
// token and the refresh token that replaces the spent one (rotation).
//
// Errors, all matching [ErrTokenInvalid]:
//   - [ErrRefreshReused]: the token had already been spent and the grace
//     window is over (or it was not the latest spent token). The whole
//     family is revoked, including the access tokens it issued.
//   - [ErrTokenRevoked]: the session was logged out or the user's tokens
//     were revoked.
//   - [ErrSessionExpired]: the family reached its absolute lifetime.
//   - [ErrTokenExpired], [ErrTokenType] …: as for [Service.VerifyAccess].
//
// A second Refresh of the same token within the grace window returns the
// same successor refresh token (see the package documentation, "Parallel
// refreshes").
func (s *Service) Refresh(ctx context.Context, refreshToken string) (Pair, error) {
	if s.refresh == nil {
		return Pair{}, fmt.Errorf("%w: no RefreshStore", ErrInvalidConfig)
	}
	c, err := s.parse(refreshToken, TypeRefresh)
	if err != nil {
		return Pair{}, err
	}
	key := s.keys.Load().signer
	if key == nil {
		return Pair{}, ErrNoSigningKey
	}
	now := s.storeTime()
	if !s.cache.disabled {
		// Always the store, never the cache: refreshes are rare.
		st, err := s.revoke.Status(ctx, c.Subject, c.Session, now)
		if err != nil {
			return Pair{}, fmt.Errorf("auth: refresh: revocation check: %w", err)
		}
		if c.Epoch < st.Epoch || st.SessionRevoked {
			return Pair{}, invalid(ErrTokenRevoked, nil)
		}
	}
	presented := hashID(c.ID)
	salt, err := s.randomID()
	if err != nil {
		return Pair{}, err
	}
	next := successorID(c.ID, salt)
	fam, err := s.refresh.RotateFamily(ctx, Rotation{
		FamilyID: c.Session, Presented: presented, Next: hashID(next), Salt: salt, Now: now,
	})
	switch {
	case err == nil:
		if fam.UserID != c.Subject {
			return Pair{}, invalid(nil, errWrongSubject)
		}
		return s.mint(key, fam, next, fam.RotatedAt, now)
	case errors.Is(err, ErrStaleRefresh):
		if fam.UserID == c.Subject && s.inGrace(fam, presented, now) {
			succ := successorID(c.ID, fam.Salt)
			if subtle.ConstantTimeCompare([]byte(hashID(succ)), []byte(fam.Head)) == 1 {
				return s.mint(key, fam, succ, fam.RotatedAt, now)
			}
		}
		// Replay of a spent token: revoke the family and its access
		// tokens, even if the client has gone away meanwhile.
		rerr := s.revokeSession(context.WithoutCancel(ctx), c.Session, "reuse")
		if rerr != nil {
			return Pair{}, errors.Join(invalid(ErrRefreshReused, nil), rerr)
		}
		return Pair{}, invalid(ErrRefreshReused, nil)
	case errors.Is(err, ErrFamilyRevoked):
		return Pair{}, invalid(ErrTokenRevoked, nil)
	case errors.Is(err, ErrFamilyExpired):
		return Pair{}, invalid(ErrSessionExpired, nil)
	case errors.Is(err, ErrFamilyNotFound):
		return Pair{}, invalid(nil, err)
	default:
		return Pair{}, fmt.Errorf("auth: refresh: %w", err)
	}
}

// inGrace reports whether presented is the token spent by the family's
// latest rotation, and that rotation was less than the grace window ago.
func (s *Service) inGrace(fam Family, presented string, now time.Time) bool {
	if s.grace <= 0 || !fam.RevokedAt.IsZero() || fam.Prev == "" {
		return false
	}
	if subtle.ConstantTimeCompare([]byte(fam.Prev), []byte(presented)) != 1 {
		return false
	}
	return now.Sub(fam.RotatedAt) < s.grace
}

// Logout ends the session that refreshToken belongs to: its family is
// revoked in the [RefreshStore], so the refresh token is dead, and the
// session is recorded in the [RevocationStore], so its access tokens stop
// working on the next request. The token may already have been spent, but
// must otherwise verify.
func (s *Service) Logout(ctx context.Context, refreshToken string) error {
	c, err := s.parse(refreshToken, TypeRefresh)
	if err != nil {
		return err
	}
	return s.LogoutSession(ctx, c.Session)
}

// LogoutSession is [Service.Logout] by session id, for a handler that has
// the caller's access-token [Claims] (use Claims.Session). Make sure the
// session is the caller's own. An unknown session is [ErrFamilyNotFound].
func (s *Service) LogoutSession(ctx context.Context, sessionID string) error {
	if s.refresh == nil {
		return fmt.Errorf("%w: no RefreshStore", ErrInvalidConfig)
	}
	return s.revokeSession(ctx, sessionID, "logout")
}

func (s *Service) revokeSession(ctx context.Context, sessionID, reason string) error {
	now := s.storeTime()
	ferr := s.refresh.RevokeFamily(ctx, sessionID, now, reason)
	if ferr != nil {
		ferr = fmt.Errorf("auth: revoke family: %w", ferr)
	}
	var serr error
	if !s.cache.disabled {
		// Keep the entry until every access token of the session has
		// expired, leeway included.
		until := now.Add(s.accessTTL + s.leeway + time.Second)
		if err := s.revoke.RevokeSession(ctx, sessionID, until); err != nil {
			serr = fmt.Errorf("auth: revoke session: %w", err)
		}
		s.cache.invalidateSession(sessionID)
	}
	return errors.Join(ferr, serr)
}

// LogoutAll ends every session of the user and invalidates every access
// and refresh token issued to the user before the call: it raises the
// user's revocation epoch (so access tokens stop working on the next
// request) and revokes all of the user's families. Use it for "log out
// everywhere", after a password change or reset, and after a role change
// (so no token keeps the old roles).
func (s *Service) LogoutAll(ctx context.Context, userID string) error {
	if userID == "" {
		return fmt.Errorf("%w: empty user id", ErrInvalidSubject)
	}
	// Families first, then the epoch: a login racing this call either
	// reads the old epoch (its tokens die with the bump, and Refresh
	// checks the epoch too) or reads the new one after the sweep (its
	// family survives, consistently). Never a live access token of a
	// revoked family.
	var eerr, ferr error
	if s.refresh != nil {
		if _, err := s.refresh.RevokeUserFamilies(ctx, userID, s.storeTime(), "logout-all"); err != nil {
			ferr = fmt.Errorf("auth: logout all: revoke families: %w", err)
		}
	}
	if !s.cache.disabled {
		if _, err := s.revoke.BumpEpoch(ctx, userID); err != nil {
			eerr = fmt.Errorf("auth: logout all: bump epoch: %w", err)
		}
		s.cache.invalidateUser(userID)
	}
	return errors.Join(eerr, ferr)
}
