package deploytest

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime/quotedprintable"
	"net"
	"net/http"
	"net/mail"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// replica is one running server process.
type replica struct {
	name string
	addr string // host:port, plain HTTP behind the trusted proxy
	cmd  *exec.Cmd
	log  *lockedBuffer
	done chan struct{} // closed when the process has exited
}

// lockedBuffer is a bytes.Buffer safe for the process's writer and the
// test's reader.
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

// cluster is nginx in front of two replicas.
type cluster struct {
	ports    nginxPorts
	replicas [2]*replica
	outbox   string
	roots    *x509.CertPool
}

func randHex(t *testing.T, n int) string {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// serverBinary builds cmd/autospot into dir, or uses
// AUTOSPOT_TEST_SERVER_BIN when set.
func serverBinary(t *testing.T, dir string) string {
	t.Helper()
	if bin := os.Getenv("AUTOSPOT_TEST_SERVER_BIN"); bin != "" {
		return bin
	}
	bin := filepath.Join(dir, "autospot")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/autospot")
	cmd.Dir = repoRoot(t)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/autospot: %v\n%s", err, out)
	}
	return bin
}

// secretsEnv runs `autospot keys` once: both replicas must share the
// JWT, AEAD, blind-index and audit keys, or tokens and encrypted fields
// written by one would be unreadable by the other.
func secretsEnv(t *testing.T, bin string) []string {
	t.Helper()
	out, err := exec.Command(bin, "keys").Output()
	if err != nil {
		t.Fatalf("autospot keys: %v", err)
	}
	var env []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") || !strings.Contains(line, "=") {
			continue
		}
		env = append(env, line)
	}
	if len(env) < 4 {
		t.Fatalf("autospot keys printed %d variables, want at least 4", len(env))
	}
	return env
}

