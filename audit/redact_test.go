package audit_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"testing/slogtest"

	"github.com/autospot/autospot/audit"
)

// A syntactically real HS256 JWT (header {"alg":"HS256","typ":"JWT"}).
const testJWT = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTQyIiwiZXhwIjo0MTAyNDQ0ODAwfQ.c2lnbmF0dXJlLWJ5dGVzLWhlcmUtMzItYnl0ZXMtbG9uZw"

func TestRedactorKeys(t *testing.T) {
	rd := audit.NewRedactor(audit.RedactOptions{Keys: []string{"X-Internal"}, AllowKeys: []string{"token_type"}})
	tests := []struct {
		key    string
		secret bool
	}{
		{"password", true},
		{"Password", true},
		{"new_password", true},
		{"currentPassword", true},
		{"passwd", true},
		{"pass", true},
		{"pwd", true},
		{"otp", true},
		{"OTP", true},
		{"otp_code", true},
		{"otpCode", true},
		{"code", true},
		{"verification_code", true},
		{"mfaCode", true},
		{"token", true},
		{"access_token", true},
		{"refreshToken", true},
		{"reset-token", true},
		{"client_secret", true},
		{"Authorization", true},
		{"proxy-authorization", true},
		{"Cookie", true},
		{"Set-Cookie", true},
		{"X-API-Key", true},
		{"api_key", true},
		{"private_key", true},
		{"signing_key", true},
		{"key", true},
		{"session", true},
		{"session_id", true},
		{"sid", true},
		{"pin", true},
		{"jwt", true},
		{"csrf_token", true},
		{"credentials", true},
		{"x-internal", true},  // custom key
		{"token_type", false}, // allowed key
		{"status_code", false},
		{"countryCode", false},
		{"HTTPStatusCode", false},
		{"key_id", false},
		{"kid", false},
		{"email", false},
		{"action", false},
		{"outcome", false},
		{"reason", false},
		{"actor", false},
		{"id", false},
		{"role", false},
		{"target", false},
		{"client_ip", false},
		{"user_agent", false},
		{"request_id", false},
		{"footprint", false},
		{"shipping", false},
		{"opinion", false},
		{"sink", false},
		{"dropped", false},
		{"policy", false},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			a := rd.ReplaceAttr(nil, slog.String(tt.key, "v4lue"))
			got := a.Value.String() == audit.Placeholder
			if got != tt.secret {
				t.Fatalf("key %q redacted=%v, want %v", tt.key, got, tt.secret)
			}
		})
	}
}

