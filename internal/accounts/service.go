package accounts

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/netip"
	"strings"
	"time"

	"github.com/autospot/autospot/audit"
	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/password"
)

// Limits of the flows.
const (
	CodeTTL          = 10 * time.Minute
	CodeTries        = 5
	PendingTTL       = 30 * time.Minute
	ResetTTL         = 30 * time.Minute
	LockWindow       = 15 * time.Minute
	PairLimit        = 5  // failed logins per account+client bucket per window (the seed's 5)
	AccountLimit     = 20 // failed logins per account per window, from anywhere
	SendLimit        = 3  // codes or reset mails per email per window
	SendWindow       = time.Hour
	resetSecretBytes = 32
)

// Stores are the library storage interfaces the flows run on.
type Stores struct {
	Users    auth.UserStore
	Pending  auth.PendingStore
	OTPs     auth.OTPStore
	Attempts auth.AttemptStore
	Resets   auth.ResetStore
}

// Config configures [New]. Every field but Rand and Now is required.
type Config struct {
	Stores    Stores
	Tokens    *auth.Service
	Hasher    *password.Hasher
	Policy    password.Policy
	Mailer    Mailer
	Audit     *audit.Logger
	PublicURL string
	// CodeKey keys the HMAC that keeps codes at rest (≥ 32 bytes).
	CodeKey []byte
	// Bucket groups client addresses for the lockout key (IPv6 /64).
	Bucket func(netip.Addr) netip.Prefix
	// OnDelete removes the user's other data (profile …) on deletion.
	OnDelete func(ctx context.Context, userID string) error
	Rand     io.Reader
	Now      func() time.Time
}

// Service runs the account flows. It is safe for concurrent use.
type Service struct {
	c Config
}

// New validates cfg and returns a Service.
func New(cfg Config) (*Service, error) {
	s := cfg.Stores
	if s.Users == nil || s.Pending == nil || s.OTPs == nil || s.Attempts == nil || s.Resets == nil ||
		cfg.Tokens == nil || cfg.Hasher == nil || cfg.Mailer == nil || cfg.Audit == nil || cfg.Bucket == nil {
		return nil, errors.New("accounts: incomplete configuration")
	}
	if len(cfg.CodeKey) < 32 {
		return nil, errors.New("accounts: code key shorter than 32 bytes")
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Reader
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Service{c: cfg}, nil
}

func (s *Service) now() time.Time { return s.c.Now().UTC().Truncate(time.Millisecond) }

// Normalize trims and lower-cases an email address or user name.
func Normalize(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func (s *Service) randomHex(n int) (string, error) {
	b := make([]byte, n)
	if _, err := io.ReadFull(s.c.Rand, b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// NewUserID returns a random 128-bit user id.
func (s *Service) NewUserID() (string, error) { return s.randomHex(16) }

func (s *Service) code() (string, error) {
	n, err := rand.Int(s.c.Rand, big.NewInt(1_000_000))
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%06d", n.Int64()), nil
}

func (s *Service) codeHash(purpose auth.OTPPurpose, subject string, salt []byte, code string) []byte {
	m := hmac.New(sha256.New, s.c.CodeKey)
	for _, p := range [][]byte{[]byte(purpose), []byte(subject), salt, []byte(code)} {
		var l [4]byte
		l[0], l[1], l[2], l[3] = byte(len(p)>>24), byte(len(p)>>16), byte(len(p)>>8), byte(len(p))
		m.Write(l[:])
		m.Write(p)
	}
	return m.Sum(nil)
}

func resetHash(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

func (s *Service) send(ctx context.Context, to, subject, body string) {
	if err := s.c.Mailer.Send(ctx, Message{To: to, Subject: subject, Body: body, Time: s.now()}); err != nil {
		s.c.Audit.Log(ctx, audit.Event{Action: "mail.send", Outcome: audit.OutcomeError, Reason: "mailer_failed", Target: to})
	}
}

// throttled reserves one send for key; false when the limit is reached.
func (s *Service) throttled(ctx context.Context, key string) bool {
	st, err := s.c.Stores.Attempts.Reserve(ctx, "send:"+key, SendLimit, SendWindow, s.now())
	return err != nil || !st.Allowed
}

// checkPolicy applies the password policy with the user's details.
func (s *Service) checkPolicy(pw string, u password.UserInfo) error {
	return s.c.Policy.Check(pw, u)
}
