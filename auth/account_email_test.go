package auth_test

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/store/memory"
)

// testProtector is an EmailProtector built from the standard library:
// HMAC-SHA256 index, AES-256-GCM sealing with the user id as associated
// data (what the server's cryptofield adapter does).
type testProtector struct {
	indexKey []byte
	aead     cipher.AEAD
}

func newTestProtector(t testing.TB) *testProtector {
	t.Helper()
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	block, err := aes.NewCipher(key)
	if err != nil {
		t.Fatal(err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		t.Fatal(err)
	}
	ik := make([]byte, 32)
	_, _ = rand.Read(ik)
	return &testProtector{indexKey: ik, aead: aead}
}

func (p *testProtector) Index(email string) string {
	m := hmac.New(sha256.New, p.indexKey)
	m.Write([]byte(email))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func (p *testProtector) Seal(userID, email string) (string, error) {
	nonce := make([]byte, p.aead.NonceSize())
	_, _ = rand.Read(nonce)
	return base64.RawURLEncoding.EncodeToString(p.aead.Seal(nonce, nonce, []byte(email), []byte(userID+"/email"))), nil
}

func (p *testProtector) Open(userID, sealed string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(sealed)
	if err != nil || len(b) < p.aead.NonceSize() {
		return "", errors.New("bad sealed email")
	}
	pt, err := p.aead.Open(nil, b[:p.aead.NonceSize()], b[p.aead.NonceSize():], []byte(userID+"/email"))
	return string(pt), err
}

// assertNoPlainEmail fails if any stored user holds an address or the
// local part of addr.
func assertNoPlainEmail(t *testing.T, users *memory.UserStore, addr string) {
	t.Helper()
	local, _, _ := strings.Cut(addr, "@")
	p, err := users.List(context.Background(), auth.UserQuery{Limit: auth.MaxUserPageSize})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Users) == 0 {
		t.Fatal("no users stored")
	}
	for _, u := range p.Users {
		if strings.Contains(u.Email, "@") || strings.Contains(u.Email, local) || u.EmailSealed == "" ||
			strings.Contains(u.EmailSealed, local) {
			t.Fatalf("stored user %s holds email %q sealed %q", u.ID, u.Email, u.EmailSealed)
		}
	}
}

func TestEmailProtectionFlows(t *testing.T) {
	ctx := context.Background()
	prot := newTestProtector(t)
	e := newAccEnv(t, auth.WithEmailProtection(prot))
	const addr = "alice@example.com"

	s := e.registerUser(t, alice)
	if s.User.Email != addr {
		t.Fatalf("session user email %q sealed %q", s.User.Email, s.User.EmailSealed)
	}
	assertNoPlainEmail(t, e.users, addr)
	if _, err := e.users.ByEmail(ctx, addr); !errors.Is(err, auth.ErrUserNotFound) {
		t.Fatalf("underlying store found the plaintext address: %v", err)
	}
	if u, err := e.users.ByEmail(ctx, prot.Index(addr)); err != nil || u.ID != s.User.ID {
		t.Fatalf("underlying store by index: %+v %v", u, err)
	}

	t.Run("user and login by email return the address", func(t *testing.T) {
		u, err := e.acc.User(ctx, s.User.ID)
		if err != nil || u.Email != addr {
			t.Fatalf("User: %q %v", u.Email, err)
		}
		got, err := e.acc.Login(ctx, auth.LoginRequest{Identifier: "ALICE@example.com ", Password: goodPassword}, ip1)
		if err != nil || got.User.Email != addr {
			t.Fatalf("Login: %+v %v", got.User, err)
		}
	})

	t.Run("duplicate registration is detected through the index", func(t *testing.T) {
		dup := alice
		dup.Username = "someone_else"
		if _, err := e.acc.Register(ctx, dup, ip2); err != nil {
			t.Fatal(err)
		}
		e.flush(t)
		kinds := e.mail.kinds(addr)
		if kinds[len(kinds)-1] != auth.MailAlreadyExists {
			t.Fatalf("mails to %s: %v", addr, kinds)
		}
	})

	t.Run("reset by link and by code mail the address", func(t *testing.T) {
		if err := e.acc.RequestPasswordReset(ctx, "Alice@Example.com", ip1); err != nil {
			t.Fatal(err)
		}
		tok := tokenFromLink(t, e.lastResetLink(t, addr))
		if err := e.acc.ResetPassword(ctx, auth.ResetPasswordRequest{Token: tok, NewPassword: "Another-g00d-passphrase!"}, ip1); err != nil {
			t.Fatal(err)
		}
		e.clock.Advance(time.Minute)
		if err := e.acc.RequestPasswordReset(ctx, addr, ip1); err != nil {
			t.Fatal(err)
		}
		e.flush(t)
		var code string
		for _, m := range e.mail.all() {
			if m.To == addr && m.Kind == auth.MailResetLink {
				code = codeRE.FindStringSubmatch(m.Text)[1]
			}
		}
		if err := e.acc.ResetPasswordWithCode(ctx, auth.ResetWithCodeRequest{Email: addr, Code: code, NewPassword: "Third-g00d-passphrase!!"}, ip1); err != nil {
			t.Fatal(err)
		}
		if _, err := e.acc.Login(ctx, auth.LoginRequest{Identifier: addr, Password: "Third-g00d-passphrase!!"}, ip1); err != nil {
			t.Fatal(err)
		}
		e.flush(t)
		if k := e.mail.kinds(addr); k[len(k)-1] != auth.MailPasswordChanged {
			t.Fatalf("mails: %v", k)
		}
	})

	t.Run("no event carries the address", func(t *testing.T) {
		if _, err := e.acc.Login(ctx, auth.LoginRequest{Identifier: "nobody@example.com", Password: "x"}, ip1); !errors.Is(err, auth.ErrInvalidCredentials) {
			t.Fatal(err)
		}
		e.events.mu.Lock()
		defer e.events.mu.Unlock()
		n := 0
		for _, ev := range e.events.ev {
			if strings.Contains(ev.Identifier, "@") || strings.Contains(ev.Identifier, "alice") || strings.Contains(ev.Identifier, "nobody") {
				t.Errorf("event %s identifier %q", ev.Action, ev.Identifier)
			}
			if strings.HasPrefix(ev.Identifier, auth.EventEmailPrefix) {
				n++
			}
		}
		if n == 0 {
			t.Error("no event with an email index")
		}
	})

	t.Run("pending registrations are keyed by the index", func(t *testing.T) {
		bob := auth.RegisterRequest{Email: "bob@example.com", Username: "bob_01", FullName: "Bob B", Password: goodPassword}
		if _, err := e.acc.Register(ctx, bob, ip2); err != nil {
			t.Fatal(err)
		}
		now := e.clock.Now()
		if _, err := e.stores.Pending.Get(ctx, "bob@example.com", now); !errors.Is(err, auth.ErrPendingNotFound) {
			t.Fatalf("pending by address: %v", err)
		}
		p, err := e.stores.Pending.Get(ctx, prot.Index("bob@example.com"), now)
		if err != nil || strings.Contains(p.Email, "bob") {
			t.Fatalf("pending by index: %+v %v", p, err)
		}
		if e.lastCode(t, "bob@example.com", auth.MailVerifyCode) == "" {
			t.Fatal("no code mailed")
		}
	})
}

func TestEmailProtectedUsers(t *testing.T) {
	ctx := context.Background()
	prot := newTestProtector(t)
	inner := memory.NewUserStore()
	s, err := auth.NewEmailProtectedUsers(inner, prot)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	mk := func(id, email, username, name string, roles ...auth.Role) {
		t.Helper()
		if err := s.Create(ctx, auth.User{ID: id, Email: email, Username: username, FullName: name, PasswordHash: "h", Roles: roles, CreatedAt: at, UpdatedAt: at}); err != nil {
			t.Fatal(err)
		}
	}
	mk("u1", "alice@example.com", "alice", "Alice Liddell", auth.RoleDriver)
	mk("u2", "bob@example.org", "bob", "Bob Example", auth.RoleAdmin)

	t.Run("duplicate email through the index", func(t *testing.T) {
		err := s.Create(ctx, auth.User{ID: "u3", Email: "alice@example.com", Username: "alice2", PasswordHash: "h"})
		if !errors.Is(err, auth.ErrEmailTaken) {
			t.Fatalf("%v, want ErrEmailTaken", err)
		}
	})

	t.Run("list search", func(t *testing.T) {
		for _, tc := range []struct {
			name string
			q    auth.UserQuery
			want []string
		}{
			{"exact email", auth.UserQuery{Search: " Alice@Example.com"}, []string{"u1"}},
			{"unknown email", auth.UserQuery{Search: "carol@example.com"}, nil},
			{"email with role filter", auth.UserQuery{Search: "alice@example.com", Role: auth.RoleAdmin}, nil},
			{"email after cursor", auth.UserQuery{Search: "alice@example.com", After: "u1"}, nil},
			{"email substring does not match", auth.UserQuery{Search: "example.org"}, nil},
			{"username substring", auth.UserQuery{Search: "LIC"}, []string{"u1"}},
			{"full name substring", auth.UserQuery{Search: "ob exa"}, []string{"u2"}},
			{"everyone", auth.UserQuery{}, []string{"u1", "u2"}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				p, err := s.List(ctx, tc.q)
				if err != nil {
					t.Fatal(err)
				}
				var ids []string
				for _, u := range p.Users {
					ids = append(ids, u.ID)
					if !strings.Contains(u.Email, "@") {
						t.Errorf("listed user %s with email %q (not opened)", u.ID, u.Email)
					}
				}
				if strings.Join(ids, ",") != strings.Join(tc.want, ",") {
					t.Fatalf("got %v, want %v", ids, tc.want)
				}
			})
		}
	})

	t.Run("a sealed email moved to another user does not open", func(t *testing.T) {
		a, _ := inner.ByID(ctx, "u1")
		b, _ := inner.ByID(ctx, "u2")
		evil := memory.NewUserStore()
		// u2's record with u1's index and sealed address: AD is the id.
		b.Email, b.EmailSealed = a.Email, a.EmailSealed
		if err := evil.Create(ctx, b); err != nil {
			t.Fatal(err)
		}
		es, _ := auth.NewEmailProtectedUsers(evil, prot)
		if _, err := es.ByEmail(ctx, "alice@example.com"); !errors.Is(err, auth.ErrSealedEmail) {
			t.Fatalf("swapped sealed email: %v, want ErrSealedEmail", err)
		}
		// A record whose index and sealed address disagree.
		c, _ := inner.ByID(ctx, "u1")
		c.ID, c.Username = "u9", "c9"
		c.EmailSealed, _ = prot.Seal("u9", "mallory@example.com")
		evil2 := memory.NewUserStore()
		if err := evil2.Create(ctx, c); err != nil {
			t.Fatal(err)
		}
		es2, _ := auth.NewEmailProtectedUsers(evil2, prot)
		if _, err := es2.ByID(ctx, "u9"); !errors.Is(err, auth.ErrSealedEmail) {
			t.Fatalf("index/address mismatch: %v, want ErrSealedEmail", err)
		}
	})

	t.Run("configuration", func(t *testing.T) {
		if _, err := auth.NewEmailProtectedUsers(s, prot); !errors.Is(err, auth.ErrInvalidConfig) {
			t.Errorf("double wrap: %v", err)
		}
		if _, err := auth.NewEmailProtectedUsers(nil, prot); !errors.Is(err, auth.ErrInvalidConfig) {
			t.Errorf("nil store: %v", err)
		}
		if _, err := auth.NewEmailProtectedUsers(inner, nil); !errors.Is(err, auth.ErrInvalidConfig) {
			t.Errorf("nil protector: %v", err)
		}
		e := newEnv(t)
		_, err := auth.NewAccounts(e.svc, newHasher(t, 4), auth.AccountStores{Users: inner, Pending: memory.NewPendingStore(),
			OTPs: memory.NewOTPStore(), Attempts: memory.NewAttemptStore(), Resets: memory.NewResetStore()},
			&captureMailer{}, testResetURL, auth.WithEmailProtection(nil))
		if !errors.Is(err, auth.ErrInvalidConfig) {
			t.Errorf("nil protector option: %v", err)
		}
	})
}

