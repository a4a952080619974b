// Package ratelimittest is the conformance suite for [ratelimit.Store]
// implementations. Every backend runs it:
//
//	func TestConformance(t *testing.T) {
//		ratelimittest.Run(t, func(t *testing.T) ratelimittest.Harness {
//			clock := ratelimittest.NewClock()
//			s, err := ratelimit.NewMemoryStore(ratelimit.WithClock(clock.Now))
//			if err != nil {
//				t.Fatal(err)
//			}
//			t.Cleanup(func() { s.Close() })
//			return ratelimittest.Harness{Store: s, Advance: clock.Advance}
//		})
//	}
package ratelimittest

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/autospot/autospot/ratelimit"
)

// Harness is one fresh store under test.
type Harness struct {
	// Store is the store under test, empty.
	Store ratelimit.Store
	// Advance moves the store's clock forward. Nil when the clock cannot
	// be controlled (a real Redis server); the cases that need it are then
	// skipped, the others use policies slow enough that real time passing
	// during the test changes nothing.
	Advance func(time.Duration)
}

// Clock is a settable clock for stores that accept one.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock at a fixed instant.
func NewClock() *Clock {
	return &Clock{now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
}

// Now returns the clock's time; pass it to a store's clock option.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func mustParse(t *testing.T, s string) ratelimit.Policy {
	t.Helper()
	p, err := ratelimit.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// Run runs every conformance case, each against a fresh harness.
func Run(t *testing.T, newHarness func(t *testing.T) Harness) {
	cases := []struct {
		name      string
		needClock bool
		fn        func(*testing.T, Harness)
	}{
		{"Burst", false, testBurst},
		{"KeysIndependent", false, testKeysIndependent},
		{"ExplicitBurst", false, testExplicitBurst},
		{"InvalidPolicy", false, testInvalidPolicy},
		{"Parallel", false, testParallel},
		{"Refill", true, testRefill},
		{"NoDoubleBurstAtWindowEdge", true, testNoDoubleBurst},
		{"SlidingWindowBound", true, testSlidingBound},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t)
			if c.needClock && h.Advance == nil {
				t.Skip("store's clock cannot be advanced (real server); covered by the clocked backends")
			}
			c.fn(t, h)
		})
	}
}

func allow(t *testing.T, h Harness, key string, p ratelimit.Policy) ratelimit.Decision {
	t.Helper()
	d, err := h.Store.Allow(t.Context(), key, p)
	if err != nil {
		t.Fatalf("Allow(%q, %v): %v", key, p, err)
	}
	return d
}

// "5/minute": five at once with remaining 4..0, then a denial whose
// RetryAfter is one interval (12 s) and whose ResetAfter is the period.
func testBurst(t *testing.T, h Harness) {
	p := mustParse(t, "5/minute")
	for i := range 5 {
		d := allow(t, h, "k", p)
		if !d.Allowed || d.Remaining != 4-i || d.RetryAfter != 0 {
			t.Fatalf("request %d: %+v, want allowed with remaining %d", i+1, d, 4-i)
		}
	}
	d := allow(t, h, "k", p)
	if d.Allowed || d.Remaining != 0 {
		t.Fatalf("6th request: %+v, want denied", d)
	}
	if d.RetryAfter <= 11*time.Second || d.RetryAfter > 12*time.Second {
		t.Errorf("RetryAfter = %v, want ≈12s", d.RetryAfter)
	}
	if d.ResetAfter <= 59*time.Second || d.ResetAfter > time.Minute {
		t.Errorf("ResetAfter = %v, want ≈60s", d.ResetAfter)
	}
	// A denial spends nothing: the wait does not grow.
	if d2 := allow(t, h, "k", p); d2.Allowed || d2.RetryAfter > d.RetryAfter {
		t.Errorf("second denial %+v after %+v", d2, d)
	}
}

func testKeysIndependent(t *testing.T, h Harness) {
	p := mustParse(t, "2/hour")
	for range 2 {
		allow(t, h, "a", p)
	}
	if allow(t, h, "a", p).Allowed {
		t.Fatal("a: third request allowed")
	}
	if d := allow(t, h, "b", p); !d.Allowed || d.Remaining != 1 {
		t.Errorf("b after a was exhausted: %+v", d)
	}
}

