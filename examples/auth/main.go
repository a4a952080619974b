// Command auth shows the auth package on its own: an HTTP API on loopback
// with login (token pair), a protected route, a facility-scoped operator
// route, refresh rotation, parallel refreshes within the grace window,
// replay detection, cookie authentication with CSRF double-submit, logout
// and logout-all. It runs a scripted client against the server, prints
// what happens, and exits.
//
//	go run ./examples/auth
//
// The signing secret comes from AUTOSPOT_JWT_SECRET (base64, ≥ 32 bytes)
// when set, else a random one is made for the run. A real server
// authenticates the user (password, OTP …) before issuing tokens; here the
// login endpoint trusts the user name, to keep the example about tokens.
package main

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/store/memory"
)

func main() {
	if err := run(os.Stdout, os.Getenv); err != nil {
		fmt.Fprintln(os.Stderr, "auth example:", err)
		os.Exit(1)
	}
}

// users is the example's user directory.
var users = map[string]auth.Subject{
	"dana":  {ID: "u-1", Roles: []auth.Role{auth.RoleDriver}},
	"oscar": {ID: "u-2", Roles: []auth.Role{auth.RoleOperator}, Facility: "westfield-sydney"},
}

func secret(getenv func(string) string) ([]byte, error) {
	if v := getenv("AUTOSPOT_JWT_SECRET"); v != "" {
		b, err := base64.StdEncoding.DecodeString(v)
		if err != nil {
			return nil, fmt.Errorf("AUTOSPOT_JWT_SECRET: %w", err)
		}
		return b, nil
	}
	b := make([]byte, 32)
	_, err := rand.Read(b)
	return b, err
}

type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	CSRFToken    string `json:"csrf_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in"`
}

func writePair(w http.ResponseWriter, p auth.Pair, svc *auth.Service) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	http.SetCookie(w, auth.AccessCookie("", p))
	_ = json.NewEncoder(w).Encode(tokenResponse{
		AccessToken: p.AccessToken, RefreshToken: p.RefreshToken, CSRFToken: p.CSRFToken,
		TokenType: p.TokenType(), ExpiresIn: int(svc.AccessTTL().Seconds()),
	})
}

// tokenError answers a failed refresh or logout with the package's error
// shape: 401 for bad tokens, 503 for store trouble.
func tokenError(w http.ResponseWriter, err error) {
	if errors.Is(err, auth.ErrTokenInvalid) {
		code := "invalid_token"
		if errors.Is(err, auth.ErrRefreshReused) {
			code = "refresh_reused"
		}
		auth.WriteError(w, http.StatusUnauthorized, code, "Invalid refresh token")
		return
	}
	auth.WriteError(w, http.StatusServiceUnavailable, "auth_unavailable", "Try again")
}

func newServer(svc *auth.Service) http.Handler {
	rbac := auth.DefaultRBAC()
	authn := svc.Authenticate(auth.WithCookie(""))
	mux := http.NewServeMux()

	mux.HandleFunc("POST /auth/login", func(w http.ResponseWriter, r *http.Request) {
		sub, ok := users[r.FormValue("username")]
		if !ok {
			auth.WriteError(w, http.StatusUnauthorized, "bad_credentials", "Unknown user")
			return
		}
		p, err := svc.IssuePair(r.Context(), sub)
		if err != nil {
			tokenError(w, err)
			return
		}
		writePair(w, p, svc)
	})
	mux.HandleFunc("POST /auth/refresh", func(w http.ResponseWriter, r *http.Request) {
		p, err := svc.Refresh(r.Context(), r.FormValue("refresh_token"))
		if err != nil {
			tokenError(w, err)
			return
		}
		writePair(w, p, svc)
	})
	mux.Handle("POST /auth/logout", authn(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, _ := auth.ClaimsFrom(r.Context())
		if err := svc.LogoutSession(r.Context(), c.Session); err != nil {
			tokenError(w, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})))
	mux.Handle("POST /auth/logout-all", authn(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, _ := auth.ClaimsFrom(r.Context())
		if err := svc.LogoutAll(r.Context(), c.Subject); err != nil {
			tokenError(w, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})))
	mux.Handle("GET /me", authn(auth.RequirePermission(rbac, auth.PermProfile)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, _ := auth.ClaimsFrom(r.Context())
		fmt.Fprintf(w, "%s %v %s", c.Subject, c.Roles, c.Facility)
	}))))
	mux.Handle("PUT /facilities/{facility}/rates", authn(auth.RequireFacilityPermission(rbac, auth.PermRatesWrite,
		func(r *http.Request) string { return r.PathValue("facility") })(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "rates of %s updated", r.PathValue("facility"))
	}))))
	return mux
}

type client struct {
	base string
	mu   sync.Mutex // serialises writes to out from parallel requests
	out  io.Writer
}

// do sends a request and prints a one-line summary of the answer.
func (c *client) do(label, method, path string, form map[string]string, hdr map[string]string) (int, []byte, error) {
	var body io.Reader
	if form != nil {
		var parts []string
		for k, v := range form {
			parts = append(parts, k+"="+v)
		}
		body = strings.NewReader(strings.Join(parts, "&"))
	}
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		return 0, nil, err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil, err
	}
	summary := strings.TrimSpace(string(b))
	if strings.Contains(summary, "access_token") {
		summary = "(token pair)"
	}
	c.mu.Lock()
	fmt.Fprintf(c.out, "%-44s %d %s\n", label, resp.StatusCode, summary)
	c.mu.Unlock()
	return resp.StatusCode, b, nil
}

