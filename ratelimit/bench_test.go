package ratelimit_test

// Side-by-side benchmarks of in-memory limiters on the same two patterns:
// one hot key, and 100k distinct keys visited in turn. Run with
//
//	go test -run '^$' -bench 'Memory|Middleware' -benchmem -cpu 1,2 ./ratelimit/
//
// The policy is 1000/second with bursts of 1000 for every implementation:
// the hot key is mostly denied, the 100k keys are mostly allowed.

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-chi/httprate"
	"golang.org/x/time/rate"

	"github.com/autospot/autospot/ratelimit"
)

const (
	benchLimit  = 1000
	benchPeriod = time.Second
	manyKeys    = 100_000
)

// allower is one implementation under test: allow(key) reports whether the
// request is allowed.
type allower interface{ allow(key string) bool }

type autospotMemory struct {
	s *ratelimit.MemoryStore
	p ratelimit.Policy
}

func (a autospotMemory) allow(key string) bool {
	d, _ := a.s.Allow(context.Background(), key, a.p)
	return d.Allowed
}

// xrateMutex is the common x/time/rate pattern: a map of limiters under a
// mutex.
type xrateMutex struct {
	mu sync.Mutex
	m  map[string]*rate.Limiter
}

func (x *xrateMutex) allow(key string) bool {
	x.mu.Lock()
	l, ok := x.m[key]
	if !ok {
		l = rate.NewLimiter(rate.Limit(benchLimit)/rate.Limit(benchPeriod.Seconds()), benchLimit)
		x.m[key] = l
	}
	x.mu.Unlock()
	return l.Allow()
}

// xrateSyncMap is the same with sync.Map.
type xrateSyncMap struct{ m sync.Map }

func (x *xrateSyncMap) allow(key string) bool {
	v, ok := x.m.Load(key)
	if !ok {
		v, _ = x.m.LoadOrStore(key, rate.NewLimiter(rate.Limit(benchLimit)/rate.Limit(benchPeriod.Seconds()), benchLimit))
	}
	return v.(*rate.Limiter).Allow()
}

// httprateLocal is go-chi/httprate's in-memory sliding-window counter
// (NewLocalLimitCounter), driven exactly as httprate.RateLimiter.OnLimit
// drives it (one limiter-wide mutex around Get and IncrementBy), without
// the response-header writing.
type httprateLocal struct {
	mu      sync.Mutex
	counter httprate.LimitCounter
}

func newHTTPRate() *httprateLocal {
	return &httprateLocal{counter: httprate.NewLocalLimitCounter(benchPeriod)}
}

func (h *httprateLocal) allow(key string) bool {
	now := time.Now().UTC()
	cur := now.Truncate(benchPeriod)
	prev := cur.Add(-benchPeriod)
	h.mu.Lock()
	defer h.mu.Unlock()
	curr, prevCount, _ := h.counter.Get(key, cur, prev)
	diff := now.Sub(cur)
	r := float64(prevCount)*(float64(benchPeriod)-float64(diff))/float64(benchPeriod) + float64(curr)
	if int(r)+1 > benchLimit {
		return false
	}
	_ = h.counter.IncrementBy(key, cur, 1)
	return true
}

func implementations(b *testing.B) []struct {
	name string
	new  func() allower
} {
	return []struct {
		name string
		new  func() allower
	}{
		{"autospot", func() allower {
			s, err := ratelimit.NewMemoryStore(ratelimit.WithMaxKeys(1 << 20))
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { _ = s.Close() })
			return autospotMemory{s, ratelimit.Policy{Limit: benchLimit, Period: benchPeriod}}
		}},
		{"xrate-mutex", func() allower { return &xrateMutex{m: make(map[string]*rate.Limiter)} }},
		{"xrate-syncmap", func() allower { return &xrateSyncMap{} }},
		{"httprate", func() allower { return newHTTPRate() }},
	}
}

func BenchmarkMemory(b *testing.B) {
	keys := make([]string, manyKeys)
	for i := range keys {
		keys[i] = fmt.Sprintf("login:ip:10.%d.%d.%d/32", i>>16, (i>>8)&0xff, i&0xff)
	}
	for _, impl := range implementations(b) {
		b.Run("hot/"+impl.name, func(b *testing.B) {
			a := impl.new()
			a.allow("login:ip:198.51.100.7/32")
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					a.allow("login:ip:198.51.100.7/32")
				}
			})
		})
		b.Run("100k/"+impl.name, func(b *testing.B) {
			a := impl.new()
			for _, k := range keys {
				a.allow(k)
			}
			var start atomic.Uint64
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				i := start.Add(7919) // spread goroutines over the key space
				for pb.Next() {
					a.allow(keys[i%manyKeys])
					i++
				}
			})
		})
	}
}

// BenchmarkMiddleware is the whole HTTP path: client IP, /64 bucketing,
// key building, decision and the RateLimit headers.
func BenchmarkMiddleware(b *testing.B) {
	s, err := ratelimit.NewMemoryStore()
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	l, _ := ratelimit.New(s)
	mw, _ := l.Middleware(ratelimit.Rule{Name: "api", Policy: ratelimit.Policy{Limit: 1_000_000, Period: time.Second}})
	h := mw(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "[2001:db8::1]:443"
	w := &headerOnly{h: make(http.Header)}
	b.ReportAllocs()
	for b.Loop() {
		clear(w.h)
		h.ServeHTTP(w, r)
	}
}

type headerOnly struct{ h http.Header }

func (w *headerOnly) Header() http.Header         { return w.h }
func (w *headerOnly) Write(p []byte) (int, error) { return len(p), nil }
func (w *headerOnly) WriteHeader(int)             {}
