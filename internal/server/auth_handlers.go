package server

import (
	"errors"
	"net/http"
	"time"

	"github.com/autospot/autospot/audit"
	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/headers"
	"github.com/autospot/autospot/internal/accounts"
	"github.com/autospot/autospot/password"
)

// tokenResponse is the body of every response that issues tokens.
type tokenResponse struct {
	AccessToken      string    `json:"access_token"`
	RefreshToken     string    `json:"refresh_token"`
	TokenType        string    `json:"token_type"`
	ExpiresIn        int64     `json:"expires_in"`
	CSRFToken        string    `json:"csrf_token"`
	RefreshExpiresAt time.Time `json:"refresh_expires_at"`
}

func (s *Server) writePair(w http.ResponseWriter, status int, p auth.Pair) {
	writeJSON(w, status, tokenResponse{
		AccessToken: p.AccessToken, RefreshToken: p.RefreshToken, TokenType: p.TokenType(),
		ExpiresIn: int64(p.AccessExpiresAt.Sub(s.now()).Round(time.Second).Seconds()), CSRFToken: p.CSRFToken,
		RefreshExpiresAt: p.RefreshExpiresAt,
	})
}

// maxUserAgent bounds the user agent passed into audit events.
const maxUserAgent = 256

// requestInfo is what the account flows record about a request: the
// client address from the trusted resolver, never a raw header.
func requestInfo(r *http.Request) auth.RequestInfo {
	ua := r.UserAgent()
	if len(ua) > maxUserAgent {
		ua = ua[:maxUserAgent]
	}
	return auth.RequestInfo{IP: headers.ClientIP(r.Context()), UserAgent: ua, RequestID: headers.RequestID(r.Context())}
}

// accountError maps an account-flow error to the answer a client sees.
// Unexpected errors are logged and become a bare 500.
func (s *Server) accountError(w http.ResponseWriter, r *http.Request, err error) {
	var (
		pe *password.PolicyError
		ve *auth.ValidationError
	)
	switch {
	case errors.As(err, &pe):
		writeError(w, r, badRequest("weak_password", pe.Error()))
	case errors.As(err, &ve) && (ve.Has("password", "policy") || ve.Has("new_password", "policy")):
		writeError(w, r, badRequest("weak_password", ve.Error()))
	case errors.As(err, &ve):
		writeError(w, r, badRequest(CodeValidation, ve.Error()))
	case errors.Is(err, auth.ErrInvalidInput), errors.Is(err, auth.ErrInvalidSubject):
		writeError(w, r, badRequest(CodeValidation, "invalid request"))
	case errors.Is(err, auth.ErrInvalidCredentials):
		writeError(w, r, &apiError{Status: http.StatusUnauthorized, Code: CodeBadCredentials, Detail: "invalid credentials"})
	case errors.Is(err, auth.ErrInvalidCode):
		writeError(w, r, badRequest("invalid_code", "invalid or expired code"))
	case errors.Is(err, auth.ErrInvalidResetToken):
		writeError(w, r, badRequest("invalid_token", "invalid or expired reset link"))
	case errors.Is(err, accounts.ErrTaken):
		writeError(w, r, &apiError{Status: http.StatusConflict, Code: CodeConflict, Detail: "email or username already in use"})
	case errors.Is(err, auth.ErrTooManyRequests):
		writeError(w, r, &apiError{Status: http.StatusTooManyRequests, Code: "rate_limited", Detail: "too many requests, try later"})
	case errors.Is(err, auth.ErrUserNotFound):
		writeError(w, r, &apiError{Status: http.StatusNotFound, Code: CodeNotFound, Detail: "user not found"})
	case errors.Is(err, auth.ErrTokenInvalid):
		writeError(w, r, &apiError{Status: http.StatusUnauthorized, Code: "invalid_token", Detail: "invalid or expired token"})
	case errors.Is(err, password.ErrBusy):
		writeError(w, r, &apiError{Status: http.StatusServiceUnavailable, Code: CodeUnavailable, Detail: "busy, try again"})
	default:
		s.log.Error("server: request failed", "route", routeOf(r), "err", err)
		writeError(w, r, &apiError{Status: http.StatusInternalServerError, Code: CodeInternal, Detail: "internal server error"})
	}
}

