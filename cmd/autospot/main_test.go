package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/autospot/autospot/internal/config"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func mapEnv(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// server runs "autospot serve" in process and returns its address and a
// stop function that waits for run to return its exit status.
func startServer(t *testing.T, env map[string]string) (string, func() int, *syncBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan int, 1)
	var out, errOut syncBuffer
	go func() { done <- run(ctx, []string{"serve"}, mapEnv(env), strings.NewReader(""), &out, &errOut, ready) }()
	select {
	case addr := <-ready:
		var once sync.Once
		code := 0
		stop := func() int {
			once.Do(func() {
				cancel()
				select {
				case code = <-done:
				case <-time.After(15 * time.Second):
					t.Fatal("run did not return after cancel")
				}
			})
			return code
		}
		t.Cleanup(func() { stop() })
		return addr, stop, &errOut
	case code := <-done:
		cancel()
		t.Fatalf("serve exited %d: %s", code, errOut.String())
	case <-time.After(15 * time.Second):
		cancel()
		t.Fatal("serve did not start")
	}
	return "", nil, nil
}

func baseEnv(t *testing.T) map[string]string {
	return map[string]string{"AUTOSPOT_ADDR": "127.0.0.1:0", "AUTOSPOT_DATA_DIR": t.TempDir(), "AUTOSPOT_BCRYPT_COST": "4"}
}

// TestServeGracefulShutdown starts the real server loop, cancels the
// context (as SIGTERM does) and checks that run returns 0 and stops
// answering.
func TestServeGracefulShutdown(t *testing.T) {
	addr, stop, logs := startServer(t, baseEnv(t))
	resp, err := http.Get("http://" + addr + "/api/health")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if code := stop(); code != 0 {
		t.Fatalf("exit %d: %s", code, logs.String())
	}
	if !strings.Contains(logs.String(), "autospot: stopped") || !strings.Contains(logs.String(), "DEVELOPMENT SECRETS") {
		t.Errorf("logs: %s", logs.String())
	}
	if _, err := http.Get("http://" + addr + "/api/health"); err == nil {
		t.Error("server still answering after shutdown")
	}
}

// TestBinarySIGTERM builds the real binary, starts it with no
// configuration but the address (in an empty directory, so ./data is
// created there), sends SIGTERM and expects exit status 0.
func TestBinarySIGTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary; skipped with -short")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "autospot")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "AUTOSPOT_ADDR=127.0.0.1:0")
	var stderr syncBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(15 * time.Second)
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
	if fi, err := os.Stat(filepath.Join(dir, "data", "dev-secrets.json")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("dev secrets: %v %v", fi, err)
	}
}

func runCmd(t *testing.T, env map[string]string, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut syncBuffer
	code := run(context.Background(), args, mapEnv(env), strings.NewReader(stdin), &out, &errOut, nil)
	return code, out.String(), errOut.String()
}

// keyEnv runs "autospot keys" and returns its lines as a map.
func keyEnv(t *testing.T) map[string]string {
	t.Helper()
	code, out, errOut := runCmd(t, nil, "", "keys")
	if code != 0 {
		t.Fatalf("keys: %d %s", code, errOut)
	}
	env := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		if k, v, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(line, "#") {
			env[k] = v
		}
	}
	return env
}

// TestKeysMakeAProductionConfig: the printed keys satisfy ENV=production.
func TestKeysMakeAProductionConfig(t *testing.T) {
	env := keyEnv(t)
	for _, k := range []string{"JWT_SECRET_KEY", "AUTOSPOT_JWT_ED25519_KEY", "AUTOSPOT_AEAD_KEYS", "AUTOSPOT_FERNET_KEYS", "AUTOSPOT_BLIND_INDEX_KEY", "AUTOSPOT_AUDIT_KEY"} {
		if env[k] == "" {
			t.Errorf("keys did not print %s", k)
		}
	}
	env["ENV"] = "production"
	env["AUTOSPOT_PUBLIC_URL"] = "https://autospot.it.com"
	env["AUTOSPOT_SMTP_ADDR"] = "smtp.example.com:587"
	env["AUTOSPOT_DATA_DIR"] = t.TempDir()
	for _, alg := range []string{"HS256", "EdDSA"} {
		env["AUTOSPOT_JWT_ALG"] = alg
		if _, err := config.Load(mapEnv(env)); err != nil {
			t.Errorf("%s: %v", alg, err)
		}
	}
	if again := keyEnv(t); again["JWT_SECRET_KEY"] == env["JWT_SECRET_KEY"] {
		t.Error("keys printed the same secret twice")
	}
}

