package redisstore

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/autospot/autospot/ratelimit"
)

// DefaultPrefix is prepended to every key unless [WithPrefix] says
// otherwise.
const DefaultPrefix = "autospot:ratelimit:"

// ErrNilClient is returned by [New] for a nil client.
var ErrNilClient = errors.New("redisstore: nil client")

// ErrUnexpectedReply means the script answered something other than two
// integers (a different script under the same SHA, a proxy mangling
// replies).
var ErrUnexpectedReply = errors.New("redisstore: unexpected reply")

//go:embed gcra.lua
var gcraSource string

// Option configures [New].
type Option func(*Store)

// WithPrefix sets the key prefix (default [DefaultPrefix]), to share a
// Redis database between applications.
func WithPrefix(prefix string) Option {
	return func(s *Store) { s.prefix = prefix }
}

// Store is a [ratelimit.Store] on Redis. It is safe for concurrent use.
type Store struct {
	client redis.Scripter
	script *redis.Script
	prefix string
}

var _ ratelimit.Store = (*Store)(nil)

// New returns a store using client. It does no I/O.
func New(client redis.Scripter, opts ...Option) (*Store, error) {
	if client == nil {
		return nil, ErrNilClient
	}
	s := &Store{client: client, script: redis.NewScript(gcraSource), prefix: DefaultPrefix}
	for _, o := range opts {
		o(s)
	}
	return s, nil
}

// Load caches the script on the server (SCRIPT LOAD), so that even the
// first decision is a single EVALSHA. Optional: without it, the first
// decision on each server costs one extra round trip.
func (s *Store) Load(ctx context.Context) error {
	if err := s.script.Load(ctx, s.client).Err(); err != nil {
		return fmt.Errorf("redisstore: load script: %w", err)
	}
	return nil
}

// Allow implements [ratelimit.Store] with one EVALSHA.
func (s *Store) Allow(ctx context.Context, key string, p ratelimit.Policy) (ratelimit.Decision, error) {
	if err := p.Validate(); err != nil {
		return ratelimit.Decision{}, err
	}
	interval := p.Interval().Microseconds()
	tolerance := interval * int64(p.Capacity())
	res, err := s.script.Run(ctx, s.client, []string{s.prefix + key}, interval, tolerance).Int64Slice()
	if err != nil {
		return ratelimit.Decision{}, fmt.Errorf("redisstore: allow: %w", err)
	}
	if len(res) != 2 || (res[0] != 0 && res[0] != 1) {
		return ratelimit.Decision{}, fmt.Errorf("%w: %v", ErrUnexpectedReply, res)
	}
	return ratelimit.NewDecision(p, res[0] == 1, time.Duration(res[1])*time.Microsecond), nil
}
