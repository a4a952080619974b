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
		ExpiresIn: int64(time.Until(p.AccessExpiresAt).Round(time.Second).Seconds()), CSRFToken: p.CSRFToken,
		RefreshExpiresAt: p.RefreshExpiresAt,
	})
}

// accountError maps an account-flow error to the answer a client sees.
// Unexpected errors are logged and become a bare 500.
func (s *Server) accountError(w http.ResponseWriter, r *http.Request, err error) {
	var pe *password.PolicyError
	switch {
	case errors.As(err, &pe):
		writeError(w, r, badRequest("weak_password", pe.Error()))
	case errors.Is(err, accounts.ErrInvalidCredentials):
		writeError(w, r, &apiError{Status: http.StatusUnauthorized, Code: CodeBadCredentials, Detail: "invalid email or password"})
	case errors.Is(err, accounts.ErrInvalidCode):
		writeError(w, r, badRequest("invalid_code", "invalid or expired code"))
	case errors.Is(err, accounts.ErrInvalidResetToken):
		writeError(w, r, badRequest("invalid_token", "invalid or expired reset token"))
	case errors.Is(err, accounts.ErrTaken):
		writeError(w, r, &apiError{Status: http.StatusConflict, Code: CodeConflict, Detail: "email or username already in use"})
	case errors.Is(err, accounts.ErrThrottled):
		writeError(w, r, &apiError{Status: http.StatusTooManyRequests, Code: "rate_limited", Detail: "too many requests, try later"})
	case errors.Is(err, auth.ErrTokenInvalid):
		writeError(w, r, &apiError{Status: http.StatusUnauthorized, Code: "invalid_token", Detail: "invalid or expired token"})
	case errors.Is(err, password.ErrBusy):
		writeError(w, r, &apiError{Status: http.StatusServiceUnavailable, Code: CodeUnavailable, Detail: "busy, try again"})
	default:
		s.log.Error("server: account flow failed", "route", routeOf(r), "err", err)
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
	Detail string `json:"detail"`
	Ticket string `json:"ticket"`
}

func (s *Server) register(w http.ResponseWriter, r *http.Request) {
	var in registerRequest
	if e := s.decodeJSON(w, r, &in); e != nil {
		writeError(w, r, e)
		return
	}
	ticket, err := s.accounts.Register(r.Context(), accounts.Registration{Email: in.Email, Username: in.Username, FullName: in.FullName, Password: in.Password})
	if err != nil {
		s.accountError(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, registerResponse{Detail: "if the address can be registered, a code was sent to it", Ticket: ticket})
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
	p, err := s.accounts.VerifyEmail(r.Context(), in.Email, in.Ticket, in.Code)
	if err != nil {
		s.accountError(w, r, err)
		return
	}
	s.writePair(w, http.StatusCreated, p)
}

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
	p, err := s.accounts.Login(r.Context(), in.Email, in.Password, headers.ClientIP(r.Context()))
	if err != nil {
		s.accountError(w, r, err)
		return
	}
	s.writePair(w, http.StatusOK, p)
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
	if err := s.tokens.LogoutAll(r.Context(), c.Subject); err != nil {
		s.accountError(w, r, err)
		return
	}
	s.audit.Log(r.Context(), audit.Event{Action: audit.ActionLogout, Outcome: audit.OutcomeSuccess, Reason: "all_sessions", Actor: actorOf(c)})
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
	if err := s.accounts.ForgotPassword(r.Context(), in.Email); err != nil {
		s.accountError(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]string{"detail": "if the address belongs to an account, a reset link was sent to it"})
}

type resetRequest struct {
	Token       string `json:"token" validate:"required,max=256"`
	NewPassword string `json:"new_password" validate:"required,min=8,max=128"`
}

func (s *Server) resetPassword(w http.ResponseWriter, r *http.Request) {
	var in resetRequest
	if e := s.decodeJSON(w, r, &in); e != nil {
		writeError(w, r, e)
		return
	}
	if err := s.accounts.ResetPassword(r.Context(), in.Token, in.NewPassword); err != nil {
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
	p, err := s.accounts.ChangePassword(r.Context(), c.Subject, in.CurrentPassword, in.NewPassword)
	if err != nil {
		s.accountError(w, r, err)
		return
	}
	s.writePair(w, http.StatusOK, p)
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
	if err := s.accounts.DeleteAccount(r.Context(), c.Subject, in.Password); err != nil {
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
