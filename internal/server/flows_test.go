package server_test

import (
	"regexp"
	"time"

	"github.com/autospot/autospot/auth"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var resetTokenRE = regexp.MustCompile(`#token=([A-Za-z0-9_%-]+)`)

func TestHealthEndpoints(t *testing.T) {
	s := newStack(t, nil)
	r := s.do(req{method: "GET", path: "/api/health"})
	if r.code != 200 || r.json(t)["status"] != "healthy" {
		t.Fatalf("health: %d %s", r.code, r.body)
	}
	r = s.do(req{method: "GET", path: "/api/health/ready"})
	if r.code != 200 || r.json(t)["status"] != "ready" {
		t.Fatalf("ready: %d %s", r.code, r.body)
	}
}

// TestDriverLifecycle walks one driver through every /auth endpoint.
func TestDriverLifecycle(t *testing.T) {
	s := newStack(t, nil)
	tk := s.registerDriver("ada@example.com", "ada_l")

	t.Run("profile get", func(t *testing.T) {
		r := s.do(req{method: "GET", path: "/auth/profile", token: tk.Access})
		if r.code != 200 {
			t.Fatalf("%d %s", r.code, r.body)
		}
		if r.header.Get("Cache-Control") != "no-store" {
			t.Errorf("Cache-Control %q", r.header.Get("Cache-Control"))
		}
		u := r.json(t)["user"].(map[string]any)
		if u["email"] != "ada@example.com" || u["username"] != "ada_l" {
			t.Errorf("user %v", u)
		}
		if strings.Contains(string(r.body), "$2b$") || strings.Contains(string(r.body), "password") {
			t.Errorf("profile leaks the hash: %s", r.body)
		}
	})
	t.Run("profile put", func(t *testing.T) {
		r := s.do(req{method: "PUT", path: "/auth/profile", token: tk.Access,
			body: `{"phone":"+61 400 123 456","address":"1 Collins St, Melbourne","licence_plate":"ABC-123"}`})
		if r.code != 200 {
			t.Fatalf("%d %s", r.code, r.body)
		}
		p := r.json(t)["profile"].(map[string]any)
		if p["licence_plate"] != "ABC-123" || p["phone"] != "+61 400 123 456" {
			t.Errorf("profile %v", p)
		}
	})
	t.Run("login", func(t *testing.T) {
		r := s.do(req{method: "POST", path: "/auth/login", body: `{"email":"ADA@example.com ","password":"` + goodPassword + `"}`, remote: "192.0.2.200:1"})
		if r.code != 200 || r.header.Get("Cache-Control") != "no-store" {
			t.Fatalf("%d %s %v", r.code, r.body, r.header)
		}
	})
	var rotated tokens
	t.Run("refresh rotates and detects reuse", func(t *testing.T) {
		r := s.post("/auth/refresh", `{"refresh_token":"`+tk.Refresh+`"}`, "")
		if r.code != 200 {
			t.Fatalf("%d %s", r.code, r.body)
		}
		rotated = tokensOf(t, r)
		// The grace window lets the same token through once more with the
		// same successor; a token two rotations old is reuse.
		r2 := s.post("/auth/refresh", `{"refresh_token":"`+rotated.Refresh+`"}`, "")
		if r2.code != 200 {
			t.Fatalf("second rotation: %d %s", r2.code, r2.body)
		}
		third := tokensOf(t, r2)
		reuse := s.post("/auth/refresh", `{"refresh_token":"`+tk.Refresh+`"}`, "")
		assertErrorBody(t, reuse, http.StatusUnauthorized, "invalid_token")
		if r := s.do(req{method: "GET", path: "/auth/profile", token: third.Access}); r.code != http.StatusUnauthorized {
			t.Errorf("family not revoked after reuse: %d", r.code)
		}
	})
	t.Run("logout", func(t *testing.T) {
		tk := s.login("ada@example.com", goodPassword, "")
		r := s.post("/auth/logout", "", tk.Access)
		if r.code != http.StatusNoContent {
			t.Fatalf("%d %s", r.code, r.body)
		}
		if r := s.do(req{method: "GET", path: "/auth/profile", token: tk.Access}); r.code != http.StatusUnauthorized {
			t.Errorf("access token alive after logout: %d", r.code)
		}
		if r := s.post("/auth/refresh", `{"refresh_token":"`+tk.Refresh+`"}`, ""); r.code != http.StatusUnauthorized {
			t.Errorf("refresh token alive after logout: %d", r.code)
		}
	})
	t.Run("logout-all", func(t *testing.T) {
		a := s.login("ada@example.com", goodPassword, "")
		b := s.login("ada@example.com", goodPassword, "")
		if r := s.post("/auth/logout-all", "", a.Access); r.code != http.StatusNoContent {
			t.Fatalf("%d %s", r.code, r.body)
		}
		if r := s.do(req{method: "GET", path: "/auth/profile", token: b.Access}); r.code != http.StatusUnauthorized {
			t.Errorf("other session alive: %d", r.code)
		}
	})
	t.Run("change password", func(t *testing.T) {
		old := s.login("ada@example.com", goodPassword, "")
		r := s.post("/auth/change-password", `{"current_password":"wrong-Password-1!","new_password":"Another-Long-Pass-42?"}`, old.Access)
		assertErrorBody(t, r, http.StatusUnauthorized, "invalid_credentials")
		r = s.post("/auth/change-password", `{"current_password":"`+goodPassword+`","new_password":"Password1!"}`, old.Access)
		assertErrorBody(t, r, http.StatusBadRequest, "weak_password")
		r = s.post("/auth/change-password", `{"current_password":"`+goodPassword+`","new_password":"Another-Long-Pass-42?"}`, old.Access)
		if r.code != 200 {
			t.Fatalf("%d %s", r.code, r.body)
		}
		fresh := tokensOf(t, r)
		if r := s.do(req{method: "GET", path: "/auth/profile", token: old.Access}); r.code != http.StatusUnauthorized {
			t.Errorf("old session alive after change: %d", r.code)
		}
		if r := s.do(req{method: "GET", path: "/auth/profile", token: fresh.Access}); r.code != 200 {
			t.Errorf("new tokens refused: %d", r.code)
		}
		s.login("ada@example.com", "Another-Long-Pass-42?", "")
	})
	t.Run("delete account", func(t *testing.T) {
		tk := s.login("ada@example.com", "Another-Long-Pass-42?", "")
		r := s.post("/auth/delete-account", `{"password":"nope-Nope-123!"}`, tk.Access)
		assertErrorBody(t, r, http.StatusUnauthorized, "invalid_credentials")
		r = s.post("/auth/delete-account", `{"password":"Another-Long-Pass-42?"}`, tk.Access)
		if r.code != http.StatusNoContent {
			t.Fatalf("%d %s", r.code, r.body)
		}
		r = s.do(req{method: "POST", path: "/auth/login", body: `{"email":"ada@example.com","password":"Another-Long-Pass-42?"}`, remote: "192.0.2.201:1"})
		assertErrorBody(t, r, http.StatusUnauthorized, "invalid_credentials")
		if r := s.do(req{method: "GET", path: "/auth/profile", token: tk.Access}); r.code != http.StatusUnauthorized {
			t.Errorf("token alive after deletion: %d", r.code)
		}
	})
}

// TestPasswordResetUsesConfiguredBaseURL: a reset requested with
// Host: evil.test mails a link on AUTOSPOT_PUBLIC_URL, and the reset
// revokes every session.
func TestPasswordResetUsesConfiguredBaseURL(t *testing.T) {
	s := newStack(t, nil)
	_, tk := s.createUser("bob@example.com", "bob_b", "driver", "")
	r := s.do(req{method: "POST", path: "/auth/forgot-password", body: `{"email":"bob@example.com"}`,
		header: map[string]string{"Host": "evil.test", "X-Forwarded-Host": "evil.test"}})
	if r.code != http.StatusAccepted {
		t.Fatalf("%d %s", r.code, r.body)
	}
	unknown := s.post("/auth/forgot-password", `{"email":"nobody@example.com"}`, "")
	if unknown.code != r.code || unknown.json(t)["detail"] != r.json(t)["detail"] {
		t.Errorf("unknown email answered differently: %d %s", unknown.code, unknown.body)
	}
	m := s.lastMail("bob@example.com", auth.MailResetLink)
	if strings.Contains(m.Text, "evil.test") || !strings.Contains(m.Text, "https://autospot.example/reset-password#token=") {
		t.Fatalf("reset link not on the configured base URL: %s", m.Text)
	}
	token := resetTokenRE.FindStringSubmatch(m.Text)[1]
	if r := s.post("/auth/reset-password", `{"token":"`+token+`x","new_password":"Brand-New-Secret-55#"}`, ""); r.code != 400 {
		t.Errorf("tampered token: %d", r.code)
	}
	if r := s.post("/auth/reset-password", `{"token":"`+token+`","new_password":"Brand-New-Secret-55#"}`, ""); r.code != 200 {
		t.Fatalf("reset: %d %s", r.code, r.body)
	}
	if r := s.post("/auth/reset-password", `{"token":"`+token+`","new_password":"Brand-New-Secret-56#"}`, ""); r.code != 400 {
		t.Errorf("token reused: %d", r.code)
	}
	if r := s.do(req{method: "GET", path: "/auth/profile", token: tk.Access}); r.code != http.StatusUnauthorized {
		t.Errorf("session alive after reset: %d", r.code)
	}
	s.login("bob@example.com", "Brand-New-Secret-55#", "")
}

// TestRegistrationDoesNotRevealAccounts: a taken email gets the same
// answer, and the owner a mail instead of a code.
func TestRegistrationDoesNotRevealAccounts(t *testing.T) {
	s := newStack(t, nil)
	s.createUser("carol@example.com", "carol", "driver", "")
	body := `{"email":"carol@example.com","username":"carol2","password":"` + goodPassword + `","full_name":"Carol"}`
	taken := s.post("/auth/register", body, "")
	fresh := s.post("/auth/register", `{"email":"dave@example.com","username":"dave","password":"`+goodPassword+`","full_name":"Dave"}`, "")
	if taken.code != fresh.code || taken.json(t)["detail"] != fresh.json(t)["detail"] {
		t.Fatalf("taken %d %s vs fresh %d %s", taken.code, taken.body, fresh.code, fresh.body)
	}
	if m := s.lastMail("carol@example.com", auth.MailAlreadyExists); codeRE.MatchString(m.Text) {
		t.Errorf("owner mail carries a code: %s", m.Text)
	}
	wrong := s.post("/auth/verify-email", `{"email":"dave@example.com","ticket":"`+fresh.json(t)["ticket"].(string)+`","code":"000000"}`, "")
	if wrong.code != 400 {
		t.Errorf("wrong code: %d %s", wrong.code, wrong.body)
	}
}

// TestProfileEncryptedAtRest: the plaintext of phone, address and plate
// never reaches the profile database file.
func TestProfileEncryptedAtRest(t *testing.T) {
	s := newStack(t, nil)
	_, tk := s.createUser("erin@example.com", "erin", "driver", "")
	r := s.do(req{method: "PUT", path: "/auth/profile", token: tk.Access,
		body: `{"phone":"+61 499 000 111","address":"42 Wallaby Way, Sydney","licence_plate":"ZZT-987"}`})
	if r.code != 200 {
		t.Fatalf("%d %s", r.code, r.body)
	}
	s.close()
	raw, err := os.ReadFile(filepath.Join(s.dir, "profiles.db"))
	if err != nil {
		t.Fatal(err)
	}
	for _, plain := range []string{"499 000 111", "Wallaby", "ZZT-987"} {
		if strings.Contains(string(raw), plain) {
			t.Errorf("%q stored in plaintext", plain)
		}
	}
}

// TestResendCodeAndResetWithCode covers the remaining account routes: a
// resent code replaces the first, and a reset works with the mailed code.
func TestResendCodeAndResetWithCode(t *testing.T) {
	s := newStack(t, nil)
	r := s.post("/auth/register", `{"email":"rex@example.com","username":"rex","password":"`+goodPassword+`","full_name":"Rex Ray"}`, "")
	ticket := r.json(t)["ticket"].(string)
	first := codeRE.FindString(s.lastMail("rex@example.com", auth.MailVerifyCode).Text)
	s.clock.Advance(2 * time.Minute) // resends are throttled
	if r := s.post("/auth/resend-code", `{"email":"rex@example.com","ticket":"`+ticket+`"}`, ""); r.code != http.StatusAccepted {
		t.Fatalf("resend: %d %s", r.code, r.body)
	}
	second := codeRE.FindString(s.lastMail("rex@example.com", auth.MailVerifyCode).Text)
	if first == second {
		t.Skip("the two random codes collided")
	}
	if r := s.post("/auth/verify-email", `{"email":"rex@example.com","ticket":"`+ticket+`","code":"`+first+`"}`, ""); r.code != 400 {
		t.Errorf("replaced code accepted: %d", r.code)
	}
	if r := s.post("/auth/verify-email", `{"email":"rex@example.com","ticket":"`+ticket+`","code":"`+second+`"}`, ""); r.code != http.StatusCreated {
		t.Fatalf("verify with the resent code: %d %s", r.code, r.body)
	}
	s.post("/auth/forgot-password", `{"email":"rex@example.com"}`, "")
	m := s.lastMail("rex@example.com", auth.MailResetLink)
	code := codeRE.FindString(m.Text)
	if code == "" {
		t.Fatalf("no code in the reset mail: %s", m.Text)
	}
	if r := s.post("/auth/reset-password", `{"email":"rex@example.com","code":"`+code+`","new_password":"Fresh-Start-Pass-31$"}`, ""); r.code != 200 {
		t.Fatalf("reset with code: %d %s", r.code, r.body)
	}
	s.login("rex@example.com", "Fresh-Start-Pass-31$", "")
	if r := s.post("/auth/reset-password", `{"new_password":"Fresh-Start-Pass-31$"}`, ""); r.code != 400 {
		t.Errorf("reset without token or code: %d", r.code)
	}
}
