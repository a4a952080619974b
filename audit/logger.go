package audit

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	slogmulti "github.com/samber/slog-multi"
)

// Sink is one destination of a [Logger]: stdout JSON, a [RotatingFile], a
// [Store] through [NewStoreHandler], or any [slog.Handler].
type Sink struct {
	// Name labels the sink in drop reports and [SinkStats]; defaults to
	// "sinkN".
	Name string
	// Handler receives the (already redacted) records.
	Handler slog.Handler
	// Level is the sink's minimum level; nil means [slog.LevelInfo].
	Level slog.Leveler
	// Buffer is the sink's queue capacity (see [AsyncOptions].Buffer); 0
	// means [DefaultBuffer], negative means synchronous.
	Buffer int
}

// ContextFieldsFunc extracts request-scoped fields from a context, e.g.
// from the values set by an HTTP middleware.
type ContextFieldsFunc func(ctx context.Context) (requestID, clientIP, userAgent string)

// ContextActorFunc extracts the authenticated actor from a context.
type ContextActorFunc func(ctx context.Context) (Actor, bool)

type config struct {
	sinks          []Sink
	redact         RedactOptions
	ctxFields      ContextFieldsFunc
	ctxActor       ContextActorFunc
	clock          func() time.Time
	reportInterval time.Duration
	closeTimeout   time.Duration
}

// Option configures [New].
type Option func(*config)

// WithSink adds a destination. Each sink gets its own queue, worker and
// level.
func WithSink(s Sink) Option { return func(c *config) { c.sinks = append(c.sinks, s) } }

// WithRedaction replaces the default [RedactOptions] (for example to mask
// emails or add keys). Redaction itself cannot be turned off.
func WithRedaction(o RedactOptions) Option { return func(c *config) { c.redact = o } }

// WithContextFields sets the hook that fills an event's request ID, client
// IP and user agent when the event leaves them empty.
func WithContextFields(fn ContextFieldsFunc) Option { return func(c *config) { c.ctxFields = fn } }

// WithContextActor sets the hook that fills an event's actor when the event
// has none.
func WithContextActor(fn ContextActorFunc) Option { return func(c *config) { c.ctxActor = fn } }

// WithClock sets the clock used for event times and drop reports.
func WithClock(now func() time.Time) Option { return func(c *config) { c.clock = now } }

// WithReportInterval sets how often each sink's worker reports lost records
// (see [AsyncOptions].ReportInterval).
func WithReportInterval(d time.Duration) Option { return func(c *config) { c.reportInterval = d } }

// WithCloseTimeout bounds how long [Logger.Close] waits for the queues to
// drain; default [DefaultCloseTimeout].
func WithCloseTimeout(d time.Duration) Option { return func(c *config) { c.closeTimeout = d } }

// Logger writes audit [Event]s, redacted, to its sinks. It is safe for
// concurrent use. Its methods never block on a sink and never fail the
// caller: losses are counted (see [Logger.Snapshot]) and reported.
type Logger struct {
	h         slog.Handler
	sinks     []*AsyncHandler
	ctxFields ContextFieldsFunc
	ctxActor  ContextActorFunc
	clock     func() time.Time

	events, authFailures, lockouts, rateLimited atomic.Uint64

	closeOnce sync.Once
	closeErr  error
}

