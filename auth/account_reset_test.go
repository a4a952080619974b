package auth_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/autospot/autospot/auth"
)

const newPassword = "Brand-new-Passw0rd!x"

func TestPasswordResetFlow(t *testing.T) {
	e := newAccEnv(t)
	ctx := context.Background()
	s := e.registerUser(t, alice)
	other, err := e.acc.Login(ctx, auth.LoginRequest{Identifier: "alice_01", Password: goodPassword}, ip2)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.acc.RequestPasswordReset(ctx, " ALICE@example.com", ip1); err != nil {
		t.Fatal(err)
	}
	link := e.lastResetLink(t, "alice@example.com")
	if !strings.HasPrefix(link, testResetURL+"#token=") {
		t.Fatalf("link %q not built from the configured URL with the secret in the fragment", link)
	}
	tok := tokenFromLink(t, link)
	if len(tok) != 43 {
		t.Fatalf("secret of %d characters, want 43 (256 bits)", len(tok))
	}
	if err := e.acc.ResetPassword(ctx, auth.ResetPasswordRequest{Token: tok, NewPassword: newPassword}, ip1); err != nil {
		t.Fatal(err)
	}
	t.Run("new password works, old does not", func(t *testing.T) {
		if err := login(e, "alice@example.com", goodPassword, ip1); !errors.Is(err, auth.ErrInvalidCredentials) {
			t.Fatalf("old password: %v", err)
		}
		if err := login(e, "alice@example.com", newPassword, ip1); err != nil {
			t.Fatalf("new password: %v", err)
		}
	})
	t.Run("every session revoked", func(t *testing.T) {
		for _, p := range []auth.Pair{s.Pair, other.Pair} {
			if _, err := e.svc.VerifyAccess(ctx, p.AccessToken); !errors.Is(err, auth.ErrTokenRevoked) {
				t.Fatalf("access token after reset: %v", err)
			}
			if _, err := e.svc.Refresh(ctx, p.RefreshToken); err == nil {
				t.Fatal("refresh token still works after reset")
			}
		}
	})
	t.Run("single use", func(t *testing.T) {
		if err := e.acc.ResetPassword(ctx, auth.ResetPasswordRequest{Token: tok, NewPassword: "Yet-another-Passw0rd"}, ip1); !errors.Is(err, auth.ErrInvalidResetToken) {
			t.Fatalf("second use: %v", err)
		}
	})
	t.Run("owner notified", func(t *testing.T) {
		e.flush(t)
		if !slices.Contains(e.mail.kinds("alice@example.com"), auth.MailPasswordChanged) {
			t.Fatalf("mails %v", e.mail.kinds("alice@example.com"))
		}
	})
	if ev := e.events.find(auth.ActionReset, auth.OutcomeSuccess); len(ev) != 1 || ev[0].UserID != s.User.ID {
		t.Fatalf("reset events %+v", ev)
	}
}

func TestPasswordResetLinkExpiresAndOnlyLatestWorks(t *testing.T) {
	e := newAccEnv(t)
	ctx := context.Background()
	e.registerUser(t, alice)
	if err := e.acc.RequestPasswordReset(ctx, "alice@example.com", ip1); err != nil {
		t.Fatal(err)
	}
	first := tokenFromLink(t, e.lastResetLink(t, "alice@example.com"))
	e.clock.Advance(2 * time.Minute)
	if err := e.acc.RequestPasswordReset(ctx, "alice@example.com", ip1); err != nil {
		t.Fatal(err)
	}
	second := tokenFromLink(t, e.lastResetLink(t, "alice@example.com"))
	if err := e.acc.ResetPassword(ctx, auth.ResetPasswordRequest{Token: first, NewPassword: newPassword}, ip1); !errors.Is(err, auth.ErrInvalidResetToken) {
		t.Fatalf("superseded link: %v", err)
	}
	e.clock.Advance(30 * time.Minute)
	if err := e.acc.ResetPassword(ctx, auth.ResetPasswordRequest{Token: second, NewPassword: newPassword}, ip1); !errors.Is(err, auth.ErrInvalidResetToken) {
		t.Fatalf("expired link: %v", err)
	}
}

