package auth_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/autospot/autospot/auth"
)

func TestRegisterVerifyLogin(t *testing.T) {
	e := newAccEnv(t)
	ctx := context.Background()
	reg, err := e.acc.Register(ctx, alice, ip1)
	if err != nil {
		t.Fatal(err)
	}
	if len(reg.Ticket) != 22 || !reg.CodeExpiresAt.Equal(t0.Add(10*time.Minute)) || !reg.ExpiresAt.Equal(t0.Add(time.Hour)) {
		t.Fatalf("registration %+v", reg)
	}
	// Pending is not a user.
	if _, err := e.users.ByEmail(ctx, "alice@example.com"); !errors.Is(err, auth.ErrUserNotFound) {
		t.Fatalf("user exists before verification: %v", err)
	}
	if _, err := e.acc.Login(ctx, auth.LoginRequest{Identifier: "alice@example.com", Password: goodPassword}, ip1); !errors.Is(err, auth.ErrInvalidCredentials) {
		t.Fatalf("login before verification: %v", err)
	}
	code := e.lastCode(t, "alice@example.com", auth.MailVerifyCode)
	s, err := e.acc.VerifyEmail(ctx, auth.VerifyEmailRequest{Email: "ALICE@example.com", Ticket: reg.Ticket, Code: code}, ip1)
	if err != nil {
		t.Fatal(err)
	}
	u := s.User
	if u.Email != "alice@example.com" || u.Username != "alice_01" || u.FullName != "Alice Liddell" ||
		!slices.Equal(u.Roles, []auth.Role{auth.RoleDriver}) || u.ID == "" || !u.CreatedAt.Equal(t0) {
		t.Fatalf("user %+v", u)
	}
	if c, err := e.svc.VerifyAccess(ctx, s.Pair.AccessToken); err != nil || c.Subject != u.ID {
		t.Fatalf("verify-email session: %v", err)
	}
	for _, ident := range []string{"alice@example.com", " Alice@EXAMPLE.com", "alice_01", "ALICE_01"} {
		s, err := e.acc.Login(ctx, auth.LoginRequest{Identifier: ident, Password: goodPassword}, ip1)
		if err != nil {
			t.Fatalf("login as %q: %v", ident, err)
		}
		if s.User.ID != u.ID || s.Pair.AccessToken == "" {
			t.Fatalf("login as %q: %+v", ident, s.User)
		}
	}
	if got := e.events.find(auth.ActionVerifyEmail, auth.OutcomeSuccess); len(got) != 1 || got[0].UserID != u.ID || got[0].IP != ip1.IP || got[0].RequestID != "req-1" {
		t.Fatalf("verify events %+v", got)
	}
}

