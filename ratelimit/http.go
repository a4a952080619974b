package ratelimit

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/autospot/autospot/headers"
)

// FailMode says what a [Rule] does when its [Store] returns an error
// (Redis down, timeout).
type FailMode int

const (
	// FailClosed answers 503 with a JSON error and Retry-After: 1. The
	// default: an attacker who can knock the backend over must not get
	// unlimited login attempts.
	FailClosed FailMode = iota
	// FailOpen lets the request through unlimited. For routes where
	// availability matters more than the limit.
	FailOpen
)

func (m FailMode) String() string {
	if m == FailOpen {
		return "open"
	}
	return "closed"
}

// KeyFunc names the bucket a request is counted in. client is the
// request's client address bucket (/32 for IPv4, /64 for IPv6 by default),
// invalid when the address could not be found. The rule's name is
// prefixed to the result, so rules never share buckets.
type KeyFunc func(r *http.Request, client netip.Prefix) string

// ByIP keys by client address bucket: the default.
func ByIP(_ *http.Request, client netip.Prefix) string {
	if !client.IsValid() {
		return "ip:unknown" // every unresolvable client shares one bucket
	}
	return "ip:" + client.String()
}

// ByRouteAndIP keys by the matched [http.ServeMux] pattern and client
// address, so one rule can limit each route separately. Apply it inside
// the mux (wrap the route's handler), where r.Pattern is set; outside, all
// routes share the client's bucket (never the raw path, which a client
// could vary at will).
func ByRouteAndIP(r *http.Request, client netip.Prefix) string {
	return "route:" + r.Pattern + "|" + ByIP(r, client)
}

// ByUser keys by the user ID that user returns (for example the subject of
// a verified token), falling back to [ByIP] for anonymous requests (empty
// ID).
func ByUser(user func(*http.Request) string) KeyFunc {
	return func(r *http.Request, client netip.Prefix) string {
		if id := user(r); id != "" {
			return "user:" + id
		}
		return ByIP(r, client)
	}
}

// Rule is one rate limit applied by [Limiter.Middleware].
type Rule struct {
	// Name identifies the rule in store keys, logs and the RateLimit
	// headers: 1–64 characters from A–Z a–z 0–9 - _ . (e.g. "login").
	Name string
	// Policy is the rate, e.g. the result of Parse("5/minute").
	Policy Policy
	// Key chooses the bucket. Default [ByIP].
	Key KeyFunc
	// OnBackendError chooses what happens when the store fails. Default
	// [FailClosed].
	OnBackendError FailMode
}

// Stats counts a [Limiter]'s decisions since it was built.
type Stats struct {
	Allowed       uint64 // requests let through by the policy
	Denied        uint64 // requests answered 429
	BackendErrors uint64 // store errors (each also counted below)
	FailedOpen    uint64 // store errors let through (FailOpen)
	FailedClosed  uint64 // store errors answered 503 (FailClosed)
}

// Option configures [New].
type Option func(*Limiter)

// WithLogger sets where store failures are logged (default: nowhere). At
// most one record per second is written, with the count of suppressed
// ones; client addresses and keys are never logged.
func WithLogger(l *slog.Logger) Option {
	return func(lim *Limiter) { lim.logger = l }
}

// WithIPResolver sets how the client address is found when the request
// context does not already carry one from [headers.IPResolver.Handler], and
// how addresses are bucketed. Default: a resolver trusting no proxy
// (RemoteAddr only) with /64 IPv6 buckets.
func WithIPResolver(r *headers.IPResolver) Option {
	return func(lim *Limiter) { lim.resolver = r }
}

// WithTimeout bounds each store call (default: none beyond the request's
// own context and the store client's timeouts). A call that runs out of
// time counts as a store failure and follows the rule's [FailMode], so a
// Redis that hangs costs at most d per request.
func WithTimeout(d time.Duration) Option {
	return func(lim *Limiter) { lim.timeout = d }
}

// Limiter is HTTP rate-limiting middleware over a [Store]. Build one with
// [New], then one middleware per [Rule] with [Limiter.Middleware]. It is
// safe for concurrent use.
type Limiter struct {
	store    Store
	logger   *slog.Logger
	resolver *headers.IPResolver
	timeout  time.Duration

	allowed, denied, backendErrors, failedOpen, failedClosed atomic.Uint64
	lastLog, suppressed                                      atomic.Int64
}

// New returns a limiter deciding with store. It returns [ErrNilStore] for a
// nil store and [ErrInvalidOption] for a negative timeout.
func New(store Store, opts ...Option) (*Limiter, error) {
	if store == nil {
		return nil, ErrNilStore
	}
	l := &Limiter{store: store}
	for _, o := range opts {
		o(l)
	}
	if l.timeout < 0 {
		return nil, fmt.Errorf("%w: timeout %v", ErrInvalidOption, l.timeout)
	}
	if l.logger == nil {
		l.logger = slog.New(slog.DiscardHandler)
	}
	if l.resolver == nil {
		r, err := headers.NewIPResolver(headers.ClientIPConfig{})
		if err != nil {
			return nil, err
		}
		l.resolver = r
	}
	return l, nil
}

