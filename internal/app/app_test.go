package app_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/autospot/autospot/internal/app"
	"github.com/autospot/autospot/internal/config"
	"github.com/autospot/autospot/internal/testenv"
)

func open(t *testing.T, env map[string]string) *app.App {
	t.Helper()
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.Open(context.Background(), cfg, app.Options{Stdout: &strings.Builder{}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.Close() })
	return a
}

func get(h http.Handler, method, path, body, remote string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	r.RemoteAddr = remote
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// TestReadinessReportsRedisDown: with REDIS_URL pointing at nothing, the
// server starts, liveness holds and readiness answers 503 naming redis.
func TestReadinessReportsRedisDown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	a := open(t, map[string]string{"AUTOSPOT_DATA_DIR": t.TempDir(), "REDIS_URL": "redis://" + addr + "/0", "AUTOSPOT_BCRYPT_COST": "4"})
	h := a.Server.Handler()
	if w := get(h, "GET", "/api/health", "", "192.0.2.1:1"); w.Code != 200 {
		t.Errorf("liveness %d", w.Code)
	}
	w := get(h, "GET", "/api/health/ready", "", "192.0.2.1:1")
	if w.Code != 503 || !strings.Contains(w.Body.String(), "redis") || strings.Contains(w.Body.String(), addr) {
		t.Errorf("readiness %d %s", w.Code, w.Body)
	}
	// The login limit fails closed: no unlimited guessing while Redis is down.
	if w := get(h, "POST", "/auth/login", `{"email":"a@b.co","password":"x"}`, "192.0.2.1:1"); w.Code != 503 {
		t.Errorf("login with the limiter down: %d %s", w.Code, w.Body)
	}
}

func TestMongoURIFailsClosed(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cfg, err := config.Load(func(k string) string {
		return map[string]string{"AUTOSPOT_DATA_DIR": t.TempDir(), "MONGODB_URI": "mongodb://" + addr + "/x?serverSelectionTimeoutMS=300&connectTimeoutMS=300"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := app.Open(context.Background(), cfg, app.Options{}); err == nil {
		t.Fatal("started without its MongoDB")
	}
}

// TestRedisSharedAcrossReplicas: two replicas sharing Redis share the
// login limit and the revocation state.
func TestRedisSharedAcrossReplicas(t *testing.T) {
	addr := testenv.RedisAddr(t)
	keys := map[string]string{"REDIS_URL": "redis://" + addr + "/0", "AUTOSPOT_BCRYPT_COST": "4", "JWT_SECRET_KEY": "replica-shared-secret-0123456789abcdef",
		"AUTOSPOT_AUDIT_KEY": "replica-shared-audit-key-0123456789abcdef"}
	envA, envB := map[string]string{"AUTOSPOT_DATA_DIR": t.TempDir()}, map[string]string{"AUTOSPOT_DATA_DIR": t.TempDir()}
	for k, v := range keys {
		envA[k], envB[k] = v, v
	}
	a, b := open(t, envA), open(t, envB)
	if w := get(a.Server.Handler(), "GET", "/api/health/ready", "", "192.0.2.1:1"); w.Code != 200 {
		t.Fatalf("ready %d %s", w.Code, w.Body)
	}
	var rnd [2]byte
	_, _ = rand.Read(rnd[:])
	client := fmt.Sprintf("10.%d.%d.1:5000", rnd[0], rnd[1]) // fresh bucket each run
	for i := range 5 {
		h := a.Server.Handler()
		if i%2 == 1 {
			h = b.Server.Handler()
		}
		if w := get(h, "POST", "/auth/login", `{"email":"x@example.com","password":"y"}`, client); w.Code != 401 {
			t.Fatalf("attempt %d: %d %s", i, w.Code, w.Body)
		}
	}
	if w := get(b.Server.Handler(), "POST", "/auth/login", `{"email":"x@example.com","password":"y"}`, client); w.Code != 429 {
		t.Errorf("sixth attempt on the other replica: %d", w.Code)
	}
	// Revocation: a session ended on A is refused by B (same keys).
	_, _ = rand.Read(rnd[:])
	id := hex.EncodeToString(rnd[:])
	u, err := a.Provisioner.CreateUser(context.Background(), provisionAdmin(id))
	if err != nil {
		t.Fatal(err)
	}
	pair, err := a.Tokens.IssuePair(context.Background(), subject(u))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Tokens.VerifyAccess(context.Background(), pair.AccessToken); err != nil {
		t.Fatalf("B refuses A's token: %v", err)
	}
	if err := a.Tokens.LogoutAll(context.Background(), u.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Tokens.VerifyAccess(context.Background(), pair.AccessToken); err == nil {
		t.Error("B accepts a token revoked on A")
	}
}
