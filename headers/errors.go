package headers

import (
	"encoding/json"
	"errors"
	"net/http"
)

// Configuration errors returned by the constructors. Check them with
// [errors.Is]; the returned error wraps one of these and names the offending
// value.
var (
	// ErrInvalidHeaderValue means a configured header value contains a
	// control character (CR, LF, NUL …) and would allow header injection.
	ErrInvalidHeaderValue = errors.New("headers: invalid header value")

	// ErrInvalidOrigin means a CORS origin is not a serialised origin
	// (scheme://host[:port], no path, no trailing slash), or is "null".
	ErrInvalidOrigin = errors.New("headers: invalid CORS origin")

	// ErrWildcardWithCredentials means a CORS configuration asks for the
	// origin "*" together with AllowCredentials, which would let every site
	// make credentialed requests.
	ErrWildcardWithCredentials = errors.New(`headers: CORS origin "*" cannot be combined with credentials`)

	// ErrInvalidProxy means a trusted-proxy entry is neither an IP address
	// nor a CIDR prefix.
	ErrInvalidProxy = errors.New("headers: invalid trusted proxy")

	// ErrInvalidBucketBits means an IP bucketing prefix length is out of
	// range (IPv4 1–32, IPv6 1–128).
	ErrInvalidBucketBits = errors.New("headers: invalid bucket prefix length")

	// ErrInvalidRequestIDConfig means a request-ID header name or length
	// bound is unusable.
	ErrInvalidRequestIDConfig = errors.New("headers: invalid request ID configuration")
)

// ContentTypeJSON is the Content-Type of every JSON body this package writes.
const ContentTypeJSON = "application/json; charset=utf-8"

// ErrorBody is the JSON shape of every error response the middlewares of
// this package write: {"detail": "...", "error_code": "..."}.
type ErrorBody struct {
	Detail    string `json:"detail"`
	ErrorCode string `json:"error_code"`
}

// WriteError writes status with a JSON [ErrorBody], Content-Type
// [ContentTypeJSON] and X-Content-Type-Options: nosniff. detail must be safe
// to show to the client; it is JSON-escaped, never interpreted.
func WriteError(w http.ResponseWriter, status int, detail, code string) {
	body, err := json.Marshal(ErrorBody{Detail: detail, ErrorCode: code})
	if err != nil { // cannot happen for two strings; keep the contract anyway
		body = []byte(`{"detail":"internal error","error_code":"internal_error"}`)
	}
	h := w.Header()
	h.Set("Content-Type", ContentTypeJSON)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Del("Content-Length")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}

// validHeaderValue reports whether v may be sent as a header field value:
// visible ASCII, spaces, tabs and obs-text, but no other control characters.
func validHeaderValue(v string) bool {
	for i := 0; i < len(v); i++ {
		c := v[i]
		if (c < 0x20 && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}

// validToken reports whether s is a non-empty RFC 9110 token (a header
// name, a method).
func validToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case c == '!' || c == '#' || c == '$' || c == '%' || c == '&' || c == '\'' || c == '*' ||
			c == '+' || c == '-' || c == '.' || c == '^' || c == '_' || c == '`' || c == '|' || c == '~':
		default:
			return false
		}
	}
	return true
}
