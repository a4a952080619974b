package headers

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"testing/iotest"
)

var uuidV4 = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// runRequestID serves one request and returns the response header ID and
// the ID the handler saw in its context.
func runRequestID(t *testing.T, cfg RequestIDConfig, incoming []string) (resp, inCtx string, rec *httptest.ResponseRecorder) {
	t.Helper()
	mw, err := AssignRequestID(cfg)
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest("GET", "/", nil)
	for _, v := range incoming {
		r.Header.Add("X-Request-ID", v)
	}
	rec = httptest.NewRecorder()
	mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		inCtx = RequestID(r.Context())
	})).ServeHTTP(rec, r)
	return rec.Header().Get("X-Request-ID"), inCtx, rec
}

func TestRequestIDKeepsWellFormed(t *testing.T) {
	for _, id := range []string{
		"abc",
		"0b9c8f1e-7f4a-4c1e-9f7e-0d1e2f3a4b5c",
		"trace:1.2_3-4",
		strings.Repeat("a", 64),
	} {
		resp, ctx, _ := runRequestID(t, RequestIDConfig{}, []string{id})
		if resp != id || ctx != id {
			t.Errorf("incoming %q: response %q, context %q", id, resp, ctx)
		}
	}
}

func TestRequestIDReplacesMalformed(t *testing.T) {
	for name, in := range map[string][]string{
		"missing":    nil,
		"empty":      {""},
		"too long":   {strings.Repeat("a", 65)},
		"CRLF":       {"abc\r\nSet-Cookie: x=y"},
		"space":      {"a b"},
		"html":       {"<script>"},
		"unicode":    {"idé"},
		"log escape": {"a\"b"},
		"two values": {"abc", "def"},
	} {
		t.Run(name, func(t *testing.T) {
			resp, ctx, _ := runRequestID(t, RequestIDConfig{}, in)
			if !uuidV4.MatchString(resp) || ctx != resp {
				t.Errorf("response %q, context %q; want one fresh UUIDv4", resp, ctx)
			}
		})
	}
}

func TestRequestIDFreshEachTime(t *testing.T) {
	a, _, _ := runRequestID(t, RequestIDConfig{}, nil)
	b, _, _ := runRequestID(t, RequestIDConfig{}, nil)
	if a == b {
		t.Errorf("two requests got the same ID %q", a)
	}
}

func TestRequestIDOptions(t *testing.T) {
	t.Run("IgnoreIncoming", func(t *testing.T) {
		resp, _, _ := runRequestID(t, RequestIDConfig{IgnoreIncoming: true}, []string{"abc"})
		if resp == "abc" {
			t.Error("incoming ID kept although IgnoreIncoming")
		}
	})
	t.Run("Rand", func(t *testing.T) {
		resp, _, _ := runRequestID(t, RequestIDConfig{Rand: bytes.NewReader(make([]byte, 16))}, nil)
		if resp != "00000000-0000-4000-8000-000000000000" {
			t.Errorf("ID from zero bytes = %q", resp)
		}
	})
	t.Run("MaxLength", func(t *testing.T) {
		resp, _, _ := runRequestID(t, RequestIDConfig{MaxLength: 128}, []string{strings.Repeat("b", 128)})
		if resp != strings.Repeat("b", 128) {
			t.Error("128-character ID replaced with MaxLength 128")
		}
	})
	t.Run("Rand fails", func(t *testing.T) {
		_, ctx, rec := runRequestID(t, RequestIDConfig{Rand: iotest.ErrReader(io.ErrUnexpectedEOF)}, nil)
		if ctx != "" {
			t.Error("handler ran without an ID")
		}
		checkJSONError(t, rec, http.StatusInternalServerError, "internal_error")
	})
	t.Run("custom header", func(t *testing.T) {
		mw, err := AssignRequestID(RequestIDConfig{Header: "X-Correlation-Id"})
		if err != nil {
			t.Fatal(err)
		}
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("X-Correlation-Id", "corr-1")
		rec := httptest.NewRecorder()
		mw(ok).ServeHTTP(rec, r)
		if rec.Header().Get("X-Correlation-Id") != "corr-1" {
			t.Errorf("header = %q", rec.Header().Get("X-Correlation-Id"))
		}
	})
}

func TestRequestIDConfigErrors(t *testing.T) {
	for _, cfg := range []RequestIDConfig{{Header: "X Bad"}, {MaxLength: 8}, {MaxLength: 1000}} {
		if _, err := AssignRequestID(cfg); !errors.Is(err, ErrInvalidRequestIDConfig) {
			t.Errorf("%+v: err = %v", cfg, err)
		}
	}
}

func TestRequestIDAccessorWithoutMiddleware(t *testing.T) {
	if id := RequestID(httptest.NewRequest("GET", "/", nil).Context()); id != "" {
		t.Errorf("RequestID = %q without middleware", id)
	}
}

func FuzzRequestIDValid(f *testing.F) {
	for _, s := range []string{"", "abc", "a\r\nb", strings.Repeat("x", 70), "é"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !validRequestID(s, DefaultRequestIDMaxLength) {
			return
		}
		if len(s) > DefaultRequestIDMaxLength || strings.ContainsAny(s, " \t\r\n\"\\<>") || !validHeaderValue(s) {
			t.Fatalf("accepted unsafe ID %q", s)
		}
	})
}
