package auth_test

import (
	"context"
	"errors"
	"testing"

	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/password"
)

func TestNewAccountsConfig(t *testing.T) {
	e := newAccEnv(t)
	h := newHasher(t, 4)
	ok := func(stores auth.AccountStores, url string, opts ...auth.AccountsOption) error {
		_, err := auth.NewAccounts(e.svc, h, stores, e.mail, url, opts...)
		return err
	}
	noUsers := e.stores
	noUsers.Users = nil
	noAttempts := e.stores
	noAttempts.Attempts = nil
	cases := []struct {
		name string
		err  error
		want error
	}{
		{"valid", ok(e.stores, testResetURL), nil},
		{"localhost http", ok(e.stores, "http://localhost:8080/reset"), nil},
		{"nil token service", func() error {
			_, err := auth.NewAccounts(nil, h, e.stores, e.mail, testResetURL)
			return err
		}(), auth.ErrInvalidConfig},
		{"nil hasher", func() error { _, err := auth.NewAccounts(e.svc, nil, e.stores, e.mail, testResetURL); return err }(), auth.ErrInvalidConfig},
		{"nil mailer", func() error { _, err := auth.NewAccounts(e.svc, h, e.stores, nil, testResetURL); return err }(), auth.ErrInvalidConfig},
		{"no user store", ok(noUsers, testResetURL), auth.ErrInvalidConfig},
		{"no attempt store", ok(noAttempts, testResetURL), auth.ErrInvalidConfig},
		{"empty reset URL", ok(e.stores, ""), auth.ErrInvalidConfig},
		{"relative reset URL", ok(e.stores, "/reset"), auth.ErrInvalidConfig},
		{"http reset URL", ok(e.stores, "http://autospot.example/reset"), auth.ErrInvalidConfig},
		{"javascript URL", ok(e.stores, "javascript:alert(1)"), auth.ErrInvalidConfig},
		{"URL with user info", ok(e.stores, "https://u:p@autospot.example/reset"), auth.ErrInvalidConfig},
		{"URL with fragment", ok(e.stores, "https://autospot.example/reset#x"), auth.ErrInvalidConfig},
		{"short OTP key", ok(e.stores, testResetURL, auth.WithOTPKey([]byte("short"))), auth.ErrWeakKey},
		{"nil clock", ok(e.stores, testResetURL, auth.WithAccountsClock(nil)), auth.ErrInvalidConfig},
		{"nil random", ok(e.stores, testResetURL, auth.WithAccountsRandom(nil)), auth.ErrInvalidConfig},
		{"blocked domain with @", ok(e.stores, testResetURL, auth.WithBlockedEmailDomains("a@b.com")), auth.ErrInvalidConfig},
		{"empty blocked domain", ok(e.stores, testResetURL, auth.WithBlockedEmailDomains(" ")), auth.ErrInvalidConfig},
		{"negative login limit", ok(e.stores, testResetURL, auth.WithLoginLimits(auth.LoginLimits{PerIP: -1})), auth.ErrInvalidConfig},
		{"max lock below lock", ok(e.stores, testResetURL, auth.WithLoginLimits(auth.LoginLimits{LockDuration: 2e9, MaxLockDuration: 1e9})), auth.ErrInvalidConfig},
		{"no default roles", ok(e.stores, testResetURL, auth.WithDefaultRoles()), auth.ErrInvalidConfig},
		{"operator by default", ok(e.stores, testResetURL, auth.WithDefaultRoles(auth.RoleOperator)), auth.ErrInvalidConfig},
		{"zero mail slots", ok(e.stores, testResetURL, auth.WithMailLimits(0, 1e9)), auth.ErrInvalidConfig},
		{"bad app name", ok(e.stores, testResetURL, auth.WithAppName("x\r\nBcc: y")), auth.ErrInvalidConfig},
		{"out-of-range policy", ok(e.stores, testResetURL, auth.WithPasswordPolicy(password.Policy{MinLength: 300})), auth.ErrInvalidConfig},
		{"NIST policy", ok(e.stores, testResetURL, auth.WithPasswordPolicy(password.NIST())), nil},
		{"OTP key", ok(e.stores, testResetURL, auth.WithOTPKey(make([]byte, 32))), nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.want == nil && tc.err != nil || tc.want != nil && !errors.Is(tc.err, tc.want) {
				t.Fatalf("error %v, want %v", tc.err, tc.want)
			}
		})
	}
}

// With an OTP key, codes are checked under the key: the same stores with
// another key reject them.
func TestOTPKeyIsUsed(t *testing.T) {
	key1, key2 := make([]byte, 32), make([]byte, 32)
	key2[0] = 1
	e := newAccEnv(t, auth.WithOTPKey(key1))
	ctx := context.Background()
	reg, err := e.acc.Register(ctx, alice, ip1)
	if err != nil {
		t.Fatal(err)
	}
	code := e.lastCode(t, "alice@example.com", auth.MailVerifyCode)
	other, err := auth.NewAccounts(e.svc, e.hasher, e.stores, e.mail, testResetURL, auth.WithOTPKey(key2), auth.WithAccountsClock(e.clock.Now))
	if err != nil {
		t.Fatal(err)
	}
	req := auth.VerifyEmailRequest{Email: "alice@example.com", Ticket: reg.Ticket, Code: code}
	if _, err := other.VerifyEmail(ctx, req, ip1); !errors.Is(err, auth.ErrInvalidCode) {
		t.Fatalf("code checked under another key: %v", err)
	}
	if _, err := e.acc.VerifyEmail(ctx, req, ip1); err != nil {
		t.Fatalf("code under its own key: %v", err)
	}
}