// New returns a Logger writing to the sinks given with [WithSink], fanned
// out with slog-multi, each behind an [AsyncHandler], all behind one
// [Redactor]. With no sink it only counts. It returns an error for a sink
// without a handler or a duplicate sink name.
func New(opts ...Option) (*Logger, error) {
	var c config
	for _, o := range opts {
		o(&c)
	}
	if c.clock == nil {
		c.clock = time.Now
	}
	l := &Logger{ctxFields: c.ctxFields, ctxActor: c.ctxActor, clock: c.clock}
	seen := map[string]bool{}
	handlers := make([]slog.Handler, 0, len(c.sinks))
	for i, s := range c.sinks {
		if s.Handler == nil {
			return nil, fmt.Errorf("audit: sink %d (%q) has no handler", i, s.Name)
		}
		name := s.Name
		if name == "" {
			name = fmt.Sprintf("sink%d", i)
		}
		if seen[name] {
			return nil, fmt.Errorf("audit: duplicate sink name %q", name)
		}
		seen[name] = true
		a := NewAsyncHandler(s.Handler, AsyncOptions{
			Name:           name,
			Level:          s.Level,
			Buffer:         s.Buffer,
			ReportInterval: c.reportInterval,
			CloseTimeout:   c.closeTimeout,
			Clock:          c.clock,
		})
		l.sinks = append(l.sinks, a)
		handlers = append(handlers, a)
	}
	var out slog.Handler = discardHandler{}
	if len(handlers) > 0 {
		out = slogmulti.Fanout(handlers...)
	}
	l.h = NewRedactor(c.redact).Handler(out)
	return l, nil
}

type discardHandler struct{}

func (discardHandler) Enabled(context.Context, slog.Level) bool  { return false }
func (discardHandler) Handle(context.Context, slog.Record) error { return nil }
func (d discardHandler) WithAttrs([]slog.Attr) slog.Handler      { return d }
func (d discardHandler) WithGroup(string) slog.Handler           { return d }

// Log records e at the level of its outcome.
func (l *Logger) Log(ctx context.Context, e Event) {
	if e.Outcome == "" {
		e.Outcome = OutcomeUnknown
	}
	l.log(ctx, e, e.Outcome.Level())
}

// AuthAttempt records an authentication attempt (the seed's
// log_auth_attempt): action [ActionLogin], actor the claimed email, outcome
// success or failure. Failures count in [Snapshot].AuthFailures. Use
// [Logger.Log] to add a Reason.
func (l *Logger) AuthAttempt(ctx context.Context, email string, success bool, ip netip.Addr, extra ...slog.Attr) {
	e := Event{Action: ActionLogin, Outcome: OutcomeFailure, Actor: Actor{ID: email}, Extra: extra}
	if success {
		e.Outcome = OutcomeSuccess
	}
	if ip.IsValid() {
		e.ClientIP = ip.String()
	}
	l.log(ctx, e, e.Outcome.Level())
}

// SensitiveOperation records a sensitive operation (the seed's
// log_sensitive_operation) by actor on resource, with outcome success, at
// WARN level like the seed.
func (l *Logger) SensitiveOperation(ctx context.Context, actor Actor, operation, resource string, extra ...slog.Attr) {
	l.log(ctx, Event{Action: operation, Outcome: OutcomeSuccess, Actor: actor, Target: resource, Extra: extra}, slog.LevelWarn)
}

// Lockout records that account was locked until the given time after
// failures from ip. It counts in [Snapshot].Lockouts.
func (l *Logger) Lockout(ctx context.Context, account string, ip netip.Addr, until time.Time) {
	e := Event{Action: ActionLockout, Outcome: OutcomeDenied, Reason: "too_many_failures", Target: account,
		Extra: []slog.Attr{slog.Time("until", until)}}
	if ip.IsValid() {
		e.ClientIP = ip.String()
	}
	l.log(ctx, e, slog.LevelWarn)
}

// RateLimited records a request rejected by the rate-limit policy. It
// counts in [Snapshot].RateLimitRejections.
func (l *Logger) RateLimited(ctx context.Context, policy string, ip netip.Addr) {
	e := Event{Action: ActionRateLimited, Outcome: OutcomeDenied, Reason: "rate_limited",
		Extra: []slog.Attr{slog.String("policy", policy)}}
	if ip.IsValid() {
		e.ClientIP = ip.String()
	}
	l.log(ctx, e, slog.LevelWarn)
}

func (l *Logger) count(e *Event) {
	l.events.Add(1)
	switch {
	case e.Action == ActionLockout:
		l.lockouts.Add(1)
	case e.Action == ActionRateLimited:
		l.rateLimited.Add(1)
	case strings.HasPrefix(e.Action, "auth.") && (e.Outcome == OutcomeFailure || e.Outcome == OutcomeDenied):
		l.authFailures.Add(1)
	}
}

