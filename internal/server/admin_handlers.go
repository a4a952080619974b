package server

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/autospot/autospot/audit"
	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/internal/accounts"
)

type createOperatorRequest struct {
	Email    string `json:"email" validate:"required,email,max=254"`
	Username string `json:"username" validate:"required,min=3,max=30,alphanumunderscore"`
	FullName string `json:"full_name" validate:"required,min=2,max=100"`
	Password string `json:"password" validate:"required,min=8,max=128"`
	Facility string `json:"facility" validate:"required,min=1,max=64,alphanumunderscore"`
}

// createOperator provisions an operator account scoped to one facility.
func (s *Server) createOperator(w http.ResponseWriter, r *http.Request) {
	c, _ := auth.ClaimsFrom(r.Context())
	var in createOperatorRequest
	if e := s.decodeJSON(w, r, &in); e != nil {
		writeError(w, r, e)
		return
	}
	u, err := s.provisioner.CreateUser(r.Context(), accounts.NewUser{
		Email: in.Email, Username: in.Username, FullName: in.FullName, Password: in.Password,
		Roles: []auth.Role{auth.RoleOperator}, Facility: in.Facility,
	})
	if err != nil {
		s.accountError(w, r, err)
		return
	}
	s.audit.SensitiveOperation(r.Context(), actorOf(c), "operator.create", "user:"+u.ID)
	writeJSON(w, http.StatusCreated, viewOf(u))
}

type userPage struct {
	Users []userView `json:"users"`
	Next  string     `json:"next,omitempty"`
}

// listUsers pages through users; role is an exact role. Emails are stored
// as a blind index (auth.EmailProtectedUsers), so a search containing "@"
// finds the one account with exactly that address (case and surrounding
// spaces ignored), and any other search is a literal, case-insensitive
// substring of the username or full name (the stores quote it).
func (s *Server) listUsers(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, _ := strconv.Atoi(q.Get("limit"))
	search := q.Get("search")
	if len(search) > 100 || len(q.Get("after")) > 128 {
		writeError(w, r, badRequest(CodeValidation, "search or cursor too long"))
		return
	}
	role := auth.Role(q.Get("role"))
	switch role {
	case "", auth.RoleDriver, auth.RoleOperator, auth.RoleAdmin:
	default:
		writeError(w, r, badRequest(CodeValidation, "unknown role"))
		return
	}
	page, err := s.users.List(r.Context(), auth.UserQuery{Search: search, Role: role, After: q.Get("after"), Limit: limit})
	if err != nil {
		s.accountError(w, r, err)
		return
	}
	out := userPage{Users: make([]userView, 0, len(page.Users)), Next: page.Next}
	for _, u := range page.Users {
		out.Users = append(out.Users, viewOf(u))
	}
	writeJSON(w, http.StatusOK, out)
}

// userFromPath loads the {id} user or answers 404.
func (s *Server) userFromPath(w http.ResponseWriter, r *http.Request) (auth.User, bool) {
	u, err := s.users.ByID(r.Context(), r.PathValue("id"))
	if err != nil {
		if errors.Is(err, auth.ErrUserNotFound) {
			writeError(w, r, &apiError{Status: http.StatusNotFound, Code: CodeNotFound, Detail: "user not found"})
		} else {
			s.accountError(w, r, err)
		}
		return auth.User{}, false
	}
	return u, true
}

func (s *Server) getUser(w http.ResponseWriter, r *http.Request) {
	if u, ok := s.userFromPath(w, r); ok {
		writeJSON(w, http.StatusOK, viewOf(u))
	}
}

type lockRequest struct {
	// Until is when the lock ends; empty locks for 100 years.
	Until *time.Time `json:"until"`
}

// lockUser locks an account and ends its sessions at once.
func (s *Server) lockUser(w http.ResponseWriter, r *http.Request) {
	c, _ := auth.ClaimsFrom(r.Context())
	u, ok := s.userFromPath(w, r)
	if !ok {
		return
	}
	var in lockRequest
	if r.ContentLength != 0 {
		if e := s.decodeJSON(w, r, &in); e != nil {
			writeError(w, r, e)
			return
		}
	}
	now := s.now().UTC()
	until := now.AddDate(100, 0, 0)
	if in.Until != nil {
		if !in.Until.After(now) {
			writeError(w, r, badRequest(CodeValidation, "until must be in the future"))
			return
		}
		until = in.Until.UTC()
	}
	if err := s.accounts.Lock(r.Context(), u.ID, until, requestInfo(r)); err != nil {
		s.accountError(w, r, err)
		return
	}
	s.audit.SensitiveOperation(r.Context(), actorOf(c), "user.lock", "user:"+u.ID)
	u.LockedUntil = until
	writeJSON(w, http.StatusOK, viewOf(u))
}

