package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/internal/accounts"
	"github.com/autospot/autospot/internal/app"
	"github.com/autospot/autospot/internal/config"
	"github.com/autospot/autospot/internal/server"
)

// lockedBuffer is a goroutine-safe log capture.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// clock is a settable test clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// captureMailer keeps every message.
type captureMailer struct {
	mu   sync.Mutex
	msgs []auth.Message
}

func (c *captureMailer) Send(_ context.Context, m auth.Message) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.msgs = append(c.msgs, m)
	return nil
}

// stack is one whole server over temporary embedded storage.
type stack struct {
	t     testing.TB
	dir   string
	env   map[string]string
	app   *app.App
	h     http.Handler
	logs  *lockedBuffer // operational log and audit stdout sink together
	mail  *captureMailer
	clock *clock

	clients int
}

// newStack builds the server the way the binary does, with fast bcrypt
// and the given extra environment.
func newStack(t testing.TB, extra map[string]string) *stack {
	t.Helper()
	dir := t.TempDir()
	env := map[string]string{
		"AUTOSPOT_DATA_DIR":    dir,
		"AUTOSPOT_BCRYPT_COST": "4",
		"AUTOSPOT_PUBLIC_URL":  "https://autospot.example",
	}
	for k, v := range extra {
		env[k] = v
	}
	return openStack(t, dir, env, &clock{now: time.Now()})
}

// mounts, when set before newStack, are passed to the server.
var testMounts []server.Mount

func openStack(t testing.TB, dir string, env map[string]string, clk *clock) *stack {
	t.Helper()
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	logs := &lockedBuffer{}
	mail := &captureMailer{}
	a, err := app.Open(context.Background(), cfg, app.Options{
		Logger: slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Stdout: logs, Version: "test", Mailer: mail, Now: clk.Now, Mounts: testMounts,
	})
	if err != nil {
		t.Fatalf("app: %v", err)
	}
	s := &stack{t: t, dir: dir, env: env, app: a, h: a.Server.Handler(), logs: logs, mail: mail, clock: clk}
	t.Cleanup(func() { s.close() })
	return s
}

func (s *stack) close() {
	if s.app != nil {
		if err := s.app.Close(); err != nil {
			s.t.Errorf("close: %v", err)
		}
		s.app = nil
	}
}

// restart closes the stack and opens a new one on the same directory.
func (s *stack) restart() *stack {
	s.close()
	return openStack(s.t, s.dir, s.env, s.clock)
}

type req struct {
	method, path, body string
	token              string
	header             map[string]string
	remote             string
}

type resp struct {
	code   int
	header http.Header
	body   []byte
}

func (r resp) json(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("body %q: %v", r.body, err)
	}
	return m
}

