package auth

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/go-playground/validator/v10"

	"github.com/autospot/autospot/password"
)

// PasswordHasher is what [Accounts] needs of a password hasher;
// *password.Hasher implements it. Verify returns nil on a match (and
// whether the hash should be replaced), any error otherwise; DummyVerify
// does the work of a failed Verify for a user that does not exist.
type PasswordHasher interface {
	Hash(ctx context.Context, pw string) (string, error)
	Verify(ctx context.Context, pw, hash string) (needsRehash bool, err error)
	DummyVerify(ctx context.Context, pw string) error
}

var _ PasswordHasher = (*password.Hasher)(nil)

// AccountStores are the stores [Accounts] works on. Every field is
// required. store/memory has an implementation of each; the bolt, MongoDB
// and Redis backends implement them for several replicas.
type AccountStores struct {
	Users    UserStore
	Pending  PendingStore
	OTPs     OTPStore
	Attempts AttemptStore
	Resets   ResetStore
}

// LoginLimits tune failed-login tracking. Zero fields take the defaults
// documented on them; see the package documentation, "Login and lockout".
type LoginLimits struct {
	// PerIP is how many failed logins one client address (an IPv6 /64)
	// may make against one account within Window before that address is
	// locked out of that account. Default 5, the seed's.
	PerIP int
	// PerAccount is how many failed logins, from all addresses together,
	// an account takes within Window before it is locked for everyone.
	// Default 20. Set it above PerIP.
	PerAccount int
	// Window is the counting window. Default 15 minutes.
	Window time.Duration
	// DelayAfter is the failure count (per account and address) from which
	// each failure imposes a wait before the next attempt: BaseDelay,
	// doubling with each further failure. Default 3.
	DelayAfter int
	// BaseDelay is the first progressive delay. Default 1 second.
	BaseDelay time.Duration
	// LockDuration is how long the first lockout lasts; each further
	// lockout of the same account within MaxLockDuration doubles it, up to
	// MaxLockDuration. Default 15 minutes.
	LockDuration time.Duration
	// MaxLockDuration caps lockouts. Default 24 hours.
	MaxLockDuration time.Duration
}

func (l LoginLimits) withDefaults() LoginLimits {
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	defD := func(v *time.Duration, d time.Duration) {
		if *v == 0 {
			*v = d
		}
	}
	def(&l.PerIP, 5)
	def(&l.PerAccount, 20)
	def(&l.DelayAfter, 3)
	defD(&l.Window, 15*time.Minute)
	defD(&l.BaseDelay, time.Second)
	defD(&l.LockDuration, 15*time.Minute)
	defD(&l.MaxLockDuration, 24*time.Hour)
	return l
}

func (l LoginLimits) valid() bool {
	return l.PerIP > 0 && l.PerAccount > 0 && l.DelayAfter > 0 && l.Window > 0 &&
		l.BaseDelay > 0 && l.LockDuration > 0 && l.MaxLockDuration >= l.LockDuration
}

// Account-flow defaults.
const (
	// DefaultOTPTTL is how long an emailed code is valid.
	DefaultOTPTTL = 10 * time.Minute
	// DefaultOTPMaxTries is how many times one code may be tried.
	DefaultOTPMaxTries = 5
	// DefaultOTPDailyTries caps the code tries per purpose and address in
	// 24 hours, across every code issued: a guesser gets at most this many
	// of the 10^6 values a day.
	DefaultOTPDailyTries = 30
	// DefaultPendingTTL is how long a registration waits for its code.
	DefaultPendingTTL = time.Hour
	// DefaultResetTTL is how long a password-reset link is valid.
	DefaultResetTTL = 30 * time.Minute
	// DefaultMaxMailInFlight bounds the emails being sent at once.
	DefaultMaxMailInFlight = 64
	// DefaultMailTimeout bounds one email's delivery to the [Mailer].
	DefaultMailTimeout = 30 * time.Second
)

// Accounts runs the account flows — registration with an emailed code,
// login with lockout, password reset and change, logout, account deletion —
// over the [AccountStores], issuing tokens with a [Service]. Create it with
// [NewAccounts]. It is safe for concurrent use. Emails are sent in the
// background, so that no response takes longer because an email was sent
// (which would tell whether an address is registered); [Accounts.Close]
// waits for them.
type Accounts struct {
	tokens   *Service
	hasher   PasswordHasher
	mailer   Mailer
	users    UserStore
	pending  PendingStore
	otps     OTPStore
	attempts AttemptStore
	resets   ResetStore
	resetURL *url.URL

	policy         password.Policy
	blocked        []string
	events         EventSink
	emailProt      EmailProtector
	onDelete       func(ctx context.Context, u User) error
	now            func() time.Time
	rand           io.Reader
	otpKey         []byte
	limits         LoginLimits
	appName        string
	otpTTL         time.Duration
	pendingTTL     time.Duration
	resetTTL       time.Duration
	mailTimeout    time.Duration
	maxMail        int
	registerLimit  int
	resendWindow   time.Duration
	resendGap      time.Duration
	resetReqLimit  int
	resetReqWindow time.Duration

	validate *validator.Validate
	timing   *compareTimer

	mailSem  chan struct{}
	mailWG   sync.WaitGroup
	closeMu  sync.RWMutex
	closed   bool
	rawRoles []Role
}

