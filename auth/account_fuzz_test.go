package auth_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/autospot/autospot/auth"
)

// FuzzRegister feeds untrusted registration forms to Register: it never
// panics, refuses with a *ValidationError (or throttles), and what it
// accepts is normalised and within the documented limits.
func FuzzRegister(f *testing.F) {
	e := newAccEnv(f, auth.WithBlockedEmailDomains("blocked.test"))
	f.Add(" Alice@Example.com ", "Alice_01", "Alice Liddell", goodPassword)
	f.Add("a@blocked.test", "abc", "Ab", goodPassword)
	f.Add("a\r\n@x.com", "a\r\nlevel=INFO", "\u202e", "Password1!")
	f.Add("\"quoted local\"@example.com", "___", "名前 テスト", strings.Repeat("é", 130))
	f.Add("x@[127.0.0.1]", "a1", "\xff\xfe", "")
	f.Fuzz(func(t *testing.T, email, username, name, pw string) {
		e.clock.Advance(20 * 60e9) // keep the per-address throttle out of the way
		reg, err := e.acc.Register(context.Background(), auth.RegisterRequest{Email: email, Username: username, FullName: name, Password: pw}, ip1)
		if err != nil {
			var ve *auth.ValidationError
			if !errors.As(err, &ve) && !errors.Is(err, auth.ErrTooManyRequests) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		if len(reg.Ticket) != 22 {
			t.Fatalf("ticket %q", reg.Ticket)
		}
		ne := auth.NormalizeEmail(email)
		if ne != strings.ToLower(ne) || len(ne) > auth.MaxEmailLen || strings.ContainsAny(ne, "\r\n") || strings.HasSuffix(ne, "blocked.test") {
			t.Fatalf("accepted email %q", email)
		}
		u := strings.TrimSpace(username)
		if len(u) < 3 || len(u) > 30 || strings.Trim(u, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") != "" {
			t.Fatalf("accepted username %q", username)
		}
		n := strings.TrimSpace(name)
		if c := utf8.RuneCountInString(n); c < 2 || c > 100 || !utf8.ValidString(n) || strings.ContainsAny(n, "\r\n\x00") {
			t.Fatalf("accepted name %q", name)
		}
	})
}

// FuzzResetToken: any presented reset secret is refused with
// ErrInvalidResetToken when none was issued; nothing panics and nothing
// big is allocated for long input.
func FuzzResetToken(f *testing.F) {
	e := newAccEnv(f)
	f.Add(strings.Repeat("A", 43))
	f.Add("")
	f.Add(strings.Repeat("A", 42) + "=")
	f.Add("../../etc/passwd")
	f.Fuzz(func(t *testing.T, tok string) {
		err := e.acc.ResetPassword(context.Background(), auth.ResetPasswordRequest{Token: tok, NewPassword: "A-much-better-Passw0rd"}, ip1)
		if !errors.Is(err, auth.ErrInvalidResetToken) {
			t.Fatalf("token %q: %v", tok, err)
		}
	})
}

// FuzzVerifyEmail: any email, ticket and code are refused with
// ErrInvalidCode when no registration matches.
func FuzzVerifyEmail(f *testing.F) {
	e := newAccEnv(f)
	if _, err := e.acc.Register(context.Background(), alice, ip1); err != nil {
		f.Fatal(err)
	}
	f.Add("alice@example.com", "AAAAAAAAAAAAAAAAAAAAAA", "123456")
	f.Add("", "", "")
	f.Add("alice@example.com", strings.Repeat("x", 1000), "1234567")
	f.Fuzz(func(t *testing.T, email, ticket, code string) {
		_, err := e.acc.VerifyEmail(context.Background(), auth.VerifyEmailRequest{Email: email, Ticket: ticket, Code: code}, ip1)
		if !errors.Is(err, auth.ErrInvalidCode) {
			t.Fatalf("%q %q %q: %v", email, ticket, code, err)
		}
	})
}

// FuzzLogin: any identifier and password either fail with exactly
// ErrInvalidCredentials or log alice in with her password.
func FuzzLogin(f *testing.F) {
	e := newAccEnv(f, auth.WithLoginLimits(auth.LoginLimits{PerIP: 1 << 20, PerAccount: 1 << 20, DelayAfter: 1 << 20}))
	e.registerUser(f, alice)
	f.Add("alice@example.com", goodPassword)
	f.Add("ALICE_01", "x")
	f.Add("a\r\nlevel=INFO msg=login ok", "")
	f.Add(strings.Repeat("@", 300), strings.Repeat("p", 2000))
	f.Fuzz(func(t *testing.T, ident, pw string) {
		s, err := e.acc.Login(context.Background(), auth.LoginRequest{Identifier: ident, Password: pw}, ip1)
		if err == nil {
			if pw != goodPassword || s.User.Email != "alice@example.com" {
				t.Fatalf("logged in with %q / %q", ident, pw)
			}
			return
		}
		if err != auth.ErrInvalidCredentials { //nolint:errorlint
			t.Fatalf("%q: %v", ident, err)
		}
	})
}
