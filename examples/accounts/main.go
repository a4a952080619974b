// Command accounts shows the account flows of the auth package: an HTTP
// API on loopback with registration and email verification, login with
// lockout, password reset and change, over memory stores, with the
// development mailer writing every email to an outbox directory. It runs a
// scripted client against the server, prints what happens, and exits.
//
//	go run ./examples/accounts
//
// The client reads its codes and reset link from the outbox files, as a
// developer would. Bcrypt runs at cost 10 here to keep the run short; the
// password package's default, 12, is the production setting.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/auth/mail"
	"github.com/autospot/autospot/password"
	"github.com/autospot/autospot/store/memory"
)

func main() {
	if err := run(os.Stdout, 10); err != nil {
		fmt.Fprintln(os.Stderr, "accounts example:", err)
		os.Exit(1)
	}
}

const resetURL = "https://autospot.example/reset-password"

type server struct {
	acc *auth.Accounts
}

// info builds the RequestInfo. A real server takes the client IP from the
// headers package's trusted-proxy resolver; this one serves loopback only.
func info(r *http.Request) auth.RequestInfo {
	ri := auth.RequestInfo{UserAgent: r.UserAgent(), RequestID: r.Header.Get("X-Request-ID")}
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		ri.IP, _ = netip.ParseAddr(host)
	}
	if v := r.Header.Get("X-Test-Client-IP"); v != "" { // the script plays several clients
		ri.IP, _ = netip.ParseAddr(v)
	}
	return ri
}

// decode reads a small JSON body strictly.
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 8<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		reply(w, http.StatusBadRequest, map[string]string{"error_code": "bad_request"})
		return false
	}
	return true
}

func reply(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// fail maps account errors to responses. None says whether an account
// exists.
func fail(w http.ResponseWriter, err error) {
	var ve *auth.ValidationError
	switch {
	case errors.As(err, &ve):
		reply(w, http.StatusUnprocessableEntity, map[string]any{"error_code": "invalid_input", "fields": ve.Fields})
	case errors.Is(err, auth.ErrInvalidCredentials):
		reply(w, http.StatusUnauthorized, map[string]string{"error_code": "invalid_credentials"})
	case errors.Is(err, auth.ErrInvalidCode), errors.Is(err, auth.ErrInvalidResetToken):
		reply(w, http.StatusBadRequest, map[string]string{"error_code": "invalid_code"})
	case errors.Is(err, auth.ErrTooManyRequests):
		w.Header().Set("Retry-After", "30")
		reply(w, http.StatusTooManyRequests, map[string]string{"error_code": "too_many_requests"})
	case errors.Is(err, auth.ErrUsernameTaken):
		reply(w, http.StatusConflict, map[string]string{"error_code": "username_taken"})
	case errors.Is(err, password.ErrBusy):
		w.Header().Set("Retry-After", "1")
		reply(w, http.StatusServiceUnavailable, map[string]string{"error_code": "busy"})
	default:
		reply(w, http.StatusInternalServerError, map[string]string{"error_code": "internal"})
	}
}

func (s *server) routes(tokens *auth.Service) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /register", func(w http.ResponseWriter, r *http.Request) {
		var req auth.RegisterRequest
		if !decode(w, r, &req) {
			return
		}
		reg, err := s.acc.Register(r.Context(), req, info(r))
		if err != nil {
			fail(w, err)
			return
		}
		reply(w, http.StatusAccepted, map[string]string{"ticket": reg.Ticket})
	})
	mux.HandleFunc("POST /verify", func(w http.ResponseWriter, r *http.Request) {
		var req auth.VerifyEmailRequest
		if !decode(w, r, &req) {
			return
		}
		sess, err := s.acc.VerifyEmail(r.Context(), req, info(r))
		if err != nil {
			fail(w, err)
			return
		}
		reply(w, http.StatusCreated, map[string]string{"access_token": sess.Pair.AccessToken, "user": sess.User.Username})
	})
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		var req auth.LoginRequest
		if !decode(w, r, &req) {
			return
		}
		sess, err := s.acc.Login(r.Context(), req, info(r))
		if err != nil {
			fail(w, err)
			return
		}
		reply(w, http.StatusOK, map[string]string{"access_token": sess.Pair.AccessToken, "user": sess.User.Username})
	})
	mux.HandleFunc("POST /forgot", func(w http.ResponseWriter, r *http.Request) {
		var req struct{ Email string }
		if !decode(w, r, &req) {
			return
		}
		if err := s.acc.RequestPasswordReset(r.Context(), req.Email, info(r)); err != nil {
			fail(w, err)
			return
		}
		reply(w, http.StatusAccepted, map[string]string{"detail": "if the address is registered, an email is on its way"})
	})
	mux.HandleFunc("POST /reset", func(w http.ResponseWriter, r *http.Request) {
		var req auth.ResetPasswordRequest
		if !decode(w, r, &req) {
			return
		}
		if err := s.acc.ResetPassword(r.Context(), req, info(r)); err != nil {
			fail(w, err)
			return
		}
		reply(w, http.StatusOK, map[string]string{"detail": "password reset; every session ended"})
	})
	mux.Handle("GET /me", tokens.Authenticate()(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, _ := auth.ClaimsFrom(r.Context())
		u, err := s.acc.User(r.Context(), c.Subject)
		if err != nil {
			fail(w, err)
			return
		}
		reply(w, http.StatusOK, map[string]string{"user": u.Username, "email": u.Email})
	})))
	return mux
}