// AccountsOption configures [NewAccounts].
type AccountsOption func(*Accounts) error

// WithAccountsClock sets the clock (default time.Now).
func WithAccountsClock(now func() time.Time) AccountsOption {
	return func(a *Accounts) error {
		if now == nil {
			return fmt.Errorf("%w: nil clock", ErrInvalidConfig)
		}
		a.now = now
		return nil
	}
}

// WithAccountsRandom sets the source of codes, ids and reset secrets
// (default crypto/rand.Reader). It must be safe for concurrent use.
func WithAccountsRandom(r io.Reader) AccountsOption {
	return func(a *Accounts) error {
		if r == nil {
			return fmt.Errorf("%w: nil random source", ErrInvalidConfig)
		}
		a.rand = r
		return nil
	}
}

// WithPasswordPolicy sets the policy new passwords must meet (default
// password.AutoSpot(), the seed's rules). The user's email, username and
// name are always added as context.
func WithPasswordPolicy(p password.Policy) AccountsOption {
	return func(a *Accounts) error {
		if err := p.Check("Xk7#mq9!vLp2@Zr5", password.UserInfo{}); err != nil && !errors.Is(err, password.ErrPolicy) {
			return fmt.Errorf("%w: password policy: %w", ErrInvalidConfig, err)
		}
		a.policy = p
		return nil
	}
}

// WithBlockedEmailDomains refuses registration from these domains and
// their subdomains (for example disposable-mail providers). Compared
// without case.
func WithBlockedEmailDomains(domains ...string) AccountsOption {
	return func(a *Accounts) error {
		for _, d := range domains {
			d = strings.Trim(strings.ToLower(strings.TrimSpace(d)), ".")
			if d == "" || strings.ContainsAny(d, "@ \t\r\n") {
				return fmt.Errorf("%w: blocked email domain %q", ErrInvalidConfig, d)
			}
			a.blocked = append(a.blocked, d)
		}
		return nil
	}
}

// WithEventSink sets where account events go (default: nowhere). The
// audit package's adapter, or any [EventSink], records them.
func WithEventSink(s EventSink) AccountsOption {
	return func(a *Accounts) error {
		a.events = s
		return nil
	}
}

// WithDeleteHook sets a function [Accounts.DeleteAccount] calls, after the
// password check and before the user record is removed, to delete the
// user's other data (bookings, vehicles …). If it fails the account is
// kept and the error returned.
func WithDeleteHook(f func(ctx context.Context, u User) error) AccountsOption {
	return func(a *Accounts) error {
		a.onDelete = f
		return nil
	}
}

// WithOTPKey sets a secret key (at least 32 bytes) for the HMAC that
// one-time codes are stored under. Without it codes are stored as salted
// SHA-256, which someone holding a copy of the OTP store can brute-force
// (a 6-digit code has 10^6 values) during the code's 10 minutes; with it
// they cannot. Every replica must use the same key.
func WithOTPKey(key []byte) AccountsOption {
	return func(a *Accounts) error {
		if len(key) < MinHMACKeyLen {
			return fmt.Errorf("%w: OTP key shorter than %d bytes", ErrWeakKey, MinHMACKeyLen)
		}
		a.otpKey = append([]byte(nil), key...)
		return nil
	}
}

// WithLoginLimits sets the failed-login limits; zero fields keep their
// defaults.
func WithLoginLimits(l LoginLimits) AccountsOption {
	return func(a *Accounts) error {
		l = l.withDefaults()
		if !l.valid() {
			return fmt.Errorf("%w: login limits %+v", ErrInvalidConfig, l)
		}
		a.limits = l
		return nil
	}
}

// WithAppName sets the service name used in emails (default "AutoSpot").
func WithAppName(name string) AccountsOption {
	return func(a *Accounts) error {
		if name == "" || strings.ContainsAny(name, "\r\n") {
			return fmt.Errorf("%w: app name %q", ErrInvalidConfig, name)
		}
		a.appName = name
		return nil
	}
}

