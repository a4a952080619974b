// Package redisstore is a [ratelimit.Store] on Redis, for rate limits
// shared by every replica of a service.
//
// # Guarantees
//
// Each decision is one round trip: a Lua script, sent as EVALSHA (falling
// back to EVAL once if the server does not have it cached), runs the GCRA
// step atomically on the server. The script reads the time with Redis's
// TIME command, so application servers whose clocks are skewed still agree
// on every bucket. Keys carry a TTL equal to the time until they are idle,
// so Redis never holds state that would change no decision.
//
// # Usage
//
//	client := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"})
//	store, err := redisstore.New(client)
//	if err != nil { … }
//	if err := store.Load(ctx); err != nil { … } // optional: cache the script now
//	limiter, err := ratelimit.New(store)
//
// Any go-redis client works ([redis.Client], [redis.ClusterClient],
// [redis.Ring]): each decision touches one key.
//
// # Errors
//
// Allow returns the client's error (connection refused, timeout, context
// cancelled) wrapped with the operation; the HTTP middleware turns it into
// the rule's fail-open or fail-closed behaviour.
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