// run plays the script against a server hashing at bcrypt cost `cost`.
func run(out io.Writer, cost int) error {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "autospot-accounts-example")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	outbox, err := mail.NewOutbox(filepath.Join(dir, "outbox"), "AutoSpot <no-reply@autospot.example>")
	if err != nil {
		return err
	}
	defer outbox.Close()

	key, err := auth.GenerateEd25519Key("example", nil)
	if err != nil {
		return err
	}
	ring, err := auth.NewKeyRing(key)
	if err != nil {
		return err
	}
	tokens, err := auth.NewService(ring, memory.NewRefreshStore(), memory.NewRevocationStore())
	if err != nil {
		return err
	}
	hasher, err := password.New(password.Config{BcryptCost: cost})
	if err != nil {
		return err
	}
	events := auth.EventSinkFunc(func(_ context.Context, e auth.Event) {
		if e.Action == auth.ActionLockout {
			fmt.Fprintf(out, "  [event] %s %s reason=%s ip=%s\n", e.Action, e.Outcome, e.Reason, e.IP)
		}
	})
	acc, err := auth.NewAccounts(tokens, hasher, auth.AccountStores{
		Users:    memory.NewUserStore(),
		Pending:  memory.NewPendingStore(),
		OTPs:     memory.NewOTPStore(),
		Attempts: memory.NewAttemptStore(),
		Resets:   memory.NewResetStore(),
	}, outbox, resetURL, auth.WithEventSink(events), auth.WithBlockedEmailDomains("mailinator.com"))
	if err != nil {
		return err
	}
	defer acc.Close(ctx)
	srv := httptest.NewServer((&server{acc: acc}).routes(tokens))
	defer srv.Close()

	c := &client{base: srv.URL, out: out}
	inbox := func(to string) (string, error) {
		if err := acc.Flush(ctx); err != nil {
			return "", err
		}
		return lastMail(outbox, to)
	}

	fmt.Fprintln(out, "1. registration")
	c.post("/register", map[string]string{"Email": "dana@mailinator.com", "Username": "dana", "FullName": "Dana D", "Password": "Password1!"}, "", nil)
	var reg struct{ Ticket string }
	c.post("/register", map[string]string{"Email": " Dana@Example.com", "Username": "dana", "FullName": "Dana Driver", "Password": "Tr0ub4dor&3-horse-battery"}, "", &reg)
	body, err := inbox("dana@example.com")
	if err != nil {
		return err
	}
	code := regexp.MustCompile(`(?m)^    (\d{6})\r?$`).FindStringSubmatch(body)
	if code == nil {
		return errors.New("no code in the outbox")
	}
	fmt.Fprintln(out, "  outbox: a 6-digit code for dana@example.com")
	c.post("/verify", map[string]string{"Email": "dana@example.com", "Ticket": reg.Ticket, "Code": "000000"}, "", nil)
	c.post("/verify", map[string]string{"Email": "dana@example.com", "Ticket": reg.Ticket, "Code": code[1]}, "", nil)
	c.post("/register", map[string]string{"Email": "dana@example.com", "Username": "dana2", "FullName": "Someone", "Password": "An0ther-Str0ng-pass"}, "", nil)
	if body, err = inbox("dana@example.com"); err != nil {
		return err
	}
	fmt.Fprintf(out, "  outbox: %q\n", firstLine(body, "Someone"))

	fmt.Fprintln(out, "2. login and lockout")
	var sess struct {
		AccessToken string `json:"access_token"`
	}
	c.post("/login", map[string]string{"Identifier": "DANA", "Password": "Tr0ub4dor&3-horse-battery"}, "", &sess)
	c.post("/login", map[string]string{"Identifier": "nobody@example.com", "Password": "guess"}, "", nil)
	c.quiet = true
	// Five guesses from one address; the 3rd and 4th impose short delays
	// (1 s, 2 s) that the script waits out, the 5th locks the address out.
	for i, wait := range []time.Duration{0, 0, 1100 * time.Millisecond, 2100 * time.Millisecond, 0} {
		c.post("/login", map[string]string{"Identifier": "dana", "Password": fmt.Sprintf("guess-%d", i)}, "203.0.113.66", nil)
		time.Sleep(wait)
	}
	c.quiet = false
	c.post("/login", map[string]string{"Identifier": "dana", "Password": "Tr0ub4dor&3-horse-battery"}, "203.0.113.66", nil)
	c.post("/login", map[string]string{"Identifier": "dana", "Password": "Tr0ub4dor&3-horse-battery"}, "", nil)

	if err := acc.Flush(ctx); err != nil { // the lockout notice goes out first
		return err
	}
	fmt.Fprintln(out, "3. password reset (request sent with Host: evil.test)")
	c.host = "evil.test"
	c.post("/forgot", map[string]string{"Email": "dana@example.com"}, "", nil)
	c.post("/forgot", map[string]string{"Email": "nobody@example.com"}, "", nil)
	c.host = ""
	if body, err = inbox("dana@example.com"); err != nil {
		return err
	}
	link := regexp.MustCompile(`https?://\S+`).FindString(body)
	base, secret, _ := strings.Cut(link, "#token=")
	fmt.Fprintf(out, "  outbox: link to %s (secret in the fragment)\n", base)
	c.get("/me", sess.AccessToken)
	c.post("/reset", map[string]string{"Token": secret, "NewPassword": "A-much-better-Passw0rd"}, "", nil)
	c.post("/reset", map[string]string{"Token": secret, "NewPassword": "A-much-better-Passw0rd"}, "", nil)
	c.get("/me", sess.AccessToken)
	c.post("/login", map[string]string{"Identifier": "dana@example.com", "Password": "A-much-better-Passw0rd"}, "203.0.113.66", nil)

	files, err := outbox.Files()
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "outbox holds %d emails (mode 0600)\n", len(files))
	return nil
}

