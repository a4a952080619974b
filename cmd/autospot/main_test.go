package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestHealth(t *testing.T) {
	fixed := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	h := newHandler(func() time.Time { return fixed })
	tests := []struct {
		name, method, path string
		status             int
	}{
		{"health", http.MethodGet, "/api/health", http.StatusOK},
		{"wrong method", http.MethodPost, "/api/health", http.StatusMethodNotAllowed},
		{"unknown path", http.MethodGet, "/api/nope", http.StatusNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(tc.method, tc.path, nil))
			if rec.Code != tc.status {
				t.Fatalf("status = %d, want %d", rec.Code, tc.status)
			}
			if tc.status != http.StatusOK {
				return
			}
			if ct := rec.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" {
				t.Errorf("Content-Type = %q", ct)
			}
			var body healthResponse
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
				t.Fatalf("body %q: %v", rec.Body, err)
			}
			if body.Status != "healthy" || !body.Time.Equal(fixed) {
				t.Errorf("body = %+v", body)
			}
		})
	}
}

func TestLoadConfig(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		addr    string
		wantErr bool
	}{
		{"defaults", nil, ":8000", false},
		{"addr", map[string]string{"AUTOSPOT_ADDR": "127.0.0.1:9999"}, "127.0.0.1:9999", false},
		{"bad timeout", map[string]string{"AUTOSPOT_SHUTDOWN_TIMEOUT": "soon"}, "", true},
		{"negative timeout", map[string]string{"AUTOSPOT_SHUTDOWN_TIMEOUT": "-1s"}, "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := loadConfig(func(k string) string { return tc.env[k] })
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tc.wantErr)
			}
			if err == nil && cfg.Addr != tc.addr {
				t.Errorf("Addr = %q, want %q", cfg.Addr, tc.addr)
			}
		})
	}
}

// TestRunGracefulShutdown starts the real server loop, holds a request in
// flight, cancels the context (as SIGTERM does) and checks that the
// in-flight request still completes and run returns nil.
func TestRunGracefulShutdown(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	env := map[string]string{"AUTOSPOT_ADDR": "127.0.0.1:0"}
	done := make(chan error, 1)
	var logs bytes.Buffer
	go func() {
		done <- run(ctx, func(k string) string { return env[k] }, io.Discard, slog.New(slog.NewJSONHandler(&logs, nil)), ready)
	}()
	addr := <-ready
	resp, err := http.Get("http://" + addr + "/api/health")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not return after cancel")
	}
	if !strings.Contains(logs.String(), "autospot: stopped") {
		t.Errorf("logs lack the stop record: %s", logs.String())
	}
	if _, err := http.Get("http://" + addr + "/api/health"); err == nil {
		t.Error("server still answering after shutdown")
	}
}

// TestBinarySIGTERM builds the real binary, starts it with no configuration
// but the address, sends SIGTERM and expects a clean exit status 0.
func TestBinarySIGTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary; skipped with -short")
	}
	bin := filepath.Join(t.TempDir(), "autospot")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "AUTOSPOT_ADDR=127.0.0.1:0")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(stderr.String(), "autospot: listening") {
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			t.Fatalf("server did not start: %s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit after SIGTERM: %v\n%s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "autospot: stopped") {
		t.Errorf("no graceful-stop record: %s", stderr.String())
	}
}
