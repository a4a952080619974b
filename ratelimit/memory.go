package ratelimit

import (
	"context"
	"fmt"
	"hash/maphash"
	"math/bits"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults of [NewMemoryStore].
const (
	DefaultMaxKeys       = 1 << 19
	DefaultShards        = 64
	DefaultSweepInterval = time.Minute
)

// MemoryOption configures [NewMemoryStore].
type MemoryOption func(*memoryConfig)

type memoryConfig struct {
	now     func() time.Time // nil: the monotonic clock
	maxKeys int
	shards  int
	sweep   time.Duration
}

// WithClock sets the store's clock (default: [time.Now], read through the
// monotonic clock so wall-clock steps change no decision); tests inject a
// fake one to make expiry exact.
func WithClock(now func() time.Time) MemoryOption {
	return func(c *memoryConfig) { c.now = now }
}

// WithMaxKeys bounds the number of keys held (default [DefaultMaxKeys],
// about 100 bytes each). When a shard is full, idle keys are dropped
// first; if none is idle, the key closest to full credit among a small
// random sample is evicted (its client gets a fresh burst).
func WithMaxKeys(n int) MemoryOption {
	return func(c *memoryConfig) { c.maxKeys = n }
}

// WithShards sets the number of independently locked shards (rounded up
// to a power of two, default [DefaultShards]).
func WithShards(n int) MemoryOption {
	return func(c *memoryConfig) { c.shards = n }
}

// WithSweepInterval sets how often a background goroutine drops idle keys
// (default [DefaultSweepInterval]); zero disables it, leaving eviction to
// inserts into full shards. Stop the goroutine with [MemoryStore.Close].
func WithSweepInterval(d time.Duration) MemoryOption {
	return func(c *memoryConfig) { c.sweep = d }
}

// MemoryStore is an in-process [Store]: sharded maps from key to GCRA
// state (one int64), each shard under its own mutex. It is safe for
// concurrent use, bounded in memory ([WithMaxKeys]), forgets keys once
// idle (a key whose credit is full holds no information), and makes no
// allocation per decision for keys it already holds.
//
// It limits one process only; replicas behind a load balancer need a
// shared store such as ratelimit/redisstore.
type MemoryStore struct {
	shards   []memShard
	mask     uint64
	seed     maphash.Seed
	now      func() int64 // Unix ns
	perShard int
	closed   atomic.Bool
	stop     chan struct{}
	done     chan struct{}
}

type memShard struct {
	mu sync.Mutex
	m  map[string]int64 // key → theoretical arrival time, Unix ns
	_  [48]byte         // 64 bytes per shard: no false sharing between shards
}

var _ Store = (*MemoryStore)(nil)

// NewMemoryStore returns an empty store. It returns an error wrapping
// [ErrInvalidOption] for a negative or zero bound.
func NewMemoryStore(opts ...MemoryOption) (*MemoryStore, error) {
	cfg := memoryConfig{maxKeys: DefaultMaxKeys, shards: DefaultShards, sweep: DefaultSweepInterval}
	for _, o := range opts {
		o(&cfg)
	}
	switch {
	case cfg.maxKeys < 1:
		return nil, fmt.Errorf("%w: max keys %d", ErrInvalidOption, cfg.maxKeys)
	case cfg.shards < 1 || cfg.shards > 1<<16:
		return nil, fmt.Errorf("%w: shards %d not in [1, 65536]", ErrInvalidOption, cfg.shards)
	case cfg.sweep < 0:
		return nil, fmt.Errorf("%w: sweep interval %v", ErrInvalidOption, cfg.sweep)
	}
	n := 1 << bits.Len(uint(cfg.shards-1))
	for n > 1 && cfg.maxKeys/n < 16 { // small bounds: fewer, fuller shards
		n /= 2
	}
	s := &MemoryStore{
		shards:   make([]memShard, n),
		mask:     uint64(n - 1),
		seed:     maphash.MakeSeed(),
		perShard: cfg.maxKeys / n,
	}
	if cfg.now != nil {
		s.now = func() int64 { return cfg.now().UnixNano() }
	} else {
		// time.Since on a time with a monotonic reading costs one clock
		// read; time.Now().UnixNano() costs two.
		base := time.Now()
		baseNano := base.UnixNano()
		s.now = func() int64 { return baseNano + int64(time.Since(base)) }
	}
	for i := range s.shards {
		s.shards[i].m = make(map[string]int64)
	}
	if cfg.sweep > 0 {
		s.stop, s.done = make(chan struct{}), make(chan struct{})
		go s.sweeper(cfg.sweep)
	}
	return s, nil
}

// Allow implements [Store]. It returns [ErrInvalidPolicy] for an invalid
// policy and [ErrClosed] after Close; ctx is not consulted (a decision
// takes nanoseconds).
func (s *MemoryStore) Allow(_ context.Context, key string, p Policy) (Decision, error) {
	interval, tolerance, err := p.params()
	if err != nil {
		return Decision{}, err
	}
	if s.closed.Load() {
		return Decision{}, ErrClosed
	}
	now := s.now()
	sh := &s.shards[maphash.String(s.seed, key)&s.mask]
	sh.mu.Lock()
	tat, held := sh.m[key]
	newTAT, allowed := gcra(now, tat, interval, tolerance)
	if allowed {
		if !held {
			if len(sh.m) >= s.perShard {
				sh.evict(now)
			}
			key = strings.Clone(key) // never retain the caller's backing array
		}
		sh.m[key] = newTAT
	}
	sh.mu.Unlock()
	return decision(allowed, max(newTAT-now, 0), interval, tolerance), nil
}

// evict makes room for one key: an idle one if the sample holds one,
// otherwise the sampled key nearest to full credit. Map iteration starts
// at a random position, so the sample is random. Called with mu held.
func (sh *memShard) evict(now int64) {
	const sample = 8
	var victim string
	var victimTAT int64
	i := 0
	for k, tat := range sh.m {
		if tat <= now {
			delete(sh.m, k)
			return
		}
		if i == 0 || tat < victimTAT {
			victim, victimTAT = k, tat
		}
		if i++; i == sample {
			break
		}
	}
	delete(sh.m, victim)
}

// Len returns the number of keys held.
func (s *MemoryStore) Len() int {
	n := 0
	for i := range s.shards {
		sh := &s.shards[i]
		sh.mu.Lock()
		n += len(sh.m)
		sh.mu.Unlock()
	}
	return n
}

// sweep drops every idle key: one whose theoretical arrival time has
// passed, so its bucket is full and forgetting it changes no decision.
func (s *MemoryStore) sweep() {
	now := s.now()
	for i := range s.shards {
		sh := &s.shards[i]
		sh.mu.Lock()
		for k, tat := range sh.m {
			if tat <= now {
				delete(sh.m, k)
			}
		}
		sh.mu.Unlock()
	}
}

func (s *MemoryStore) sweeper(every time.Duration) {
	defer close(s.done)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			s.sweep()
		}
	}
}

// Close stops the sweeper goroutine and makes later Allow calls fail with
// [ErrClosed]. It is safe to call more than once.
func (s *MemoryStore) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	if s.stop != nil {
		close(s.stop)
		<-s.done
	}
	return nil
}
