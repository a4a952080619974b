package accounts

import (
	"context"
	"crypto/subtle"
	"errors"

	"github.com/autospot/autospot/audit"
	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/password"
)

// Registration is what a new driver submits.
type Registration struct {
	Email, Username, FullName, Password string
}

// Register checks the password policy, holds a pending registration and
// mails a 6-digit code. It returns a ticket to present with the code. An
// email or username already in use gets the same answer (a ticket that
// will never verify); the owner of the email is told by mail instead.
func (s *Service) Register(ctx context.Context, in Registration) (string, error) {
	email, username := Normalize(in.Email), Normalize(in.Username)
	if err := s.checkPolicy(in.Password, password.UserInfo{Email: email, Username: username, Name: in.FullName}); err != nil {
		return "", err
	}
	ticket, err := s.randomHex(16)
	if err != nil {
		return "", err
	}
	if s.throttled(ctx, "register:"+email) {
		return "", ErrThrottled
	}
	_, emailErr := s.c.Stores.Users.ByEmail(ctx, email)
	_, nameErr := s.c.Stores.Users.ByUsername(ctx, username)
	if emailErr == nil || nameErr == nil {
		s.c.Audit.Log(ctx, audit.Event{Action: audit.ActionRegister, Outcome: audit.OutcomeDenied, Reason: "taken", Actor: audit.Actor{ID: email}})
		if emailErr == nil {
			s.send(ctx, email, "AutoSpot: registration attempt",
				"Someone tried to register a new AutoSpot account with this address. If it was you, log in or reset your password.")
		}
		_, _ = s.c.Hasher.Hash(ctx, in.Password) // same work as the real path
		return ticket, nil
	}
	hash, err := s.c.Hasher.Hash(ctx, in.Password)
	if err != nil {
		return "", err
	}
	now := s.now()
	if err := s.c.Stores.Pending.Put(ctx, auth.PendingRegistration{
		Email: email, Ticket: ticket, Username: username, FullName: in.FullName,
		PasswordHash: hash, CreatedAt: now, ExpiresAt: now.Add(PendingTTL),
	}); err != nil {
		return "", err
	}
	code, err := s.code()
	if err != nil {
		return "", err
	}
	salt := []byte(ticket)
	if err := s.c.Stores.OTPs.Put(ctx, auth.OTP{
		Purpose: auth.PurposeRegistration, Subject: email, Binding: ticket, Salt: salt,
		Hash:      s.codeHash(auth.PurposeRegistration, email, salt, code),
		CreatedAt: now, ExpiresAt: now.Add(CodeTTL), MaxTries: CodeTries,
	}); err != nil {
		return "", err
	}
	s.send(ctx, email, "AutoSpot: your verification code", "Your AutoSpot verification code is "+code+". It expires in 10 minutes.")
	s.c.Audit.Log(ctx, audit.Event{Action: audit.ActionRegister, Outcome: audit.OutcomeSuccess, Reason: "pending", Actor: audit.Actor{ID: email}})
	return ticket, nil
}

// checkCode spends one try of the code for (purpose, subject) and
// consumes it when it matches.
func (s *Service) checkCode(ctx context.Context, purpose auth.OTPPurpose, subject, binding, code string) error {
	o, err := s.c.Stores.OTPs.Try(ctx, purpose, subject, s.now())
	if err != nil {
		if errors.Is(err, auth.ErrOTPNotFound) || errors.Is(err, auth.ErrOTPExhausted) {
			return ErrInvalidCode
		}
		return err
	}
	want := s.codeHash(purpose, subject, o.Salt, code)
	if subtle.ConstantTimeCompare(want, o.Hash) != 1 || subtle.ConstantTimeCompare([]byte(binding), []byte(o.Binding)) != 1 {
		return ErrInvalidCode
	}
	if err := s.c.Stores.OTPs.Consume(ctx, purpose, subject, o.Hash); err != nil {
		if errors.Is(err, auth.ErrOTPNotFound) {
			return ErrInvalidCode
		}
		return err
	}
	return nil
}

// VerifyEmail completes a registration with its ticket and code, creates
// the driver account and logs it in.
func (s *Service) VerifyEmail(ctx context.Context, email, ticket, code string) (auth.Pair, error) {
	email = Normalize(email)
	if err := s.checkCode(ctx, auth.PurposeRegistration, email, ticket, code); err != nil {
		s.c.Audit.Log(ctx, audit.Event{Action: audit.ActionOTPVerify, Outcome: audit.OutcomeFailure, Reason: "invalid_code", Actor: audit.Actor{ID: email}})
		return auth.Pair{}, err
	}
	p, err := s.c.Stores.Pending.Take(ctx, email, ticket, s.now())
	if err != nil {
		if errors.Is(err, auth.ErrPendingNotFound) {
			return auth.Pair{}, ErrInvalidCode
		}
		return auth.Pair{}, err
	}
	id, err := s.NewUserID()
	if err != nil {
		return auth.Pair{}, err
	}
	now := s.now()
	u := auth.User{ID: id, Email: p.Email, Username: p.Username, FullName: p.FullName, PasswordHash: p.PasswordHash,
		Roles: []auth.Role{auth.RoleDriver}, CreatedAt: now, UpdatedAt: now}
	if err := s.c.Stores.Users.Create(ctx, u); err != nil {
		if errors.Is(err, auth.ErrEmailTaken) || errors.Is(err, auth.ErrUsernameTaken) {
			return auth.Pair{}, ErrInvalidCode
		}
		return auth.Pair{}, err
	}
	s.c.Audit.Log(ctx, audit.Event{Action: audit.ActionOTPVerify, Outcome: audit.OutcomeSuccess, Actor: audit.Actor{ID: id, Role: string(auth.RoleDriver)}, Target: "user:" + id})
	return s.c.Tokens.IssuePair(ctx, auth.Subject{ID: u.ID, Roles: u.Roles})
}

// NewUser is an account created directly (administrators, operators).
type NewUser struct {
	Email, Username, FullName, Password string
	Roles                               []auth.Role
	Facility                            string
}

// CreateUser creates an account without an email code: for the admin
// command and for administrators provisioning operators. The password
// policy still applies.
func (s *Service) CreateUser(ctx context.Context, in NewUser) (auth.User, error) {
	email, username := Normalize(in.Email), Normalize(in.Username)
	if err := s.checkPolicy(in.Password, password.UserInfo{Email: email, Username: username, Name: in.FullName}); err != nil {
		return auth.User{}, err
	}
	hash, err := s.c.Hasher.Hash(ctx, in.Password)
	if err != nil {
		return auth.User{}, err
	}
	id, err := s.NewUserID()
	if err != nil {
		return auth.User{}, err
	}
	now := s.now()
	u := auth.User{ID: id, Email: email, Username: username, FullName: in.FullName, PasswordHash: hash,
		Roles: in.Roles, Facility: in.Facility, CreatedAt: now, UpdatedAt: now}
	if err := s.c.Stores.Users.Create(ctx, u); err != nil {
		if errors.Is(err, auth.ErrEmailTaken) || errors.Is(err, auth.ErrUsernameTaken) {
			return auth.User{}, ErrTaken
		}
		return auth.User{}, err
	}
	return u, nil
}