func (l *Logger) log(ctx context.Context, e Event, level slog.Level) {
	l.count(&e)
	if !l.h.Enabled(ctx, level) {
		return
	}
	if l.ctxFields != nil && (e.RequestID == "" || e.ClientIP == "" || e.UserAgent == "") {
		rid, ip, ua := l.ctxFields(ctx)
		if e.RequestID == "" {
			e.RequestID = rid
		}
		if e.ClientIP == "" {
			e.ClientIP = ip
		}
		if e.UserAgent == "" {
			e.UserAgent = ua
		}
	}
	if l.ctxActor != nil && e.Actor == (Actor{}) {
		if a, ok := l.ctxActor(ctx); ok {
			e.Actor = a
		}
	}
	if e.Time.IsZero() {
		e.Time = l.clock()
	}
	r := slog.NewRecord(e.Time, level, e.Action, 0)
	r.AddAttrs(slog.String(KeyAction, e.Action), slog.String(KeyOutcome, string(e.Outcome)))
	if e.Reason != "" {
		r.AddAttrs(slog.String(KeyReason, e.Reason))
	}
	if e.Actor != (Actor{}) {
		r.AddAttrs(slog.Attr{Key: KeyActor, Value: e.Actor.LogValue()})
	}
	if e.Target != "" {
		r.AddAttrs(slog.String(KeyTarget, e.Target))
	}
	if e.ClientIP != "" {
		r.AddAttrs(slog.String(KeyClientIP, e.ClientIP))
	}
	if e.UserAgent != "" {
		r.AddAttrs(slog.String(KeyUserAgent, e.UserAgent))
	}
	if e.RequestID != "" {
		r.AddAttrs(slog.String(KeyRequestID, e.RequestID))
	}
	if len(e.Extra) > 0 {
		r.AddAttrs(slog.Attr{Key: KeyExtra, Value: slog.GroupValue(slices.Clone(e.Extra)...)})
	}
	_ = l.h.Handle(ctx, r)
}

// Snapshot is a point-in-time copy of a [Logger]'s counters, for metrics
// (see package auditprom).
type Snapshot struct {
	// Events counts every event logged (before level filtering).
	Events uint64
	// AuthFailures counts events whose action starts "auth." with outcome
	// failure or denied (except [ActionLockout]).
	AuthFailures uint64
	// Lockouts counts [ActionLockout] events.
	Lockouts uint64
	// RateLimitRejections counts [ActionRateLimited] events.
	RateLimitRejections uint64
	// Sinks holds each sink's counters, in the order given to [New].
	Sinks []SinkStats
}

// Dropped sums Dropped and Failed over the sinks: every record lost.
func (s Snapshot) Dropped() uint64 {
	var n uint64
	for _, st := range s.Sinks {
		n += st.Dropped + st.Failed
	}
	return n
}

// Snapshot returns the logger's counters.
func (l *Logger) Snapshot() Snapshot {
	s := Snapshot{
		Events:              l.events.Load(),
		AuthFailures:        l.authFailures.Load(),
		Lockouts:            l.lockouts.Load(),
		RateLimitRejections: l.rateLimited.Load(),
		Sinks:               make([]SinkStats, len(l.sinks)),
	}
	for i, a := range l.sinks {
		s.Sinks[i] = a.Stats()
	}
	return s
}

// Dropped returns the number of records lost across all sinks (queue full,
// logged after Close, or failed in the sink).
func (l *Logger) Dropped() uint64 { return l.Snapshot().Dropped() }

// Close flushes every sink's queue (waiting in parallel, each up to the
// close timeout), writes final drop reports and stops the workers. It
// returns the sinks' [*LostError]s joined. It does not close the sinks'
// writers or stores. Close is idempotent; events logged afterwards are
// counted as dropped.
func (l *Logger) Close() error {
	l.closeOnce.Do(func() {
		errs := make([]error, len(l.sinks))
		var wg sync.WaitGroup
		for i, a := range l.sinks {
			wg.Go(func() { errs[i] = a.Close() })
		}
		wg.Wait()
		l.closeErr = errors.Join(errs...)
	})
	return l.closeErr
}
