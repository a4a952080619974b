package upload

import (
	"net/http"
	"strings"
)

// ContentDisposition returns a Content-Disposition value (RFC 6266) for
// filename: disposition ("attachment" or "inline"), a plain ASCII
// filename= fallback for old clients, and filename*= with the exact name
// in UTF-8, percent-encoded as RFC 8187 requires. Quotes, backslashes,
// control characters and path separators cannot break out of the header
// or name a path.
func ContentDisposition(disposition, filename string) string {
	name := SanitizeName(filename)
	var ascii, ext strings.Builder
	for _, r := range name {
		switch {
		case r < 0x20 || r == 0x7f || r > 0x7e || r == '"' || r == '\\' || r == '%' || r == ';':
			ascii.WriteByte('_')
		default:
			ascii.WriteRune(r)
		}
	}
	for _, b := range []byte(name) {
		if isAttrChar(b) {
			ext.WriteByte(b)
		} else {
			const hexDigits = "0123456789ABCDEF"
			ext.WriteByte('%')
			ext.WriteByte(hexDigits[b>>4])
			ext.WriteByte(hexDigits[b&15])
		}
	}
	if disposition != "inline" {
		disposition = "attachment"
	}
	return disposition + `; filename="` + ascii.String() + `"; filename*=UTF-8''` + ext.String()
}

// isAttrChar reports the RFC 8187 attr-char set.
func isAttrChar(b byte) bool {
	switch {
	case 'a' <= b && b <= 'z', 'A' <= b && b <= 'Z', '0' <= b && b <= '9':
		return true
	}
	return strings.IndexByte("!#$&+-.^_`|~", b) >= 0
}

// SetDownloadHeaders sets the headers a stored upload must be served with:
// its Content-Type (from the validated type, never the client's),
// X-Content-Type-Options: nosniff so browsers do not guess another type,
// a Content-Security-Policy that forbids scripts and sandboxes the
// response in case it is opened directly, and the Content-Disposition of
// [ContentDisposition] (attachment unless inline).
func SetDownloadHeaders(h http.Header, contentType, displayName string, inline bool) {
	d := "attachment"
	if inline {
		d = "inline"
	}
	h.Set("Content-Type", contentType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox")
	h.Set("Content-Disposition", ContentDisposition(d, displayName))
}
