package mail

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/smtp"
	"time"

	"github.com/autospot/autospot/auth"
)

var _ auth.Mailer = (*SMTP)(nil)

// TLSMode is how [SMTP] encrypts the connection.
type TLSMode int

const (
	// StartTLS connects in clear and upgrades with STARTTLS before
	// anything else is sent (submission, port 587). A server that does not
	// offer STARTTLS is refused with [ErrNoStartTLS]. The default.
	StartTLS TLSMode = iota
	// ImplicitTLS speaks TLS from the first byte (port 465).
	ImplicitTLS
)

// DefaultSMTPTimeout bounds one delivery when the context has no earlier
// deadline.
const DefaultSMTPTimeout = 30 * time.Second

// SMTPConfig configures [NewSMTP].
type SMTPConfig struct {
	// Addr is the server's host:port. Required.
	Addr string
	// From is the sender, "Name <addr@domain>" or "addr@domain". Required.
	From string
	// Username and Password, if Username is set, authenticate with AUTH
	// PLAIN (only ever over TLS). Never logged.
	Username string
	Password string
	// TLS is the encryption mode; default StartTLS.
	TLS TLSMode
	// TLSConfig, if set, is cloned and used (for a private CA, say);
	// ServerName defaults to Addr's host. Default: system roots, TLS 1.2+.
	TLSConfig *tls.Config
	// LocalName is sent in EHLO. Default "localhost".
	LocalName string
	// Timeout bounds a delivery (connect to QUIT). Default 30 s.
	Timeout time.Duration
	// Now and Rand are the clock (Date header) and the source of
	// Message-IDs; defaults time.Now and crypto/rand.
	Now  func() time.Time
	Rand io.Reader
}

// SMTP is an [auth.Mailer] that delivers through an SMTP server over TLS.
// Create it with [NewSMTP]; it is safe for concurrent use and opens one
// connection per message.
type SMTP struct {
	cfg  SMTPConfig
	host string
	tls  *tls.Config
	from string // envelope sender
}

// NewSMTP returns an SMTP mailer for cfg, or an error wrapping
// [ErrInvalidConfig].
func NewSMTP(cfg SMTPConfig) (*SMTP, error) {
	host, _, err := net.SplitHostPort(cfg.Addr)
	if err != nil || host == "" {
		return nil, fmt.Errorf("%w: SMTP address %q: want host:port", ErrInvalidConfig, cfg.Addr)
	}
	from, err := parseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("%w: from: %w", ErrInvalidConfig, err)
	}
	if cfg.TLS != StartTLS && cfg.TLS != ImplicitTLS {
		return nil, fmt.Errorf("%w: TLS mode %d", ErrInvalidConfig, cfg.TLS)
	}
	if checkHeader(cfg.Username) != nil || checkHeader(cfg.LocalName) != nil {
		return nil, fmt.Errorf("%w: control character in username or local name", ErrInvalidConfig)
	}
	if cfg.Timeout < 0 {
		return nil, fmt.Errorf("%w: negative timeout", ErrInvalidConfig)
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultSMTPTimeout
	}
	if cfg.LocalName == "" {
		cfg.LocalName = "localhost"
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Reader
	}
	var tc *tls.Config
	if cfg.TLSConfig != nil {
		tc = cfg.TLSConfig.Clone()
	} else {
		tc = &tls.Config{}
	}
	if tc.ServerName == "" {
		tc.ServerName = host
	}
	if tc.MinVersion < tls.VersionTLS12 {
		tc.MinVersion = tls.VersionTLS12
	}
	return &SMTP{cfg: cfg, host: host, tls: tc, from: from.Address}, nil
}

// Send implements [auth.Mailer]. The whole delivery is bounded by ctx and
// [SMTPConfig.Timeout].
func (s *SMTP) Send(ctx context.Context, m auth.Message) error {
	to, err := parseAddress(m.To)
	if err != nil {
		return err
	}
	data, err := Compose(m, s.cfg.From, s.cfg.Now(), s.cfg.Rand)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	conn, err := s.dial(ctx)
	if err != nil {
		return fmt.Errorf("mail: smtp: connect: %w", err)
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	// Unblock reads and writes when ctx ends before the deadline.
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	err = s.deliver(conn, to.Address, data)
	if cerr := ctx.Err(); err != nil && cerr != nil {
		err = errors.Join(err, cerr)
	}
	return err
}

func (s *SMTP) dial(ctx context.Context) (net.Conn, error) {
	if s.cfg.TLS == ImplicitTLS {
		d := &tls.Dialer{Config: s.tls}
		return d.DialContext(ctx, "tcp", s.cfg.Addr)
	}
	var d net.Dialer
	return d.DialContext(ctx, "tcp", s.cfg.Addr)
}

func (s *SMTP) deliver(conn net.Conn, to string, data []byte) (err error) {
	c, err := smtp.NewClient(conn, s.host)
	if err != nil {
		_ = conn.Close()
		return fmt.Errorf("mail: smtp: greeting: %w", err)
	}
	defer func() {
		if err != nil {
			_ = c.Close()
		}
	}()
	if err := c.Hello(s.cfg.LocalName); err != nil {
		return fmt.Errorf("mail: smtp: EHLO: %w", err)
	}
	if s.cfg.TLS == StartTLS {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return ErrNoStartTLS
		}
		if err := c.StartTLS(s.tls); err != nil {
			return fmt.Errorf("mail: smtp: STARTTLS: %w", err)
		}
	}
	if s.cfg.Username != "" {
		// net/smtp's PlainAuth refuses to send credentials unless the
		// connection is TLS (it is, in both modes) or to localhost.
		if err := c.Auth(smtp.PlainAuth("", s.cfg.Username, s.cfg.Password, s.host)); err != nil {
			return fmt.Errorf("mail: smtp: AUTH: %w", err)
		}
	}
	if err := c.Mail(s.from); err != nil {
		return fmt.Errorf("mail: smtp: MAIL FROM: %w", err)
	}
	if err := c.Rcpt(to); err != nil {
		return fmt.Errorf("mail: smtp: RCPT TO: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("mail: smtp: DATA: %w", err)
	}
	if _, err := w.Write(data); err != nil {
		return fmt.Errorf("mail: smtp: DATA: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("mail: smtp: DATA: %w", err)
	}
	if err := c.Quit(); err != nil {
		return fmt.Errorf("mail: smtp: QUIT: %w", err)
	}
	return nil
}
