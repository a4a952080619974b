package server

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/autospot/autospot/headers"
)

// maxErrorBody bounds how much of an error response the envelope holds.
const maxErrorBody = 16 << 10

// envelope makes every error response (status ≥ 400) carry the one error
// body {"detail", "error_code", "request_id"}, whoever wrote it: the
// server's handlers, the auth, ratelimit and headers middlewares (which
// write {"detail", "error_code"}), or http.ServeMux's plain-text 404/405.
// It holds error bodies (bounded) and rewrites them once the handler
// returns; successful responses stream through untouched.
func envelope(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ew := &errorWriter{ResponseWriter: w}
		next.ServeHTTP(ew, r)
		ew.finish(headers.RequestID(r.Context()))
	})
}

type errorWriter struct {
	http.ResponseWriter
	status    int
	wrote     bool
	intercept bool
	buf       bytes.Buffer
}

func (w *errorWriter) WriteHeader(code int) {
	if w.wrote {
		return
	}
	w.wrote = true
	w.status = code
	if code >= 400 {
		w.intercept = true
		return
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *errorWriter) Write(p []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	if w.intercept {
		if room := maxErrorBody - w.buf.Len(); room > 0 {
			w.buf.Write(p[:min(len(p), room)])
		}
		return len(p), nil
	}
	return w.ResponseWriter.Write(p)
}

// Flush passes through for streaming successes.
func (w *errorWriter) Flush() {
	if w.intercept {
		return
	}
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *errorWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *errorWriter) finish(requestID string) {
	if !w.intercept {
		return
	}
	var in struct {
		Detail    string `json:"detail"`
		ErrorCode string `json:"error_code"`
	}
	if json.Unmarshal(w.buf.Bytes(), &in) != nil || in.ErrorCode == "" {
		in.ErrorCode = codeFor(w.status)
		in.Detail = http.StatusText(w.status)
	}
	if in.Detail == "" {
		in.Detail = http.StatusText(w.status)
	}
	body, _ := json.Marshal(ErrorBody{Detail: in.Detail, ErrorCode: in.ErrorCode, RequestID: requestID})
	body = append(body, '\n')
	h := w.ResponseWriter.Header()
	h.Set("Content-Type", headers.ContentTypeJSON)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.ResponseWriter.WriteHeader(w.status)
	_, _ = w.ResponseWriter.Write(body)
}
