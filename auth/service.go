package auth

import (
	"crypto/rand"
	"fmt"
	"io"
	"sync/atomic"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Defaults. Each can be changed with the matching Option.
const (
	// DefaultAccessTTL is the access-token lifetime (the seed's
	// JWT_EXPIRATION = 3600).
	DefaultAccessTTL = time.Hour
	// DefaultRefreshTTL is the refresh-token lifetime (the seed's
	// JWT_REFRESH_EXPIRATION = 86400).
	DefaultRefreshTTL = 24 * time.Hour
	// DefaultFamilyLifetime is the absolute lifetime of a login session:
	// however often its refresh token is rotated, it ends this long after
	// login.
	DefaultFamilyLifetime = 7 * 24 * time.Hour
	// DefaultLeeway is the clock skew allowed on exp, nbf and iat.
	DefaultLeeway = 10 * time.Second
	// DefaultRefreshGrace is how long after a rotation the spent token may
	// be presented again and still receive the same successor.
	DefaultRefreshGrace = 10 * time.Second
	// DefaultMaxTokenLength caps a token (and an Authorization value)
	// before any parsing.
	DefaultMaxTokenLength = 8 << 10
	// DefaultIssuer and DefaultAudience are the "iss" and "aud" values.
	DefaultIssuer   = "autospot"
	DefaultAudience = "autospot"
)

// allAlgs returns every algorithm a Key can have. The per-key check in
// keyFunc is what decides; this list only makes the parser refuse anything
// else (above all "none") before calling it.
func allAlgs() []string { return []string{"HS256", "HS384", "HS512", "EdDSA"} }

// Service issues, verifies, rotates and revokes tokens. Create it with
// [NewService]; it is safe for concurrent use.
type Service struct {
	keys      atomic.Pointer[KeyRing]
	refresh   RefreshStore
	revoke    RevocationStore
	cache     *revocationCache
	parser    *jwt.Parser
	keyfunc   jwt.Keyfunc
	now       func() time.Time
	rand      io.Reader
	issuer    string
	audience  []string
	accessTTL time.Duration
	refreshTTL,
	familyTTL,
	leeway,
	grace time.Duration
	maxLen int
}

// Option configures a [Service].
type Option func(*Service) error

// WithIssuer sets the "iss" claim written and required (default
// [DefaultIssuer]).
func WithIssuer(iss string) Option {
	return func(s *Service) error {
		if iss == "" {
			return fmt.Errorf("%w: empty issuer", ErrInvalidConfig)
		}
		s.issuer = iss
		return nil
	}
}

// WithAudience sets the "aud" values written; a token must carry at least
// one of them (default [DefaultAudience]).
func WithAudience(aud ...string) Option {
	return func(s *Service) error {
		if len(aud) == 0 {
			return fmt.Errorf("%w: empty audience", ErrInvalidConfig)
		}
		for _, a := range aud {
			if a == "" {
				return fmt.Errorf("%w: empty audience", ErrInvalidConfig)
			}
		}
		s.audience = append([]string(nil), aud...)
		return nil
	}
}

func positive(name string, d time.Duration, dst *time.Duration) Option {
	return func(s *Service) error {
		if d <= 0 {
			return fmt.Errorf("%w: %s must be positive, got %v", ErrInvalidConfig, name, d)
		}
		*dst = d
		return nil
	}
}

// WithAccessTTL sets the access-token lifetime (default [DefaultAccessTTL]).
func WithAccessTTL(d time.Duration) Option {
	return func(s *Service) error { return positive("access TTL", d, &s.accessTTL)(s) }
}

// WithRefreshTTL sets the refresh-token lifetime (default [DefaultRefreshTTL]).
func WithRefreshTTL(d time.Duration) Option {
	return func(s *Service) error { return positive("refresh TTL", d, &s.refreshTTL)(s) }
}

// WithFamilyLifetime sets the absolute session lifetime (default
// [DefaultFamilyLifetime]).
func WithFamilyLifetime(d time.Duration) Option {
	return func(s *Service) error { return positive("family lifetime", d, &s.familyTTL)(s) }
}

// WithLeeway sets the allowed clock skew, 0 to 5 minutes (default
// [DefaultLeeway]).
func WithLeeway(d time.Duration) Option {
	return func(s *Service) error {
		if d < 0 || d > 5*time.Minute {
			return fmt.Errorf("%w: leeway %v outside [0, 5m]", ErrInvalidConfig, d)
		}
		s.leeway = d
		return nil
	}
}

// WithRefreshGrace sets the parallel-refresh grace window, 0 to 1 minute
// (default [DefaultRefreshGrace]). 0 makes every second use of a refresh
// token a replay.
func WithRefreshGrace(d time.Duration) Option {
	return func(s *Service) error {
		if d < 0 || d > time.Minute {
			return fmt.Errorf("%w: refresh grace %v outside [0, 1m]", ErrInvalidConfig, d)
		}
		s.grace = d
		return nil
	}
}

// WithRevocationCacheTTL lets [Service.VerifyAccess] reuse a user's
// revocation status for up to d (at most 1 minute) instead of asking the
// [RevocationStore] on every request. The default, 0, always asks. See the
// package documentation, "Revocation cost", for the bound this gives.
func WithRevocationCacheTTL(d time.Duration) Option {
	return func(s *Service) error {
		if d < 0 || d > time.Minute {
			return fmt.Errorf("%w: revocation cache TTL %v outside [0, 1m]", ErrInvalidConfig, d)
		}
		s.cache.ttl = d
		return nil
	}
}

// WithMaxTokenLength caps the token length accepted, checked before any
// parsing (default [DefaultMaxTokenLength]; 512 to 64 KiB).
func WithMaxTokenLength(n int) Option {
	return func(s *Service) error {
		if n < 512 || n > 64<<10 {
			return fmt.Errorf("%w: max token length %d outside [512, 65536]", ErrInvalidConfig, n)
		}
		s.maxLen = n
		return nil
	}
}

// WithClock sets the time source (default time.Now), for exact expiry
// tests.
func WithClock(now func() time.Time) Option {
	return func(s *Service) error {
		if now == nil {
			return fmt.Errorf("%w: nil clock", ErrInvalidConfig)
		}
		s.now = now
		return nil
	}
}

// WithRandom sets the source of token ids, session ids, CSRF tokens and
// salts (default crypto/rand). Only tests should change it.
func WithRandom(r io.Reader) Option {
	return func(s *Service) error {
		if r == nil {
			return fmt.Errorf("%w: nil random source", ErrInvalidConfig)
		}
		s.rand = r
		return nil
	}
}

// WithoutRevocationCheck lets [NewService] accept a nil [RevocationStore]:
// VerifyAccess then checks signatures and claims only, and logout,
// logout-all and refresh-token reuse no longer end access tokens before
// they expire. Only for verify-only services that cannot reach the store.
func WithoutRevocationCheck() Option {
	return func(s *Service) error {
		s.cache.disabled = true
		return nil
	}
}

// NewService returns a token service signing and verifying with keys,
// keeping refresh families in refresh and revocations in revoke.
//
// refresh may be nil for a verify-only service (IssuePair, Refresh and
// Logout then fail with [ErrInvalidConfig]). revoke is required unless
// [WithoutRevocationCheck] is given.
func NewService(keys *KeyRing, refresh RefreshStore, revoke RevocationStore, opts ...Option) (*Service, error) {
	if keys == nil {
		return nil, fmt.Errorf("%w: nil key ring", ErrInvalidConfig)
	}
	s := &Service{
		refresh:    refresh,
		revoke:     revoke,
		cache:      newRevocationCache(),
		now:        time.Now,
		rand:       rand.Reader,
		issuer:     DefaultIssuer,
		audience:   []string{DefaultAudience},
		accessTTL:  DefaultAccessTTL,
		refreshTTL: DefaultRefreshTTL,
		familyTTL:  DefaultFamilyLifetime,
		leeway:     DefaultLeeway,
		grace:      DefaultRefreshGrace,
		maxLen:     DefaultMaxTokenLength,
	}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(s); err != nil {
			return nil, err
		}
	}
	if revoke == nil && !s.cache.disabled {
		return nil, fmt.Errorf("%w: nil RevocationStore (use WithoutRevocationCheck to verify without one)", ErrInvalidConfig)
	}
	if s.refreshTTL < s.accessTTL {
		return nil, fmt.Errorf("%w: refresh TTL %v shorter than access TTL %v", ErrInvalidConfig, s.refreshTTL, s.accessTTL)
	}
	s.keys.Store(keys)
	s.keyfunc = s.keyFunc
	s.parser = jwt.NewParser(
		jwt.WithValidMethods(allAlgs()),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithIssuer(s.issuer),
		jwt.WithAudience(s.audience...),
		jwt.WithLeeway(s.leeway),
		jwt.WithTimeFunc(s.now),
		jwt.WithStrictDecoding(),
	)
	return s, nil
}

// SetKeyRing replaces the key ring, for rotation without a restart. Tokens
// signed by a key that the new ring no longer holds stop verifying.
func (s *Service) SetKeyRing(keys *KeyRing) error {
	if keys == nil {
		return fmt.Errorf("%w: nil key ring", ErrInvalidConfig)
	}
	s.keys.Store(keys)
	return nil
}

// KeyRing returns the current key ring.
func (s *Service) KeyRing() *KeyRing { return s.keys.Load() }

// AccessTTL returns the access-token lifetime.
func (s *Service) AccessTTL() time.Duration { return s.accessTTL }

// storeTime is now as handed to stores: UTC, millisecond precision.
func (s *Service) storeTime() time.Time {
	return s.now().UTC().Truncate(time.Millisecond)
}