func TestPasswordResetWeakPasswordKeepsLink(t *testing.T) {
	e := newAccEnv(t)
	ctx := context.Background()
	e.registerUser(t, alice)
	if err := e.acc.RequestPasswordReset(ctx, "alice@example.com", ip1); err != nil {
		t.Fatal(err)
	}
	tok := tokenFromLink(t, e.lastResetLink(t, "alice@example.com"))
	err := e.acc.ResetPassword(ctx, auth.ResetPasswordRequest{Token: tok, NewPassword: "Password1!"}, ip1)
	var ve *auth.ValidationError
	if !errors.As(err, &ve) || !ve.Has("password", "policy") {
		t.Fatalf("weak password: %v", err)
	}
	// The name is the user's: refused as context.
	err = e.acc.ResetPassword(ctx, auth.ResetPasswordRequest{Token: tok, NewPassword: "Liddell-Rabbit-Hole-42"}, ip1)
	if !errors.As(err, &ve) || !ve.Has("password", "policy") {
		t.Fatalf("password with the user's name: %v", err)
	}
	if err := e.acc.ResetPassword(ctx, auth.ResetPasswordRequest{Token: tok, NewPassword: newPassword}, ip1); err != nil {
		t.Fatalf("link after a weak choice: %v", err)
	}
}

func TestPasswordResetUnknownEmailSameAnswer(t *testing.T) {
	e := newAccEnv(t)
	ctx := context.Background()
	e.registerUser(t, alice)
	before := len(e.mail.all())
	errKnown := e.acc.RequestPasswordReset(ctx, "alice@example.com", ip1)
	errUnknown := e.acc.RequestPasswordReset(ctx, "nobody@example.com", ip1)
	errInvalid := e.acc.RequestPasswordReset(ctx, "not an email", ip1)
	if errKnown != nil || errUnknown != nil || errInvalid != nil {
		t.Fatalf("answers differ: %v / %v / %v", errKnown, errUnknown, errInvalid)
	}
	e.flush(t)
	if got := e.mail.all()[before:]; len(got) != 1 || got[0].To != "alice@example.com" {
		t.Fatalf("mails %+v", got)
	}
	// Throttling depends on the address only.
	for _, email := range []string{"alice@example.com", "nobody@example.com"} {
		if err := e.acc.RequestPasswordReset(ctx, email, ip1); !errors.Is(err, auth.ErrTooManyRequests) {
			t.Fatalf("immediate second request for %s: %v", email, err)
		}
	}
}

// SECURITY.md: a reset requested with "Host: evil.test" still links to the
// configured base URL.
func TestPasswordResetLinkIgnoresHostHeader(t *testing.T) {
	e := newAccEnv(t)
	e.registerUser(t, alice)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := e.acc.RequestPasswordReset(r.Context(), r.FormValue("email"), auth.RequestInfo{UserAgent: r.UserAgent()}); err != nil {
			http.Error(w, "error", http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusAccepted)
	})
	req := httptest.NewRequest(http.MethodPost, "/forgot?email=alice@example.com", nil)
	req.Host = "evil.test"
	req.Header.Set("X-Forwarded-Host", "evil.test")
	req.Header.Set("Forwarded", "host=evil.test")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusAccepted {
		t.Fatalf("status %d", rec.Code)
	}
	link := e.lastResetLink(t, "alice@example.com")
	if !strings.HasPrefix(link, testResetURL+"#") || strings.Contains(link, "evil") {
		t.Fatalf("link %q", link)
	}
}

func TestPasswordResetWithCode(t *testing.T) {
	e := newAccEnv(t)
	ctx := context.Background()
	s := e.registerUser(t, alice)
	if err := e.acc.RequestPasswordReset(ctx, "alice@example.com", ip1); err != nil {
		t.Fatal(err)
	}
	code := e.lastCode(t, "alice@example.com", auth.MailResetLink)
	if err := e.acc.ResetPasswordWithCode(ctx, auth.ResetWithCodeRequest{Email: "bob@example.com", Code: code, NewPassword: newPassword}, ip1); !errors.Is(err, auth.ErrInvalidCode) {
		t.Fatalf("code under another email: %v", err)
	}
	if err := e.acc.ResetPasswordWithCode(ctx, auth.ResetWithCodeRequest{Email: "alice@example.com", Code: code, NewPassword: newPassword}, ip1); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.VerifyAccess(ctx, s.Pair.AccessToken); !errors.Is(err, auth.ErrTokenRevoked) {
		t.Fatalf("session after reset: %v", err)
	}
	if err := login(e, "alice@example.com", newPassword, ip1); err != nil {
		t.Fatal(err)
	}
	// The link of the same request died with the code's use.
	tok := tokenFromLink(t, e.lastResetLink(t, "alice@example.com"))
	if err := e.acc.ResetPassword(ctx, auth.ResetPasswordRequest{Token: tok, NewPassword: "Yet-another-Passw0rd"}, ip1); !errors.Is(err, auth.ErrInvalidResetToken) {
		t.Fatalf("link after code reset: %v", err)
	}
}