// Stats returns the decision counters.
func (l *Limiter) Stats() Stats {
	return Stats{
		Allowed:       l.allowed.Load(),
		Denied:        l.denied.Load(),
		BackendErrors: l.backendErrors.Load(),
		FailedOpen:    l.failedOpen.Load(),
		FailedClosed:  l.failedClosed.Load(),
	}
}

// Middleware returns middleware enforcing rule. Every response it passes
// or answers carries the IETF draft headers RateLimit-Policy
// (`"login";q=5;w=60`) and RateLimit (`"login";r=4;t=12`: remaining,
// seconds until full). A request over the limit is answered 429 with
// Retry-After and a JSON error; a store failure follows
// rule.OnBackendError. It returns an error wrapping [ErrInvalidRule] for a
// bad name or policy.
func (l *Limiter) Middleware(rule Rule) (func(http.Handler) http.Handler, error) {
	if !validRuleName(rule.Name) {
		return nil, fmt.Errorf("%w: name %q: want 1 to 64 of A-Z a-z 0-9 and '-', '_', '.'", ErrInvalidRule, rule.Name)
	}
	if err := rule.Policy.Validate(); err != nil {
		return nil, fmt.Errorf("%w: %q: %w", ErrInvalidRule, rule.Name, err)
	}
	if rule.OnBackendError != FailClosed && rule.OnBackendError != FailOpen {
		return nil, fmt.Errorf("%w: %q: unknown FailMode %d", ErrInvalidRule, rule.Name, rule.OnBackendError)
	}
	keyFn := rule.Key
	if keyFn == nil {
		keyFn = ByIP
	}
	policyHeader := `"` + rule.Name + `";q=` + strconv.Itoa(rule.Policy.Limit) + ";w=" + strconv.FormatInt(ceilSeconds(rule.Policy.Period), 10)
	prefix := rule.Name + ":"

	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			key := prefix + keyFn(r, l.client(r))
			d, err := l.decide(r.Context(), key, rule.Policy)
			if err != nil {
				l.backendError(rule, err)
				if rule.OnBackendError == FailOpen {
					l.failedOpen.Add(1)
					next.ServeHTTP(w, r)
					return
				}
				l.failedClosed.Add(1)
				w.Header().Set("Retry-After", "1")
				writeError(w, http.StatusServiceUnavailable, "rate limiting is temporarily unavailable", "rate_limit_unavailable")
				return
			}
			h := w.Header()
			h.Set("RateLimit-Policy", policyHeader)
			h.Set("RateLimit", `"`+rule.Name+`";r=`+strconv.Itoa(d.Remaining)+";t="+strconv.FormatInt(ceilSeconds(d.ResetAfter), 10))
			if !d.Allowed {
				l.denied.Add(1)
				retry := max(ceilSeconds(d.RetryAfter), 1)
				h.Set("Retry-After", strconv.FormatInt(retry, 10))
				writeError(w, http.StatusTooManyRequests, "too many requests; retry in "+strconv.FormatInt(retry, 10)+" s", "rate_limited")
				return
			}
			l.allowed.Add(1)
			next.ServeHTTP(w, r)
		})
	}, nil
}

func (l *Limiter) decide(ctx context.Context, key string, p Policy) (Decision, error) {
	if l.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, l.timeout)
		defer cancel()
	}
	return l.store.Allow(ctx, key, p)
}

// client returns the request's client address bucket.
func (l *Limiter) client(r *http.Request) netip.Prefix {
	addr := headers.ClientIP(r.Context())
	if !addr.IsValid() {
		addr = l.resolver.ClientIP(r)
	}
	return l.resolver.Bucket(addr)
}

// backendError counts a store failure and logs it, at most once a second.
func (l *Limiter) backendError(rule Rule, err error) {
	l.backendErrors.Add(1)
	now := time.Now().UnixNano()
	last := l.lastLog.Load()
	if now-last < int64(time.Second) || !l.lastLog.CompareAndSwap(last, now) {
		l.suppressed.Add(1)
		return
	}
	l.logger.Warn("ratelimit: store failed",
		slog.String("rule", rule.Name),
		slog.String("fail", rule.OnBackendError.String()),
		slog.Int64("suppressed", l.suppressed.Swap(0)),
		slog.Any("err", err))
}

func ceilSeconds(d time.Duration) int64 {
	if d <= 0 {
		return 0
	}
	return int64((d + time.Second - 1) / time.Second)
}

func validRuleName(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isLetter(c) && !('0' <= c && c <= '9') && c != '-' && c != '_' && c != '.' {
			return false
		}
	}
	return true
}

// writeError writes the module's JSON error shape with [headers.WriteError];
// a limiter's answer is never cacheable.
func writeError(w http.ResponseWriter, status int, detail, code string) {
	w.Header().Set("Cache-Control", "no-store")
	headers.WriteError(w, status, detail, code)
}