// WithDefaultRoles sets the roles a verified registration gets (default
// driver).
func WithDefaultRoles(roles ...Role) AccountsOption {
	return func(a *Accounts) error {
		if len(roles) == 0 || slices.Contains(roles, RoleOperator) {
			return fmt.Errorf("%w: default roles must be non-empty and not operator (which needs a facility)", ErrInvalidConfig)
		}
		a.rawRoles = append([]Role(nil), roles...)
		return nil
	}
}

// WithMailLimits bounds background email delivery: at most inFlight emails
// being sent at once (default 64; a caller beyond that waits for a slot
// while its context lasts) and timeout for each (default 30 s).
func WithMailLimits(inFlight int, timeout time.Duration) AccountsOption {
	return func(a *Accounts) error {
		if inFlight < 1 || timeout <= 0 {
			return fmt.Errorf("%w: mail limits %d, %v", ErrInvalidConfig, inFlight, timeout)
		}
		a.maxMail, a.mailTimeout = inFlight, timeout
		return nil
	}
}

// NewAccounts returns an [Accounts]. tokens issues the token pairs; hasher
// is usually a *password.Hasher; mailer delivers codes and notices (see
// the auth/mail package); resetURL is the absolute https URL of the
// password-reset page, to which reset links point (http is accepted only
// for localhost). Links are always built from it, never from a request's
// Host header. Every argument is required.
func NewAccounts(tokens *Service, hasher PasswordHasher, stores AccountStores, mailer Mailer, resetURL string, opts ...AccountsOption) (*Accounts, error) {
	if tokens == nil || hasher == nil || mailer == nil {
		return nil, fmt.Errorf("%w: nil token service, hasher or mailer", ErrInvalidConfig)
	}
	if stores.Users == nil || stores.Pending == nil || stores.OTPs == nil || stores.Attempts == nil || stores.Resets == nil {
		return nil, fmt.Errorf("%w: every account store is required", ErrInvalidConfig)
	}
	u, err := parseResetURL(resetURL)
	if err != nil {
		return nil, err
	}
	a := &Accounts{
		tokens:         tokens,
		hasher:         hasher,
		mailer:         mailer,
		users:          stores.Users,
		pending:        stores.Pending,
		otps:           stores.OTPs,
		attempts:       stores.Attempts,
		resets:         stores.Resets,
		resetURL:       u,
		policy:         password.AutoSpot(),
		now:            time.Now,
		rand:           rand.Reader,
		limits:         LoginLimits{}.withDefaults(),
		appName:        "AutoSpot",
		otpTTL:         DefaultOTPTTL,
		pendingTTL:     DefaultPendingTTL,
		resetTTL:       DefaultResetTTL,
		mailTimeout:    DefaultMailTimeout,
		maxMail:        DefaultMaxMailInFlight,
		registerLimit:  5,
		resendWindow:   15 * time.Minute,
		resendGap:      30 * time.Second,
		resetReqLimit:  3,
		resetReqWindow: time.Hour,
		rawRoles:       []Role{RoleDriver},
		timing:         newCompareTimer(),
	}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(a); err != nil {
			return nil, err
		}
	}
	if a.emailProt != nil {
		if _, ok := a.users.(*EmailProtectedUsers); !ok {
			if a.users, err = NewEmailProtectedUsers(a.users, a.emailProt); err != nil {
				return nil, err
			}
		}
	}
	a.mailSem = make(chan struct{}, a.maxMail)
	if a.validate, err = newAccountValidator(a.policy); err != nil {
		return nil, err
	}
	return a, nil
}

func parseResetURL(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.User != nil || u.Fragment != "" || u.Opaque != "" {
		return nil, fmt.Errorf("%w: reset URL %q must be an absolute URL without user info or fragment", ErrInvalidConfig, s)
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && (u.Hostname() == "localhost" || u.Hostname() == "127.0.0.1" || u.Hostname() == "::1"):
	default:
		return nil, fmt.Errorf("%w: reset URL %q must use https", ErrInvalidConfig, s)
	}
	return u, nil
}

// storeTime is now as handed to stores: UTC, millisecond precision.
func (a *Accounts) storeTime() time.Time {
	return a.now().UTC().Truncate(time.Millisecond)
}

// User returns the user with this id, or ErrUserNotFound.
func (a *Accounts) User(ctx context.Context, id string) (User, error) {
	return a.users.ByID(ctx, id)
}

// Close stops accepting work that sends email and waits, while ctx lasts,
// for the emails being sent. Calls after Close that would send an email
// return [ErrAccountsClosed].
func (a *Accounts) Close(ctx context.Context) error {
	a.closeMu.Lock()
	a.closed = true
	a.closeMu.Unlock()
	return a.Flush(ctx)
}

// Flush waits, while ctx lasts, until every email queued so far has been
// handed to the [Mailer] (or failed).
func (a *Accounts) Flush(ctx context.Context) error {
	done := make(chan struct{})
	go func() {
		a.mailWG.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
