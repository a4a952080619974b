package server

import (
	"context"
	"net/http"
	"strings"
	"time"
)

type healthResponse struct {
	Status  string    `json:"status"`
	Version string    `json:"version"`
	Time    time.Time `json:"time"`
}

// health is liveness: the process answers.
func (s *Server) health(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, healthResponse{Status: "healthy", Version: s.version, Time: s.now().UTC()})
}

type readyResponse struct {
	Status string            `json:"status"`
	Checks map[string]string `json:"checks"`
}

// healthReady is readiness: every configured dependency answers within
// two seconds. Failures are named but not described (no addresses or
// driver errors leak); the log has the details.
func (s *Server) healthReady(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	out := readyResponse{Status: "ready", Checks: map[string]string{}}
	var down []string // in check order, so the detail is stable
	for _, c := range s.ready {
		if err := c.Check(ctx); err != nil {
			s.log.Warn("server: readiness check failed", "check", c.Name, "err", err)
			down = append(down, c.Name)
			continue
		}
		out.Checks[c.Name] = "ok"
	}
	if len(down) > 0 {
		writeError(w, r, &apiError{Status: http.StatusServiceUnavailable, Code: CodeUnavailable, Detail: "not ready: " + strings.Join(down, ", ")})
		return
	}
	writeJSON(w, http.StatusOK, out)
}
