package ratelimit_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/autospot/autospot/headers"
	"github.com/autospot/autospot/ratelimit"
)

var okHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) })

func mustPolicy(t testing.TB, s string) ratelimit.Policy {
	t.Helper()
	p, err := ratelimit.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func middleware(t testing.TB, l *ratelimit.Limiter, rule ratelimit.Rule) func(http.Handler) http.Handler {
	t.Helper()
	mw, err := l.Middleware(rule)
	if err != nil {
		t.Fatal(err)
	}
	return mw
}

func newLimiter(t testing.TB, store ratelimit.Store, opts ...ratelimit.Option) *ratelimit.Limiter {
	t.Helper()
	l, err := ratelimit.New(store, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func request(remote string, hdr ...string) *http.Request {
	r := httptest.NewRequest("POST", "/auth/login", nil)
	r.RemoteAddr = remote
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	return r
}

func do(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec
}

func checkErrorBody(t *testing.T, rec *httptest.ResponseRecorder, status int, code string) {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("status = %d, want %d", rec.Code, status)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Errorf("Content-Type = %q", ct)
	}
	if cc := rec.Header().Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", cc)
	}
	if xcto := rec.Header().Get("X-Content-Type-Options"); xcto != "nosniff" {
		t.Errorf("X-Content-Type-Options = %q, want nosniff", xcto)
	}
	var body map[string]string
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("body %q: %v", rec.Body, err)
	}
	if body["error_code"] != code || body["detail"] == "" || len(body) != 2 {
		t.Errorf("body = %v, want error_code %q and a detail", body, code)
	}
}

// The seed's login limit: 5/minute per IP.
func TestLoginLimit(t *testing.T) {
	store, clock := newMemory(t)
	h := middleware(t, newLimiter(t, store), ratelimit.Rule{Name: "login", Policy: mustPolicy(t, "5/minute")})(okHandler)
	for i := range 5 {
		rec := do(h, request("198.51.100.7:1234"))
		if rec.Code != http.StatusOK {
			t.Fatalf("attempt %d: status %d", i+1, rec.Code)
		}
		if got, want := rec.Header().Get("RateLimit"), fmt.Sprintf(`"login";r=%d;t=%d`, 4-i, 12*(i+1)); got != want {
			t.Errorf("attempt %d: RateLimit = %q, want %q", i+1, got, want)
		}
		if got := rec.Header().Get("RateLimit-Policy"); got != `"login";q=5;w=60` {
			t.Errorf("RateLimit-Policy = %q", got)
		}
	}
	rec := do(h, request("198.51.100.7:1234"))
	checkErrorBody(t, rec, http.StatusTooManyRequests, "rate_limited")
	for k, v := range map[string]string{
		"Retry-After":      "12",
		"RateLimit":        `"login";r=0;t=60`,
		"RateLimit-Policy": `"login";q=5;w=60`,
	} {
		if got := rec.Header().Get(k); got != v {
			t.Errorf("429 %s = %q, want %q", k, got, v)
		}
	}
	if rec := do(h, request("198.51.100.8:1234")); rec.Code != http.StatusOK {
		t.Errorf("another client was limited: %d", rec.Code)
	}
	clock.Advance(12 * time.Second)
	if rec := do(h, request("198.51.100.7:1234")); rec.Code != http.StatusOK {
		t.Errorf("after Retry-After: %d", rec.Code)
	}
}