func TestRegisterValidation(t *testing.T) {
	e := newAccEnv(t, auth.WithBlockedEmailDomains("mailinator.com", "Trash.Test"))
	ctx := context.Background()
	ok := alice
	cases := []struct {
		name         string
		mod          func(r *auth.RegisterRequest)
		field, code  string
		wantNoErrors bool
	}{
		{"valid", func(r *auth.RegisterRequest) {}, "", "", true},
		{"empty email", func(r *auth.RegisterRequest) { r.Email = "  " }, "email", "required", false},
		{"bad email", func(r *auth.RegisterRequest) { r.Email = "alice.example.com" }, "email", "invalid", false},
		{"email with CRLF", func(r *auth.RegisterRequest) { r.Email = "a@b.com\r\nBcc: x@y.z" }, "email", "invalid", false},
		{"long email", func(r *auth.RegisterRequest) { r.Email = string(make([]byte, 300)) + "@x.com" }, "email", "", false},
		{"blocked domain", func(r *auth.RegisterRequest) { r.Email = "x@MAILINATOR.com" }, "email", "blocked_domain", false},
		{"blocked subdomain", func(r *auth.RegisterRequest) { r.Email = "x@eu.trash.test" }, "email", "blocked_domain", false},
		{"lookalike of blocked domain is fine", func(r *auth.RegisterRequest) { r.Email = "x@notmailinator.com" }, "", "", true},
		{"short username", func(r *auth.RegisterRequest) { r.Username = "ab" }, "username", "too_short", false},
		{"long username", func(r *auth.RegisterRequest) { r.Username = "a123456789012345678901234567890" }, "username", "too_long", false},
		{"username 30", func(r *auth.RegisterRequest) { r.Username = "a12345678901234567890123456789" }, "", "", true},
		{"username with dash", func(r *auth.RegisterRequest) { r.Username = "al-ice" }, "username", "invalid", false},
		{"username unicode", func(r *auth.RegisterRequest) { r.Username = "álice" }, "username", "invalid", false},
		{"username injection", func(r *auth.RegisterRequest) { r.Username = "a\r\nlevel=INFO msg=login ok" }, "username", "", false},
		{"short name", func(r *auth.RegisterRequest) { r.FullName = " A " }, "full_name", "too_short", false},
		{"long name", func(r *auth.RegisterRequest) { r.FullName = string(slices.Repeat([]rune{'é'}, 101)) }, "full_name", "too_long", false},
		{"name 100 runes", func(r *auth.RegisterRequest) { r.FullName = string(slices.Repeat([]rune{'é'}, 100)) }, "", "", true},
		{"name with newline", func(r *auth.RegisterRequest) { r.FullName = "Alice\nBob" }, "full_name", "invalid", false},
		{"name with bidi override", func(r *auth.RegisterRequest) { r.FullName = "Alice\u202eBob" }, "full_name", "invalid", false},
		{"common password", func(r *auth.RegisterRequest) { r.Password = "Password1!" }, "password", "policy", false},
		{"password contains username", func(r *auth.RegisterRequest) { r.Username = "zebracorn"; r.Password = "Zebracorn#2025xy" }, "password", "policy", false},
		{"no password", func(r *auth.RegisterRequest) { r.Password = "" }, "password", "required", false},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := ok
			r.Email = "user" + string(rune('a'+i)) + "@example.com"
			r.Username = "user_" + string(rune('a'+i))
			tc.mod(&r)
			_, err := e.acc.Register(ctx, r, ip1)
			if tc.wantNoErrors {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			var ve *auth.ValidationError
			if !errors.As(err, &ve) || !errors.Is(err, auth.ErrInvalidInput) {
				t.Fatalf("error %v, want *ValidationError", err)
			}
			found := false
			for _, f := range ve.Fields {
				if f.Field == tc.field && (tc.code == "" || f.Code == tc.code) {
					found = true
				}
			}
			if !found {
				t.Fatalf("fields %+v, want %s/%s", ve.Fields, tc.field, tc.code)
			}
			if tc.code == "policy" && tc.name != "no password" {
				if len(ve.Fields[len(ve.Fields)-1].Violations) == 0 {
					t.Fatalf("policy error without violations: %+v", ve.Fields)
				}
			}
		})
	}
	e.flush(t)
	if n := len(e.mail.kinds("")); n != 4 {
		t.Fatalf("%d mails sent, want one per valid registration (4)", n)
	}
}

func TestRegisterDuplicateEmailIsIndistinguishable(t *testing.T) {
	e := newAccEnv(t)
	ctx := context.Background()
	owner := e.registerUser(t, alice)
	before := len(e.mail.all())

	dup := auth.RegisterRequest{Email: "alice@example.com", Username: "mallory", FullName: "Mallory M", Password: "An0ther-Str0ng-pass"}
	fresh := auth.RegisterRequest{Email: "bob@example.com", Username: "bob_b", FullName: "Bob B", Password: "An0ther-Str0ng-pass"}
	regDup, errDup := e.acc.Register(ctx, dup, ip2)
	regNew, errNew := e.acc.Register(ctx, fresh, ip2)
	if errDup != nil || errNew != nil {
		t.Fatalf("errors differ from nil: %v / %v", errDup, errNew)
	}
	if len(regDup.Ticket) != len(regNew.Ticket) || !regDup.ExpiresAt.Equal(regNew.ExpiresAt) || !regDup.CodeExpiresAt.Equal(regNew.CodeExpiresAt) {
		t.Fatalf("responses differ: %+v vs %+v", regDup, regNew)
	}
	e.flush(t)
	msgs := e.mail.all()[before:]
	var toAlice []auth.Message
	for _, m := range msgs {
		if m.To == "alice@example.com" {
			toAlice = append(toAlice, m)
		}
	}
	if len(toAlice) != 1 || toAlice[0].Kind != auth.MailAlreadyExists || codeRE.MatchString(toAlice[0].Text) {
		t.Fatalf("owner mail %+v", toAlice)
	}
	// The owner is not affected: login works, the account is unchanged.
	if _, err := e.acc.Login(ctx, auth.LoginRequest{Identifier: "alice@example.com", Password: goodPassword}, ip1); err != nil {
		t.Fatalf("owner login after duplicate attempt: %v", err)
	}
	// The duplicate cannot be completed (no code was ever sent; guessing fails).
	if _, err := e.acc.VerifyEmail(ctx, auth.VerifyEmailRequest{Email: "alice@example.com", Ticket: regDup.Ticket, Code: "000000"}, ip2); !errors.Is(err, auth.ErrInvalidCode) {
		t.Fatalf("verify duplicate: %v", err)
	}
	u, _ := e.users.ByEmail(ctx, "alice@example.com")
	if u.ID != owner.User.ID || u.Username != "alice_01" {
		t.Fatalf("owner changed: %+v", u)
	}
}