func TestUpdateFullName(t *testing.T) {
	ctx := context.Background()
	e := newAccEnv(t)
	s := e.registerUser(t, alice)
	for _, tc := range []struct {
		name, in, code string
	}{
		{"empty", "   ", "required"},
		{"too short", "A", "too_short"},
		{"too long", strings.Repeat("x", 101), "too_long"},
		{"control character", "Alice\nEvil", "invalid"},
		{"bidi override", "Alice\u202eevil", "invalid"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.acc.UpdateFullName(ctx, s.User.ID, tc.in, ip1)
			var ve *auth.ValidationError
			if !errors.As(err, &ve) || !ve.Has("full_name", tc.code) {
				t.Fatalf("%v, want full_name %s", err, tc.code)
			}
		})
	}
	u, err := e.acc.UpdateFullName(ctx, s.User.ID, "  Alice Pleasance Liddell ", ip1)
	if err != nil || u.FullName != "Alice Pleasance Liddell" {
		t.Fatalf("%+v %v", u, err)
	}
	stored, _ := e.users.ByID(ctx, s.User.ID)
	if stored.FullName != "Alice Pleasance Liddell" || !stored.UpdatedAt.Equal(s.User.UpdatedAt) {
		t.Fatalf("stored %+v", stored)
	}
	if len(e.events.find(auth.ActionNameChange, auth.OutcomeSuccess)) != 1 {
		t.Error("no name-change event")
	}
	if _, err := e.acc.UpdateFullName(ctx, "nope", "Some Body", ip1); !errors.Is(err, auth.ErrUserNotFound) {
		t.Errorf("unknown user: %v", err)
	}
}

