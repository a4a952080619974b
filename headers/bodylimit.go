package headers

import (
	"errors"
	"io"
	"net/http"
	"strconv"
)

// DefaultMaxBodyBytes is the body limit [LimitBody] applies when given zero
// or a negative limit.
const DefaultMaxBodyBytes = 1 << 20

// LimitBody returns middleware that caps request bodies at maxBytes
// (≤ 0 means [DefaultMaxBodyBytes]) with [http.MaxBytesReader].
//
// A request whose Content-Length already exceeds the limit is answered 413
// with a JSON error before the handler runs. For a body that turns out too
// long while the handler reads it (chunked uploads), the read fails with a
// [*http.MaxBytesError]; if the handler has not written a response yet, 413
// with a JSON error is written at that moment and whatever the handler
// writes afterwards is discarded. A handler that already started its
// response keeps it, and should handle the error itself.
func LimitBody(maxBytes int64) func(http.Handler) http.Handler {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBodyBytes
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.ContentLength > maxBytes {
				w.Header().Set("Connection", "close")
				writeTooLarge(w, maxBytes)
				return
			}
			if r.Body == nil || r.Body == http.NoBody {
				next.ServeHTTP(w, r)
				return
			}
			lw := &limitWriter{ResponseWriter: w, limit: maxBytes}
			r.Body = &limitBody{ReadCloser: http.MaxBytesReader(w, r.Body, maxBytes), w: lw}
			next.ServeHTTP(lw, r)
		})
	}
}

func writeTooLarge(w http.ResponseWriter, limit int64) {
	WriteError(w, http.StatusRequestEntityTooLarge,
		"request body larger than "+strconv.FormatInt(limit, 10)+" bytes", "body_too_large")
}

type limitBody struct {
	io.ReadCloser
	w *limitWriter
}

func (b *limitBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			b.w.tooLarge()
		}
	}
	return n, err
}

// limitWriter tracks whether the handler has started its response, so a
// 413 can be written in its place, and swallows the handler's output after.
type limitWriter struct {
	http.ResponseWriter
	limit     int64
	started   bool
	discard   bool
	discarded http.Header
}

func (w *limitWriter) tooLarge() {
	if w.started {
		return
	}
	w.started, w.discard = true, true
	writeTooLarge(w.ResponseWriter, w.limit)
}

func (w *limitWriter) Header() http.Header {
	if w.discard {
		if w.discarded == nil {
			w.discarded = make(http.Header)
		}
		return w.discarded
	}
	return w.ResponseWriter.Header()
}

func (w *limitWriter) WriteHeader(code int) {
	if w.discard {
		return
	}
	if code >= 200 {
		w.started = true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *limitWriter) Write(p []byte) (int, error) {
	if w.discard {
		return len(p), nil
	}
	w.started = true
	return w.ResponseWriter.Write(p)
}

// Unwrap lets [http.ResponseController] reach the underlying writer.
func (w *limitWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
