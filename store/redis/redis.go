package redis

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// DefaultPrefix is prepended to every key unless [WithPrefix] says
// otherwise.
const DefaultPrefix = "autospot:"

// DefaultCleanupGrace is how long, by default, an entry outlives its own
// expiry time on the server; see [WithCleanupGrace].
const DefaultCleanupGrace = 5 * time.Minute

// Option configures [New] and [Open].
type Option func(*config)

type config struct {
	prefix string
	grace  time.Duration
	clock  func() time.Time
}

// WithPrefix sets the prefix of every key (default [DefaultPrefix]), to
// share a Redis database between applications or environments. With Redis
// Cluster, put a hash tag in it ("{autospot}:"): some operations read two
// keys in one command, which Cluster allows only within one hash slot.
func WithPrefix(prefix string) Option {
	return func(c *config) { c.prefix = prefix }
}

// WithCleanupGrace sets how long past its own expiry time an entry stays
// on the server before Redis deletes it (default [DefaultCleanupGrace]).
// Expiry is decided by the times the callers pass in (their clocks), never
// by the key's TTL; the TTL only frees memory. The grace must exceed the
// clock skew between the application servers, or an entry might vanish
// before a lagging server's clock says it has expired. Negative is
// [ErrBadOption].
func WithCleanupGrace(d time.Duration) Option {
	return func(c *config) { c.grace = d }
}

// WithClock sets the clock the store computes key TTLs from, for the
// operations whose interface passes no time (default time.Now). It never
// decides whether an entry has expired. Nil is [ErrBadOption].
func WithClock(now func() time.Time) Option {
	return func(c *config) { c.clock = now }
}

// Store is the connection of AutoSpot Secure's Redis backends: a client
// and a key prefix. Its methods ([Store.Revocations] …) return the stores
// that implement the library's interfaces. Create one with [New] or
// [Open]; the zero value is not usable. It is safe for concurrent use.
type Store struct {
	client  goredis.UniversalClient
	owned   bool // opened by Open: Close closes the client
	cfg     config
	scripts *scripts
}

// New returns a store using client, which the caller keeps owning (and
// closes). Any go-redis client works ([goredis.Client], [goredis.Ring],
// [goredis.ClusterClient] with a hash-tagged prefix, see [WithPrefix]).
// New does no I/O.
func New(client goredis.UniversalClient, opts ...Option) (*Store, error) {
	if client == nil {
		return nil, ErrNilClient
	}
	cfg := config{prefix: DefaultPrefix, grace: DefaultCleanupGrace, clock: time.Now}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.grace < 0 {
		return nil, fmt.Errorf("%w: negative cleanup grace %v", ErrBadOption, cfg.grace)
	}
	if cfg.clock == nil {
		return nil, fmt.Errorf("%w: nil clock", ErrBadOption)
	}
	if cfg.grace > maxTTL {
		return nil, fmt.Errorf("%w: cleanup grace %v over %v", ErrBadOption, cfg.grace, maxTTL)
	}
	return &Store{client: client, cfg: cfg, scripts: newScripts()}, nil
}

// Open parses a Redis URL (the seed's REDIS_URL:
// redis://[:password@]host:port[/db], or rediss:// for TLS) and returns a
// store on a new client that the store owns: [Store.Close] closes it.
// Open does no I/O; [Store.Ping] checks the connection. A malformed URL is
// [ErrBadURL]; the error never contains the URL or its password.
func Open(rawURL string, opts ...Option) (*Store, error) {
	o, err := goredis.ParseURL(rawURL)
	if err != nil {
		return nil, fmt.Errorf("%w: %s", ErrBadURL, urlErrorReason(err))
	}
	c := goredis.NewClient(o)
	s, err := New(c, opts...)
	if err != nil {
		_ = c.Close()
		return nil, err
	}
	s.owned = true
	return s, nil
}

// urlErrorReason says why a URL failed to parse without quoting it: a
// url.Error holds the whole URL, password included, and an escape error
// the malformed escape, which may sit in the password.
func urlErrorReason(err error) string {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return err.Error() // go-redis's own errors name no userinfo
	}
	var ee url.EscapeError
	if errors.As(ue.Err, &ee) {
		return "invalid percent-escape"
	}
	return ue.Err.Error()
}

// Close closes the client if [Open] created it, and does nothing for a
// client handed to [New].
func (s *Store) Close() error {
	if !s.owned {
		return nil
	}
	if err := s.client.Close(); err != nil {
		return fmt.Errorf("redis: close: %w", err)
	}
	return nil
}

// Ping checks that the server answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.client.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("redis: ping: %w", err)
	}
	return nil
}

// Load caches every script of the store on the server (SCRIPT LOAD), so
// that even the first call of each operation is a single EVALSHA.
// Optional: without it the first call of a script on each server costs one
// extra round trip (EVALSHA, NOSCRIPT, EVAL). With Cluster, SCRIPT LOAD
// reaches every primary.
func (s *Store) Load(ctx context.Context) error {
	for _, sc := range s.scripts.all() {
		if err := sc.Load(ctx, s.client).Err(); err != nil {
			return fmt.Errorf("redis: load script: %w", err)
		}
	}
	return nil
}

// key builds the key of one entry: prefix, kind, and the SHA-256 of id
// (unpadded base64url). Hashing keeps caller-supplied ids (emails, session
// ids, IP addresses) from injecting separators or growing keys without
// bound, and keeps emails out of key names; it is not meant as secrecy.
func (s *Store) key(kind, id string) string {
	sum := sha256.Sum256([]byte(id))
	return s.cfg.prefix + kind + ":" + base64.RawURLEncoding.EncodeToString(sum[:])
}

// ttl is the time a key whose entry expires at `at` should live on the
// server, measured from the store's clock: until `at`, plus the grace, and
// never less than the grace nor less than one millisecond.
func (s *Store) ttl(at time.Time) time.Duration {
	d := at.Sub(s.cfg.clock())
	if d < 0 {
		d = 0
	}
	if d > maxTTL-s.cfg.grace {
		d = maxTTL - s.cfg.grace
	}
	d += s.cfg.grace
	if d < time.Millisecond {
		d = time.Millisecond
	}
	return d
}

// maxTTL bounds every TTL the store sets (and so the arithmetic on it).
const maxTTL = 100 * 365 * 24 * time.Hour