type client struct {
	base  string
	host  string
	out   io.Writer
	quiet bool
}

func (c *client) do(method, path string, body any, ip, token string, into any) {
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, c.base+path, r)
	if c.host != "" {
		req.Host = c.host
	}
	if ip != "" {
		req.Header.Set("X-Test-Client-IP", ip)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintf(c.out, "  %s %s: %v\n", method, path, err)
		return
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if into != nil {
		_ = json.Unmarshal(raw, into)
	}
	if c.quiet {
		return
	}
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	for _, k := range []string{"access_token", "ticket"} {
		if _, ok := m[k]; ok {
			m[k] = "…"
		}
	}
	if f, ok := m["fields"].([]any); ok {
		var names []string
		for _, x := range f {
			if fe, ok := x.(map[string]any); ok {
				names = append(names, fmt.Sprint(fe["Field"], ":", fe["Code"]))
			}
		}
		m["fields"] = strings.Join(names, ",")
	}
	who := ""
	if ip != "" {
		who = " from " + ip
	}
	fmt.Fprintf(c.out, "  %s %s%s → %d %v\n", method, path, who, resp.StatusCode, m)
}

func (c *client) post(path string, body any, ip string, into any) {
	c.do("POST", path, body, ip, "", into)
}
func (c *client) get(path, token string) { c.do("GET", path, nil, "", token, nil) }

// lastMail returns the decoded body of the newest outbox message to `to`.
func lastMail(o *mail.Outbox, to string) (string, error) {
	files, err := o.Files()
	if err != nil {
		return "", err
	}
	for i := len(files) - 1; i >= 0; i-- {
		raw, err := os.ReadFile(filepath.Join(o.Dir(), files[i]))
		if err != nil {
			return "", err
		}
		if bytes.Contains(raw, []byte("To: <"+to+">")) {
			_, body, _ := bytes.Cut(raw, []byte("\r\n\r\n"))
			return decodeQP(body)
		}
	}
	return "", fmt.Errorf("no email to %s", to)
}

func firstLine(body, contains string) string {
	for _, l := range strings.Split(body, "\n") {
		if strings.Contains(l, contains) {
			return strings.TrimSpace(l)
		}
	}
	return strings.TrimSpace(strings.SplitN(body, "\n", 2)[0])
}