func TestPasswordResetLiftsLockout(t *testing.T) {
	e := newAccEnv(t)
	ctx := context.Background()
	e.registerUser(t, alice)
	for range 5 {
		_ = login(e, "alice@example.com", "wrong", ip1)
		e.clock.Advance(5 * time.Second)
	}
	if err := e.acc.RequestPasswordReset(ctx, "alice@example.com", ip1); err != nil {
		t.Fatal(err)
	}
	tok := tokenFromLink(t, e.lastResetLink(t, "alice@example.com"))
	if err := e.acc.ResetPassword(ctx, auth.ResetPasswordRequest{Token: tok, NewPassword: newPassword}, ip1); err != nil {
		t.Fatal(err)
	}
	if err := login(e, "alice@example.com", newPassword, ip1); err != nil {
		t.Fatalf("still locked after reset: %v", err)
	}
}

func TestMalformedResetTokens(t *testing.T) {
	e := newAccEnv(t)
	for _, tok := range []string{"", "short", strings.Repeat("A", 42), strings.Repeat("A", 44), strings.Repeat("A", 42) + "=", strings.Repeat("A", 42) + "+", strings.Repeat("A", 42) + "B", strings.Repeat("x", 1<<20)} {
		if err := e.acc.ResetPassword(context.Background(), auth.ResetPasswordRequest{Token: tok, NewPassword: newPassword}, ip1); !errors.Is(err, auth.ErrInvalidResetToken) {
			t.Fatalf("token %.20q: %v", tok, err)
		}
	}
}

func TestChangePassword(t *testing.T) {
	e := newAccEnv(t)
	ctx := context.Background()
	s := e.registerUser(t, alice)
	other, _ := e.acc.Login(ctx, auth.LoginRequest{Identifier: "alice_01", Password: goodPassword}, ip2)
	req := auth.ChangePasswordRequest{UserID: s.User.ID, CurrentPassword: "wrong", NewPassword: newPassword}
	if _, err := e.acc.ChangePassword(ctx, req, ip1); !errors.Is(err, auth.ErrInvalidCredentials) {
		t.Fatalf("wrong current password: %v", err)
	}
	req.CurrentPassword = goodPassword
	req.NewPassword = "Password1!"
	var ve *auth.ValidationError
	if _, err := e.acc.ChangePassword(ctx, req, ip1); !errors.As(err, &ve) {
		t.Fatalf("weak new password: %v", err)
	}
	req.NewPassword = newPassword
	fresh, err := e.acc.ChangePassword(ctx, req, ip1)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []auth.Pair{s.Pair, other.Pair} {
		if _, err := e.svc.VerifyAccess(ctx, p.AccessToken); !errors.Is(err, auth.ErrTokenRevoked) {
			t.Fatalf("old session after change: %v", err)
		}
	}
	if _, err := e.svc.VerifyAccess(ctx, fresh.Pair.AccessToken); err != nil {
		t.Fatalf("fresh session: %v", err)
	}
	if _, err := e.svc.Refresh(ctx, fresh.Pair.RefreshToken); err != nil {
		t.Fatalf("fresh refresh: %v", err)
	}
	if err := login(e, "alice@example.com", newPassword, ip1); err != nil {
		t.Fatal(err)
	}
	e.flush(t)
	if !slices.Contains(e.mail.kinds("alice@example.com"), auth.MailPasswordChanged) {
		t.Fatal("owner not notified")
	}
}

