package auth_test

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"regexp"
	"strings"
	"sync"

	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/password"
	"github.com/autospot/autospot/store/memory"
)

// inbox is a Mailer that keeps the last message per address, standing in
// for auth/mail's SMTP or Outbox mailers.
type inbox struct {
	mu   sync.Mutex
	last map[string]auth.Message
}

func (b *inbox) Send(_ context.Context, m auth.Message) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.last == nil {
		b.last = map[string]auth.Message{}
	}
	b.last[m.To] = m
	return nil
}

func (b *inbox) code(to string) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return regexp.MustCompile(`\b\d{6}\b`).FindString(b.last[to].Text)
}

func (b *inbox) link(to string) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, l := range strings.Split(b.last[to].Text, "\n") {
		if strings.HasPrefix(l, "https://") {
			return l
		}
	}
	return ""
}

func newExampleAccounts() (*auth.Accounts, *auth.Service, *inbox) {
	key, _ := auth.NewHMACKey("k1", []byte("an-example-secret-of-32-bytes-or-more!"))
	ring, _ := auth.NewKeyRing(key)
	tokens, _ := auth.NewService(ring, memory.NewRefreshStore(), memory.NewRevocationStore())
	hasher, _ := password.New(password.Config{BcryptCost: 4}) // 12 (the default) in production
	mail := &inbox{}
	acc, err := auth.NewAccounts(tokens, hasher, auth.AccountStores{
		Users:    memory.NewUserStore(),
		Pending:  memory.NewPendingStore(),
		OTPs:     memory.NewOTPStore(),
		Attempts: memory.NewAttemptStore(),
		Resets:   memory.NewResetStore(),
	}, mail, "https://autospot.example/reset-password")
	if err != nil {
		panic(err)
	}
	return acc, tokens, mail
}

// Registration holds the account as pending until the emailed code comes
// back; then the user exists and is logged in.
func ExampleAccounts_Register() {
	ctx := context.Background()
	acc, tokens, mail := newExampleAccounts()
	defer acc.Close(ctx)
	ri := auth.RequestInfo{IP: netip.MustParseAddr("198.51.100.7"), UserAgent: "example", RequestID: "r1"}

	reg, err := acc.Register(ctx, auth.RegisterRequest{
		Email: "Alice@Example.com", Username: "alice", FullName: "Alice Liddell", Password: "Tr0ub4dor&3-horse-battery",
	}, ri)
	if err != nil {
		fmt.Println(err)
		return
	}
	_ = acc.Flush(ctx) // emails are sent in the background
	code := mail.code("alice@example.com")

	s, err := acc.VerifyEmail(ctx, auth.VerifyEmailRequest{Email: "alice@example.com", Ticket: reg.Ticket, Code: code}, ri)
	if err != nil {
		fmt.Println(err)
		return
	}
	claims, _ := tokens.VerifyAccess(ctx, s.Pair.AccessToken)
	fmt.Println(s.User.Email, s.User.Username, claims.Roles)
	// Output: alice@example.com alice [driver]
}

// Every failed login returns the same error, whatever the cause.
func ExampleAccounts_Login() {
	ctx := context.Background()
	acc, _, mail := newExampleAccounts()
	defer acc.Close(ctx)
	ri := auth.RequestInfo{IP: netip.MustParseAddr("198.51.100.7")}
	reg, _ := acc.Register(ctx, auth.RegisterRequest{Email: "bob@example.com", Username: "bob", FullName: "Bob B", Password: "Tr0ub4dor&3-horse-battery"}, ri)
	_ = acc.Flush(ctx)
	_, _ = acc.VerifyEmail(ctx, auth.VerifyEmailRequest{Email: "bob@example.com", Ticket: reg.Ticket, Code: mail.code("bob@example.com")}, ri)

	for _, try := range []auth.LoginRequest{
		{Identifier: "bob", Password: "Tr0ub4dor&3-horse-battery"},
		{Identifier: "bob", Password: "guess"},
		{Identifier: "nobody@example.com", Password: "guess"},
	} {
		s, err := acc.Login(ctx, try, ri)
		switch {
		case errors.Is(err, auth.ErrInvalidCredentials):
			fmt.Println("401 invalid credentials") // one body for every failure
		case err != nil:
			fmt.Println("500") // store down, hasher busy (password.ErrBusy: 503)
		default:
			fmt.Println("200", s.User.Username)
		}
	}
	// Output:
	// 200 bob
	// 401 invalid credentials
	// 401 invalid credentials
}

