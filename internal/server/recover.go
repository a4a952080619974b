package server

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"

	"github.com/autospot/autospot/audit"
)

// recoverPanics turns a panic in a handler into a 500 with the one error
// body, an audit record (action "server.panic") and an error log with the
// stack, instead of a dropped connection. http.ErrAbortHandler is passed
// on, as net/http expects.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler { //nolint:errorlint // sentinel compared as net/http does
				panic(v)
			}
			s.log.Error("server: panic in handler", "method", r.Method, "route", routeOf(r), "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			s.audit.Log(r.Context(), audit.Event{
				Action: "server.panic", Outcome: audit.OutcomeError, Reason: "panic",
				Target: r.Method + " " + routeOf(r),
				Extra:  []slog.Attr{slog.String("panic", fmt.Sprint(v))},
			})
			writeError(w, r, &apiError{Status: http.StatusInternalServerError, Code: CodeInternal, Detail: "internal server error"})
		}()
		next.ServeHTTP(w, r)
	})
}