func (c *client) login(user string) (tokenResponse, error) {
	var t tokenResponse
	_, b, err := c.do("login as "+user, "POST", "/auth/login", map[string]string{"username": user}, nil)
	if err != nil {
		return t, err
	}
	return t, json.Unmarshal(b, &t)
}

func (c *client) refresh(label, token string) (int, tokenResponse, error) {
	var t tokenResponse
	code, b, err := c.do(label, "POST", "/auth/refresh", map[string]string{"refresh_token": token}, nil)
	if err == nil && code == 200 {
		err = json.Unmarshal(b, &t)
	}
	return code, t, err
}

func bearer(t tokenResponse) map[string]string {
	return map[string]string{"Authorization": "Bearer " + t.AccessToken}
}

func run(out io.Writer, getenv func(string) string) error {
	sec, err := secret(getenv)
	if err != nil {
		return err
	}
	key, err := auth.NewHMACKey("example", sec)
	if err != nil {
		return err
	}
	ring, err := auth.NewKeyRing(key)
	if err != nil {
		return err
	}
	// The clock runs skew ahead of the wall clock, so the demo can skip
	// past the refresh grace window without sleeping.
	var skew atomic.Int64
	now := func() time.Time { return time.Now().Add(time.Duration(skew.Load())) }
	svc, err := auth.NewService(ring, memory.NewRefreshStore(), memory.NewRevocationStore(), auth.WithClock(now))
	if err != nil {
		return err
	}
	srv := httptest.NewServer(newServer(svc)) // loopback only
	defer srv.Close()
	c := &client{base: srv.URL, out: out}

	dana, err := c.login("dana")
	if err != nil {
		return err
	}
	if _, _, err := c.do("GET /me with dana's token", "GET", "/me", nil, bearer(dana)); err != nil {
		return err
	}
	if _, _, err := c.do("GET /me without a token", "GET", "/me", nil, nil); err != nil {
		return err
	}
	if _, _, err := c.do("dana edits rates", "PUT", "/facilities/westfield-sydney/rates", nil, bearer(dana)); err != nil {
		return err
	}
	oscar, err := c.login("oscar")
	if err != nil {
		return err
	}
	if _, _, err := c.do("oscar edits his facility's rates", "PUT", "/facilities/westfield-sydney/rates", nil, bearer(oscar)); err != nil {
		return err
	}
	if _, _, err := c.do("oscar edits another facility's rates", "PUT", "/facilities/other/rates", nil, bearer(oscar)); err != nil {
		return err
	}

	// Two tabs refresh with the same token at once: both succeed, with
	// the same successor.
	var wg sync.WaitGroup
	var a, b tokenResponse
	var errA, errB error
	wg.Go(func() { _, a, errA = c.refresh("parallel refresh (tab 1)", dana.RefreshToken) })
	wg.Go(func() { _, b, errB = c.refresh("parallel refresh (tab 2)", dana.RefreshToken) })
	wg.Wait()
	if err := errors.Join(errA, errB); err != nil {
		return err
	}
	fmt.Fprintf(out, "%-44s %v\n", "both tabs got the same refresh token", a.RefreshToken == b.RefreshToken)

	// Cookie authentication: unsafe methods need the CSRF header.
	ck := map[string]string{"Cookie": auth.DefaultCookieName + "=" + a.AccessToken}
	if _, _, err := c.do("logout by cookie without CSRF header", "POST", "/auth/logout", nil, ck); err != nil {
		return err
	}
	ck["X-CSRF-Token"] = a.CSRFToken
	if _, _, err := c.do("logout by cookie with CSRF header", "POST", "/auth/logout", nil, ck); err != nil {
		return err
	}
	if _, _, err := c.do("GET /me after logout", "GET", "/me", nil, bearer(a)); err != nil {
		return err
	}
	if _, _, err := c.refresh("refresh after logout", a.RefreshToken); err != nil {
		return err
	}

	// A stolen refresh token replayed after rotation (and after the grace
	// window) revokes the session.
	dana, err = c.login("dana")
	if err != nil {
		return err
	}
	_, rotated, err := c.refresh("refresh (rotation)", dana.RefreshToken)
	if err != nil {
		return err
	}
	skew.Add(int64(auth.DefaultRefreshGrace + time.Second))
	fmt.Fprintln(out, "(11 seconds later)")
	if _, _, err := c.refresh("replay of the spent refresh token", dana.RefreshToken); err != nil {
		return err
	}
	if _, _, err := c.refresh("refresh with the successor", rotated.RefreshToken); err != nil {
		return err
	}
	if _, _, err := c.do("GET /me with the successor's access token", "GET", "/me", nil, bearer(rotated)); err != nil {
		return err
	}
	return logoutAllDemo(c)
}

func logoutAllDemo(c *client) error {
	phone, err := c.login("dana")
	if err != nil {
		return err
	}
	laptop, err := c.login("dana")
	if err != nil {
		return err
	}
	if _, _, err := c.do("logout-all from the phone", "POST", "/auth/logout-all", nil, bearer(phone)); err != nil {
		return err
	}
	if _, _, err := c.do("GET /me from the laptop", "GET", "/me", nil, bearer(laptop)); err != nil {
		return err
	}
	if _, _, err := c.refresh("refresh on the laptop", laptop.RefreshToken); err != nil {
		return err
	}
	_, err = fmt.Fprintln(c.out, "done")
	return err
}