func (s *Server) unlockUser(w http.ResponseWriter, r *http.Request) {
	c, _ := auth.ClaimsFrom(r.Context())
	u, ok := s.userFromPath(w, r)
	if !ok {
		return
	}
	if err := s.accounts.Unlock(r.Context(), u.ID, requestInfo(r)); err != nil {
		s.accountError(w, r, err)
		return
	}
	s.audit.SensitiveOperation(r.Context(), actorOf(c), "user.unlock", "user:"+u.ID)
	u.LockedUntil = time.Time{}
	writeJSON(w, http.StatusOK, viewOf(u))
}

type rolesRequest struct {
	Roles    []auth.Role `json:"roles" validate:"required,min=1,max=3,dive,oneof=driver operator admin"`
	Facility string      `json:"facility" validate:"omitempty,max=64,alphanumunderscore"`
}

// setRoles replaces a user's roles and revokes every session, so the
// change holds from the next request, not at token expiry.
func (s *Server) setRoles(w http.ResponseWriter, r *http.Request) {
	c, _ := auth.ClaimsFrom(r.Context())
	u, ok := s.userFromPath(w, r)
	if !ok {
		return
	}
	var in rolesRequest
	if e := s.decodeJSON(w, r, &in); e != nil {
		writeError(w, r, e)
		return
	}
	operator := false
	for _, role := range in.Roles {
		operator = operator || role == auth.RoleOperator
	}
	if operator != (in.Facility != "") {
		writeError(w, r, badRequest(CodeValidation, "facility is required for operators and only for them"))
		return
	}
	if err := s.accounts.SetRoles(r.Context(), u.ID, in.Roles, in.Facility, requestInfo(r)); err != nil {
		s.accountError(w, r, err)
		return
	}
	s.audit.SensitiveOperation(r.Context(), actorOf(c), "user.roles", "user:"+u.ID)
	u.Roles, u.Facility = in.Roles, in.Facility
	writeJSON(w, http.StatusOK, viewOf(u))
}

type auditRecord struct {
	Seq     uint64          `json:"seq"`
	Time    time.Time       `json:"time"`
	Action  string          `json:"action"`
	Outcome audit.Outcome   `json:"outcome"`
	Actor   string          `json:"actor"`
	Record  json.RawMessage `json:"record"`
}

type auditPage struct {
	Records []auditRecord `json:"records"`
	Next    uint64        `json:"next,omitempty"`
}

// queryAudit pages through the stored audit trail.
func (s *Server) queryAudit(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	q := audit.Query{Actor: v.Get("actor"), Action: v.Get("action"), Outcome: audit.Outcome(v.Get("outcome")), Descending: v.Get("desc") == "1"}
	var err error
	parseTime := func(name string, dst *time.Time) {
		if s := v.Get(name); s != "" && err == nil {
			*dst, err = time.Parse(time.RFC3339, s)
		}
	}
	parseTime("since", &q.Since)
	parseTime("until", &q.Until)
	if c := v.Get("cursor"); c != "" && err == nil {
		q.Cursor, err = strconv.ParseUint(c, 10, 64)
	}
	if l := v.Get("limit"); l != "" && err == nil {
		q.Limit, err = strconv.Atoi(l)
	}
	if err != nil {
		writeError(w, r, badRequest(CodeValidation, "since/until must be RFC 3339; cursor and limit integers"))
		return
	}
	page, err := s.trail.Query(r.Context(), q)
	if err != nil {
		s.accountError(w, r, err)
		return
	}
	out := auditPage{Records: make([]auditRecord, 0, len(page.Records)), Next: page.Next}
	for _, rec := range page.Records {
		out.Records = append(out.Records, auditRecord{Seq: rec.Seq, Time: rec.Time, Action: rec.Action, Outcome: rec.Outcome, Actor: rec.Actor, Record: rec.Data})
	}
	writeJSON(w, http.StatusOK, out)
}

type verifyResponse struct {
	OK     bool   `json:"ok"`
	Head   uint64 `json:"head"`
	Broken uint64 `json:"broken_at,omitempty"`
	Reason string `json:"reason,omitempty"`
}

// verifyAudit walks the whole hash chain.
func (s *Server) verifyAudit(w http.ResponseWriter, r *http.Request) {
	link, err := s.auditChain.Verify(r.Context(), s.trail, 1, 0)
	var ce *audit.ChainError
	switch {
	case errors.As(err, &ce):
		writeJSON(w, http.StatusOK, verifyResponse{OK: false, Broken: ce.Seq, Reason: string(ce.Reason)})
	case err != nil:
		s.accountError(w, r, err)
	default:
		writeJSON(w, http.StatusOK, verifyResponse{OK: true, Head: link.Seq})
	}
}
