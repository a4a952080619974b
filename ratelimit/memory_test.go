package ratelimit_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/autospot/autospot/ratelimit"
	"github.com/autospot/autospot/ratelimit/ratelimittest"
)

func newMemory(t testing.TB, opts ...ratelimit.MemoryOption) (*ratelimit.MemoryStore, *ratelimittest.Clock) {
	t.Helper()
	clock := ratelimittest.NewClock()
	s, err := ratelimit.NewMemoryStore(append([]ratelimit.MemoryOption{ratelimit.WithClock(clock.Now)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s, clock
}

func TestMemoryConformance(t *testing.T) {
	ratelimittest.Run(t, func(t *testing.T) ratelimittest.Harness {
		s, clock := newMemory(t)
		return ratelimittest.Harness{Store: s, Advance: clock.Advance}
	})
}

func TestMemoryOneShard(t *testing.T) {
	ratelimittest.Run(t, func(t *testing.T) ratelimittest.Harness {
		s, clock := newMemory(t, ratelimit.WithShards(1))
		return ratelimittest.Harness{Store: s, Advance: clock.Advance}
	})
}

func TestMemoryNoAllocs(t *testing.T) {
	s, _ := newMemory(t)
	ctx := context.Background()
	p := ratelimit.Policy{Limit: 1_000_000, Period: time.Second, Burst: 1_000_000_000}
	keys := make([]string, 1000)
	for i := range keys {
		keys[i] = fmt.Sprintf("ip:198.51.%d.%d/32", i/256, i%256)
		if _, err := s.Allow(ctx, keys[i], p); err != nil {
			t.Fatal(err)
		}
	}
	i := 0
	allocs := testing.AllocsPerRun(10000, func() {
		_, _ = s.Allow(ctx, keys[i%len(keys)], p)
		i++
	})
	if allocs != 0 {
		t.Errorf("%v allocations per decision, want 0", allocs)
	}
	denied := testing.AllocsPerRun(1000, func() {
		_, _ = s.Allow(ctx, "never-allowed", ratelimit.Policy{Limit: 1, Period: time.Hour})
	})
	if denied != 0 {
		t.Errorf("%v allocations per denial, want 0", denied)
	}
}

func TestMemoryBounded(t *testing.T) {
	s, clock := newMemory(t, ratelimit.WithMaxKeys(64), ratelimit.WithShards(4), ratelimit.WithSweepInterval(0))
	p := ratelimit.Policy{Limit: 1, Period: time.Hour}
	ctx := context.Background()
	for i := range 10_000 {
		d, err := s.Allow(ctx, fmt.Sprint("k", i), p)
		if err != nil || !d.Allowed {
			t.Fatalf("key %d: %+v, %v", i, d, err)
		}
		if n := s.Len(); n > 64 {
			t.Fatalf("%d keys held, bound 64", n)
		}
		clock.Advance(time.Millisecond)
	}
	if n := s.Len(); n != 64 {
		t.Errorf("Len = %d after filling, want 64", n)
	}
}

// Idle keys (full credit again) are dropped by the sweep and on insert,
// and forgetting them changes no decision.
func TestMemoryIdleKeysExpire(t *testing.T) {
	s, clock := newMemory(t, ratelimit.WithSweepInterval(time.Millisecond))
	p := ratelimit.Policy{Limit: 2, Period: time.Minute}
	ctx := context.Background()
	for i := range 100 {
		if _, err := s.Allow(ctx, fmt.Sprint("k", i), p); err != nil {
			t.Fatal(err)
		}
	}
	if s.Len() != 100 {
		t.Fatalf("Len = %d", s.Len())
	}
	clock.Advance(29 * time.Second) // one request per 30 s: not yet idle
	time.Sleep(20 * time.Millisecond)
	if s.Len() != 100 {
		t.Fatalf("Len = %d before keys went idle", s.Len())
	}
	clock.Advance(time.Second)
	deadline := time.Now().Add(5 * time.Second)
	for s.Len() != 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if n := s.Len(); n != 0 {
		t.Fatalf("Len = %d after every key went idle", n)
	}
	if d, _ := s.Allow(ctx, "k1", p); !d.Allowed || d.Remaining != 1 {
		t.Errorf("expired key: %+v, want a full bucket", d)
	}
}

func TestMemoryClose(t *testing.T) {
	s, _ := newMemory(t)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal("second Close:", err)
	}
	if _, err := s.Allow(context.Background(), "k", ratelimit.Policy{Limit: 1, Period: time.Second}); !errors.Is(err, ratelimit.ErrClosed) {
		t.Errorf("Allow after Close: %v", err)
	}
}

func TestMemoryOptionErrors(t *testing.T) {
	for name, opt := range map[string]ratelimit.MemoryOption{
		"max keys": ratelimit.WithMaxKeys(0),
		"shards":   ratelimit.WithShards(0),
		"sweep":    ratelimit.WithSweepInterval(-1),
	} {
		if _, err := ratelimit.NewMemoryStore(opt); !errors.Is(err, ratelimit.ErrInvalidOption) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

// The default clock (monotonic, no WithClock) gives credit back in real time.
func TestMemoryDefaultClock(t *testing.T) {
	s, err := ratelimit.NewMemoryStore()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	p := ratelimit.Policy{Limit: 20, Period: time.Second, Burst: 1}
	var d ratelimit.Decision
	for range 100 {
		if d, _ = s.Allow(context.Background(), "k", p); !d.Allowed {
			break
		}
	}
	if d.Allowed || d.RetryAfter <= 0 || d.RetryAfter > 50*time.Millisecond {
		t.Fatalf("no denial with a sensible RetryAfter: %+v", d)
	}
	time.Sleep(d.RetryAfter + 10*time.Millisecond)
	if d, _ := s.Allow(context.Background(), "k", p); !d.Allowed {
		t.Errorf("after RetryAfter: %+v", d)
	}
}