func TestRegisterDuplicateUsernameToldOnlyByEmail(t *testing.T) {
	e := newAccEnv(t)
	ctx := context.Background()
	e.registerUser(t, alice)
	r := auth.RegisterRequest{Email: "carol@example.com", Username: "ALICE_01", FullName: "Carol C", Password: "An0ther-Str0ng-pass"}
	if _, err := e.acc.Register(ctx, r, ip2); err != nil {
		t.Fatalf("duplicate username answered %v, want the normal answer", err)
	}
	e.flush(t)
	if k := e.mail.kinds("carol@example.com"); !slices.Equal(k, []auth.MailKind{auth.MailUsernameTaken}) {
		t.Fatalf("mails to carol: %v", k)
	}
}

// The original app stored unverified registrations as users, so an
// abandoned registration blocked the email and username for good and
// could break the owner's login. Here nothing is reserved.
func TestPendingRegistrationNeverBlocks(t *testing.T) {
	e := newAccEnv(t)
	ctx := context.Background()
	first, err := e.acc.Register(ctx, alice, ip1)
	if err != nil {
		t.Fatal(err)
	}
	oldCode := e.lastCode(t, "alice@example.com", auth.MailVerifyCode)

	t.Run("a later attempt with the same email replaces it", func(t *testing.T) {
		again := alice
		again.Username = "alice_new"
		second, err := e.acc.Register(ctx, again, ip2)
		if err != nil {
			t.Fatalf("second registration blocked: %v", err)
		}
		if second.Ticket == first.Ticket {
			t.Fatal("same ticket")
		}
		if _, err := e.acc.VerifyEmail(ctx, auth.VerifyEmailRequest{Email: "alice@example.com", Ticket: first.Ticket, Code: oldCode}, ip1); !errors.Is(err, auth.ErrInvalidCode) {
			t.Fatalf("replaced registration verified: %v", err)
		}
		code := e.lastCode(t, "alice@example.com", auth.MailVerifyCode)
		s, err := e.acc.VerifyEmail(ctx, auth.VerifyEmailRequest{Email: "alice@example.com", Ticket: second.Ticket, Code: code}, ip2)
		if err != nil || s.User.Username != "alice_new" {
			t.Fatalf("second registration: %+v, %v", s.User, err)
		}
	})
	t.Run("a pending username does not block another registrant or a login", func(t *testing.T) {
		p1 := auth.RegisterRequest{Email: "p1@example.com", Username: "popular", FullName: "P One", Password: "An0ther-Str0ng-pass"}
		p2 := p1
		p2.Email = "p2@example.com"
		r1, err := e.acc.Register(ctx, p1, ip1)
		if err != nil {
			t.Fatal(err)
		}
		r2, err := e.acc.Register(ctx, p2, ip2)
		if err != nil {
			t.Fatalf("pending username blocked a registration: %v", err)
		}
		c2 := e.lastCode(t, "p2@example.com", auth.MailVerifyCode)
		if _, err := e.acc.VerifyEmail(ctx, auth.VerifyEmailRequest{Email: "p2@example.com", Ticket: r2.Ticket, Code: c2}, ip2); err != nil {
			t.Fatal(err)
		}
		if _, err := e.acc.Login(ctx, auth.LoginRequest{Identifier: "popular", Password: "An0ther-Str0ng-pass"}, ip2); err != nil {
			t.Fatalf("login with a username another registration holds pending: %v", err)
		}
		c1 := e.lastCode(t, "p1@example.com", auth.MailVerifyCode)
		if _, err := e.acc.VerifyEmail(ctx, auth.VerifyEmailRequest{Email: "p1@example.com", Ticket: r1.Ticket, Code: c1}, ip1); !errors.Is(err, auth.ErrUsernameTaken) {
			t.Fatalf("second verification of one username: %v", err)
		}
	})
	t.Run("an expired registration is gone", func(t *testing.T) {
		r := auth.RegisterRequest{Email: "late@example.com", Username: "late_one", FullName: "Late L", Password: "An0ther-Str0ng-pass"}
		reg, err := e.acc.Register(ctx, r, ip1)
		if err != nil {
			t.Fatal(err)
		}
		code := e.lastCode(t, "late@example.com", auth.MailVerifyCode)
		e.clock.Advance(11 * time.Minute)
		if _, err := e.acc.VerifyEmail(ctx, auth.VerifyEmailRequest{Email: "late@example.com", Ticket: reg.Ticket, Code: code}, ip1); !errors.Is(err, auth.ErrInvalidCode) {
			t.Fatalf("expired code: %v", err)
		}
		if _, err := e.acc.Register(ctx, r, ip1); err != nil {
			t.Fatalf("re-register after expiry: %v", err)
		}
	})
}