// startReplica starts one server process and waits until /api/health
// answers. It returns an error (not a failure) when the process exits
// early, with its output, so the caller can tell a known refusal apart.
func startReplica(t *testing.T, bin, name, addr string, env []string) (*replica, error) {
	t.Helper()
	r := &replica{name: name, addr: addr, log: &lockedBuffer{}, done: make(chan struct{})}
	r.cmd = exec.Command(bin, "serve")
	r.cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "AUTOSPOT_ADDR=" + addr}, env...)
	r.cmd.Stdout, r.cmd.Stderr = r.log, r.log
	if err := r.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	go func() { _ = r.cmd.Wait(); close(r.done) }()
	t.Cleanup(func() {
		select {
		case <-r.done:
		default:
			_ = r.cmd.Process.Kill()
			<-r.done
		}
		if t.Failed() {
			t.Logf("%s output:\n%s", name, tail(r.log.String(), 4000))
		}
	})
	client := &http.Client{Timeout: 2 * time.Second}
	for i := 0; i < 300; i++ { // up to ~30 s on a loaded machine
		select {
		case <-r.done:
			return nil, fmt.Errorf("%s exited during start-up:\n%s", name, tail(r.log.String(), 2000))
		default:
		}
		resp, err := client.Get("http://" + addr + "/api/health")
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return r, nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s did not become healthy in time:\n%s", name, tail(r.log.String(), 2000))
	return nil, nil
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// startNginx runs Debian's nginx in the foreground on the rendered
// project configuration until the test ends.
func startNginx(t *testing.T, p nginxPorts) *x509.CertPool {
	t.Helper()
	bin := nginxBinary(t)
	dir, conf, cert := prepareNginx(t, p)
	cmd := exec.Command(bin, "-p", dir, "-e", filepath.Join(dir, "error.log"), "-c", conf, "-g", "daemon off;")
	var out lockedBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatalf("start nginx: %v", err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt) // SIGINT: fast shutdown
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			b, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			t.Logf("nginx output:\n%s\nerror.log:\n%s", out.String(), tail(string(b), 4000))
		}
	})
	for i := 0; i < 100; i++ {
		select {
		case <-done:
			b, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			t.Fatalf("nginx exited: %s\n%s", out.String(), b)
		default:
		}
		if c, err := net.DialTimeout("tcp", p.HTTPS, time.Second); err == nil {
			c.Close()
			pool := x509.NewCertPool()
			pool.AddCert(cert)
			return pool
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("nginx did not listen in time")
	return nil
}

// client is an HTTPS client to nginx, connecting from the loopback
// address src (so each subtest is its own client IP to the rate limits).
func (c *cluster) client(src string) *http.Client {
	d := &net.Dialer{Timeout: 3 * time.Second, LocalAddr: &net.TCPAddr{IP: net.ParseIP(src)}}
	return &http.Client{
		Timeout: 10 * time.Second,
		Transport: &http.Transport{
			TLSClientConfig: &tls.Config{RootCAs: c.roots, ServerName: publicHost, MinVersion: tls.VersionTLS12},
			DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
				return d.DialContext(ctx, network, c.ports.HTTPS)
			},
			ForceAttemptHTTP2: true,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// strongPassword returns a password the server's policy accepts and
// that shares nothing with the test accounts' names.
func strongPassword(t *testing.T) string {
	t.Helper()
	return "Gx9!" + randHex(t, 8) + "#mQ2"
}

// benchmarkNetIP returns a random address of 198.18.0.0/15 (RFC 2544),
// a client address unique to the run for the per-IP limits.
func benchmarkNetIP(t *testing.T) string {
	t.Helper()
	b := make([]byte, 3)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("198.%d.%d.%d", 18+b[0]%2, b[1], 1+b[2]%250)
}

// loopbackSource returns a random 127.x.y.z other than 127.0.0.1.
func loopbackSource(t *testing.T) string {
	t.Helper()
	b := make([]byte, 3)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("127.%d.%d.%d", 1+b[0]%250, b[1], 1+b[2]%250)
}

// answer is a response read whole.
type answer struct {
	status int
	header http.Header
	body   map[string]any
	raw    string
}

// call sends method path with a JSON body (nil: none) and a bearer token
// ("" for none) to base (https://api.autospot.it.com through nginx, or
// http://replica directly), with extra headers.
func call(t *testing.T, hc *http.Client, method, base, path string, body any, token string, extra map[string]string) answer {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, base+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range extra {
		req.Header.Set(k, v)
	}
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatalf("%s %s%s: %v", method, base, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, path, err)
	}
	a := answer{status: resp.StatusCode, header: resp.Header, raw: string(raw)}
	_ = json.Unmarshal(raw, &a.body)
	return a
}

func (a answer) str(k string) string {
	s, _ := a.body[k].(string)
	return s
}

func (a answer) want(t *testing.T, what string, status int) answer {
	t.Helper()
	if a.status != status {
		t.Fatalf("%s: status %d, want %d; body %s", what, a.status, status, tail(a.raw, 500))
	}
	return a
}

const nginxBase = "https://" + publicHost

// codeRE finds the code on its own line in a message body.
var codeRE = regexp.MustCompile(`(?m)^\s*(\d{6})\s*$`)

// mailedCode returns the 6-digit code of one outbox file if it is
// addressed to email: an RFC 5322 message (auth/mail.Outbox, *.eml) or,
// from older builds, a JSON {"to", "body"} object.
func mailedCode(raw []byte, email string) (string, bool) {
	var to, body string
	if m, err := mail.ReadMessage(bytes.NewReader(raw)); err == nil && m.Header.Get("To") != "" {
		to = m.Header.Get("To")
		if a, err := mail.ParseAddress(to); err == nil {
			to = a.Address
		}
		var r io.Reader = m.Body
		if strings.EqualFold(m.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
			r = quotedprintable.NewReader(r)
		}
		b, err := io.ReadAll(r)
		if err != nil {
			return "", false
		}
		body = string(b)
	} else {
		var j struct{ To, Body string }
		if json.Unmarshal(raw, &j) != nil {
			return "", false
		}
		to, body = j.To, j.Body
	}
	if !strings.EqualFold(strings.TrimSpace(to), email) {
		return "", false
	}
	sub := codeRE.FindStringSubmatch(body)
	if sub == nil {
		return "", false
	}
	return sub[1], true
}

// mailCode waits for the development mailer's message to email in the
// shared outbox and returns the 6-digit code in it.
func (c *cluster) mailCode(t *testing.T, email string) string {
	t.Helper()
	for i := 0; i < 100; i++ {
		entries, _ := os.ReadDir(c.outbox)
		for _, e := range entries {
			b, err := os.ReadFile(filepath.Join(c.outbox, e.Name()))
			if err != nil {
				continue
			}
			if code, ok := mailedCode(b, email); ok {
				return code
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("no code mailed to %s in %s", email, c.outbox)
	return ""
}

// direct is a client for plain HTTP straight to a replica. The test
// process is on 127.0.0.1, which the replicas trust as their proxy, so
// X-Forwarded-For set here is the client address they see.
var direct = &http.Client{Timeout: 10 * time.Second}

func (r *replica) base() string { return "http://" + r.addr }

// startCluster starts nginx and two replicas sharing Redis (and MongoDB
// when wire is true). It returns nil, reason when the server refuses
// MONGODB_URI in this build.
func startCluster(t *testing.T, bin string, secrets []string, redisURL, mongoURI string) (*cluster, string) {
	t.Helper()
	dir := t.TempDir()
	c := &cluster{
		ports:  nginxPorts{HTTP: freeAddr(t), HTTPS: freeAddr(t), Health: freeAddr(t), Upstreams: []string{freeAddr(t), freeAddr(t)}},
		outbox: filepath.Join(dir, "outbox"),
	}
	env := append([]string{
		"ENV=development",
		"AUTOSPOT_BCRYPT_COST=4", // speed; the cost is not what is shown here
		"AUTOSPOT_TRUSTED_PROXIES=127.0.0.1",
		"AUTOSPOT_MAIL_OUTBOX=" + c.outbox,
		"AUTOSPOT_PUBLIC_URL=https://" + publicHost,
		"AUTOSPOT_LOG_LEVEL=warn",
		"REDIS_URL=" + redisURL,
	}, secrets...)
	if mongoURI != "" {
		env = append(env, "MONGODB_URI="+mongoURI)
	}
	for i, name := range []string{"replica-1", "replica-2"} {
		renv := append([]string{"AUTOSPOT_DATA_DIR=" + filepath.Join(dir, name)}, env...)
		r, err := startReplica(t, bin, name, c.ports.Upstreams[i], renv)
		if err != nil {
			return nil, err.Error()
		}
		c.replicas[i] = r
	}
	c.roots = startNginx(t, c.ports)
	return c, ""
}

// redisTestURL picks a Redis database for the run from
// AUTOSPOT_TEST_REDIS_ADDR: the server has no key-prefix variable, so the
// run is isolated by database number, unique emails and client addresses.
func redisTestURL(addr string) string {
	return "redis://" + addr + "/11"
}

// mongoTestURI puts a database unique to the run into the base URI.
func mongoTestURI(t *testing.T, base string) string {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("AUTOSPOT_TEST_MONGODB_URI does not parse")
	}
	name := "autospot_scale_" + randHex(t, 6)
	u.Path = "/" + name
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		client, err := mongo.Connect(options.Client().ApplyURI(base))
		if err != nil {
			t.Logf("drop %s: %v", name, err)
			return
		}
		defer func() { _ = client.Disconnect(ctx) }()
		if err := client.Database(name).Drop(ctx); err != nil {
			t.Logf("drop %s: %v", name, err)
		}
	})
	return u.String()
}

// TestScale shows two replicas behind nginx acting as one server.
func TestScale(t *testing.T) {
	if os.Getenv("AUTOSPOT_TEST_SCALE") != "1" {
		t.Skip("set AUTOSPOT_TEST_SCALE=1 (with AUTOSPOT_TEST_REDIS_ADDR and AUTOSPOT_TEST_MONGODB_URI) to run the two-replica test")
	}
	redisAddr, mongoBase := os.Getenv("AUTOSPOT_TEST_REDIS_ADDR"), os.Getenv("AUTOSPOT_TEST_MONGODB_URI")
	if redisAddr == "" || mongoBase == "" {
		t.Skip("AUTOSPOT_TEST_REDIS_ADDR and AUTOSPOT_TEST_MONGODB_URI must both be set for the two-replica test")
	}
	nginxBinary(t)
	bin := serverBinary(t, t.TempDir())
	secrets := secretsEnv(t, bin)

	c, refused := startCluster(t, bin, secrets, redisTestURL(redisAddr), mongoTestURI(t, mongoBase))
	if c == nil {
		t.Fatalf("replicas did not start: %s", refused)
	}
	a, b := c.replicas[0], c.replicas[1]

	t.Run("nginx edge", func(t *testing.T) { testEdge(t, c) })

	t.Run("registered through one replica, logs in through the other", func(t *testing.T) {
		email := "scale-" + randHex(t, 4) + "@example.com"
		pw := strongPassword(t)
		reg := call(t, direct, "POST", a.base(), "/auth/register", map[string]string{
			"email": email, "username": "scale_" + randHex(t, 4), "password": pw, "full_name": "Scale Test"}, "", nil).
			want(t, "register on replica-1", http.StatusAccepted)
		code := c.mailCode(t, email)
		call(t, direct, "POST", b.base(), "/auth/verify-email", map[string]string{
			"email": email, "ticket": reg.str("ticket"), "code": code}, "", nil).
			want(t, "verify on replica-2", http.StatusCreated)
		login := call(t, direct, "POST", b.base(), "/auth/login", map[string]string{"email": email, "password": pw}, "", nil).
			want(t, "login on replica-2", http.StatusOK)
		call(t, direct, "GET", a.base(), "/auth/profile", nil, login.str("access_token"), nil).
			want(t, "profile on replica-1 with replica-2's token", http.StatusOK)
		// And through nginx, whichever replica answers.
		hc := c.client(loopbackSource(t))
		tok := call(t, hc, "POST", nginxBase, "/auth/login", map[string]string{"email": email, "password": pw}, "", nil).
			want(t, "login through nginx", http.StatusOK).str("access_token")
		for i := 0; i < 4; i++ {
			call(t, hc, "GET", nginxBase, "/auth/profile", nil, tok, nil).want(t, "profile through nginx", http.StatusOK)
		}
	})

	t.Run("refresh token rotated on one replica is spent on the other", func(t *testing.T) {
		email := "rotate-" + randHex(t, 4) + "@example.com"
		pw := strongPassword(t)
		reg := call(t, direct, "POST", a.base(), "/auth/register", map[string]string{
			"email": email, "username": "rot_" + randHex(t, 4), "password": pw, "full_name": "Rotate Test"}, "", nil).
			want(t, "register", http.StatusAccepted)
		first := call(t, direct, "POST", a.base(), "/auth/verify-email", map[string]string{
			"email": email, "ticket": reg.str("ticket"), "code": c.mailCode(t, email)}, "", nil).
			want(t, "verify", http.StatusCreated)
		r0 := first.str("refresh_token")
		r1 := call(t, direct, "POST", a.base(), "/auth/refresh", map[string]string{"refresh_token": r0}, "", nil).
			want(t, "rotate r0 on replica-1", http.StatusOK).str("refresh_token")
		r2 := call(t, direct, "POST", a.base(), "/auth/refresh", map[string]string{"refresh_token": r1}, "", nil).
			want(t, "rotate r1 on replica-1", http.StatusOK).str("refresh_token")
		// Within the server's parallel-refresh grace window (10 s) the
		// token spent last gets the same successor, on either replica:
		// replica-2 sees replica-1's rotation record.
		again := call(t, direct, "POST", b.base(), "/auth/refresh", map[string]string{"refresh_token": r1}, "", nil).
			want(t, "r1 again on replica-2, inside the grace window", http.StatusOK).str("refresh_token")
		if again != r2 {
			t.Fatalf("replica-2 minted a different successor for r1: the families are not shared")
		}
		// A token two rotations old is spent: refused on replica-2, and
		// the reuse revokes the whole family on replica-1 too.
		call(t, direct, "POST", b.base(), "/auth/refresh", map[string]string{"refresh_token": r0}, "", nil).
			want(t, "spent r0 replayed on replica-2", http.StatusUnauthorized)
		call(t, direct, "POST", a.base(), "/auth/refresh", map[string]string{"refresh_token": r2}, "", nil).
			want(t, "head r2 after the reuse, on replica-1", http.StatusUnauthorized)
	})

	t.Run("login rate limit is shared across replicas", func(t *testing.T) {
		// Directly, alternating replicas, as one client address.
		ip := benchmarkNetIP(t)
		fwd := map[string]string{"X-Forwarded-For": ip}
		body := map[string]string{"email": "nobody-" + randHex(t, 4) + "@example.com", "password": "wrong-password"}
		for i := 0; i < 5; i++ { // the seed's 5/minute
			r := c.replicas[i%2]
			call(t, direct, "POST", r.base(), "/auth/login", body, "", fwd).
				want(t, fmt.Sprintf("attempt %d on %s", i+1, r.name), http.StatusUnauthorized)
		}
		for _, r := range c.replicas {
			call(t, direct, "POST", r.base(), "/auth/login", body, "", fwd).
				want(t, "6th attempt on "+r.name, http.StatusTooManyRequests)
		}
		// Another client address is not affected: the limit is per client.
		call(t, direct, "POST", a.base(), "/auth/login", body, "", map[string]string{"X-Forwarded-For": benchmarkNetIP(t)}).
			want(t, "other client", http.StatusUnauthorized)

		// Through nginx: the replicas see the client's address from
		// X-Forwarded-For, whichever of them nginx picks.
		hc := c.client(loopbackSource(t))
		for i := 0; i < 5; i++ {
			call(t, hc, "POST", nginxBase, "/auth/login", body, "", nil).
				want(t, fmt.Sprintf("attempt %d through nginx", i+1), http.StatusUnauthorized)
		}
		got := call(t, hc, "POST", nginxBase, "/auth/login", body, "", nil).
			want(t, "6th attempt through nginx", http.StatusTooManyRequests)
		if got.str("error_code") == "" {
			t.Fatalf("429 came from nginx, not the server's shared limit: %s", got.raw)
		}
		// A second client behind the same nginx still gets in: the
		// replicas limit the client's address, not nginx's.
		call(t, c.client(loopbackSource(t)), "POST", nginxBase, "/auth/login", body, "", nil).
			want(t, "another client through nginx", http.StatusUnauthorized)
	})

	t.Run("one replica killed, the other keeps serving", func(t *testing.T) {
		hc := c.client(loopbackSource(t))
		email := "survive-" + randHex(t, 4) + "@example.com"
		pw := strongPassword(t)
		reg := call(t, direct, "POST", b.base(), "/auth/register", map[string]string{
			"email": email, "username": "sur_" + randHex(t, 4), "password": pw, "full_name": "Survivor Test"}, "", nil).
			want(t, "register", http.StatusAccepted)
		token := call(t, direct, "POST", b.base(), "/auth/verify-email", map[string]string{
			"email": email, "ticket": reg.str("ticket"), "code": c.mailCode(t, email)}, "", nil).
			want(t, "verify", http.StatusCreated).str("access_token")
		// Both replicas serve through nginx before the kill.
		for i := 0; i < 4; i++ {
			call(t, hc, "GET", nginxBase, "/auth/profile", nil, token, nil).want(t, fmt.Sprintf("profile %d before kill", i+1), http.StatusOK)
		}
		if err := a.cmd.Process.Kill(); err != nil {
			t.Fatalf("kill replica-1: %v", err)
		}
		select {
		case <-a.done:
		case <-time.After(5 * time.Second):
			t.Fatal("replica-1 did not die")
		}
		for i := 0; i < 12; i++ { // paced under nginx's 10 r/s limit
			call(t, hc, "GET", nginxBase, "/health", nil, "", nil).want(t, fmt.Sprintf("health %d after kill", i+1), http.StatusOK)
			call(t, hc, "GET", nginxBase, "/auth/profile", nil, token, nil).want(t, fmt.Sprintf("profile %d after kill", i+1), http.StatusOK)
			time.Sleep(120 * time.Millisecond)
		}
		call(t, hc, "POST", nginxBase, "/auth/login", map[string]string{"email": email, "password": pw}, "", nil).
			want(t, "login after kill", http.StatusOK)
	})
}

// testEdge checks what nginx itself does with the project's config.
func testEdge(t *testing.T, c *cluster) {
	hc := c.client(loopbackSource(t))
	// HTTP → HTTPS.
	plain := &http.Client{Timeout: 5 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, err := http.NewRequest("GET", "http://"+c.ports.HTTP+"/auth/profile?x=1", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = publicHost
	resp, err := plain.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != "https://"+publicHost+"/auth/profile?x=1" {
		t.Fatalf("plain HTTP: %d Location %q, want 301 to https", resp.StatusCode, resp.Header.Get("Location"))
	}
	// /health proxies to the replicas' /api/health, with the headers once.
	h := call(t, hc, "GET", nginxBase, "/health", nil, "", nil).want(t, "/health", http.StatusOK)
	if h.str("status") != "healthy" {
		t.Fatalf("/health body %s", h.raw)
	}
	for k, v := range map[string]string{
		"Strict-Transport-Security": "max-age=31536000; includeSubDomains",
		"X-Frame-Options":           "DENY",
		"X-Content-Type-Options":    "nosniff",
		"Content-Security-Policy":   "default-src 'self'",
	} {
		if got := h.header.Values(k); len(got) != 1 || got[0] != v {
			t.Errorf("%s: %q, want exactly one %q", k, got, v)
		}
	}
	if s := h.header.Get("Server"); strings.Contains(s, "/") {
		t.Errorf("Server header reveals a version: %q", s)
	}
	// TLS below 1.2 is refused; an unknown name gets no handshake.
	for name, cfg := range map[string]*tls.Config{
		"TLS 1.1":      {RootCAs: c.roots, ServerName: publicHost, MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS11}, //nolint:gosec // the point
		"unknown name": {RootCAs: c.roots, ServerName: "other.example", InsecureSkipVerify: true},                              //nolint:gosec // the point
	} {
		conn, err := tls.DialWithDialer(&net.Dialer{Timeout: 3 * time.Second}, "tcp", c.ports.HTTPS, cfg)
		if err == nil {
			conn.Close()
			t.Errorf("%s: handshake succeeded, want refused", name)
		}
	}
	// TLS 1.3 works.
	conn, err := tls.DialWithDialer(&net.Dialer{Timeout: 3 * time.Second}, "tcp", c.ports.HTTPS, &tls.Config{RootCAs: c.roots, ServerName: publicHost, MinVersion: tls.VersionTLS13})
	if err != nil {
		t.Fatalf("TLS 1.3: %v", err)
	}
	conn.Close()
}
