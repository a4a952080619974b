package server

import (
	"context"
	"net/http"
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
	status := http.StatusOK
	for _, c := range s.ready {
		if err := c.Check(ctx); err != nil {
			s.log.Warn("server: readiness check failed", "check", c.Name, "err", err)
			out.Checks[c.Name] = "unavailable"
			out.Status = "unavailable"
			status = http.StatusServiceUnavailable
			continue
		}
		out.Checks[c.Name] = "ok"
	}
	if status != http.StatusOK {
		writeError(w, r, &apiError{Status: status, Code: CodeUnavailable, Detail: "not ready: " + failed(out.Checks)})
		return
	}
	writeJSON(w, status, out)
}

func failed(m map[string]string) string {
	s := ""
	for k, v := range m {
		if v != "ok" {
			if s != "" {
				s += ", "
			}
			s += k
		}
	}
	return s
}