func TestOTPAttacks(t *testing.T) {
	ctx := context.Background()
	setup := func(t *testing.T) (*accEnv, auth.Registration, string) {
		e := newAccEnv(t)
		reg, err := e.acc.Register(ctx, alice, ip1)
		if err != nil {
			t.Fatal(err)
		}
		return e, reg, e.lastCode(t, "alice@example.com", auth.MailVerifyCode)
	}
	verify := func(e *accEnv, reg auth.Registration, code string) error {
		_, err := e.acc.VerifyEmail(ctx, auth.VerifyEmailRequest{Email: "alice@example.com", Ticket: reg.Ticket, Code: code}, ip1)
		return err
	}
	wrong := func(code string) string {
		if code == "000000" {
			return "000001"
		}
		return "000000"
	}
	t.Run("6th try with the right code is rejected", func(t *testing.T) {
		e, reg, code := setup(t)
		for i := range 5 {
			if err := verify(e, reg, wrong(code)); !errors.Is(err, auth.ErrInvalidCode) {
				t.Fatalf("try %d: %v", i+1, err)
			}
		}
		if err := verify(e, reg, code); !errors.Is(err, auth.ErrInvalidCode) {
			t.Fatalf("6th try with the right code: %v", err)
		}
	})
	t.Run("5th try with the right code passes", func(t *testing.T) {
		e, reg, code := setup(t)
		for range 4 {
			_ = verify(e, reg, wrong(code))
		}
		if err := verify(e, reg, code); err != nil {
			t.Fatalf("5th try: %v", err)
		}
	})
	t.Run("malformed codes count as tries", func(t *testing.T) {
		e, reg, code := setup(t)
		for _, bad := range []string{"", "12345", "1234567", "abcdef", "12 456", "１２３４５６"} {
			_ = verify(e, reg, bad)
		}
		if err := verify(e, reg, code); !errors.Is(err, auth.ErrInvalidCode) {
			t.Fatalf("right code after 6 malformed ones: %v", err)
		}
	})
	t.Run("at most 30 tries a day per address across codes", func(t *testing.T) {
		e := newAccEnv(t)
		var reg auth.Registration
		for i := range 30 {
			if i%5 == 0 { // each code allows 5 tries: register again for a new one
				e.clock.Advance(4 * time.Minute)
				var err error
				if reg, err = e.acc.Register(ctx, alice, ip1); err != nil {
					t.Fatal(err)
				}
			}
			_ = verify(e, reg, "000000")
		}
		e.clock.Advance(4 * time.Minute)
		reg, err := e.acc.Register(ctx, alice, ip1)
		if err != nil {
			t.Fatal(err)
		}
		code := e.lastCode(t, "alice@example.com", auth.MailVerifyCode)
		if err := verify(e, reg, code); !errors.Is(err, auth.ErrInvalidCode) {
			t.Fatalf("31st try of the day with a fresh right code: %v", err)
		}
		e.clock.Advance(24 * time.Hour)
		if reg, err = e.acc.Register(ctx, alice, ip1); err != nil {
			t.Fatal(err)
		}
		if err := verify(e, reg, e.lastCode(t, "alice@example.com", auth.MailVerifyCode)); err != nil {
			t.Fatalf("next day: %v", err)
		}
	})
	t.Run("single use", func(t *testing.T) {
		e, reg, code := setup(t)
		if err := verify(e, reg, code); err != nil {
			t.Fatal(err)
		}
		if err := verify(e, reg, code); !errors.Is(err, auth.ErrInvalidCode) {
			t.Fatalf("second use: %v", err)
		}
	})
	t.Run("expires after 10 minutes", func(t *testing.T) {
		e, reg, code := setup(t)
		e.clock.Advance(10 * time.Minute)
		if err := verify(e, reg, code); !errors.Is(err, auth.ErrInvalidCode) {
			t.Fatalf("at 10 minutes: %v", err)
		}
	})
	t.Run("bound to the registration's ticket", func(t *testing.T) {
		e, _, code := setup(t)
		other := auth.Registration{Ticket: "AAAAAAAAAAAAAAAAAAAAAA"}
		if err := verify(e, other, code); !errors.Is(err, auth.ErrInvalidCode) {
			t.Fatalf("other ticket: %v", err)
		}
	})
	t.Run("bound to the email", func(t *testing.T) {
		e, reg, code := setup(t)
		if _, err := e.acc.VerifyEmail(ctx, auth.VerifyEmailRequest{Email: "eve@example.com", Ticket: reg.Ticket, Code: code}, ip1); !errors.Is(err, auth.ErrInvalidCode) {
			t.Fatalf("other email: %v", err)
		}
	})
	t.Run("registration code used for reset is rejected", func(t *testing.T) {
		e := newAccEnv(t)
		// Bob registers and receives a registration code; meanwhile an
		// account for his email appears (an administrator's import), so a
		// reset for bob@ is possible while the registration code is live.
		reg, err := e.acc.Register(ctx, auth.RegisterRequest{Email: "bob@example.com", Username: "bob_b", FullName: "Bob B", Password: "An0ther-Str0ng-pass"}, ip1)
		if err != nil {
			t.Fatal(err)
		}
		regCode := e.lastCode(t, "bob@example.com", auth.MailVerifyCode)
		hash, _ := e.hasher.Hash(ctx, "An0ther-Str0ng-pass")
		if err := e.users.Create(ctx, auth.User{ID: "bob-id", Email: "bob@example.com", Username: "bobby", FullName: "Bob B", PasswordHash: hash, Roles: []auth.Role{auth.RoleDriver}, CreatedAt: t0, UpdatedAt: t0}); err != nil {
			t.Fatal(err)
		}
		reset := auth.ResetWithCodeRequest{Email: "bob@example.com", Code: regCode, NewPassword: "Brand-new-Passw0rd!"}
		if err := e.acc.ResetPasswordWithCode(ctx, reset, ip1); !errors.Is(err, auth.ErrInvalidCode) {
			t.Fatalf("registration code accepted for reset (no reset requested): %v", err)
		}
		if err := e.acc.RequestPasswordReset(ctx, "bob@example.com", ip1); err != nil {
			t.Fatal(err)
		}
		if err := e.acc.ResetPasswordWithCode(ctx, reset, ip1); !errors.Is(err, auth.ErrInvalidCode) {
			t.Fatalf("registration code accepted for reset (reset requested): %v", err)
		}
		// The reset code is not a registration code either.
		resetCode := e.lastCode(t, "bob@example.com", auth.MailResetLink)
		if resetCode != regCode {
			if _, err := e.acc.VerifyEmail(ctx, auth.VerifyEmailRequest{Email: "bob@example.com", Ticket: reg.Ticket, Code: resetCode}, ip1); !errors.Is(err, auth.ErrInvalidCode) {
				t.Fatalf("reset code accepted for registration: %v", err)
			}
		}
		if _, err := e.acc.Login(ctx, auth.LoginRequest{Identifier: "bob@example.com", Password: "Brand-new-Passw0rd!"}, ip1); !errors.Is(err, auth.ErrInvalidCredentials) {
			t.Fatalf("password was reset with a registration code: %v", err)
		}
	})
	t.Run("parallel right codes: one user", func(t *testing.T) {
		e, reg, code := setup(t)
		var wins atomic.Int32
		var wg sync.WaitGroup
		for range 10 {
			wg.Go(func() {
				if verify(e, reg, code) == nil {
					wins.Add(1)
				}
			})
		}
		wg.Wait()
		if wins.Load() != 1 || e.users.Len() != 1 {
			t.Fatalf("%d verifications won, %d users", wins.Load(), e.users.Len())
		}
	})
	t.Run("codes are uniform 6-digit strings", func(t *testing.T) {
		e := newAccEnv(t)
		seen := map[string]bool{}
		for i := range 40 {
			r := auth.RegisterRequest{Email: "u" + string(rune('a'+i%26)) + string(rune('a'+i/26)) + "@example.com", Username: "user_x", FullName: "U U", Password: "An0ther-Str0ng-pass"}
			if _, err := e.acc.Register(ctx, r, ip1); err != nil {
				t.Fatal(err)
			}
			seen[e.lastCode(t, auth.NormalizeEmail(r.Email), auth.MailVerifyCode)] = true
		}
		if len(seen) < 38 {
			t.Fatalf("only %d distinct codes of 40", len(seen))
		}
	})
}

