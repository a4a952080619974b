package auth

import (
	"context"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"
)

// RegisterRequest is a registration form. Email is trimmed and lower-cased;
// Username is unique without regard to case and stored lower-cased;
// FullName is trimmed. Password is checked by the password policy, with
// the other three fields as the user's details.
type RegisterRequest struct {
	Email    string
	Username string
	FullName string
	Password string
}

// Registration is the answer to [Accounts.Register]: the same shape and
// kind of content whether or not the email or username was free. Hand
// Ticket to the client: it must come back, with the emailed code, to
// [Accounts.VerifyEmail].
type Registration struct {
	Ticket string
	// ExpiresAt is when the registration lapses; CodeExpiresAt when the
	// current code does.
	ExpiresAt     time.Time
	CodeExpiresAt time.Time
}

// VerifyEmailRequest completes a registration.
type VerifyEmailRequest struct {
	Email  string
	Ticket string
	Code   string
}

const ticketBytes = 16

// randomToken returns n random bytes as unpadded base64url.
func (a *Accounts) randomToken(n int) (string, error) {
	b := make([]byte, n)
	if _, err := io.ReadFull(a.rand, b); err != nil {
		return "", fmt.Errorf("auth: read random: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func sendKey(email string) string { return "mail:registration:" + email }

// throttleSend reserves one email under key, or returns
// ErrTooManyRequests: at most limit per window and, when enforceGap, none
// within a.resendGap of the previous one. Sends that do not enforce the gap
// (a new registration must never be blocked by an earlier one) still start
// it.
func (a *Accounts) throttleSend(ctx context.Context, key string, limit int, window time.Duration, enforceGap bool, now time.Time) error {
	gapKey := key + ":gap"
	if enforceGap {
		st, err := a.attempts.Reserve(ctx, gapKey, 1, a.resendGap, now)
		if err != nil {
			return fmt.Errorf("auth: throttle: %w", err)
		}
		if !st.Allowed {
			return ErrTooManyRequests
		}
	}
	st, err := a.attempts.Reserve(ctx, key, limit, window, now)
	if err != nil {
		return fmt.Errorf("auth: throttle: %w", err)
	}
	if !st.Allowed {
		return ErrTooManyRequests
	}
	if !enforceGap {
		if _, err := a.attempts.Reserve(ctx, gapKey, 1, a.resendGap, now); err != nil {
			return fmt.Errorf("auth: throttle: %w", err)
		}
	}
	return nil
}

// Register validates a registration, holds it as pending (not a user yet:
// it reserves neither email nor username, and a later registration for the
// same email replaces it) and emails a 6-digit code to the address.
//
// A registration for an email that already has an account gets the same
// answer, and the same work is done, but the owner is emailed a notice
// instead of a code. A taken username is likewise told only to the owner
// of the registering email, by email. So the answer never reveals which
// emails or usernames exist.
//
// Errors: a *ValidationError (matching [ErrInvalidInput]),
// [ErrTooManyRequests] when registration emails to this address come too
// fast, others for server trouble.
func (a *Accounts) Register(ctx context.Context, req RegisterRequest, ri RequestInfo) (Registration, error) {
	if err := a.validateRegistration(&req); err != nil {
		a.emit(ctx, ri, ActionRegister, OutcomeFailure, reasonInvalidInput, "", req.Email)
		return Registration{}, err
	}
	if a.isClosed() {
		return Registration{}, ErrAccountsClosed
	}
	now := a.storeTime()
	key := a.emailKey(req.Email)
	if err := a.throttleSend(ctx, sendKey(key), a.registerLimit, a.resendWindow, false, now); err != nil {
		a.emit(ctx, ri, ActionRegister, OutcomeDenied, reasonThrottled, "", req.Email)
		return Registration{}, err
	}
	hash, err := a.hasher.Hash(ctx, req.Password)
	if err != nil {
		a.emit(ctx, ri, ActionRegister, OutcomeFailure, reasonInternal, "", req.Email)
		return Registration{}, fmt.Errorf("auth: register: hash password: %w", err)
	}
	ticket, err := a.randomToken(ticketBytes)
	if err != nil {
		return Registration{}, err
	}
	p := PendingRegistration{
		Email:        key,
		Ticket:       ticket,
		Username:     req.Username,
		FullName:     req.FullName,
		PasswordHash: hash,
		CreatedAt:    now,
		ExpiresAt:    now.Add(a.pendingTTL),
	}
	if err := a.pending.Put(ctx, p); err != nil {
		return Registration{}, fmt.Errorf("auth: register: %w", err)
	}
	reg, err := a.sendRegistrationCode(ctx, ri, p, req.Email, now)
	if err != nil {
		a.emit(ctx, ri, ActionRegister, OutcomeFailure, reasonInternal, "", req.Email)
		return Registration{}, err
	}
	return reg, nil
}

// sendRegistrationCode issues a code for p and emails it to addr, or the
// notice that replaces it for a taken email or username. Both branches do
// the same store work. addr is the normalised address the client
// presented: p.Email is only its key (see [WithEmailProtection]).
func (a *Accounts) sendRegistrationCode(ctx context.Context, ri RequestInfo, p PendingRegistration, addr string, now time.Time) (Registration, error) {
	code, err := a.issueOTP(ctx, PurposeRegistration, p.Email, p.Ticket, now)
	if err != nil {
		return Registration{}, err
	}
	owner, errE := a.users.ByEmail(ctx, addr)
	_, errU := a.users.ByUsername(ctx, p.Username)
	if errE != nil && !errors.Is(errE, ErrUserNotFound) {
		return Registration{}, fmt.Errorf("auth: register: %w", errE)
	}
	if errU != nil && !errors.Is(errU, ErrUserNotFound) {
		return Registration{}, fmt.Errorf("auth: register: %w", errU)
	}
	reg := Registration{Ticket: p.Ticket, ExpiresAt: p.ExpiresAt, CodeExpiresAt: now.Add(a.otpTTL)}
	switch {
	case errE == nil:
		a.emit(ctx, ri, ActionRegister, OutcomeDenied, reasonDuplicateEmail, owner.ID, addr)
		a.sendMail(ctx, ri, owner.ID, Message{
			To: addr, Kind: MailAlreadyExists,
			Subject: a.appName + ": someone tried to register with your email",
			Text:    alreadyRegisteredText(a.appName, owner, ri, a.resetURL.String()),
		})
	case errU == nil:
		a.emit(ctx, ri, ActionRegister, OutcomeDenied, reasonDuplicateName, "", addr)
		a.sendMail(ctx, ri, "", Message{
			To: addr, Kind: MailUsernameTaken,
			Subject: a.appName + ": choose another username",
			Text:    usernameTakenText(a.appName, p.Username),
		})
	default:
		a.emit(ctx, ri, ActionRegister, OutcomeSuccess, "", "", addr)
		a.sendMail(ctx, ri, "", Message{
			To: addr, Kind: MailVerifyCode,
			Subject: a.appName + ": your verification code",
			Text:    verifyCodeText(a.appName, code, a.otpTTL),
		})
	}
	return reg, nil
}

// ResendCode emails a fresh registration code (the previous one stops
// working) if a registration with this ticket is pending for email. It
// returns nil whether or not one is, [ErrTooManyRequests] if codes to
// this address are requested too fast.
func (a *Accounts) ResendCode(ctx context.Context, email, ticket string, ri RequestInfo) error {
	email = NormalizeEmail(email)
	if len(email) > MaxEmailLen || email == "" {
		return nil
	}
	if a.isClosed() {
		return ErrAccountsClosed
	}
	now := a.storeTime()
	key := a.emailKey(email)
	if err := a.throttleSend(ctx, sendKey(key), a.registerLimit, a.resendWindow, true, now); err != nil {
		a.emit(ctx, ri, ActionResendCode, OutcomeDenied, reasonThrottled, "", email)
		return err
	}
	p, err := a.pending.Get(ctx, key, now)
	if errors.Is(err, ErrPendingNotFound) || (err == nil && subtle.ConstantTimeCompare([]byte(p.Ticket), []byte(ticket)) != 1) {
		a.emit(ctx, ri, ActionResendCode, OutcomeFailure, "no_pending_registration", "", email)
		return nil
	}
	if err != nil {
		return fmt.Errorf("auth: resend code: %w", err)
	}
	if _, err := a.sendRegistrationCode(ctx, ri, p, email, now); err != nil {
		return err
	}
	a.emit(ctx, ri, ActionResendCode, OutcomeSuccess, "", "", email)
	return nil
}

// VerifyEmail completes a registration: it checks the emailed code (bound
// to the email, the registration's ticket and the registration purpose;
// at most 5 tries; single use), turns the pending registration into a user
// with the default roles, and logs the user in.
//
// Errors: [ErrInvalidCode] for any wrong, expired, used or replaced code or
// ticket; ErrUsernameTaken if the username was taken since registering
// (register again with another); other errors for server trouble.
func (a *Accounts) VerifyEmail(ctx context.Context, req VerifyEmailRequest, ri RequestInfo) (Session, error) {
	email := NormalizeEmail(req.Email)
	if email == "" || len(email) > MaxEmailLen || req.Ticket == "" || len(req.Ticket) > 64 {
		a.emit(ctx, ri, ActionVerifyEmail, OutcomeFailure, reasonInvalidCode, "", email)
		return Session{}, ErrInvalidCode
	}
	now := a.storeTime()
	key := a.emailKey(email)
	if err := a.checkOTP(ctx, PurposeRegistration, key, req.Ticket, req.Code, now); err != nil {
		if errors.Is(err, ErrInvalidCode) {
			a.emit(ctx, ri, ActionVerifyEmail, OutcomeFailure, reasonInvalidCode, "", email)
		}
		return Session{}, err
	}
	p, err := a.pending.Take(ctx, key, req.Ticket, now)
	if errors.Is(err, ErrPendingNotFound) {
		a.emit(ctx, ri, ActionVerifyEmail, OutcomeFailure, reasonInvalidCode, "", email)
		return Session{}, ErrInvalidCode
	}
	if err != nil {
		return Session{}, fmt.Errorf("auth: verify email: %w", err)
	}
	id, err := a.randomToken(16)
	if err != nil {
		return Session{}, err
	}
	u := User{
		ID: id,
		// p.Email is only the key under email protection; the address
		// is the one the code was sent to, which the client presented
		// again (equal key, so equal after normalisation).
		Email:        email,
		Username:     p.Username,
		FullName:     p.FullName,
		PasswordHash: p.PasswordHash,
		Roles:        slices.Clone(a.rawRoles),
		CreatedAt:    now,
		UpdatedAt:    now,
	}
	if err := a.users.Create(ctx, u); err != nil {
		switch {
		case errors.Is(err, ErrUsernameTaken):
			a.emit(ctx, ri, ActionVerifyEmail, OutcomeFailure, reasonDuplicateName, "", email)
			return Session{}, fmt.Errorf("auth: verify email: %w", ErrUsernameTaken)
		case errors.Is(err, ErrEmailTaken):
			a.emit(ctx, ri, ActionVerifyEmail, OutcomeFailure, reasonDuplicateEmail, "", email)
			return Session{}, fmt.Errorf("auth: verify email: %w", ErrEmailTaken)
		}
		return Session{}, fmt.Errorf("auth: verify email: create user: %w", err)
	}
	a.emit(ctx, ri, ActionVerifyEmail, OutcomeSuccess, "", u.ID, email)
	pair, err := a.tokens.IssuePair(ctx, Subject{ID: u.ID, Roles: slices.Clone(u.Roles), Facility: u.Facility})
	if err != nil {
		return Session{}, fmt.Errorf("auth: verify email: issue tokens: %w", err)
	}
	return Session{User: u, Pair: pair}, nil
}
