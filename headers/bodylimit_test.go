package headers

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// chunked hides the length of a body, as a chunked upload does.
type chunked struct{ io.Reader }

func bodyRequest(body string, knownLength bool) *http.Request {
	var rd io.Reader = strings.NewReader(body)
	if !knownLength {
		rd = chunked{rd}
	}
	return httptest.NewRequest("POST", "/upload", rd)
}

func TestLimitBody(t *testing.T) {
	mw := LimitBody(10)
	t.Run("under the limit", func(t *testing.T) {
		rec := httptest.NewRecorder()
		mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			b, err := io.ReadAll(r.Body)
			if err != nil || string(b) != "0123456789" {
				t.Errorf("read %q, %v", b, err)
			}
			w.WriteHeader(http.StatusCreated)
		})).ServeHTTP(rec, bodyRequest("0123456789", false))
		if rec.Code != http.StatusCreated {
			t.Errorf("status = %d", rec.Code)
		}
	})
	t.Run("Content-Length over the limit", func(t *testing.T) {
		rec := httptest.NewRecorder()
		mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			t.Error("handler ran for an oversized declared body")
		})).ServeHTTP(rec, bodyRequest("0123456789A", true))
		checkJSONError(t, rec, http.StatusRequestEntityTooLarge, "body_too_large")
	})
	t.Run("streamed body over the limit", func(t *testing.T) {
		rec := httptest.NewRecorder()
		var readErr error
		mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, readErr = io.ReadAll(r.Body)
			// A typical handler answers 400 on a read error; the 413 wins.
			http.Error(w, "bad body", http.StatusBadRequest)
		})).ServeHTTP(rec, bodyRequest(strings.Repeat("x", 1000), false))
		var mbe *http.MaxBytesError
		if !errors.As(readErr, &mbe) || mbe.Limit != 10 {
			t.Errorf("handler read error = %v, want *http.MaxBytesError", readErr)
		}
		checkJSONError(t, rec, http.StatusRequestEntityTooLarge, "body_too_large")
	})
	t.Run("handler already answered", func(t *testing.T) {
		rec := httptest.NewRecorder()
		mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusAccepted)
			_, _ = io.ReadAll(r.Body)
		})).ServeHTTP(rec, bodyRequest(strings.Repeat("x", 1000), false))
		if rec.Code != http.StatusAccepted {
			t.Errorf("status = %d, want the handler's 202", rec.Code)
		}
	})
	t.Run("default limit", func(t *testing.T) {
		rec := httptest.NewRecorder()
		LimitBody(0)(ok).ServeHTTP(rec, bodyRequest(strings.Repeat("x", DefaultMaxBodyBytes+1), true))
		checkJSONError(t, rec, http.StatusRequestEntityTooLarge, "body_too_large")
	})
}

// Over a real connection the 413 is what the client receives.
func TestLimitBodyServer(t *testing.T) {
	srv := httptest.NewServer(LimitBody(16)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.ReadAll(r.Body); err != nil {
			return
		}
		_, _ = w.Write([]byte("ok"))
	})))
	defer srv.Close()
	resp, err := http.Post(srv.URL, "text/plain", chunked{strings.NewReader(strings.Repeat("y", 4096))})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge || resp.Header.Get("Content-Type") != ContentTypeJSON {
		t.Errorf("status %d, Content-Type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}
