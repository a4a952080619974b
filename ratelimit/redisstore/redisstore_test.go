package redisstore_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/autospot/autospot/internal/testenv"
	"github.com/autospot/autospot/ratelimit"
	"github.com/autospot/autospot/ratelimit/ratelimittest"
	"github.com/autospot/autospot/ratelimit/redisstore"
)

// uniquePrefix isolates each test's keys on a shared server and deletes
// them when the test ends.
func uniquePrefix(t testing.TB, c redis.UniversalClient) redisstore.Option {
	return redisstore.WithPrefix(testenv.RedisPrefix(t, c, "ratelimit"))
}

func newStore(t testing.TB, c redis.Scripter, opts ...redisstore.Option) *redisstore.Store {
	t.Helper()
	s, err := redisstore.New(c, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// miniHarness runs the store against miniredis with the server clock
// under the test's control.
func miniHarness(t *testing.T) (ratelimittest.Harness, *miniredis.Miniredis) {
	m := miniredis.RunT(t)
	clock := ratelimittest.NewClock()
	m.SetTime(clock.Now())
	c, _ := testenv.RedisClient(t, m.Addr())
	return ratelimittest.Harness{
		Store: newStore(t, c),
		Advance: func(d time.Duration) {
			clock.Advance(d)
			m.SetTime(clock.Now())
		},
	}, m
}

func TestMiniredisConformance(t *testing.T) {
	ratelimittest.Run(t, func(t *testing.T) ratelimittest.Harness {
		h, _ := miniHarness(t)
		return h
	})
}

func TestRealRedisConformance(t *testing.T) {
	addr := testenv.RedisAddr(t)
	ratelimittest.Run(t, func(t *testing.T) ratelimittest.Harness {
		c, _ := testenv.RedisClient(t, addr)
		return ratelimittest.Harness{Store: newStore(t, c, uniquePrefix(t, c))}
	})
}

// One decision is one command (one round trip), once the script is cached.
func TestCommandsPerDecision(t *testing.T) {
	servers := map[string]func(t *testing.T) string{
		"miniredis": func(t *testing.T) string { return miniredis.RunT(t).Addr() },
		"real":      func(t *testing.T) string { return testenv.RedisAddr(t) },
	}
	for name, server := range servers {
		t.Run(name, func(t *testing.T) {
			c, hook := testenv.RedisClient(t, server(t))
			ctx := context.Background()
			s := newStore(t, c, uniquePrefix(t, c))
			p := ratelimit.Policy{Limit: 10, Period: time.Minute}

			if name == "miniredis" {
				// A fresh server has no cached script: the first call is
				// EVALSHA → NOSCRIPT → EVAL. (Not checked on the shared
				// real server, whose script cache other tests fill; its
				// cache is never flushed.)
				hook.Store(0)
				if _, err := s.Allow(ctx, "cold", p); err != nil {
					t.Fatal(err)
				}
				if n := hook.Load(); n != 2 {
					t.Errorf("first decision on a cold server: %d commands, want 2 (EVALSHA, EVAL)", n)
				}
			} else if err := s.Load(ctx); err != nil {
				t.Fatal(err)
			}
			const decisions = 100
			hook.Store(0)
			for range decisions {
				if _, err := s.Allow(ctx, "k", p); err != nil {
					t.Fatal(err)
				}
			}
			if n := hook.Load(); n != decisions {
				t.Errorf("%d decisions took %d commands, want exactly 1 each", decisions, n)
			}

			// With Load, even a fresh store's first decision is one command.
			s2 := newStore(t, c, uniquePrefix(t, c))
			if err := s2.Load(ctx); err != nil {
				t.Fatal(err)
			}
			hook.Store(0)
			if _, err := s2.Allow(ctx, "k", p); err != nil {
				t.Fatal(err)
			}
			if n := hook.Load(); n != 1 {
				t.Errorf("first decision after Load: %d commands, want 1", n)
			}
		})
	}
}

// The server's own counters agree: one EVALSHA per decision, no EVAL.
func TestRealRedisCommandStats(t *testing.T) {
	c, _ := testenv.RedisClient(t, testenv.RedisAddr(t))
	ctx := context.Background()
	s := newStore(t, c, uniquePrefix(t, c))
	if err := s.Load(ctx); err != nil {
		t.Fatal(err)
	}
	p := ratelimit.Policy{Limit: 10, Period: time.Minute}
	before := commandStats(t, c)
	const decisions = 50
	for range decisions {
		if _, err := s.Allow(ctx, "k", p); err != nil {
			t.Fatal(err)
		}
	}
	after := commandStats(t, c)
	if d := after["evalsha"] - before["evalsha"]; d != decisions {
		t.Errorf("server counted %d EVALSHA for %d decisions", d, decisions)
	}
	if d := after["eval"] - before["eval"]; d != 0 {
		t.Errorf("server counted %d EVAL after Load", d)
	}
}

// commandStats parses INFO commandstats into command → calls.
func commandStats(t *testing.T, c *redis.Client) map[string]int64 {
	t.Helper()
	info, err := c.Info(context.Background(), "commandstats").Result()
	if err != nil {
		t.Fatal(err)
	}
	stats := map[string]int64{}
	for line := range strings.SplitSeq(info, "\n") {
		name, rest, ok := strings.Cut(strings.TrimSpace(line), ":calls=")
		if !ok {
			continue
		}
		calls, _, _ := strings.Cut(rest, ",")
		n, err := strconv.ParseInt(calls, 10, 64)
		if err != nil {
			t.Fatalf("INFO line %q: %v", line, err)
		}
		stats[strings.TrimPrefix(name, "cmdstat_")] = n
	}
	return stats
}

// Two application replicas with different clocks share one bucket whose
// timeline is the server's: credit comes back when the server's clock
// says so, whatever the replicas' clocks say.
func TestServerClock(t *testing.T) {
	m := miniredis.RunT(t)
	t0 := time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC) // far from every replica's clock
	m.SetTime(t0)
	c1, _ := testenv.RedisClient(t, m.Addr())
	c2, _ := testenv.RedisClient(t, m.Addr())
	replica1, replica2 := newStore(t, c1), newStore(t, c2)
	ctx := context.Background()
	p := ratelimit.Policy{Limit: 5, Period: time.Minute}
	for i := range 5 {
		s := replica1
		if i%2 == 1 {
			s = replica2
		}
		if d, err := s.Allow(ctx, "login:ip:198.51.100.1/32", p); err != nil || !d.Allowed {
			t.Fatalf("request %d: %+v, %v", i, d, err)
		}
	}
	if d, _ := replica2.Allow(ctx, "login:ip:198.51.100.1/32", p); d.Allowed {
		t.Fatal("sixth request allowed across replicas")
	}
	m.SetTime(t0.Add(12 * time.Second))
	d, err := replica1.Allow(ctx, "login:ip:198.51.100.1/32", p)
	if err != nil || !d.Allowed {
		t.Fatalf("after 12 s of server time: %+v, %v", d, err)
	}
	ttl := m.TTL(redisstore.DefaultPrefix + "login:ip:198.51.100.1/32")
	if ttl <= 59*time.Second || ttl > time.Minute {
		t.Errorf("key TTL = %v, want ≈ the time until idle (60 s)", ttl)
	}
}

// Credit comes back in real time on the real server.
func TestRealRedisRefill(t *testing.T) {
	c, _ := testenv.RedisClient(t, testenv.RedisAddr(t))
	s := newStore(t, c, uniquePrefix(t, c))
	ctx := context.Background()
	p := ratelimit.Policy{Limit: 10, Period: time.Second, Burst: 1}
	var d ratelimit.Decision
	for range 100 {
		var err error
		if d, err = s.Allow(ctx, "k", p); err != nil {
			t.Fatal(err)
		}
		if !d.Allowed {
			break
		}
	}
	if d.Allowed || d.RetryAfter <= 0 || d.RetryAfter > 100*time.Millisecond {
		t.Fatalf("no denial with a sensible RetryAfter: %+v", d)
	}
	time.Sleep(d.RetryAfter + 20*time.Millisecond)
	if d, err := s.Allow(ctx, "k", p); err != nil || !d.Allowed {
		t.Errorf("after RetryAfter: %+v, %v", d, err)
	}
}

func TestBackendDown(t *testing.T) {
	m := miniredis.RunT(t)
	c := redis.NewClient(&redis.Options{Addr: m.Addr(), MaxRetries: -1, DialTimeout: 200 * time.Millisecond})
	t.Cleanup(func() { _ = c.Close() })
	s := newStore(t, c)
	m.Close()
	_, err := s.Allow(context.Background(), "k", ratelimit.Policy{Limit: 1, Period: time.Second})
	if err == nil {
		t.Fatal("Allow succeeded with the server down")
	}
}

// Through the HTTP middleware, a dead Redis follows each rule's fail mode.
func TestMiddlewareRedisDown(t *testing.T) {
	m := miniredis.RunT(t)
	c := redis.NewClient(&redis.Options{Addr: m.Addr(), MaxRetries: -1, DialTimeout: 200 * time.Millisecond})
	t.Cleanup(func() { _ = c.Close() })
	l, err := ratelimit.New(newStore(t, c))
	if err != nil {
		t.Fatal(err)
	}
	p := ratelimit.Policy{Limit: 5, Period: time.Minute}
	closed, _ := l.Middleware(ratelimit.Rule{Name: "login", Policy: p})
	open, _ := l.Middleware(ratelimit.Rule{Name: "search", Policy: p, OnBackendError: ratelimit.FailOpen})
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})
	serve := func(h http.Handler) int {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("POST", "/", nil))
		return rec.Code
	}
	if serve(closed(ok)) != http.StatusOK {
		t.Fatal("healthy Redis: request refused")
	}
	m.Close()
	if code := serve(closed(ok)); code != http.StatusServiceUnavailable {
		t.Errorf("fail-closed rule with Redis down: %d", code)
	}
	if code := serve(open(ok)); code != http.StatusOK {
		t.Errorf("fail-open rule with Redis down: %d", code)
	}
	if s := l.Stats(); s.BackendErrors != 2 || s.FailedClosed != 1 || s.FailedOpen != 1 {
		t.Errorf("Stats = %+v", s)
	}
}