func TestMigratePlaintextEmails(t *testing.T) {
	ctx := context.Background()
	prot := newTestProtector(t)
	inner := memory.NewUserStore()
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, u := range []auth.User{
		{ID: "u1", Email: "alice@example.com", Username: "alice", PasswordHash: "h", CreatedAt: at, UpdatedAt: at},
		{ID: "u2", Email: "bob@example.com", Username: "bob", PasswordHash: "h", CreatedAt: at, UpdatedAt: at},
	} {
		if err := inner.Create(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	s, err := auth.NewEmailProtectedUsers(inner, prot)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Create(ctx, auth.User{ID: "u3", Email: "carol@example.com", Username: "carol", PasswordHash: "h"}); err != nil {
		t.Fatal(err)
	}
	// Before: the plaintext users are read, but not found by email.
	if u, err := s.ByID(ctx, "u1"); err != nil || u.Email != "alice@example.com" {
		t.Fatalf("legacy user: %+v %v", u, err)
	}
	if _, err := s.ByEmail(ctx, "alice@example.com"); !errors.Is(err, auth.ErrUserNotFound) {
		t.Fatalf("legacy user by email before migration: %v", err)
	}
	n, err := s.MigratePlaintext(ctx)
	if err != nil || n != 2 {
		t.Fatalf("migrated %d, %v; want 2", n, err)
	}
	if n, err := s.MigratePlaintext(ctx); err != nil || n != 0 {
		t.Fatalf("second run migrated %d, %v", n, err)
	}
	assertNoPlainEmail(t, inner, "alice@example.com")
	assertNoPlainEmail(t, inner, "bob@example.com")
	for _, addr := range []string{"alice@example.com", "bob@example.com", "carol@example.com"} {
		if u, err := s.ByEmail(ctx, addr); err != nil || u.Email != addr {
			t.Fatalf("ByEmail(%s) after migration: %+v %v", addr, u, err)
		}
	}
	// UpdateEmail through the wrapper takes addresses.
	if err := s.UpdateEmail(ctx, "u1", "alice@example.com", "alice@example.net", ""); err != nil {
		t.Fatal(err)
	}
	if u, err := s.ByEmail(ctx, "alice@example.net"); err != nil || u.ID != "u1" {
		t.Fatalf("after UpdateEmail: %+v %v", u, err)
	}
	if err := s.UpdateEmail(ctx, "u2", "bob@example.com", "carol@example.com", ""); !errors.Is(err, auth.ErrEmailTaken) {
		t.Fatalf("UpdateEmail to a taken address: %v", err)
	}
}