// TestProductionRefusesWeakSecrets: serve exits 1 listing the problems.
func TestProductionRefusesWeakSecrets(t *testing.T) {
	env := baseEnv(t)
	env["ENV"] = "production"
	env["JWT_SECRET_KEY"] = "cryptographically-strong-random-key"
	code, _, errOut := runCmd(t, env, "", "serve")
	if code != 1 || !strings.Contains(errOut, "JWT_SECRET_KEY: weak secret") || !strings.Contains(errOut, "AUTOSPOT_AUDIT_KEY") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if strings.Contains(errOut, "cryptographically-strong-random-key") {
		t.Error("the secret was printed")
	}
}

// selfSigned writes a certificate for host valid for a year.
func selfSigned(t *testing.T, dir, host string) (string, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: host}, DNSNames: []string{host},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore:   time.Now().Add(-time.Hour), NotAfter: time.Now().AddDate(1, 0, 0),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, _ := x509.MarshalECPrivateKey(key)
	cert, keyPath := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	_ = os.WriteFile(cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	_ = os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600)
	return cert, keyPath
}

// TestCheck: the checklist fails a development setup and passes a
// complete production one, one line per item.
func TestCheck(t *testing.T) {
	dev := baseEnv(t)
	code, out, _ := runCmd(t, dev, "", "check")
	if code != 1 || !strings.Contains(out, "[FAIL] All secrets stored in environment variables") || !strings.Contains(out, "[FAIL] Production mode") {
		t.Fatalf("dev check exit %d:\n%s", code, out)
	}
	for _, item := range []string{"Input validation implemented on all user inputs", "Security headers properly set", "Error messages don't leak sensitive information", "Logging configured without sensitive data exposure", "File upload restrictions properly implemented"} {
		if !strings.Contains(out, "[PASS] "+item) {
			t.Errorf("probe %q did not pass:\n%s", item, out)
		}
	}

	prod := keyEnv(t)
	cert, key := selfSigned(t, t.TempDir(), "autospot.it.com")
	for k, v := range map[string]string{
		"ENV": "production", "AUTOSPOT_DATA_DIR": t.TempDir(), "AUTOSPOT_PUBLIC_URL": "https://autospot.it.com",
		"AUTOSPOT_TLS_CERT": cert, "AUTOSPOT_TLS_KEY": key, "AUTOSPOT_METRICS_ADDR": "127.0.0.1:9100",
		"AUTOSPOT_CHECK_BACKUP_TESTED":   time.Now().UTC().Format(time.DateOnly),
		"AUTOSPOT_INCIDENT_RESPONSE_URL": "https://wiki.example/incident",
		"REDIS_URL":                      "redis://:s3cr3t-long-redis-pass@cache:6379/0",
		"AUTOSPOT_SMTP_ADDR":             "smtp.example.com:587",
	} {
		prod[k] = v
	}
	code, out, errOut := runCmd(t, prod, "", "check")
	if code != 0 || strings.Contains(out, "[FAIL]") {
		t.Fatalf("production check exit %d:\n%s\n%s", code, out, errOut)
	}
	if n := strings.Count(out, "[PASS]"); n < 15 {
		t.Errorf("only %d items:\n%s", n, out)
	}

	prod["AUTOSPOT_LOGIN_RATE"] = "50/minute"
	if code, out, _ := runCmd(t, prod, "", "check"); code != 1 || !strings.Contains(out, "[FAIL] Rate limiting") {
		t.Errorf("loose login limit passed:\n%s", out)
	}
}

// TestHealthcheck: exit 0 against a live server, 1 when nothing answers.
func TestHealthcheck(t *testing.T) {
	addr, stop, _ := startServer(t, baseEnv(t))
	if code, out, errOut := runCmd(t, map[string]string{"AUTOSPOT_ADDR": addr}, "", "healthcheck"); code != 0 || !strings.Contains(out, "healthy") {
		t.Fatalf("healthcheck: %d %s %s", code, out, errOut)
	}
	if code, _, _ := runCmd(t, nil, "", "healthcheck", "http://"+addr+"/api/health"); code != 0 {
		t.Errorf("explicit URL: %d", code)
	}
	stop()
	if code, _, _ := runCmd(t, map[string]string{"AUTOSPOT_ADDR": addr}, "", "healthcheck"); code != 1 {
		t.Errorf("healthcheck against a stopped server: %d", code)
	}
}