func TestChangePasswordGuessingIsLimited(t *testing.T) {
	e := newAccEnv(t)
	ctx := context.Background()
	s := e.registerUser(t, alice)
	before := e.hasher.verifies.Load()
	for range 20 {
		_, _ = e.acc.ChangePassword(ctx, auth.ChangePasswordRequest{UserID: s.User.ID, CurrentPassword: "guess", NewPassword: newPassword}, ip1)
	}
	if n := e.hasher.verifies.Load() - before; n > 5 {
		t.Fatalf("%d compares for 20 guesses of the current password", n)
	}
}

func TestLogoutAndLogoutAll(t *testing.T) {
	e := newAccEnv(t)
	ctx := context.Background()
	s := e.registerUser(t, alice)
	s2, _ := e.acc.Login(ctx, auth.LoginRequest{Identifier: "alice_01", Password: goodPassword}, ip2)
	if err := e.acc.Logout(ctx, s.Pair.RefreshToken, ip1); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.VerifyAccess(ctx, s.Pair.AccessToken); !errors.Is(err, auth.ErrTokenRevoked) {
		t.Fatalf("after logout: %v", err)
	}
	if _, err := e.svc.VerifyAccess(ctx, s2.Pair.AccessToken); err != nil {
		t.Fatalf("other session after logout: %v", err)
	}
	if err := e.acc.LogoutAll(ctx, s.User.ID, ip1); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.VerifyAccess(ctx, s2.Pair.AccessToken); !errors.Is(err, auth.ErrTokenRevoked) {
		t.Fatalf("after logout-all: %v", err)
	}
	if err := e.acc.Logout(ctx, "garbage", ip1); err == nil {
		t.Fatal("logout with garbage accepted")
	}
	if n := len(e.events.find(auth.ActionLogout, auth.OutcomeSuccess)) + len(e.events.find(auth.ActionLogoutAll, auth.OutcomeSuccess)); n != 2 {
		t.Fatalf("%d logout events", n)
	}
}

func TestDeleteAccount(t *testing.T) {
	hookErr := errors.New("bookings service down")
	var failHook bool
	var deleted []string
	e := newAccEnv(t, auth.WithDeleteHook(func(ctx context.Context, u auth.User) error {
		if failHook {
			return hookErr
		}
		deleted = append(deleted, u.ID)
		return nil
	}))
	ctx := context.Background()
	s := e.registerUser(t, alice)
	if err := e.acc.DeleteAccount(ctx, s.User.ID, "wrong", ip1); !errors.Is(err, auth.ErrInvalidCredentials) {
		t.Fatalf("wrong password: %v", err)
	}
	failHook = true
	if err := e.acc.DeleteAccount(ctx, s.User.ID, goodPassword, ip1); !errors.Is(err, hookErr) {
		t.Fatalf("failing hook: %v", err)
	}
	if _, err := e.users.ByID(ctx, s.User.ID); err != nil {
		t.Fatal("account deleted although the hook failed")
	}
	failHook = false
	if err := e.acc.DeleteAccount(ctx, s.User.ID, goodPassword, ip1); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(deleted, []string{s.User.ID}) {
		t.Fatalf("hook calls %v", deleted)
	}
	if _, err := e.users.ByID(ctx, s.User.ID); !errors.Is(err, auth.ErrUserNotFound) {
		t.Fatalf("user after delete: %v", err)
	}
	if _, err := e.svc.VerifyAccess(ctx, s.Pair.AccessToken); !errors.Is(err, auth.ErrTokenRevoked) {
		t.Fatalf("token after delete: %v", err)
	}
	if err := login(e, "alice@example.com", goodPassword, ip2); !errors.Is(err, auth.ErrInvalidCredentials) {
		t.Fatalf("login after delete: %v", err)
	}
	e.flush(t)
	if !slices.Contains(e.mail.kinds("alice@example.com"), auth.MailAccountDeleted) {
		t.Fatal("owner not notified")
	}
	// The email and username are free again.
	e.registerUser(t, alice)
}