// Catalogue: rotating X-Forwarded-For from an untrusted peer is still
// limited. 1000 requests, random XFF and X-Real-IP, one peer: one client.
func TestRotatingXFFIsOneClient(t *testing.T) {
	res, err := headers.NewIPResolver(headers.ClientIPConfig{TrustedProxies: []string{"10.0.0.0/8"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, viaContext := range []bool{false, true} {
		t.Run(fmt.Sprint("resolver in context ", viaContext), func(t *testing.T) {
			store, _ := newMemory(t)
			var h http.Handler = middleware(t, newLimiter(t, store, ratelimit.WithIPResolver(res)),
				ratelimit.Rule{Name: "login", Policy: mustPolicy(t, "5/minute")})(okHandler)
			if viaContext {
				h = res.Handler(h)
			}
			rng := rand.New(rand.NewPCG(3, 4))
			allowed := 0
			for range 1000 {
				ip := fmt.Sprintf("%d.%d.%d.%d", rng.IntN(256), rng.IntN(256), rng.IntN(256), rng.IntN(256))
				if do(h, request("203.0.113.9:5000", "X-Forwarded-For", ip, "X-Real-IP", ip)).Code == http.StatusOK {
					allowed++
				}
			}
			if allowed != 5 {
				t.Errorf("%d of 1000 spoofed requests allowed, want 5", allowed)
			}
		})
	}
}

// Behind a trusted proxy, the forwarded client is what is limited.
func TestTrustedProxyClientsSeparate(t *testing.T) {
	res, _ := headers.NewIPResolver(headers.ClientIPConfig{TrustedProxies: []string{"10.0.0.0/8"}})
	store, _ := newMemory(t)
	h := middleware(t, newLimiter(t, store, ratelimit.WithIPResolver(res)),
		ratelimit.Rule{Name: "login", Policy: mustPolicy(t, "1/minute")})(okHandler)
	if do(h, request("10.0.0.2:1", "X-Forwarded-For", "198.51.100.1")).Code != http.StatusOK ||
		do(h, request("10.0.0.2:1", "X-Forwarded-For", "198.51.100.2")).Code != http.StatusOK {
		t.Error("two clients behind the proxy share a bucket")
	}
	if do(h, request("10.0.0.3:1", "X-Forwarded-For", "198.51.100.1")).Code != http.StatusTooManyRequests {
		t.Error("one client through two proxy instances got two buckets")
	}
}

// Catalogue: IPv6 addresses within one /64 share one bucket.
func TestIPv6SlashSixtyFourSharesBucket(t *testing.T) {
	store, _ := newMemory(t)
	h := middleware(t, newLimiter(t, store), ratelimit.Rule{Name: "login", Policy: mustPolicy(t, "3/minute")})(okHandler)
	allowed := 0
	for i := range 10 {
		if do(h, request(fmt.Sprintf("[2001:db8:5:6:%x::%x]:443", i*977, i+1))).Code == http.StatusOK {
			allowed++
		}
	}
	if allowed != 3 {
		t.Errorf("%d of 10 requests from one /64 allowed, want 3", allowed)
	}
	if do(h, request("[2001:db8:5:7::1]:443")).Code != http.StatusOK {
		t.Error("the neighbouring /64 was limited too")
	}
}

func TestByUser(t *testing.T) {
	store, _ := newMemory(t)
	user := func(r *http.Request) string { return r.Header.Get("X-Test-User") }
	h := middleware(t, newLimiter(t, store), ratelimit.Rule{Name: "api", Policy: mustPolicy(t, "1/minute"), Key: ratelimit.ByUser(user)})(okHandler)
	if do(h, request("198.51.100.1:1", "X-Test-User", "alice")).Code != http.StatusOK ||
		do(h, request("198.51.100.1:1", "X-Test-User", "bob")).Code != http.StatusOK {
		t.Error("two users on one IP share a bucket")
	}
	if do(h, request("198.51.100.2:1", "X-Test-User", "alice")).Code != http.StatusTooManyRequests {
		t.Error("alice from a second IP got a fresh bucket")
	}
	if do(h, request("198.51.100.1:1")).Code != http.StatusOK || do(h, request("198.51.100.1:1")).Code != http.StatusTooManyRequests {
		t.Error("anonymous requests not limited by IP")
	}
}

func TestByRouteAndIP(t *testing.T) {
	store, _ := newMemory(t)
	mw := middleware(t, newLimiter(t, store), ratelimit.Rule{Name: "routes", Policy: mustPolicy(t, "1/minute"), Key: ratelimit.ByRouteAndIP})
	mux := http.NewServeMux()
	mux.Handle("GET /spots/{id}", mw(okHandler))
	mux.Handle("GET /bookings", mw(okHandler))
	get := func(path string) int {
		r := httptest.NewRequest("GET", path, nil)
		r.RemoteAddr = "198.51.100.1:1"
		return do(mux, r).Code
	}
	if get("/spots/1") != http.StatusOK || get("/bookings") != http.StatusOK {
		t.Error("routes share a bucket")
	}
	if get("/spots/2") != http.StatusTooManyRequests {
		t.Error("varying the path escaped the route's limit")
	}
}

func TestRulesDoNotShareBuckets(t *testing.T) {
	store, _ := newMemory(t)
	l := newLimiter(t, store)
	a := middleware(t, l, ratelimit.Rule{Name: "a", Policy: mustPolicy(t, "1/minute")})(okHandler)
	b := middleware(t, l, ratelimit.Rule{Name: "b", Policy: mustPolicy(t, "1/minute")})(okHandler)
	if do(a, request("198.51.100.1:1")).Code != http.StatusOK || do(b, request("198.51.100.1:1")).Code != http.StatusOK {
		t.Error("rule b used rule a's bucket")
	}
}

// failingStore is a backend that is down.
type failingStore struct{}

func (failingStore) Allow(context.Context, string, ratelimit.Policy) (ratelimit.Decision, error) {
	return ratelimit.Decision{}, errors.New("dial tcp 127.0.0.1:6379: connect: connection refused")
}

func TestBackendDown(t *testing.T) {
	var logs bytes.Buffer
	l := newLimiter(t, failingStore{}, ratelimit.WithLogger(slog.New(slog.NewJSONHandler(&logs, nil))))
	closed := middleware(t, l, ratelimit.Rule{Name: "login", Policy: mustPolicy(t, "5/minute")})(okHandler)
	open := middleware(t, l, ratelimit.Rule{Name: "search", Policy: mustPolicy(t, "5/minute"), OnBackendError: ratelimit.FailOpen})(okHandler)

	for range 10 {
		rec := do(closed, request("198.51.100.1:1"))
		checkErrorBody(t, rec, http.StatusServiceUnavailable, "rate_limit_unavailable")
		if rec.Header().Get("Retry-After") != "1" {
			t.Errorf("Retry-After = %q", rec.Header().Get("Retry-After"))
		}
	}
	for range 3 {
		if rec := do(open, request("198.51.100.1:1")); rec.Code != http.StatusOK {
			t.Errorf("fail-open rule answered %d", rec.Code)
		}
	}
	want := ratelimit.Stats{BackendErrors: 13, FailedClosed: 10, FailedOpen: 3}
	if got := l.Stats(); got != want {
		t.Errorf("Stats = %+v, want %+v", got, want)
	}
	// Logged, but not once per request: 13 failures within a second are
	// one record.
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(lines) != 1 || !strings.Contains(lines[0], "ratelimit: store failed") || !strings.Contains(lines[0], `"rule":"login"`) ||
		!strings.Contains(lines[0], "connection refused") || !strings.Contains(lines[0], `"level":"WARN"`) {
		t.Errorf("log = %q", logs.String())
	}
	if strings.Contains(logs.String(), "198.51.100.1") {
		t.Error("client address logged")
	}
}

// hangingStore never answers until its context ends.
type hangingStore struct{}

func (hangingStore) Allow(ctx context.Context, _ string, _ ratelimit.Policy) (ratelimit.Decision, error) {
	<-ctx.Done()
	return ratelimit.Decision{}, ctx.Err()
}

func TestTimeout(t *testing.T) {
	l := newLimiter(t, hangingStore{}, ratelimit.WithTimeout(10*time.Millisecond))
	closed := middleware(t, l, ratelimit.Rule{Name: "login", Policy: mustPolicy(t, "5/minute")})(okHandler)
	open := middleware(t, l, ratelimit.Rule{Name: "search", Policy: mustPolicy(t, "5/minute"), OnBackendError: ratelimit.FailOpen})(okHandler)
	checkErrorBody(t, do(closed, request("198.51.100.1:1")), http.StatusServiceUnavailable, "rate_limit_unavailable")
	if code := do(open, request("198.51.100.1:1")).Code; code != http.StatusOK {
		t.Errorf("fail-open rule on a hanging store: %d", code)
	}
	if s := l.Stats(); s.BackendErrors != 2 {
		t.Errorf("Stats = %+v", s)
	}
	if _, err := ratelimit.New(hangingStore{}, ratelimit.WithTimeout(-1)); !errors.Is(err, ratelimit.ErrInvalidOption) {
		t.Errorf("negative timeout: %v", err)
	}
}

func TestStatsCountDecisions(t *testing.T) {
	store, _ := newMemory(t)
	l := newLimiter(t, store)
	h := middleware(t, l, ratelimit.Rule{Name: "x", Policy: mustPolicy(t, "2/minute")})(okHandler)
	for range 5 {
		do(h, request("198.51.100.1:1"))
	}
	if got := l.Stats(); got != (ratelimit.Stats{Allowed: 2, Denied: 3}) {
		t.Errorf("Stats = %+v", got)
	}
}

// N goroutines through the middleware get exactly the allowance.
func TestMiddlewareParallel(t *testing.T) {
	store, _ := newMemory(t)
	h := middleware(t, newLimiter(t, store), ratelimit.Rule{Name: "p", Policy: mustPolicy(t, "25/hour")})(okHandler)
	var allowed atomic.Int64
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			for range 10 {
				if do(h, request("198.51.100.1:1")).Code == http.StatusOK {
					allowed.Add(1)
				}
			}
		})
	}
	wg.Wait()
	if allowed.Load() != 25 {
		t.Errorf("allowed %d, want 25", allowed.Load())
	}
}

func TestUnresolvableClientsShareABucket(t *testing.T) {
	store, _ := newMemory(t)
	h := middleware(t, newLimiter(t, store), ratelimit.Rule{Name: "x", Policy: mustPolicy(t, "1/minute")})(okHandler)
	if do(h, request("@")).Code != http.StatusOK || do(h, request("")).Code != http.StatusTooManyRequests {
		t.Error("requests without a parsable peer are not limited together")
	}
}

func TestRuleErrors(t *testing.T) {
	store, _ := newMemory(t)
	l := newLimiter(t, store)
	p := ratelimit.Policy{Limit: 1, Period: time.Second}
	for name, rule := range map[string]ratelimit.Rule{
		"no name":        {Policy: p},
		"bad name":       {Name: `login"; q=1`, Policy: p},
		"long name":      {Name: strings.Repeat("a", 65), Policy: p},
		"invalid policy": {Name: "x"},
		"bad fail mode":  {Name: "x", Policy: p, OnBackendError: 7},
	} {
		if _, err := l.Middleware(rule); !errors.Is(err, ratelimit.ErrInvalidRule) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
	if _, err := ratelimit.New(nil); !errors.Is(err, ratelimit.ErrNilStore) {
		t.Errorf("New(nil): %v", err)
	}
}
