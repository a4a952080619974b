package opsapi

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/autospot/autospot/audit"
	"github.com/autospot/autospot/internal/parking"
	"github.com/autospot/autospot/internal/parking/route"
	"github.com/autospot/autospot/internal/session"
)

type updateExitRequest struct {
	// SessionID names the session (default: the caller's active one); an
	// ended one is refused.
	SessionID string `json:"session_id"`
	// ExitID is an exit of the session's building; empty → the exit
	// nearest the session's slot, recomputed now.
	ExitID *string `json:"exit_id"`
}

type updateExitResponse struct {
	Success bool            `json:"success"`
	Message string          `json:"message"`
	Session session.Session `json:"session"`
	// Nearest is set when the exit was recomputed as the nearest.
	Nearest bool         `json:"nearest"`
	Route   *route.Route `json:"route,omitempty"`
}

// validExitID reports whether s may be an exit id at all (before the map
// is consulted): 1..64 bytes of printable ASCII.
func validExitID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}

var errEndedExit = conflict("session_ended", "The session has ended; its exit can no longer be changed")

// updateExit sets the planned exit of the caller's active session: an
// explicit exit of the session's building, or the nearest exit to its
// slot. /session/end uses it unless it names another (spec §6 lets the
// original change any session's exit, ended ones included: §15.14).
func (a *api) updateExit(w http.ResponseWriter, r *http.Request) {
	var req updateExitRequest
	if e := a.decode(w, r, &req); e != nil {
		writeErr(w, e)
		return
	}
	if req.ExitID != nil && !validExitID(*req.ExitID) {
		writeErr(w, badRequest("invalid_exit", "exit_id must be 1 to 64 printable characters"))
		return
	}
	ctx, me := r.Context(), driver(r)
	s, ok := a.callerSession(w, r, me, req.SessionID)
	if !ok {
		return
	}
	if s.Status != session.StatusActive {
		writeErr(w, errEndedExit)
		return
	}
	m, err := a.sessionMap(ctx, s)
	if err != nil {
		a.internal(w, r, "load map", err)
		return
	}
	out := updateExitResponse{Success: true, Message: "Exit updated"}
	var exit string
	if req.ExitID != nil {
		exit = *req.ExitID
		if f, ok := m.Find(exit); !ok || f.Cell.Kind != parking.Exit {
			writeErr(w, &apiError{Status: http.StatusNotFound, Code: "exit_not_found", Detail: "exit_id names no exit of the session's building"})
			return
		}
	} else {
		x, ok := a.nearestExit(m, s.Slot.ID)
		if !ok {
			writeErr(w, conflict("no_exit", "No exit is reachable from the session's slot"))
			return
		}
		exit, out.Nearest, out.Route = x.Exit, true, &x.Route
		out.Message = "Exit updated to the nearest exit"
	}
	s, err = a.d.Sessions.SetExit(ctx, me, s.ID, exit)
	if errors.Is(err, session.ErrNotActive) {
		writeErr(w, errEndedExit)
		return
	}
	if err != nil {
		if e := sessionErr(err); e != nil {
			writeErr(w, e)
			return
		}
		a.internal(w, r, "update exit", err)
		return
	}
	out.Session = s
	a.audit(r, "session.update_exit", "session:"+s.ID, audit.OutcomeSuccess, "", slog.String("exit", exit))
	writeJSON(w, http.StatusOK, out)
}

// nearestExit is the exit nearest to a slot by route, when the map has
// one reachable.
func (a *api) nearestExit(m *parking.Map, slotID string) (route.ExitRoute, bool) {
	if len(m.Levels) == 0 {
		return route.ExitRoute{}, false
	}
	g, err := a.graphs.Get(m)
	if err != nil {
		return route.ExitRoute{}, false
	}
	x, err := g.NearestExit(slotID)
	return x, err == nil
}