func TestSetRolesEndsSessions(t *testing.T) {
	e := newAccEnv(t)
	ctx := context.Background()
	s := e.registerUser(t, alice)
	if err := e.acc.SetRoles(ctx, s.User.ID, []auth.Role{auth.RoleOperator}, "", ip1); !errors.Is(err, auth.ErrInvalidSubject) {
		t.Fatalf("operator without facility: %v", err)
	}
	if err := e.acc.SetRoles(ctx, s.User.ID, []auth.Role{auth.RoleOperator}, "westfield", ip1); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.VerifyAccess(ctx, s.Pair.AccessToken); !errors.Is(err, auth.ErrTokenRevoked) {
		t.Fatalf("old token after role change: %v", err)
	}
	s2, err := e.acc.Login(ctx, auth.LoginRequest{Identifier: "alice_01", Password: goodPassword}, ip1)
	if err != nil {
		t.Fatal(err)
	}
	c, err := e.svc.VerifyAccess(ctx, s2.Pair.AccessToken)
	if err != nil || !slices.Equal(c.Roles, []auth.Role{auth.RoleOperator}) || c.Facility != "westfield" {
		t.Fatalf("claims %+v, %v", c, err)
	}
}

// SECURITY.md: a full flow with logs captured writes no password, code or
// token. Events and messages go through slog here, as a server would log
// them.
func TestFullFlowLogsNoSecrets(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, nil))
	sink := auth.EventSinkFunc(func(ctx context.Context, ev auth.Event) { logger.Info("account", "event", ev) })
	e := newAccEnv(t, auth.WithEventSink(sink))
	ctx := context.Background()
	var secrets []string
	s := e.registerUser(t, alice)
	secrets = append(secrets, goodPassword, s.Pair.AccessToken, s.Pair.RefreshToken)
	for _, m := range e.mail.all() {
		logger.Info("mail sent", "message", m)
		if c := codeRE.FindStringSubmatch(m.Text); c != nil {
			secrets = append(secrets, c[1])
		}
	}
	_ = login(e, "alice@example.com", "Wrong-Secret-1", ip1)
	secrets = append(secrets, "Wrong-Secret-1")
	_ = e.acc.RequestPasswordReset(ctx, "alice@example.com", ip1)
	tok := tokenFromLink(t, e.lastResetLink(t, "alice@example.com"))
	secrets = append(secrets, tok)
	_ = e.acc.ResetPassword(ctx, auth.ResetPasswordRequest{Token: tok, NewPassword: newPassword}, ip1)
	secrets = append(secrets, newPassword)
	ls, err := e.acc.Login(ctx, auth.LoginRequest{Identifier: "alice\r\nlevel=INFO msg=login ok", Password: newPassword}, ip1)
	if err == nil {
		t.Fatalf("odd identifier logged in: %+v", ls.User)
	}
	e.flush(t)
	for _, m := range e.mail.all() {
		logger.Info("mail sent", "message", m)
	}
	out := logs.String()
	for _, s := range secrets {
		if s != "" && strings.Contains(out, s) {
			t.Fatalf("secret %.8q… in logs", s)
		}
	}
	if strings.Contains(out, "eyJ") {
		t.Fatal("a JWT in the logs")
	}
	// One record per event, whatever the identifier holds.
	lines := strings.Split(strings.TrimSpace(out), "\n")
	injected := 0
	for _, l := range lines {
		var rec map[string]any
		if err := json.Unmarshal([]byte(l), &rec); err != nil {
			t.Fatalf("log line is not one JSON record: %q", l)
		}
		if strings.Contains(strings.ToLower(l), `level=info msg=login ok`) {
			injected++
		}
	}
	if injected != 1 {
		t.Fatalf("%d records carry the injected identifier, want 1", injected)
	}
}

func TestMailFailuresAreEventsNotErrors(t *testing.T) {
	e := newAccEnv(t)
	e.mail.fail = errors.New("smtp down")
	if _, err := e.acc.Register(context.Background(), alice, ip1); err != nil {
		t.Fatalf("register with the mailer down: %v", err)
	}
	e.flush(t)
	if ev := e.events.find(auth.ActionMail, auth.OutcomeFailure); len(ev) != 1 || !strings.Contains(ev[0].Reason, "verify_code") {
		t.Fatalf("mail events %+v", ev)
	}
}

func TestClosedAccountsRefuseMail(t *testing.T) {
	e := newAccEnv(t)
	if err := e.acc.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := e.acc.Register(context.Background(), alice, ip1); !errors.Is(err, auth.ErrAccountsClosed) {
		t.Fatalf("register after close: %v", err)
	}
}