// TestCreateAdminAndAuditVerify: the admin created on the command line
// can log in; the audit chain verifies.
func TestCreateAdminAndAuditVerify(t *testing.T) {
	env := baseEnv(t)
	code, out, errOut := runCmd(t, env, "Admin-Strong-Pass-77!\n", "user", "create-admin", "-email", "boss@example.com", "-username", "boss", "-name", "The Boss")
	if code != 0 || !strings.Contains(out, "created admin") {
		t.Fatalf("create-admin: %d %s %s", code, out, errOut)
	}
	if code, _, errOut := runCmd(t, env, "Password1!\n", "user", "create-admin", "-email", "b2@example.com", "-username", "b2", "-name", "B Two"); code != 1 || !strings.Contains(errOut, "create-admin") {
		t.Errorf("weak admin password accepted: %d %s", code, errOut)
	}
	addr, stop, _ := startServer(t, env)
	resp, err := http.Post("http://"+addr+"/auth/login", "application/json", strings.NewReader(`{"email":"boss@example.com","password":"Admin-Strong-Pass-77!"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("admin login: %d", resp.StatusCode)
	}
	stop()
	code, out, errOut = runCmd(t, env, "", "audit", "verify")
	if code != 0 || !strings.Contains(out, "audit trail OK") {
		t.Fatalf("audit verify: %d %s %s", code, out, errOut)
	}
}

// TestTLS: HTTPS with TLS ≥ 1.2 and a redirect listener.
func TestTLS(t *testing.T) {
	env := baseEnv(t)
	cert, key := selfSigned(t, t.TempDir(), "localhost")
	env["AUTOSPOT_TLS_CERT"], env["AUTOSPOT_TLS_KEY"] = cert, key
	env["AUTOSPOT_PUBLIC_URL"] = "https://autospot.example"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	redirectAddr := ln.Addr().String()
	ln.Close()
	env["AUTOSPOT_HTTP_REDIRECT_ADDR"] = redirectAddr
	addr, _, _ := startServer(t, env)

	pool := x509.NewCertPool()
	pemBytes, _ := os.ReadFile(cert)
	pool.AppendCertsFromPEM(pemBytes)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
	resp, err := client.Get("https://" + addr + "/api/health")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.TLS == nil || resp.TLS.Version < tls.VersionTLS12 {
		t.Fatalf("https: %d %v", resp.StatusCode, resp.TLS)
	}
	old := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS11}}} //nolint:gosec // testing refusal
	if _, err := old.Get("https://" + addr + "/api/health"); err == nil {
		t.Error("TLS 1.1 accepted")
	}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, _ := http.NewRequest("GET", "http://"+redirectAddr+"/auth/profile?x=1", nil)
	req.Host = "evil.test"
	resp, err = noFollow.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusPermanentRedirect || !strings.HasPrefix(resp.Header.Get("Location"), "https://autospot.example") ||
		!strings.HasSuffix(resp.Header.Get("Location"), "/auth/profile?x=1") {
		t.Errorf("redirect %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
}

func TestUnknownCommand(t *testing.T) {
	if code, _, errOut := runCmd(t, nil, "", "frobnicate"); code != 2 || !strings.Contains(errOut, "usage") {
		t.Errorf("%d %s", code, errOut)
	}
	if code, out, _ := runCmd(t, nil, "", "version"); code != 0 || strings.TrimSpace(out) != version {
		t.Errorf("version: %d %q", code, out)
	}
}

// TestMetricsListener: AUTOSPOT_METRICS_ADDR serves /metrics on its own
// port; the API does not.
func TestMetricsListener(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	maddr := ln.Addr().String()
	ln.Close()
	env := baseEnv(t)
	env["AUTOSPOT_METRICS_ADDR"] = maddr
	addr, _, _ := startServer(t, env)
	if resp, err := http.Get("http://" + addr + "/api/health"); err == nil {
		resp.Body.Close()
	}
	resp, err := http.Get("http://" + maddr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body := new(bytes.Buffer)
	_, _ = body.ReadFrom(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(body.String(), `autospot_http_requests_total{method="GET",route="GET /api/health",status="200"} 1`) {
		t.Errorf("metrics %d: %.400s", resp.StatusCode, body)
	}
	if resp, err := http.Get("http://" + addr + "/metrics"); err == nil {
		resp.Body.Close()
		if resp.StatusCode != 404 {
			t.Errorf("/metrics on the API: %d", resp.StatusCode)
		}
	}
}