func testExplicitBurst(t *testing.T, h Harness) {
	p := mustParse(t, "1/hour burst=20")
	n := 0
	for range 30 {
		if allow(t, h, "k", p).Allowed {
			n++
		}
	}
	if n != 20 {
		t.Errorf("allowed %d of 30 at once, want the burst of 20", n)
	}
}

func testInvalidPolicy(t *testing.T, h Harness) {
	for _, p := range []ratelimit.Policy{{}, {Limit: 1}, {Limit: -1, Period: time.Second}, {Limit: 2_000_000, Period: time.Second}} {
		if _, err := h.Store.Allow(t.Context(), "k", p); !errors.Is(err, ratelimit.ErrInvalidPolicy) {
			t.Errorf("Allow(%+v) err = %v, want ErrInvalidPolicy", p, err)
		}
	}
}

// N goroutines in parallel get exactly the policy's allowance.
func testParallel(t *testing.T, h Harness) {
	const goroutines, each, limit = 32, 10, 50
	p := ratelimit.Policy{Limit: limit, Period: time.Hour}
	var allowed atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, goroutines)
	start := make(chan struct{})
	for range goroutines {
		wg.Go(func() {
			<-start
			for range each {
				d, err := h.Store.Allow(t.Context(), "shared", p)
				if err != nil {
					errs <- err
					return
				}
				if d.Allowed {
					allowed.Add(1)
				}
			}
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if got := allowed.Load(); got != limit {
		t.Errorf("%d goroutines × %d requests: %d allowed, want exactly %d", goroutines, each, got, limit)
	}
}

func testRefill(t *testing.T, h Harness) {
	p := mustParse(t, "5/minute")
	for range 5 {
		allow(t, h, "k", p)
	}
	h.Advance(11 * time.Second)
	if allow(t, h, "k", p).Allowed {
		t.Fatal("allowed after 11s; one request comes back every 12s")
	}
	h.Advance(time.Second)
	if d := allow(t, h, "k", p); !d.Allowed || d.Remaining != 0 {
		t.Fatalf("after 12s: %+v, want one allowed", d)
	}
	h.Advance(time.Minute)
	if d := allow(t, h, "k", p); !d.Allowed || d.Remaining != 4 {
		t.Errorf("after a full period: %+v, want the whole burst back", d)
	}
}

// A fixed-window counter allows 5 at 0:59.9 and 5 more at 1:00.0. GCRA
// must not: spending the burst just before a minute boundary leaves
// nothing just after it.
func testNoDoubleBurst(t *testing.T, h Harness) {
	p := mustParse(t, "5/minute")
	h.Advance(59*time.Second + 900*time.Millisecond)
	for range 5 {
		if !allow(t, h, "k", p).Allowed {
			t.Fatal("first burst denied")
		}
	}
	h.Advance(100 * time.Millisecond) // the "window" rolls over
	n := 0
	for range 5 {
		if allow(t, h, "k", p).Allowed {
			n++
		}
	}
	if n != 0 {
		t.Errorf("%d requests allowed right after the window edge, want 0 (no double burst)", n)
	}
}

// Under a steady stream of attempts, no interval of length d admits more
// than capacity + d/interval requests.
func testSlidingBound(t *testing.T, h Harness) {
	p := mustParse(t, "10/second")
	step := 7 * time.Millisecond
	var times []time.Duration
	var now time.Duration
	for range 2000 {
		if allow(t, h, "k", p).Allowed {
			times = append(times, now)
		}
		h.Advance(step)
		now += step
	}
	window := time.Second
	bound := p.Capacity() + int(window/p.Interval())
	j := 0
	for i := range times {
		for times[i]-times[j] >= window {
			j++
		}
		if n := i - j + 1; n > bound {
			t.Fatalf("%d allowed within %v ending at %v, bound %d", n, window, times[i], bound)
		}
	}
	// and the long-run rate is the policy's
	total := now.Seconds()
	if rate := float64(len(times)) / total; rate > 10.0+float64(p.Capacity())/total+0.01 {
		t.Errorf("long-run rate %.2f/s, policy 10/s", rate)
	}
	if len(times) < int(total*10)-1 {
		t.Errorf("allowed %d over %.1fs, want about %d", len(times), total, int(total*10))
	}
}
