package mail_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"io"
	"math/big"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/autospot/autospot/auth"
	authmail "github.com/autospot/autospot/auth/mail"
)

// selfSigned returns a certificate for 127.0.0.1 and localhost, made for
// this test run, and a pool trusting it.
func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "test smtp"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: cert}, pool
}

type serverMode int

const (
	modeStartTLS serverMode = iota
	modeImplicit
	modeNoStartTLS
	modeStall
)

// delivery is what the test server received.
type delivery struct {
	auth     string // decoded AUTH PLAIN
	from, to string
	data     string
	tlsAtMail,
	tlsAtAuth bool
}

// smtpServer is a minimal in-process SMTP server: EHLO, STARTTLS, AUTH
// PLAIN, MAIL, RCPT, DATA, QUIT.
type smtpServer struct {
	ln   net.Listener
	cert tls.Certificate
	mode serverMode
	mu   sync.Mutex
	got  []delivery
	wg   sync.WaitGroup
}

func startServer(t *testing.T, mode serverMode) (*smtpServer, *x509.CertPool) {
	t.Helper()
	cert, pool := selfSigned(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &smtpServer{ln: ln, cert: cert, mode: mode}
	s.wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.wg.Go(func() { s.serve(c) })
		}
	})
	t.Cleanup(func() { _ = ln.Close(); s.wg.Wait() })
	return s, pool
}

func (s *smtpServer) deliveries() []delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]delivery(nil), s.got...)
}

func (s *smtpServer) serve(c net.Conn) {
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	isTLS := false
	if s.mode == modeImplicit {
		c = tls.Server(c, &tls.Config{Certificates: []tls.Certificate{s.cert}})
		isTLS = true
	}
	if s.mode == modeStall {
		_, _ = io.Copy(io.Discard, c) // never greets
		return
	}
	tp := textproto.NewConn(c)
	reply := func(lines ...string) { _ = tp.PrintfLine("%s", strings.Join(lines, "\r\n")) }
	reply("220 test ESMTP")
	var d delivery
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO", "HELO":
			if !isTLS && s.mode != modeNoStartTLS {
				reply("250-test", "250-STARTTLS", "250 AUTH PLAIN")
			} else {
				reply("250-test", "250 AUTH PLAIN")
			}
		case "STARTTLS":
			if isTLS || s.mode == modeNoStartTLS {
				reply("502 no")
				continue
			}
			reply("220 go ahead")
			tc := tls.Server(c, &tls.Config{Certificates: []tls.Certificate{s.cert}})
			if err := tc.Handshake(); err != nil {
				return
			}
			c, isTLS = tc, true
			tp = textproto.NewConn(c)
		case "AUTH":
			mech, b64, _ := strings.Cut(arg, " ")
			raw, err := base64.StdEncoding.DecodeString(b64)
			if mech != "PLAIN" || err != nil {
				reply("535 bad")
				continue
			}
			d.auth, d.tlsAtAuth = string(raw), isTLS
			reply("235 ok")
		case "MAIL":
			d.from, d.tlsAtMail = arg, isTLS
			reply("250 ok")
		case "RCPT":
			d.to = arg
			reply("250 ok")
		case "DATA":
			reply("354 go")
			b, err := tp.ReadDotBytes()
			if err != nil {
				return
			}
			d.data = string(b)
			s.mu.Lock()
			s.got = append(s.got, d)
			s.mu.Unlock()
			reply("250 queued")
		case "QUIT":
			reply("221 bye")
			return
		default:
			reply("500 what")
		}
	}
}

var testMsg = auth.Message{
	To:      "alice@example.com",
	Subject: "AutoSpot: your verification code",
	Text:    "Your code is:\n\n    123456\n\nA long line " + strings.Repeat("x", 100) + " ends here. Ünïcödé.\n",
	Kind:    auth.MailVerifyCode,
}

