package headers

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
)

// Defaults of [RequestIDConfig].
const (
	DefaultRequestIDHeader    = "X-Request-ID"
	DefaultRequestIDMaxLength = 64
)

// RequestIDConfig configures [AssignRequestID]. The zero value is valid.
type RequestIDConfig struct {
	// Header carrying the ID on requests and responses. Default
	// "X-Request-ID".
	Header string
	// MaxLength bounds an incoming ID a client or proxy supplied; longer
	// IDs are replaced. Default 64, at most 256.
	MaxLength int
	// IgnoreIncoming makes a fresh ID for every request even when a
	// well-formed one arrives. Default false: a well-formed incoming ID is
	// kept so a trace crosses the proxy.
	IgnoreIncoming bool
	// Rand is the source of new IDs. Default crypto/rand.
	Rand io.Reader
}

type requestIDKey struct{}

// AssignRequestID returns middleware giving every request an ID: the
// incoming one if it is well formed (1 to MaxLength characters from
// A–Z a–z 0–9 - _ . :), otherwise a new random UUIDv4. The ID is set on the
// response header before the wrapped handler runs and stored in the
// request's context; read it with [RequestID].
func AssignRequestID(cfg RequestIDConfig) (func(http.Handler) http.Handler, error) {
	name := cfg.Header
	if name == "" {
		name = DefaultRequestIDHeader
	}
	if !validToken(name) {
		return nil, fmt.Errorf("%w: header name %q", ErrInvalidRequestIDConfig, name)
	}
	name = http.CanonicalHeaderKey(name)
	maxLen := cfg.MaxLength
	if maxLen == 0 {
		maxLen = DefaultRequestIDMaxLength
	}
	if maxLen < 16 || maxLen > 256 {
		return nil, fmt.Errorf("%w: MaxLength %d not in [16, 256]", ErrInvalidRequestIDConfig, cfg.MaxLength)
	}
	rnd := cfg.Rand
	if rnd == nil {
		rnd = rand.Reader
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			id := ""
			if !cfg.IgnoreIncoming {
				if vs := r.Header.Values(name); len(vs) == 1 && validRequestID(vs[0], maxLen) {
					id = vs[0]
				}
			}
			if id == "" {
				var err error
				if id, err = newUUID(rnd); err != nil {
					WriteError(w, http.StatusInternalServerError, "internal error", "internal_error")
					return
				}
			}
			w.Header().Set(name, id)
			next.ServeHTTP(w, r.WithContext(WithRequestID(r.Context(), id)))
		})
	}, nil
}

// RequestID returns the request ID [AssignRequestID] stored in ctx, or ""
// when there is none.
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// WithRequestID returns a copy of ctx carrying id, for code that starts work
// outside an HTTP request (jobs, tests).
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

func validRequestID(s string, maxLen int) bool {
	if len(s) == 0 || len(s) > maxLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case c == '-' || c == '_' || c == '.' || c == ':':
		default:
			return false
		}
	}
	return true
}

func newUUID(r io.Reader) (string, error) {
	var b [16]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return "", err
	}
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // RFC 9562 variant
	var out [36]byte
	hex.Encode(out[0:8], b[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], b[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], b[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], b[8:10])
	out[23] = '-'
	hex.Encode(out[24:], b[10:])
	return string(out[:]), nil
}