func TestResendCode(t *testing.T) {
	e := newAccEnv(t)
	ctx := context.Background()
	reg, err := e.acc.Register(ctx, alice, ip1)
	if err != nil {
		t.Fatal(err)
	}
	first := e.lastCode(t, "alice@example.com", auth.MailVerifyCode)
	if err := e.acc.ResendCode(ctx, "alice@example.com", reg.Ticket, ip1); !errors.Is(err, auth.ErrTooManyRequests) {
		t.Fatalf("immediate resend: %v", err)
	}
	e.clock.Advance(31 * time.Second)
	if err := e.acc.ResendCode(ctx, "alice@example.com", reg.Ticket, ip1); err != nil {
		t.Fatal(err)
	}
	second := e.lastCode(t, "alice@example.com", auth.MailVerifyCode)
	if len(e.mail.kinds("alice@example.com")) != 2 {
		t.Fatalf("mails %v", e.mail.kinds("alice@example.com"))
	}
	if first != second {
		if _, err := e.acc.VerifyEmail(ctx, auth.VerifyEmailRequest{Email: "alice@example.com", Ticket: reg.Ticket, Code: first}, ip1); !errors.Is(err, auth.ErrInvalidCode) {
			t.Fatalf("old code after resend: %v", err)
		}
	}
	// A wrong ticket or an unknown address gets the same nil, and no mail.
	e.clock.Advance(31 * time.Second)
	if err := e.acc.ResendCode(ctx, "alice@example.com", "wrong-ticket", ip1); err != nil {
		t.Fatal(err)
	}
	if err := e.acc.ResendCode(ctx, "nobody@example.com", reg.Ticket, ip1); err != nil {
		t.Fatal(err)
	}
	e.flush(t)
	if n := len(e.mail.all()); n != 2 {
		t.Fatalf("%d mails", n)
	}
	// The count limit: 5 registration mails per 15 minutes per address.
	for range 3 {
		e.clock.Advance(31 * time.Second)
		if err := e.acc.ResendCode(ctx, "alice@example.com", reg.Ticket, ip1); err != nil && !errors.Is(err, auth.ErrTooManyRequests) {
			t.Fatal(err)
		}
		e.flush(t) // emails go out in the background, in no set order
	}
	e.clock.Advance(31 * time.Second)
	if err := e.acc.ResendCode(ctx, "alice@example.com", reg.Ticket, ip1); !errors.Is(err, auth.ErrTooManyRequests) {
		t.Fatalf("resend over the limit: %v", err)
	}
	e.clock.Advance(15 * time.Minute)
	if err := e.acc.ResendCode(ctx, "alice@example.com", reg.Ticket, ip1); err != nil {
		t.Fatalf("after the window: %v", err)
	}
	if _, err := e.acc.VerifyEmail(ctx, auth.VerifyEmailRequest{Email: "alice@example.com", Ticket: reg.Ticket, Code: e.lastCode(t, "alice@example.com", auth.MailVerifyCode)}, ip1); err != nil {
		t.Fatal(err)
	}
}