func TestInvalidPolicyNoRoundTrip(t *testing.T) {
	c, hook := testenv.RedisClient(t, miniredis.RunT(t).Addr())
	s := newStore(t, c)
	hook.Store(0)
	_, err := s.Allow(context.Background(), "k", ratelimit.Policy{})
	if !errors.Is(err, ratelimit.ErrInvalidPolicy) {
		t.Errorf("err = %v, want ErrInvalidPolicy", err)
	}
	if hook.Load() != 0 {
		t.Error("invalid policy reached the server")
	}
}

func TestNewNilClient(t *testing.T) {
	if _, err := redisstore.New(nil); !errors.Is(err, redisstore.ErrNilClient) {
		t.Errorf("err = %v", err)
	}
}

func TestUnexpectedReply(t *testing.T) {
	m := miniredis.RunT(t)
	c, _ := testenv.RedisClient(t, m.Addr())
	s := newStore(t, c)
	// Another script squatting on our SHA cannot be simulated without a
	// SHA-1 collision; a key of the wrong type makes the script fail instead.
	ctx := context.Background()
	if err := c.LPush(ctx, redisstore.DefaultPrefix+"k", "x").Err(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Allow(ctx, "k", ratelimit.Policy{Limit: 1, Period: time.Second}); err == nil {
		t.Error("Allow on a list key succeeded")
	}
}
