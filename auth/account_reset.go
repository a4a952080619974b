package auth

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
)

// ResetSecretBytes is the size of a password-reset secret: 256 bits.
const ResetSecretBytes = 32

// resetSecretLen is the length of its unpadded base64url form.
var resetSecretLen = base64.RawURLEncoding.EncodedLen(ResetSecretBytes)

// ResetPasswordRequest completes a password reset from the emailed link.
type ResetPasswordRequest struct {
	// Token is the secret from the link's fragment.
	Token       string
	NewPassword string
}

// ResetWithCodeRequest completes a password reset with the emailed code
// instead of the link.
type ResetWithCodeRequest struct {
	Email       string
	Code        string
	NewPassword string
}

// hashResetSecret returns the stored form of a reset secret.
func hashResetSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// parseResetSecret checks that s has the form of a reset secret: exactly
// 43 unpadded base64url characters. It does no other work on untrusted
// input.
func parseResetSecret(s string) bool {
	if len(s) != resetSecretLen {
		return false
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(s)
	return err == nil && len(b) == ResetSecretBytes
}

// ResetLink returns the link for a reset secret: the configured reset URL
// with "token=<secret>" in the fragment. The fragment never reaches a
// server (no access log, no Referer), the page's script reads it.
func (a *Accounts) resetLink(secret string) string {
	u := *a.resetURL
	u.Fragment = ""
	u.RawFragment = ""
	return u.String() + "#token=" + url.QueryEscape(secret)
}

// RequestPasswordReset emails a reset link (valid 30 minutes, single use)
// and a 6-digit code (10 minutes, 5 tries) to the account with this email.
// Earlier links stop working. It returns nil whether or not the email is
// registered, and does the same work either way; [ErrTooManyRequests] if
// resets for this address are requested too fast.
//
// The link is built from the configured reset URL only: nothing of the
// request (Host, X-Forwarded-Host …) goes into it.
func (a *Accounts) RequestPasswordReset(ctx context.Context, email string, ri RequestInfo) error {
	email = NormalizeEmail(email)
	if email == "" || len(email) > MaxEmailLen {
		a.emit(ctx, ri, ActionResetRequest, OutcomeFailure, reasonInvalidInput, "", email)
		return nil
	}
	if a.isClosed() {
		return ErrAccountsClosed
	}
	now := a.storeTime()
	key := a.emailKey(email)
	if err := a.throttleSend(ctx, "mail:reset:"+key, a.resetReqLimit, a.resetReqWindow, true, now); err != nil {
		a.emit(ctx, ri, ActionResetRequest, OutcomeDenied, reasonThrottled, "", email)
		return err
	}
	secret, err := a.randomToken(ResetSecretBytes)
	if err != nil {
		return err
	}
	hash := hashResetSecret(secret)
	u, err := a.users.ByEmail(ctx, email)
	if errors.Is(err, ErrUserNotFound) {
		a.emit(ctx, ri, ActionResetRequest, OutcomeFailure, reasonUnknownUser, "", email)
		return nil
	}
	if err != nil {
		return fmt.Errorf("auth: reset request: %w", err)
	}
	if _, err := a.resets.DeleteUser(ctx, u.ID); err != nil {
		return fmt.Errorf("auth: reset request: %w", err)
	}
	if err := a.resets.Put(ctx, ResetToken{Hash: hash, UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(a.resetTTL)}); err != nil {
		return fmt.Errorf("auth: reset request: %w", err)
	}
	code, err := a.issueOTP(ctx, PurposeReset, key, "", now)
	if err != nil {
		return err
	}
	a.emit(ctx, ri, ActionResetRequest, OutcomeSuccess, "", u.ID, email)
	a.sendMail(ctx, ri, u.ID, Message{
		To: u.Email, Kind: MailResetLink,
		Subject: a.appName + ": reset your password",
		Text:    resetText(a.appName, a.resetLink(secret), code, a.resetTTL, a.otpTTL, ri),
	})
	return nil
}

// ResetPassword sets a new password with the secret of a reset link. The
// secret is single use; every session of the user is ended, failed-login
// lockouts are lifted, and the owner is emailed. Errors:
// [ErrInvalidResetToken], a *ValidationError for a password the policy
// refuses (the link then stays usable), others for server trouble.
func (a *Accounts) ResetPassword(ctx context.Context, req ResetPasswordRequest, ri RequestInfo) error {
	if !parseResetSecret(req.Token) {
		a.emit(ctx, ri, ActionReset, OutcomeFailure, reasonInvalidToken, "", "")
		return ErrInvalidResetToken
	}
	now := a.storeTime()
	tok, err := a.resets.Consume(ctx, hashResetSecret(req.Token), now)
	if errors.Is(err, ErrResetNotFound) {
		a.emit(ctx, ri, ActionReset, OutcomeFailure, reasonInvalidToken, "", "")
		return ErrInvalidResetToken
	}
	if err != nil {
		return fmt.Errorf("auth: reset: %w", err)
	}
	u, err := a.users.ByID(ctx, tok.UserID)
	if errors.Is(err, ErrUserNotFound) {
		a.emit(ctx, ri, ActionReset, OutcomeFailure, reasonInvalidToken, tok.UserID, "")
		return ErrInvalidResetToken
	}
	if err != nil {
		return fmt.Errorf("auth: reset: %w", err)
	}
	if err := a.checkNewPassword(req.NewPassword, u); err != nil {
		// Give the link back: the owner only chose a weak password.
		if perr := a.resets.Put(ctx, tok); perr != nil {
			err = errors.Join(err, fmt.Errorf("auth: reset: restore token: %w", perr))
		}
		a.emit(ctx, ri, ActionReset, OutcomeFailure, reasonPolicy, u.ID, "")
		return err
	}
	return a.finishReset(ctx, ri, u, req.NewPassword)
}

// ResetPasswordWithCode is [Accounts.ResetPassword] with the emailed code
// instead of the link's secret. The code is bound to the email and the
// reset purpose: a registration code never passes. Errors:
// [ErrInvalidCode] (also for an unknown email), a *ValidationError, others
// for server trouble.
func (a *Accounts) ResetPasswordWithCode(ctx context.Context, req ResetWithCodeRequest, ri RequestInfo) error {
	email := NormalizeEmail(req.Email)
	if email == "" || len(email) > MaxEmailLen {
		return ErrInvalidCode
	}
	// Check what can be checked without the account first, so a weak
	// choice does not spend the code; only the email the caller gave is
	// used, so this says nothing about the account.
	if err := a.checkNewPassword(req.NewPassword, User{Email: email}); err != nil {
		return err
	}
	now := a.storeTime()
	if err := a.checkOTP(ctx, PurposeReset, a.emailKey(email), "", req.Code, now); err != nil {
		if errors.Is(err, ErrInvalidCode) {
			a.emit(ctx, ri, ActionReset, OutcomeFailure, reasonInvalidCode, "", email)
		}
		return err
	}
	u, err := a.users.ByEmail(ctx, email)
	if errors.Is(err, ErrUserNotFound) {
		return ErrInvalidCode
	}
	if err != nil {
		return fmt.Errorf("auth: reset: %w", err)
	}
	if err := a.checkNewPassword(req.NewPassword, u); err != nil {
		a.emit(ctx, ri, ActionReset, OutcomeFailure, reasonPolicy, u.ID, email)
		return err
	}
	return a.finishReset(ctx, ri, u, req.NewPassword)
}

// setPassword hashes pw and stores it over u's current hash, retrying if
// the hash changed meanwhile (a rehash at login).
func (a *Accounts) setPassword(ctx context.Context, u *User, pw string) error {
	h, err := a.hasher.Hash(ctx, pw)
	if err != nil {
		return fmt.Errorf("auth: hash password: %w", err)
	}
	for range 3 {
		err = a.users.UpdatePasswordHash(ctx, u.ID, u.PasswordHash, h, a.storeTime())
		if !errors.Is(err, ErrUserChanged) {
			break
		}
		fresh, ferr := a.users.ByID(ctx, u.ID)
		if ferr != nil {
			return fmt.Errorf("auth: set password: %w", ferr)
		}
		*u = fresh
	}
	if err != nil {
		return fmt.Errorf("auth: set password: %w", err)
	}
	u.PasswordHash = h
	return nil
}

func (a *Accounts) finishReset(ctx context.Context, ri RequestInfo, u User, pw string) error {
	if err := a.setPassword(ctx, &u, pw); err != nil {
		a.emit(ctx, ri, ActionReset, OutcomeFailure, reasonInternal, u.ID, "")
		return err
	}
	var errs []error
	if _, err := a.resets.DeleteUser(ctx, u.ID); err != nil {
		errs = append(errs, err)
	}
	if err := a.otps.Delete(ctx, PurposeReset, a.emailKey(u.Email)); err != nil {
		errs = append(errs, err)
	}
	if err := a.tokens.LogoutAll(ctx, u.ID); err != nil {
		errs = append(errs, err)
	}
	// The owner proved control of the email: lift failed-login lockouts
	// (the new UpdatedAt also restarts per-address counts).
	if err := a.resetAccountAttempts(ctx, u.ID); err != nil {
		errs = append(errs, err)
	}
	a.emit(ctx, ri, ActionReset, OutcomeSuccess, "", u.ID, "")
	a.sendMail(ctx, ri, u.ID, Message{
		To: u.Email, Kind: MailPasswordChanged,
		Subject: a.appName + ": your password was reset",
		Text:    passwordChangedText(a.appName, u, ri, true),
	})
	if len(errs) > 0 {
		return fmt.Errorf("auth: reset: password changed, but: %w", errors.Join(errs...))
	}
	return nil
}

// verifyOwnPassword checks the current password of an authenticated user
// (change, delete), with its own attempt count so a stolen access token
// cannot be used to guess the password.
func (a *Accounts) verifyOwnPassword(ctx context.Context, u User, pw, action string) error {
	now := a.storeTime()
	st, err := a.attempts.Reserve(ctx, "reauth:"+u.ID, a.limits.PerIP, a.limits.Window, now)
	if err != nil {
		return fmt.Errorf("auth: %s: %w", action, err)
	}
	if !st.Allowed {
		return ErrInvalidCredentials
	}
	if _, err := a.hasher.Verify(ctx, pw, u.PasswordHash); err != nil {
		if isServerError(err) {
			return fmt.Errorf("auth: %s: %w", action, err)
		}
		return ErrInvalidCredentials
	}
	_ = a.attempts.Reset(ctx, "reauth:"+u.ID)
	return nil
}

// ChangePasswordRequest changes the password of a logged-in user.
type ChangePasswordRequest struct {
	UserID          string
	CurrentPassword string
	NewPassword     string
}

// ChangePassword checks the current password, sets the new one, ends every
// session of the user (all access and refresh tokens, the caller's too)
// and returns a fresh session for the caller. The owner is emailed.
// Errors: [ErrInvalidCredentials] for a wrong current password (5 tries
// per 15 minutes), a *ValidationError, others for server trouble.
func (a *Accounts) ChangePassword(ctx context.Context, req ChangePasswordRequest, ri RequestInfo) (Session, error) {
	u, err := a.users.ByID(ctx, req.UserID)
	if err != nil {
		return Session{}, fmt.Errorf("auth: change password: %w", err)
	}
	if err := a.verifyOwnPassword(ctx, u, req.CurrentPassword, "change password"); err != nil {
		a.emit(ctx, ri, ActionPasswordChange, OutcomeFailure, reasonBadCredentials, u.ID, "")
		return Session{}, err
	}
	if err := a.checkNewPassword(req.NewPassword, u); err != nil {
		a.emit(ctx, ri, ActionPasswordChange, OutcomeFailure, reasonPolicy, u.ID, "")
		return Session{}, err
	}
	if err := a.setPassword(ctx, &u, req.NewPassword); err != nil {
		a.emit(ctx, ri, ActionPasswordChange, OutcomeFailure, reasonInternal, u.ID, "")
		return Session{}, err
	}
	if err := a.tokens.LogoutAll(ctx, u.ID); err != nil {
		return Session{}, fmt.Errorf("auth: change password: %w", err)
	}
	if err := a.resetAccountAttempts(ctx, u.ID); err != nil {
		return Session{}, fmt.Errorf("auth: change password: %w", err)
	}
	pair, err := a.tokens.IssuePair(ctx, Subject{ID: u.ID, Roles: u.Roles, Facility: u.Facility})
	if err != nil {
		return Session{}, fmt.Errorf("auth: change password: issue tokens: %w", err)
	}
	a.emit(ctx, ri, ActionPasswordChange, OutcomeSuccess, "", u.ID, "")
	a.sendMail(ctx, ri, u.ID, Message{
		To: u.Email, Kind: MailPasswordChanged,
		Subject: a.appName + ": your password was changed",
		Text:    passwordChangedText(a.appName, u, ri, false),
	})
	return Session{User: u, Pair: pair}, nil
}

// Logout ends the session of refreshToken ([Service.Logout]).
func (a *Accounts) Logout(ctx context.Context, refreshToken string, ri RequestInfo) error {
	if err := a.tokens.Logout(ctx, refreshToken); err != nil {
		a.emit(ctx, ri, ActionLogout, OutcomeFailure, reasonInvalidToken, "", "")
		return err
	}
	a.emit(ctx, ri, ActionLogout, OutcomeSuccess, "", "", "")
	return nil
}

// LogoutAll ends every session of user id ([Service.LogoutAll]).
func (a *Accounts) LogoutAll(ctx context.Context, id string, ri RequestInfo) error {
	if err := a.tokens.LogoutAll(ctx, id); err != nil {
		a.emit(ctx, ri, ActionLogoutAll, OutcomeFailure, reasonInternal, id, "")
		return err
	}
	a.emit(ctx, ri, ActionLogoutAll, OutcomeSuccess, "", id, "")
	return nil
}

// DeleteAccount deletes user id after checking its password: the delete
// hook (see [WithDeleteHook]) removes the user's other data first, then
// the account, its reset links and its sessions go. The owner is emailed.
// Errors: [ErrInvalidCredentials], the hook's error (nothing deleted),
// others for server trouble.
func (a *Accounts) DeleteAccount(ctx context.Context, id, pw string, ri RequestInfo) error {
	u, err := a.users.ByID(ctx, id)
	if err != nil {
		return fmt.Errorf("auth: delete account: %w", err)
	}
	if err := a.verifyOwnPassword(ctx, u, pw, "delete account"); err != nil {
		a.emit(ctx, ri, ActionDelete, OutcomeFailure, reasonBadCredentials, id, "")
		return err
	}
	if a.onDelete != nil {
		if err := a.onDelete(ctx, u); err != nil {
			a.emit(ctx, ri, ActionDelete, OutcomeFailure, reasonDeleteHook, id, "")
			return fmt.Errorf("auth: delete account: hook: %w", err)
		}
	}
	if err := a.users.Delete(ctx, id); err != nil {
		return fmt.Errorf("auth: delete account: %w", err)
	}
	var errs []error
	if _, err := a.resets.DeleteUser(ctx, id); err != nil {
		errs = append(errs, err)
	}
	if err := a.tokens.LogoutAll(ctx, id); err != nil {
		errs = append(errs, err)
	}
	if err := a.resetAccountAttempts(ctx, id); err != nil {
		errs = append(errs, err)
	}
	a.emit(ctx, ri, ActionDelete, OutcomeSuccess, "", id, "")
	a.sendMail(ctx, ri, id, Message{
		To: u.Email, Kind: MailAccountDeleted,
		Subject: a.appName + ": your account was deleted",
		Text:    deletedText(a.appName, u),
	})
	if len(errs) > 0 {
		return fmt.Errorf("auth: delete account: deleted, but: %w", errors.Join(errs...))
	}
	return nil
}

// SetRoles replaces user id's roles and facility (an administrator's
// action) and ends the user's sessions, so no token keeps the old roles.
func (a *Accounts) SetRoles(ctx context.Context, id string, roles []Role, facility string, ri RequestInfo) error {
	for _, r := range roles {
		if r == RoleOperator && facility == "" {
			return fmt.Errorf("%w: operator without a facility", ErrInvalidSubject)
		}
	}
	if err := a.users.UpdateRoles(ctx, id, roles, facility, a.storeTime()); err != nil {
		return fmt.Errorf("auth: set roles: %w", err)
	}
	if err := a.tokens.LogoutAll(ctx, id); err != nil {
		return fmt.Errorf("auth: set roles: %w", err)
	}
	a.emit(ctx, ri, ActionRolesChange, OutcomeSuccess, "", id, "")
	return nil
}
