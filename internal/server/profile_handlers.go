package server

import (
	"errors"
	"net/http"
	"time"

	"github.com/autospot/autospot/audit"
	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/internal/profile"
)

// userView is what the API shows of an account: never the password hash.
type userView struct {
	ID          string      `json:"id"`
	Email       string      `json:"email"`
	Username    string      `json:"username"`
	FullName    string      `json:"full_name"`
	Roles       []auth.Role `json:"roles"`
	Facility    string      `json:"facility,omitempty"`
	CreatedAt   time.Time   `json:"created_at"`
	UpdatedAt   time.Time   `json:"updated_at"`
	LockedUntil *time.Time  `json:"locked_until,omitempty"`
}

func viewOf(u auth.User) userView {
	v := userView{ID: u.ID, Email: u.Email, Username: u.Username, FullName: u.FullName, Roles: u.Roles,
		Facility: u.Facility, CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt}
	if v.Roles == nil {
		v.Roles = []auth.Role{}
	}
	if !u.LockedUntil.IsZero() {
		t := u.LockedUntil
		v.LockedUntil = &t
	}
	return v
}

type profileResponse struct {
	User    userView        `json:"user"`
	Profile profile.Profile `json:"profile"`
}

func (s *Server) getProfile(w http.ResponseWriter, r *http.Request) {
	c, _ := auth.ClaimsFrom(r.Context())
	u, err := s.users.ByID(r.Context(), c.Subject)
	if err != nil {
		if errors.Is(err, auth.ErrUserNotFound) {
			writeError(w, r, &apiError{Status: http.StatusNotFound, Code: CodeNotFound, Detail: "account not found"})
			return
		}
		s.accountError(w, r, err)
		return
	}
	p, err := s.profiles.Get(r.Context(), u.ID)
	if err != nil {
		s.accountError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, profileResponse{User: viewOf(u), Profile: p})
}

// profileRequest is PUT /auth/profile. The three profile fields are
// replaced together (an empty or absent one is cleared); full_name,
// when present, changes the account's name (2–100 printable
// characters), and when absent leaves it as it is.
type profileRequest struct {
	FullName     *string `json:"full_name"`
	Phone        string  `json:"phone" validate:"omitempty,phone"`
	Address      string  `json:"address" validate:"omitempty,min=3,max=200"`
	LicencePlate string  `json:"licence_plate" validate:"omitempty,plate"`
}

func (s *Server) putProfile(w http.ResponseWriter, r *http.Request) {
	c, _ := auth.ClaimsFrom(r.Context())
	var in profileRequest
	if e := s.decodeJSON(w, r, &in); e != nil {
		writeError(w, r, e)
		return
	}
	if _, err := s.users.ByID(r.Context(), c.Subject); err != nil {
		writeError(w, r, &apiError{Status: http.StatusNotFound, Code: CodeNotFound, Detail: "account not found"})
		return
	}
	// The name first: it is validated before anything is written.
	if in.FullName != nil {
		if _, err := s.accounts.UpdateFullName(r.Context(), c.Subject, *in.FullName, requestInfo(r)); err != nil {
			s.accountError(w, r, err)
			return
		}
	}
	p := profile.Profile{Phone: in.Phone, Address: in.Address, LicencePlate: in.LicencePlate}
	if err := s.profiles.Put(r.Context(), c.Subject, p); err != nil {
		s.accountError(w, r, err)
		return
	}
	s.audit.Log(r.Context(), audit.Event{Action: "profile.update", Outcome: audit.OutcomeSuccess, Actor: actorOf(c), Target: "user:" + c.Subject})
	s.getProfile(w, r)
}
