package live

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"sync"

	"github.com/redis/go-redis/v9"
)

// DefaultChannelPrefix prefixes the Redis channel of each topic.
const DefaultChannelPrefix = "autospot:live:"

// maxMessage bounds a Redis message the hub decodes.
const maxMessage = 4096

// Redis is a [Hub] for several replicas: Publish sends the event to Redis
// (PUBLISH on prefix + topic) and every replica's hub — this one included
// — delivers what its one pattern subscription (PSUBSCRIBE prefix*)
// receives to its local subscribers. Create it with [NewRedis] and Close
// it; it is safe for concurrent use.
type Redis struct {
	client *redis.Client
	prefix string
	local  *Local
	ps     *redis.PubSub
	log    *slog.Logger
	done   chan struct{}
	once   sync.Once
	// lenient: start even when the first subscription cannot be
	// confirmed (see [WithUnconfirmedStart]).
	lenient bool
}

var _ Hub = (*Redis)(nil)

// RedisOption configures [NewRedis].
type RedisOption func(*Redis) error

// WithChannelPrefix sets the channel prefix (default
// [DefaultChannelPrefix]); replicas must agree on it.
func WithChannelPrefix(p string) RedisOption {
	return func(r *Redis) error {
		if p == "" || len(p) > 100 || strings.ContainsAny(p, "*?[]\\") {
			return fmt.Errorf("%w: channel prefix", ErrInvalid)
		}
		r.prefix = p
		return nil
	}
}

// WithUnconfirmedStart lets [NewRedis] return a working hub when Redis
// cannot be reached at start-up, instead of an error: the pattern
// subscription is kept and go-redis re-establishes it when Redis comes
// back (events published before that are not delivered; publishing fails
// with an error meanwhile). A server uses it so that a Redis outage at
// start-up degrades readiness, not liveness.
func WithUnconfirmedStart() RedisOption {
	return func(r *Redis) error {
		r.lenient = true
		return nil
	}
}

// WithLogger sets where undecodable messages are reported (default: a
// discarding logger). Event contents are never logged.
func WithLogger(l *slog.Logger) RedisOption {
	return func(r *Redis) error {
		if l == nil {
			return fmt.Errorf("%w: nil logger", ErrInvalid)
		}
		r.log = l
		return nil
	}
}

// NewRedis subscribes to the events of every replica through client and
// returns once the subscription is confirmed, so nothing published after
// it returns is missed. local delivers to this process's subscribers
// (nil: a new [Local] with default options); the hub owns it.
func NewRedis(ctx context.Context, client *redis.Client, local *Local, opts ...RedisOption) (*Redis, error) {
	if client == nil {
		return nil, fmt.Errorf("%w: nil redis client", ErrInvalid)
	}
	if local == nil {
		local, _ = NewLocal()
	}
	r := &Redis{client: client, prefix: DefaultChannelPrefix, local: local,
		log: slog.New(slog.DiscardHandler), done: make(chan struct{})}
	for _, o := range opts {
		if err := o(r); err != nil {
			return nil, err
		}
	}
	r.ps = client.PSubscribe(ctx, r.prefix+"*")
	if _, err := r.ps.Receive(ctx); err != nil {
		if !r.lenient {
			_ = r.ps.Close()
			return nil, fmt.Errorf("live: redis subscribe: %w", err)
		}
		r.log.Warn("live: redis subscription not confirmed at start; it is retried in the background", "err", err)
	}
	go r.run()
	return r, nil
}

func (r *Redis) run() {
	defer close(r.done)
	for msg := range r.ps.Channel() {
		e, ok := decodeMessage(r.prefix, msg.Channel, msg.Payload)
		if !ok {
			r.log.Info("live: dropped an undecodable, oversized or foreign message")
			continue
		}
		_ = r.local.deliver(e)
	}
}

// Publish implements [Hub].
func (r *Redis) Publish(ctx context.Context, e Event) error {
	if err := e.check(); err != nil {
		return err
	}
	raw, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("live: encode: %w", err)
	}
	if err := r.client.Publish(ctx, r.prefix+Topic(e.Building), raw).Err(); err != nil {
		return fmt.Errorf("live: redis publish: %w", err)
	}
	return nil
}

// Subscribe implements [Hub].
func (r *Redis) Subscribe(ctx context.Context, building string) (*Subscription, error) {
	return r.local.Subscribe(ctx, building)
}

// Close ends the Redis subscription and every local subscription. It does
// not close the client.
func (r *Redis) Close() error {
	var err error
	r.once.Do(func() {
		err = r.ps.Close()
		<-r.done
		_ = r.local.Close()
	})
	return err
}

// decodeMessage decodes a pub/sub message strictly: bounded size, known
// fields only, a valid event whose topic is the channel's.
func decodeMessage(prefix, channel, payload string) (Event, bool) {
	if len(payload) > maxMessage || !strings.HasPrefix(channel, prefix) {
		return Event{}, false
	}
	var e Event
	dec := json.NewDecoder(bytes.NewReader([]byte(payload)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil || dec.More() || e.check() != nil || Topic(e.Building) != channel[len(prefix):] {
		return Event{}, false
	}
	return e, true
}
