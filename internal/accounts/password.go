package accounts

import (
	"context"
	"encoding/base64"
	"errors"
	"io"

	"github.com/autospot/autospot/audit"
	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/password"
)

// ForgotPassword mails a reset link to email if it belongs to an account.
// The answer is the same whether or not it does. The link is built from
// the configured public URL, never from the request.
func (s *Service) ForgotPassword(ctx context.Context, email string) error {
	email = Normalize(email)
	if s.throttled(ctx, "reset:"+email) {
		return nil // same answer; the owner already has recent mails
	}
	u, err := s.c.Stores.Users.ByEmail(ctx, email)
	if err != nil {
		if errors.Is(err, auth.ErrUserNotFound) {
			s.c.Audit.Log(ctx, audit.Event{Action: audit.ActionPasswordReset, Outcome: audit.OutcomeDenied, Reason: "unknown_user", Actor: audit.Actor{ID: email}})
			return nil
		}
		return err
	}
	b := make([]byte, resetSecretBytes)
	if _, err := io.ReadFull(s.c.Rand, b); err != nil {
		return err
	}
	secret := base64.RawURLEncoding.EncodeToString(b)
	now := s.now()
	if err := s.c.Stores.Resets.Put(ctx, auth.ResetToken{Hash: resetHash(secret), UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(ResetTTL)}); err != nil {
		return err
	}
	s.send(ctx, u.Email, "AutoSpot: reset your password",
		"Open this link within 30 minutes to choose a new password: "+s.c.PublicURL+"/reset-password?token="+secret)
	s.c.Audit.Log(ctx, audit.Event{Action: audit.ActionPasswordReset, Outcome: audit.OutcomeSuccess, Reason: "link_sent", Actor: audit.Actor{ID: u.ID}})
	return nil
}

// ResetPassword spends a reset token, sets the new password and revokes
// every session of the user.
func (s *Service) ResetPassword(ctx context.Context, token, newPassword string) error {
	t, err := s.c.Stores.Resets.Consume(ctx, resetHash(token), s.now())
	if err != nil {
		if errors.Is(err, auth.ErrResetNotFound) {
			s.c.Audit.Log(ctx, audit.Event{Action: audit.ActionPasswordReset, Outcome: audit.OutcomeFailure, Reason: "invalid_token"})
			return ErrInvalidResetToken
		}
		return err
	}
	u, err := s.c.Stores.Users.ByID(ctx, t.UserID)
	if err != nil {
		return ErrInvalidResetToken
	}
	if err := s.setPassword(ctx, u, newPassword); err != nil {
		return err
	}
	_, _ = s.c.Stores.Resets.DeleteUser(ctx, u.ID)
	s.send(ctx, u.Email, "AutoSpot: your password was reset", "Your password was reset and every session was signed out.")
	s.c.Audit.Log(ctx, audit.Event{Action: audit.ActionPasswordReset, Outcome: audit.OutcomeSuccess, Actor: audit.Actor{ID: u.ID}})
	return nil
}

// setPassword checks the policy, stores the new hash and logs out every
// session.
func (s *Service) setPassword(ctx context.Context, u auth.User, pw string) error {
	if err := s.checkPolicy(pw, password.UserInfo{Email: u.Email, Username: u.Username, Name: u.FullName}); err != nil {
		return err
	}
	h, err := s.c.Hasher.Hash(ctx, pw)
	if err != nil {
		return err
	}
	if err := s.c.Stores.Users.UpdatePasswordHash(ctx, u.ID, u.PasswordHash, h, s.now()); err != nil {
		return err
	}
	return s.c.Tokens.LogoutAll(ctx, u.ID)
}

// ChangePassword sets a new password after checking the current one. Every
// session is revoked; the caller gets a fresh pair.
func (s *Service) ChangePassword(ctx context.Context, userID, current, next string) (auth.Pair, error) {
	u, err := s.c.Stores.Users.ByID(ctx, userID)
	if err != nil {
		return auth.Pair{}, ErrInvalidCredentials
	}
	if _, err := s.c.Hasher.Verify(ctx, current, u.PasswordHash); err != nil {
		s.c.Audit.Log(ctx, audit.Event{Action: audit.ActionPasswordChange, Outcome: audit.OutcomeFailure, Reason: "bad_credentials", Actor: audit.Actor{ID: userID}})
		return auth.Pair{}, ErrInvalidCredentials
	}
	if err := s.setPassword(ctx, u, next); err != nil {
		return auth.Pair{}, err
	}
	s.send(ctx, u.Email, "AutoSpot: your password was changed", "Your password was changed and your other sessions were signed out.")
	s.c.Audit.Log(ctx, audit.Event{Action: audit.ActionPasswordChange, Outcome: audit.OutcomeSuccess, Actor: audit.Actor{ID: userID}})
	return s.c.Tokens.IssuePair(ctx, auth.Subject{ID: u.ID, Roles: u.Roles, Facility: u.Facility})
}

// DeleteAccount removes the account after checking its password, revokes
// its sessions and calls the OnDelete hook for its other data.
func (s *Service) DeleteAccount(ctx context.Context, userID, pw string) error {
	u, err := s.c.Stores.Users.ByID(ctx, userID)
	if err != nil {
		return ErrInvalidCredentials
	}
	if _, err := s.c.Hasher.Verify(ctx, pw, u.PasswordHash); err != nil {
		return ErrInvalidCredentials
	}
	if err := s.c.Tokens.LogoutAll(ctx, userID); err != nil {
		return err
	}
	if err := s.c.Stores.Users.Delete(ctx, userID); err != nil {
		return err
	}
	_, _ = s.c.Stores.Resets.DeleteUser(ctx, userID)
	if s.c.OnDelete != nil {
		if err := s.c.OnDelete(ctx, userID); err != nil {
			return err
		}
	}
	s.c.Audit.SensitiveOperation(ctx, audit.Actor{ID: userID}, "user.delete", "user:"+userID)
	return nil
}
