package auth_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/store/memory"
)

// recordingOTPs and recordingResets keep a copy of every record the
// accounts service hands its stores, so a test can look at what would be
// at rest in any backend.
type recordingOTPs struct {
	auth.OTPStore
	mu   sync.Mutex
	puts []auth.OTP
}

func (r *recordingOTPs) Put(ctx context.Context, o auth.OTP) error {
	r.mu.Lock()
	r.puts = append(r.puts, o)
	r.mu.Unlock()
	return r.OTPStore.Put(ctx, o)
}

type recordingResets struct {
	auth.ResetStore
	mu   sync.Mutex
	puts []auth.ResetToken
}

func (r *recordingResets) Put(ctx context.Context, t auth.ResetToken) error {
	r.mu.Lock()
	r.puts = append(r.puts, t)
	r.mu.Unlock()
	return r.ResetStore.Put(ctx, t)
}

// TestSecretsStoredHashed: the one-time codes and reset secrets that the
// accounts service mails never reach a store in clear (SECURITY.md: OTP
// codes and reset tokens "stored hashed"). Every stored record is printed
// with %+v, in raw bytes and in the encodings a backend might use, and
// searched for the secret.
func TestSecretsStoredHashed(t *testing.T) {
	e := &accEnv{
		env:    newEnv(t),
		mail:   &captureMailer{},
		events: &eventLog{},
		users:  memory.NewUserStore(),
	}
	e.hasher = &countingHasher{Hasher: newHasher(t, 4)}
	otps := &recordingOTPs{OTPStore: memory.NewOTPStore()}
	resets := &recordingResets{ResetStore: memory.NewResetStore()}
	e.stores = auth.AccountStores{
		Users: e.users, Pending: memory.NewPendingStore(), OTPs: otps,
		Attempts: memory.NewAttemptStore(), Resets: resets,
	}
	acc, err := auth.NewAccounts(e.svc, e.hasher, e.stores, e.mail, testResetURL,
		auth.WithAccountsClock(e.clock.Now), auth.WithEventSink(e.events))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = acc.Close(context.Background()) })
	e.acc = acc
	ctx := context.Background()

	// Registration code.
	reg, err := acc.Register(ctx, alice, ip1)
	if err != nil {
		t.Fatal(err)
	}
	email := auth.NormalizeEmail(alice.Email)
	regCode := e.lastCode(t, email, auth.MailVerifyCode)
	// Reset link secret and reset code.
	if _, err := acc.VerifyEmail(ctx, auth.VerifyEmailRequest{Email: email, Ticket: reg.Ticket, Code: regCode}, ip1); err != nil {
		t.Fatal(err)
	}
	if err := acc.RequestPasswordReset(ctx, email, ip1); err != nil {
		t.Fatal(err)
	}
	secret := tokenFromLink(t, e.lastResetLink(t, email))

	otps.mu.Lock()
	resets.mu.Lock()
	defer otps.mu.Unlock()
	defer resets.mu.Unlock()
	if len(otps.puts) == 0 || len(resets.puts) == 0 {
		t.Fatalf("recorded %d codes and %d reset tokens; the flow stored nothing to check", len(otps.puts), len(resets.puts))
	}
	var codes []string
	codes = append(codes, regCode)
	for _, m := range e.mail.all() {
		if m.Kind == auth.MailResetLink || m.Kind == auth.MailVerifyCode {
			if c := codeRE.FindStringSubmatch(m.Text); c != nil {
				codes = append(codes, c[1])
			}
		}
	}
	check := func(what string, rec any, raw [][]byte, secrets []string) {
		t.Helper()
		dump := fmt.Sprintf("%+v", rec)
		for _, s := range secrets {
			forms := []string{s, base64.StdEncoding.EncodeToString([]byte(s)), base64.RawURLEncoding.EncodeToString([]byte(s)), fmt.Sprintf("%x", s)}
			for _, f := range forms {
				if strings.Contains(dump, f) {
					t.Errorf("%s stored with the secret %q in clear (as %q): %s", what, s, f, dump)
				}
			}
			for _, b := range raw {
				if bytes.Contains(b, []byte(s)) {
					t.Errorf("%s holds the secret %q in its bytes", what, s)
				}
			}
		}
	}
	for _, o := range otps.puts {
		check("OTP record", o, [][]byte{o.Salt, o.Hash}, codes)
		if len(o.Hash) < 32 {
			t.Errorf("OTP hash is %d bytes, want a full MAC/digest", len(o.Hash))
		}
	}
	for _, r := range resets.puts {
		check("reset token", r, nil, []string{secret})
		if r.Hash == secret {
			t.Error("reset token stored as its own secret")
		}
	}
}