func newSMTP(t *testing.T, s *smtpServer, pool *x509.CertPool, mode authmail.TLSMode, timeout time.Duration) *authmail.SMTP {
	t.Helper()
	m, err := authmail.NewSMTP(authmail.SMTPConfig{
		Addr:      s.ln.Addr().String(),
		From:      "AutoSpot <no-reply@autospot.test>",
		Username:  "no-reply@autospot.test",
		Password:  "smtp-secret",
		TLS:       mode,
		TLSConfig: &tls.Config{RootCAs: pool},
		Timeout:   timeout,
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func checkDelivery(t *testing.T, d delivery) {
	t.Helper()
	if !d.tlsAtAuth || !d.tlsAtMail {
		t.Fatalf("credentials or message sent in clear: %+v", d)
	}
	if d.auth != "\x00no-reply@autospot.test\x00smtp-secret" {
		t.Fatalf("AUTH PLAIN %q", d.auth)
	}
	if d.from != "FROM:<no-reply@autospot.test>" || d.to != "TO:<alice@example.com>" {
		t.Fatalf("envelope %q %q", d.from, d.to)
	}
	msg, err := mail.ReadMessage(strings.NewReader(d.data))
	if err != nil {
		t.Fatal(err)
	}
	if got := msg.Header.Get("Subject"); got != testMsg.Subject {
		t.Fatalf("subject %q", got)
	}
	if msg.Header.Get("Message-ID") == "" || msg.Header.Get("Date") == "" {
		t.Fatal("no Message-ID or Date")
	}
	body, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
	if err != nil {
		t.Fatal(err)
	}
	if want := testMsg.Text; string(body) != want { // ReadDotBytes turns CRLF into LF
		t.Fatalf("body %q\nwant %q", body, want)
	}
}

func TestSMTPStartTLS(t *testing.T) {
	s, pool := startServer(t, modeStartTLS)
	m := newSMTP(t, s, pool, authmail.StartTLS, 0)
	if err := m.Send(context.Background(), testMsg); err != nil {
		t.Fatal(err)
	}
	got := s.deliveries()
	if len(got) != 1 {
		t.Fatalf("%d deliveries", len(got))
	}
	checkDelivery(t, got[0])
}

func TestSMTPImplicitTLS(t *testing.T) {
	s, pool := startServer(t, modeImplicit)
	m := newSMTP(t, s, pool, authmail.ImplicitTLS, 0)
	if err := m.Send(context.Background(), testMsg); err != nil {
		t.Fatal(err)
	}
	got := s.deliveries()
	if len(got) != 1 {
		t.Fatalf("%d deliveries", len(got))
	}
	checkDelivery(t, got[0])
}

func TestSMTPRefusesClearText(t *testing.T) {
	s, pool := startServer(t, modeNoStartTLS)
	m := newSMTP(t, s, pool, authmail.StartTLS, 0)
	if err := m.Send(context.Background(), testMsg); !errors.Is(err, authmail.ErrNoStartTLS) {
		t.Fatalf("server without STARTTLS: %v", err)
	}
	if n := len(s.deliveries()); n != 0 {
		t.Fatalf("%d messages sent in clear", n)
	}
}

func TestSMTPVerifiesCertificate(t *testing.T) {
	for _, mode := range []struct {
		name   string
		server serverMode
		client authmail.TLSMode
	}{{"starttls", modeStartTLS, authmail.StartTLS}, {"implicit", modeImplicit, authmail.ImplicitTLS}} {
		t.Run(mode.name, func(t *testing.T) {
			s, _ := startServer(t, mode.server)
			m := newSMTP(t, s, x509.NewCertPool(), mode.client, 0)
			err := m.Send(context.Background(), testMsg)
			var uerr x509.UnknownAuthorityError
			if !errors.As(err, &uerr) {
				t.Fatalf("untrusted certificate: %v", err)
			}
			if n := len(s.deliveries()); n != 0 {
				t.Fatalf("%d deliveries", n)
			}
		})
	}
}

func TestSMTPTimeout(t *testing.T) {
	s, pool := startServer(t, modeStall)
	m := newSMTP(t, s, pool, authmail.StartTLS, 200*time.Millisecond)
	start := time.Now()
	if err := m.Send(context.Background(), testMsg); err == nil {
		t.Fatal("stalled server: no error")
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("Send took %v with a 200ms timeout", d)
	}
	ctx, cancel := context.WithCancel(context.Background())
	m = newSMTP(t, s, pool, authmail.StartTLS, time.Minute)
	time.AfterFunc(100*time.Millisecond, cancel)
	if err := m.Send(ctx, testMsg); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled send: %v", err)
	}
}

func TestSMTPHeaderInjection(t *testing.T) {
	s, pool := startServer(t, modeStartTLS)
	m := newSMTP(t, s, pool, authmail.StartTLS, 0)
	for _, msg := range []auth.Message{
		{To: "alice@example.com\r\nBcc: eve@evil.test", Subject: "x", Text: "x"},
		{To: "alice@example.com, eve@evil.test", Subject: "x", Text: "x"},
		{To: "alice@example.com", Subject: "x\r\nBcc: eve@evil.test", Text: "x"},
		{To: "alice@example.com", Subject: "x\nX-Evil: 1", Text: "x"},
	} {
		if err := m.Send(context.Background(), msg); !errors.Is(err, authmail.ErrHeaderInjection) {
			t.Fatalf("%q / %q: %v", msg.To, msg.Subject, err)
		}
	}
	if n := len(s.deliveries()); n != 0 {
		t.Fatalf("%d deliveries", n)
	}
}

func TestNewSMTPConfig(t *testing.T) {
	for name, cfg := range map[string]authmail.SMTPConfig{
		"no port":          {Addr: "smtp.example.com", From: "a@b.c"},
		"no from":          {Addr: "smtp.example.com:587"},
		"two from":         {Addr: "smtp.example.com:587", From: "a@b.c, d@e.f"},
		"bad mode":         {Addr: "smtp.example.com:587", From: "a@b.c", TLS: 7},
		"crlf username":    {Addr: "smtp.example.com:587", From: "a@b.c", Username: "u\r\nRSET"},
		"negative timeout": {Addr: "smtp.example.com:587", From: "a@b.c", Timeout: -1},
	} {
		if _, err := authmail.NewSMTP(cfg); !errors.Is(err, authmail.ErrInvalidConfig) {
			t.Errorf("%s: %v", name, err)
		}
	}
}