func (s *stack) do(r req) resp {
	s.t.Helper()
	var body io.Reader
	if r.body != "" {
		body = strings.NewReader(r.body)
	}
	hr := httptest.NewRequest(r.method, r.path, body)
	if r.body != "" {
		hr.Header.Set("Content-Type", "application/json")
	}
	if r.token != "" {
		hr.Header.Set("Authorization", "Bearer "+r.token)
	}
	for k, v := range r.header {
		hr.Header.Set(k, v)
	}
	hr.RemoteAddr = "198.51.100.7:40000"
	if r.remote != "" {
		hr.RemoteAddr = r.remote
	}
	rec := httptest.NewRecorder()
	s.h.ServeHTTP(rec, hr)
	return resp{code: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
}

func (s *stack) post(path, body, token string) resp {
	s.t.Helper()
	return s.do(req{method: "POST", path: path, body: body, token: token})
}

// mails returns the messages sent so far, oldest first.
func (s *stack) mails() []auth.Message {
	s.t.Helper()
	if err := s.app.Accounts.Flush(context.Background()); err != nil {
		s.t.Fatal(err)
	}
	s.mail.mu.Lock()
	defer s.mail.mu.Unlock()
	return append([]auth.Message(nil), s.mail.msgs...)
}

var codeRE = regexp.MustCompile(`\b(\d{6})\b`)

// lastMail returns the newest message of kind to `to`.
func (s *stack) lastMail(to string, kind auth.MailKind) auth.Message {
	s.t.Helper()
	ms := s.mails()
	for i := len(ms) - 1; i >= 0; i-- {
		if ms[i].To == to && ms[i].Kind == kind {
			return ms[i]
		}
	}
	s.t.Fatalf("no %s mail to %s among %d", kind, to, len(ms))
	return auth.Message{}
}

const goodPassword = "Kestrel-Parking-97!"

type tokens struct {
	Access, Refresh string
}

func tokensOf(t testing.TB, r resp) tokens {
	t.Helper()
	m := r.json(t)
	a, _ := m["access_token"].(string)
	rf, _ := m["refresh_token"].(string)
	if a == "" || rf == "" {
		t.Fatalf("no tokens in %d %s", r.code, r.body)
	}
	return tokens{a, rf}
}

// registerDriver runs register + verify-email and returns the tokens.
func (s *stack) registerDriver(email, username string) tokens {
	s.t.Helper()
	r := s.post("/auth/register", `{"email":"`+email+`","username":"`+username+`","password":"`+goodPassword+`","full_name":"Test Driver"}`, "")
	if r.code != http.StatusAccepted {
		s.t.Fatalf("register: %d %s", r.code, r.body)
	}
	ticket := r.json(s.t)["ticket"].(string)
	code := codeRE.FindString(s.lastMail(email, auth.MailVerifyCode).Text)
	v := s.post("/auth/verify-email", `{"email":"`+email+`","ticket":"`+ticket+`","code":"`+code+`"}`, "")
	if v.code != http.StatusCreated {
		s.t.Fatalf("verify: %d %s", v.code, v.body)
	}
	return tokensOf(s.t, v)
}

// createUser makes an account directly and logs it in.
func (s *stack) createUser(email, username string, role auth.Role, facility string) (auth.User, tokens) {
	s.t.Helper()
	u, err := s.app.Provisioner.CreateUser(context.Background(), accounts.NewUser{Email: email, Username: username, FullName: "Some One",
		Password: goodPassword, Roles: []auth.Role{role}, Facility: facility})
	if err != nil {
		s.t.Fatal(err)
	}
	return u, s.login(email, goodPassword, "")
}

// login logs in; an empty remote picks a fresh client address, so
// that the 5/minute per-IP login limit does not interfere with flows.
func (s *stack) login(email, pw, remote string) tokens {
	s.t.Helper()
	if remote == "" {
		s.clients++
		remote = fmt.Sprintf("203.0.113.%d:5000", s.clients%250+1)
	}
	r := s.do(req{method: "POST", path: "/auth/login", body: `{"email":"` + email + `","password":"` + pw + `"}`, remote: remote})
	if r.code != http.StatusOK {
		s.t.Fatalf("login %s: %d %s", email, r.code, r.body)
	}
	return tokensOf(s.t, r)
}

// assertErrorBody checks the one error shape.
func assertErrorBody(t *testing.T, r resp, code int, errorCode string) {
	t.Helper()
	if r.code != code {
		t.Fatalf("status %d, want %d: %s", r.code, code, r.body)
	}
	var b struct {
		Detail    *string `json:"detail"`
		ErrorCode *string `json:"error_code"`
		RequestID *string `json:"request_id"`
	}
	if err := json.Unmarshal(r.body, &b); err != nil {
		t.Fatalf("error body %q: %v", r.body, err)
	}
	if b.Detail == nil || b.ErrorCode == nil || b.RequestID == nil || *b.RequestID == "" {
		t.Fatalf("error body lacks detail/error_code/request_id: %s", r.body)
	}
	if *b.RequestID != r.header.Get("X-Request-ID") {
		t.Errorf("request_id %q != X-Request-ID %q", *b.RequestID, r.header.Get("X-Request-ID"))
	}
	if errorCode != "" && *b.ErrorCode != errorCode {
		t.Errorf("error_code %q, want %q", *b.ErrorCode, errorCode)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
}