// A reset link always points at the configured URL, with the secret in the
// fragment; using it ends every session.
func ExampleAccounts_RequestPasswordReset() {
	ctx := context.Background()
	acc, _, mail := newExampleAccounts()
	defer acc.Close(ctx)
	ri := auth.RequestInfo{}
	reg, _ := acc.Register(ctx, auth.RegisterRequest{Email: "carol@example.com", Username: "carol", FullName: "Carol C", Password: "Tr0ub4dor&3-horse-battery"}, ri)
	_ = acc.Flush(ctx)
	_, _ = acc.VerifyEmail(ctx, auth.VerifyEmailRequest{Email: "carol@example.com", Ticket: reg.Ticket, Code: mail.code("carol@example.com")}, ri)

	fmt.Println(acc.RequestPasswordReset(ctx, "carol@example.com", ri))
	fmt.Println(acc.RequestPasswordReset(ctx, "nobody@example.com", ri)) // same answer
	_ = acc.Flush(ctx)
	link := mail.link("carol@example.com")
	base, secret, _ := strings.Cut(link, "#token=")
	fmt.Println(base)

	err := acc.ResetPassword(ctx, auth.ResetPasswordRequest{Token: secret, NewPassword: "Password1!"}, ri)
	var ve *auth.ValidationError
	fmt.Println(errors.As(err, &ve), ve.Has("password", "policy"))
	fmt.Println(acc.ResetPassword(ctx, auth.ResetPasswordRequest{Token: secret, NewPassword: "A-much-better-Passw0rd"}, ri))
	fmt.Println(acc.ResetPassword(ctx, auth.ResetPasswordRequest{Token: secret, NewPassword: "A-much-better-Passw0rd"}, ri))
	// Output:
	// <nil>
	// <nil>
	// https://autospot.example/reset-password
	// true true
	// <nil>
	// auth: invalid or expired reset link
}

// demoProtector stands in for a real EmailProtector (the reference server
// uses cryptofield's BlindIndex and AEAD Keyring). It is NOT secure: it
// only shows the shape.
type demoProtector struct{}

func (demoProtector) Index(email string) string { return fmt.Sprintf("idx-%d", len(email)) }
func (demoProtector) Seal(id, email string) (string, error) {
	return id + ":" + strings.ToUpper(email), nil // a real one encrypts with id as AD
}
func (demoProtector) Open(id, sealed string) (string, error) {
	rest, ok := strings.CutPrefix(sealed, id+":")
	if !ok {
		return "", errors.New("sealed for another user")
	}
	return strings.ToLower(rest), nil
}

// Users behind email protection are created and found by address, while
// the store underneath holds only the index and the sealed address.
func ExampleNewEmailProtectedUsers() {
	ctx := context.Background()
	raw := memory.NewUserStore()
	users, err := auth.NewEmailProtectedUsers(raw, demoProtector{})
	if err != nil {
		panic(err)
	}
	if err := users.Create(ctx, auth.User{ID: "u1", Email: "ann@example.com", Username: "ann", PasswordHash: "…"}); err != nil {
		panic(err)
	}
	u, _ := users.ByEmail(ctx, "ann@example.com")
	stored, _ := raw.ByID(ctx, "u1")
	fmt.Println("caller sees:", u.Email)
	fmt.Println("store holds:", stored.Email, stored.EmailSealed)

	// A sealed address that does not open (another user's, a lost key)
	// is a server error, never a silent plaintext.
	_ = raw.Create(ctx, auth.User{ID: "u2", Email: stored.Email + "x", EmailSealed: stored.EmailSealed, Username: "eve"})
	_, err = users.ByID(ctx, "u2")
	fmt.Println(errors.Is(err, auth.ErrSealedEmail))
	// Output:
	// caller sees: ann@example.com
	// store holds: idx-15 u1:ANN@EXAMPLE.COM
	// true
}