func TestRedactorValues(t *testing.T) {
	def := audit.NewRedactor(audit.RedactOptions{})
	mask := audit.NewRedactor(audit.RedactOptions{MaskEmails: true, MaxValueLen: 40})
	tests := []struct {
		name string
		rd   *audit.Redactor
		in   string
		want string
	}{
		{"plain", def, "hello world", "hello world"},
		{"jwt alone", def, testJWT, audit.Placeholder},
		{"jwt in text", def, "got " + testJWT + ", rejected", "got " + audit.Placeholder + ", rejected"},
		{"unsigned jwt", def, "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.", audit.Placeholder},
		{"jwe five parts", def, "eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d", audit.Placeholder},
		{"jwt header only", def, "eyJhbGciOiJIUzI1NiJ9", audit.Placeholder},
		{"not at boundary", def, "heyJude", "heyJude"},
		{"bearer", def, "Bearer abc.def", "Bearer " + audit.Placeholder},
		{"bearer lowercase in text", def, "header was bearer s3cr3t; retry", "header was bearer " + audit.Placeholder + "; retry"},
		{"basic", def, "Basic dXNlcjpwYXNz", audit.Placeholder},
		{"query token", def, "https://autospot.example/reset?token=7f9a1c&lang=en", "https://autospot.example/reset?token=" + audit.Placeholder + "&lang=en"},
		{"form password", def, "email=a@b.c&password=hunter2", "email=a@b.c&password=" + audit.Placeholder},
		{"json in string", def, `{"email":"a@b.c","password": "hun\"ter2","otp":"123456"}`, `{"email":"a@b.c","password": "` + audit.Placeholder + `","otp":"` + audit.Placeholder + `"}`},
		{"json spaced", def, `{"token" : "abc"}`, `{"token" : "` + audit.Placeholder + `"}`},
		{"header line", def, "Cookie: sid=abc; theme=dark", "Cookie: " + audit.Placeholder + "; theme=dark"},
		{"free text colon", def, "login failed, password: hunter2 (user alice)", "login failed, password: " + audit.Placeholder + " (user alice)"},
		{"url and time untouched", def, "https://x.example:8443/a at 12:30", "https://x.example:8443/a at 12:30"},
		{"harmless pair", def, "level=INFO msg=ok", "level=INFO msg=ok"},
		{"email kept by default", def, "alice@example.com", "alice@example.com"},
		{"email masked", mask, "alice@example.com", "a***@example.com"},
		{"email in text masked", mask, "to bob.smith@mail.example.org.", "to b***@mail.example.org."},
		{"not an email", mask, "user@localhost", "user@localhost"},
		{"truncated", mask, strings.Repeat("é", 30), strings.Repeat("é", 20) + "…[truncated 20 bytes]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.rd.String(tt.in); got != tt.want {
				t.Fatalf("String(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

type loginForm struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	OTP      string `json:"otp"`
	Nested   struct {
		Note  string `json:"note"`
		Token string
	} `json:"nested"`
}

type leakyValuer struct{ token string }

func (v leakyValuer) LogValue() slog.Value {
	return slog.GroupValue(slog.String("user", "alice"), slog.String("access_token", v.token), slog.String("note", "see "+testJWT))
}

type stringer struct{ s string }

func (s stringer) String() string { return s.s }

func TestRedactingHandler(t *testing.T) {
	var buf bytes.Buffer
	h := audit.NewRedactingHandler(slog.NewJSONHandler(&buf, nil), audit.RedactOptions{})
	lg := slog.New(h).With("session_id", "sess-123", "component", "auth")
	form := loginForm{Email: "alice@example.com", Password: "hunter2!", OTP: "918273"}
	form.Nested.Note = "jwt " + testJWT
	form.Nested.Token = "opaque-refresh-42"
	hdr := http.Header{"Authorization": {"Bearer " + testJWT}, "Cookie": {"sid=abc"}, "User-Agent": {"curl/8"}}
	lg.WithGroup("password").Info("changed", "new", "hunter3!")
	lg.Info("login "+testJWT,
		"form", form,
		"headers", hdr,
		"valuer", leakyValuer{token: "opaque-access-77"},
		"secret", audit.Secret("s3cr3t-value"),
		"wrapped", audit.Secret("s3cr3t-value-2"),
		"err", fmt.Errorf("verify %s: %w", testJWT, errors.New("expired")),
		"raw", json.RawMessage(`{"password":"hunter4!","ok":true}`),
		"bytes", []byte("opaque-bytes"),
		"str", stringer{"Bearer opaque-stringer"},
		slog.Group("g", slog.Group("deeper", slog.String("otp", "555111"), slog.String("fine", "visible"))),
	)
	out := buf.String()
	for _, secret := range []string{"hunter2!", "hunter3!", "hunter4!", "918273", "555111", "eyJ", "opaque-refresh-42",
		"opaque-access-77", "s3cr3t-value", "sess-123", "sid=abc", "opaque-bytes", "opaque-stringer"} {
		if strings.Contains(out, secret) {
			t.Errorf("output contains %q:\n%s", secret, out)
		}
	}
	for _, keep := range []string{"alice@example.com", "curl/8", "visible", "expired", `"ok":true`, `"component":"auth"`} {
		if !strings.Contains(out, keep) {
			t.Errorf("output lost %q:\n%s", keep, out)
		}
	}
	if n := strings.Count(out, "\n"); n != 2 {
		t.Fatalf("%d lines, want 2", n)
	}
}

func TestReplaceAttr(t *testing.T) {
	var buf bytes.Buffer
	rd := audit.NewRedactor(audit.RedactOptions{})
	lg := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{ReplaceAttr: rd.ReplaceAttr}))
	lg.Info("token "+testJWT, "user", "alice", slog.Group("password", "new", "hunter2"), "v", leakyValuer{"opaque-9"}, "level", "lvl "+testJWT)
	out := buf.String()
	for _, secret := range []string{"hunter2", "eyJ", "opaque-9"} {
		if strings.Contains(out, secret) {
			t.Errorf("output contains %q: %s", secret, out)
		}
	}
	if !strings.Contains(out, `"user":"alice"`) || !strings.Contains(out, `"level":"INFO"`) {
		t.Errorf("output lost fields: %s", out)
	}
}

func TestSecretFormatting(t *testing.T) {
	s := audit.Secret("hunter2")
	for _, got := range []string{fmt.Sprint(s), fmt.Sprintf("%v %s %#v %+v", s, s, s, s), mustJSON(t, struct{ P audit.Secret }{s})} {
		if strings.Contains(got, "hunter2") {
			t.Fatalf("Secret leaked: %s", got)
		}
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The redacting handler is a correct slog.Handler.
func TestRedactingHandlerSlogtest(t *testing.T) {
	var buf bytes.Buffer
	newHandler := func(*testing.T) slog.Handler {
		buf.Reset()
		return audit.NewRedactingHandler(slog.NewJSONHandler(&buf, nil), audit.RedactOptions{})
	}
	result := func(t *testing.T) map[string]any {
		var m map[string]any
		if err := json.Unmarshal(buf.Bytes(), &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	slogtest.Run(t, newHandler, result)
}

func FuzzRedactString(f *testing.F) {
	for _, s := range []string{"", "hello", testJWT, "x=" + testJWT, "Bearer abc", "password=x&token=y", `{"otp":"1"}`, "a@b.co", "eyJ", "=eyJaaaaaaaaa"} {
		f.Add(s, "prefix ")
	}
	rd := audit.NewRedactor(audit.RedactOptions{MaskEmails: true})
	f.Fuzz(func(t *testing.T, s, prefix string) {
		// Whatever surrounds it, a JWT placed at a word boundary never survives.
		in := prefix + " " + testJWT + " " + s
		if out := rd.String(in); strings.Contains(out, testJWT[:20]) {
			t.Fatalf("JWT survived in %q", out)
		}
		out := rd.String(s)
		if out2 := rd.String(out); len(out2) > len(out)+64 {
			t.Fatalf("redaction not stable: %q → %q", out, out2)
		}
	})
}