type registerRequest struct {
	Email    string `json:"email" validate:"required,email,max=254"`
	Username string `json:"username" validate:"required,min=3,max=30,alphanumunderscore"`
	Password string `json:"password" validate:"required,min=8,max=128"`
	FullName string `json:"full_name" validate:"required,min=2,max=100"`
}

type registerResponse struct {
	Detail        string    `json:"detail"`
	Ticket        string    `json:"ticket"`
	ExpiresAt     time.Time `json:"expires_at"`
	CodeExpiresAt time.Time `json:"code_expires_at"`
}

func (s *Server) register(w http.ResponseWriter, r *http.Request) {
	var in registerRequest
	if e := s.decodeJSON(w, r, &in); e != nil {
		writeError(w, r, e)
		return
	}
	reg, err := s.accounts.Register(r.Context(), auth.RegisterRequest{Email: in.Email, Username: in.Username, FullName: in.FullName, Password: in.Password}, requestInfo(r))
	if err != nil {
		s.accountError(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, registerResponse{Detail: "a code was sent to the address if it can be registered",
		Ticket: reg.Ticket, ExpiresAt: reg.ExpiresAt, CodeExpiresAt: reg.CodeExpiresAt})
}

type resendRequest struct {
	Email  string `json:"email" validate:"required,email,max=254"`
	Ticket string `json:"ticket" validate:"required,max=128"`
}

func (s *Server) resendCode(w http.ResponseWriter, r *http.Request) {
	var in resendRequest
	if e := s.decodeJSON(w, r, &in); e != nil {
		writeError(w, r, e)
		return
	}
	if err := s.accounts.ResendCode(r.Context(), in.Email, in.Ticket, requestInfo(r)); err != nil {
		s.accountError(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]string{"detail": "a new code was sent if the registration is pending"})
}

type verifyRequest struct {
	Email  string `json:"email" validate:"required,email,max=254"`
	Ticket string `json:"ticket" validate:"required,max=128"`
	Code   string `json:"code" validate:"required,len=6,numeric"`
}

func (s *Server) verifyEmail(w http.ResponseWriter, r *http.Request) {
	var in verifyRequest
	if e := s.decodeJSON(w, r, &in); e != nil {
		writeError(w, r, e)
		return
	}
	sess, err := s.accounts.VerifyEmail(r.Context(), auth.VerifyEmailRequest{Email: in.Email, Ticket: in.Ticket, Code: in.Code}, requestInfo(r))
	if err != nil {
		s.accountError(w, r, err)
		return
	}
	s.writePair(w, http.StatusCreated, sess.Pair)
}

// loginRequest takes the seed's email, or a username.
type loginRequest struct {
	Email    string `json:"email" validate:"required,max=254"`
	Password string `json:"password" validate:"required,max=1024"`
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	var in loginRequest
	if e := s.decodeJSON(w, r, &in); e != nil {
		writeError(w, r, e)
		return
	}
	sess, err := s.accounts.Login(r.Context(), auth.LoginRequest{Identifier: in.Email, Password: in.Password}, requestInfo(r))
	if err != nil {
		s.accountError(w, r, err)
		return
	}
	s.writePair(w, http.StatusOK, sess.Pair)
}

type refreshRequest struct {
	RefreshToken string `json:"refresh_token" validate:"required,max=8192"`
}

func (s *Server) refresh(w http.ResponseWriter, r *http.Request) {
	var in refreshRequest
	if e := s.decodeJSON(w, r, &in); e != nil {
		writeError(w, r, e)
		return
	}
	p, err := s.tokens.Refresh(r.Context(), in.RefreshToken)
	if err != nil {
		reason := "invalid_token"
		if errors.Is(err, auth.ErrRefreshReused) {
			reason = "reuse_detected"
		}
		s.audit.Log(r.Context(), audit.Event{Action: audit.ActionTokenRefresh, Outcome: audit.OutcomeFailure, Reason: reason})
		s.accountError(w, r, err)
		return
	}
	s.writePair(w, http.StatusOK, p)
}

// logout ends the session of the presented access token: its refresh
// family and, through the revocation store, the access token itself.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	c, _ := auth.ClaimsFrom(r.Context())
	if err := s.tokens.LogoutSession(r.Context(), c.Session); err != nil {
		s.accountError(w, r, err)
		return
	}
	s.audit.Log(r.Context(), audit.Event{Action: audit.ActionLogout, Outcome: audit.OutcomeSuccess, Actor: actorOf(c)})
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) logoutAll(w http.ResponseWriter, r *http.Request) {
	c, _ := auth.ClaimsFrom(r.Context())
	if err := s.accounts.LogoutAll(r.Context(), c.Subject, requestInfo(r)); err != nil {
		s.accountError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

type forgotRequest struct {
	Email string `json:"email" validate:"required,email,max=254"`
}

func (s *Server) forgotPassword(w http.ResponseWriter, r *http.Request) {
	var in forgotRequest
	if e := s.decodeJSON(w, r, &in); e != nil {
		writeError(w, r, e)
		return
	}
	if err := s.accounts.RequestPasswordReset(r.Context(), in.Email, requestInfo(r)); err != nil {
		s.accountError(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]string{"detail": "if the address belongs to an account, a reset link was sent to it"})
}

// resetRequest takes either the link's token, or the email and the code
// from the same mail.
type resetRequest struct {
	Token       string `json:"token" validate:"required_without=Code,omitempty,max=256"`
	Email       string `json:"email" validate:"required_with=Code,omitempty,email,max=254"`
	Code        string `json:"code" validate:"omitempty,len=6,numeric"`
	NewPassword string `json:"new_password" validate:"required,min=8,max=128"`
}

func (s *Server) resetPassword(w http.ResponseWriter, r *http.Request) {
	var in resetRequest
	if e := s.decodeJSON(w, r, &in); e != nil {
		writeError(w, r, e)
		return
	}
	var err error
	if in.Token != "" {
		err = s.accounts.ResetPassword(r.Context(), auth.ResetPasswordRequest{Token: in.Token, NewPassword: in.NewPassword}, requestInfo(r))
	} else {
		err = s.accounts.ResetPasswordWithCode(r.Context(), auth.ResetWithCodeRequest{Email: in.Email, Code: in.Code, NewPassword: in.NewPassword}, requestInfo(r))
	}
	if err != nil {
		s.accountError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"detail": "password changed; every session was signed out"})
}

type changeRequest struct {
	CurrentPassword string `json:"current_password" validate:"required,max=1024"`
	NewPassword     string `json:"new_password" validate:"required,min=8,max=128"`
}

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) {
	c, _ := auth.ClaimsFrom(r.Context())
	var in changeRequest
	if e := s.decodeJSON(w, r, &in); e != nil {
		writeError(w, r, e)
		return
	}
	sess, err := s.accounts.ChangePassword(r.Context(), auth.ChangePasswordRequest{UserID: c.Subject, CurrentPassword: in.CurrentPassword, NewPassword: in.NewPassword}, requestInfo(r))
	if err != nil {
		s.accountError(w, r, err)
		return
	}
	s.writePair(w, http.StatusOK, sess.Pair)
}

type deleteRequest struct {
	Password string `json:"password" validate:"required,max=1024"`
}

func (s *Server) deleteAccount(w http.ResponseWriter, r *http.Request) {
	c, _ := auth.ClaimsFrom(r.Context())
	var in deleteRequest
	if e := s.decodeJSON(w, r, &in); e != nil {
		writeError(w, r, e)
		return
	}
	if err := s.accounts.DeleteAccount(r.Context(), c.Subject, in.Password, requestInfo(r)); err != nil {
		s.accountError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func actorOf(c *auth.Claims) audit.Actor {
	if c == nil {
		return audit.Actor{}
	}
	role := ""
	if len(c.Roles) > 0 {
		role = string(c.Roles[0])
	}
	return audit.Actor{ID: c.Subject, Role: role}
}
