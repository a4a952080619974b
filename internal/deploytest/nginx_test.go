package deploytest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// publicHost is the server_name of deploy/nginx.conf.
const publicHost = "api.autospot.it.com"

// nginxPorts are the loopback addresses the rendered configuration
// listens on and proxies to.
type nginxPorts struct {
	HTTP, HTTPS, Health string   // host:port nginx listens on
	Upstreams           []string // host:port of the replicas, in order
}

// renderNginx rewrites deploy/nginx.conf for a run under dir: every path
// under dir, every listener and upstream on loopback. Each rewrite must
// match exactly once, so a config that drifts from what the test expects
// fails here instead of being tested half-rewritten.
func renderNginx(t *testing.T, conf, dir string, p nginxPorts) string {
	t.Helper()
	if len(p.Upstreams) != 2 {
		t.Fatalf("want 2 upstreams, got %d", len(p.Upstreams))
	}
	user := "" // unprivileged: no user switch
	if os.Geteuid() == 0 {
		user = "user nobody nogroup;"
	}
	temp := ""
	for _, name := range []string{"client_body", "proxy", "fastcgi", "uwsgi", "scgi"} {
		temp += fmt.Sprintf("    %s_temp_path %s;\n", name, filepath.Join(dir, "tmp-"+name))
	}
	rewrites := []struct{ old, new string }{
		{"user nginx;", user},
		{"pid /var/run/nginx.pid;", "pid " + filepath.Join(dir, "nginx.pid") + ";"},
		{"error_log /var/log/nginx/error.log warn;", "error_log " + filepath.Join(dir, "error.log") + " warn;"},
		{"access_log /var/log/nginx/access.log main;", "access_log " + filepath.Join(dir, "access.log") + " main;"},
		{"ssl_certificate /etc/nginx/certs/autospot.crt;", "ssl_certificate " + filepath.Join(dir, "autospot.crt") + ";"},
		{"ssl_certificate_key /etc/nginx/certs/autospot.key;", "ssl_certificate_key " + filepath.Join(dir, "autospot.key") + ";"},
		{"server autospot-1:8000 ", "server " + p.Upstreams[0] + " "},
		{"server autospot-2:8000 ", "server " + p.Upstreams[1] + " "},
		{"listen 80 default_server;", "listen " + p.HTTP + " default_server;"},
		{"listen 80;", "listen " + p.HTTP + ";"},
		{"listen 443 ssl default_server;", "listen " + p.HTTPS + " ssl default_server;"},
		{"listen 443 ssl http2;", "listen " + p.HTTPS + " ssl http2;"},
		{"listen 127.0.0.1:8080;", "listen " + p.Health + ";"},
		{"worker_processes auto;", "worker_processes 1;"},
		{"http {\n", "http {\n" + temp},
	}
	for _, r := range rewrites {
		if n := strings.Count(conf, r.old); n != 1 {
			t.Fatalf("deploy/nginx.conf: %q occurs %d times, want exactly 1 (update the test's rewrites)", r.old, n)
		}
		conf = strings.Replace(conf, r.old, r.new, 1)
	}
	return conf
}

// writeTestCert writes a self-signed ECDSA certificate for publicHost and
// 127.0.0.1, valid for an hour, as dir/autospot.{crt,key}, and returns
// the certificate for the client's root pool. Test-only: generated per
// run, never committed.
func writeTestCert(t *testing.T, dir string) *x509.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: publicHost, Organization: []string{"AutoSpot test only"}},
		DNSNames:              []string{publicHost},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:             now.Add(-time.Minute),
		NotAfter:              now.Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "autospot.crt"), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "autospot.key"), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		t.Fatal(err)
	}
	return cert
}

// nginxBinary returns Debian's nginx, or skips.
func nginxBinary(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"nginx", "/usr/sbin/nginx"} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	t.Skip("nginx not installed (apt-get install -y nginx): deploy/nginx.conf not checked with nginx -t")
	return ""
}

// freeAddr returns a loopback address that was free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	return addr
}

// prepareNginx renders the project's nginx.conf with a fresh certificate
// into a temporary directory and returns the config path and certificate.
func prepareNginx(t *testing.T, p nginxPorts) (dir, confPath string, cert *x509.Certificate) {
	t.Helper()
	dir = t.TempDir()
	cert = writeTestCert(t, dir)
	conf := renderNginx(t, readRepoFile(t, "deploy/nginx.conf"), dir, p)
	confPath = filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir, confPath, cert
}

// TestNginxConfig runs `nginx -t` on deploy/nginx.conf.
func TestNginxConfig(t *testing.T) {
	bin := nginxBinary(t)
	p := nginxPorts{HTTP: freeAddr(t), HTTPS: freeAddr(t), Health: freeAddr(t), Upstreams: []string{"127.0.0.1:18001", "127.0.0.1:18002"}}
	dir, conf, _ := prepareNginx(t, p)
	out, err := exec.Command(bin, "-t", "-p", dir, "-e", filepath.Join(dir, "error.log"), "-c", conf).CombinedOutput()
	if err != nil {
		t.Fatalf("nginx -t: %v\n%s", err, out)
	}
	if !bytes.Contains(out, []byte("test is successful")) {
		t.Fatalf("nginx -t did not report success:\n%s", out)
	}
}

// TestNginxConfigRefusesBrokenConfig shows that the nginx -t check above
// can fail: the same rendering with a syntax error is refused.
func TestNginxConfigRefusesBrokenConfig(t *testing.T) {
	bin := nginxBinary(t)
	p := nginxPorts{HTTP: freeAddr(t), HTTPS: freeAddr(t), Health: freeAddr(t), Upstreams: []string{"127.0.0.1:18001", "127.0.0.1:18002"}}
	dir, conf, _ := prepareNginx(t, p)
	b, err := os.ReadFile(conf)
	if err != nil {
		t.Fatal(err)
	}
	broken := strings.Replace(string(b), "ssl_protocols TLSv1.2 TLSv1.3;", "ssl_protocols TLSv1.2 TLSv1.3", 1)
	if err := os.WriteFile(conf, []byte(broken), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(bin, "-t", "-p", dir, "-e", filepath.Join(dir, "error.log"), "-c", conf).CombinedOutput(); err == nil {
		t.Fatalf("nginx -t accepted a broken config:\n%s", out)
	}
}
