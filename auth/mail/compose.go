package mail

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"time"
	"unicode"

	"github.com/autospot/autospot/auth"
)

// MaxBodyBytes bounds a message body; longer bodies are refused.
const MaxBodyBytes = 1 << 20

// checkHeader refuses control characters (CR and LF above all) in a header
// value.
func checkHeader(v string) error {
	for _, r := range v {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return fmt.Errorf("%w: control character in %q", ErrHeaderInjection, v)
		}
	}
	return nil
}

// parseAddress parses exactly one address, with no control characters.
func parseAddress(s string) (*mail.Address, error) {
	if err := checkHeader(s); err != nil {
		return nil, err
	}
	a, err := mail.ParseAddress(s)
	if err != nil {
		return nil, fmt.Errorf("%w: %q: %v", ErrHeaderInjection, s, err)
	}
	return a, nil
}

// Compose renders m as an RFC 5322 message from `from`, dated `date`, with
// a Message-ID made from random bytes of r (crypto/rand if nil) and the
// From domain. Lines end in CRLF.
func Compose(m auth.Message, from string, date time.Time, r io.Reader) ([]byte, error) {
	fromAddr, err := parseAddress(from)
	if err != nil {
		return nil, err
	}
	toAddr, err := parseAddress(m.To)
	if err != nil {
		return nil, err
	}
	if err := checkHeader(m.Subject); err != nil {
		return nil, err
	}
	if len(m.Text) > MaxBodyBytes {
		return nil, fmt.Errorf("%w: body of %d bytes", ErrInvalidConfig, len(m.Text))
	}
	if r == nil {
		r = rand.Reader
	}
	var id [16]byte
	if _, err := io.ReadFull(r, id[:]); err != nil {
		return nil, fmt.Errorf("mail: message id: %w", err)
	}
	domain := "localhost"
	if i := strings.LastIndexByte(fromAddr.Address, '@'); i >= 0 {
		domain = fromAddr.Address[i+1:]
	}
	var b bytes.Buffer
	hdr := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	hdr("From", fromAddr.String())
	hdr("To", toAddr.String())
	hdr("Subject", mime.QEncoding.Encode("utf-8", m.Subject))
	hdr("Date", date.Format(time.RFC1123Z))
	hdr("Message-ID", "<"+hex.EncodeToString(id[:])+"@"+domain+">")
	hdr("MIME-Version", "1.0")
	hdr("Content-Type", `text/plain; charset="utf-8"`)
	hdr("Content-Transfer-Encoding", "quoted-printable")
	if m.Kind != "" {
		if err := checkHeader(string(m.Kind)); err == nil && isToken(string(m.Kind)) {
			hdr("X-AutoSpot-Kind", string(m.Kind))
		}
	}
	hdr("Auto-Submitted", "auto-generated")
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	body := normalizeNewlines(m.Text)
	if _, err := qp.Write([]byte(body)); err != nil {
		return nil, fmt.Errorf("mail: encode body: %w", err)
	}
	if err := qp.Close(); err != nil {
		return nil, fmt.Errorf("mail: encode body: %w", err)
	}
	if !bytes.HasSuffix(b.Bytes(), []byte("\r\n")) {
		b.WriteString("\r\n")
	}
	return b.Bytes(), nil
}

func isToken(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return s != ""
}

// normalizeNewlines turns CRLF, lone CR and lone LF into CRLF.
func normalizeNewlines(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.ReplaceAll(s, "\n", "\r\n")
}
