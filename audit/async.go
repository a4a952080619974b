package audit

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults for [AsyncOptions] and [Sink].
const (
	DefaultBuffer         = 1024
	DefaultReportInterval = 30 * time.Second
	DefaultCloseTimeout   = 10 * time.Second
)

// AsyncOptions configures an [AsyncHandler]. The zero value is valid.
type AsyncOptions struct {
	// Name labels the sink in drop reports and [SinkStats].
	Name string
	// Level is the minimum level passed on; nil means [slog.LevelInfo].
	Level slog.Leveler
	// Buffer is the queue capacity; 0 means [DefaultBuffer]. A negative
	// Buffer makes the handler synchronous: records are handled on the
	// caller's goroutine (for tests, benchmarks and handlers that cannot
	// block); failures are still counted, and reported at Close only.
	Buffer int
	// ReportInterval is how often the worker checks for lost records and
	// writes an "audit: N records dropped" record into the sink; 0 means
	// [DefaultReportInterval], negative means only at Close.
	ReportInterval time.Duration
	// CloseTimeout bounds how long Close waits for the queue to drain;
	// 0 means [DefaultCloseTimeout].
	CloseTimeout time.Duration
	// Clock stamps drop reports; nil means [time.Now].
	Clock func() time.Time
}

// SinkStats is a snapshot of one sink's counters.
type SinkStats struct {
	Name string
	// Queued is the number of records waiting in the queue.
	Queued int
	// Written counts records the sink accepted.
	Written uint64
	// Dropped counts records discarded because the queue was full or the
	// handler was closed.
	Dropped uint64
	// Failed counts records the sink returned an error for (or panicked).
	Failed uint64
	// Reported is how many of Dropped+Failed were announced in-band with an
	// "audit: N records dropped" record.
	Reported uint64
}

// An AsyncHandler puts a bounded queue and a worker goroutine in front of a
// [slog.Handler], so that a slow or failing sink never blocks the caller.
// When the queue is full the record is dropped and counted; failures of the
// sink are counted too. Losses are never silent: they show in [Stats], and
// the worker writes a record "audit: N records dropped" (action
// [ActionRecordsDropped], level WARN) into the sink every ReportInterval
// and at Close. Close flushes the queue; records logged after Close are
// dropped and counted.
//
// Handle keeps the caller's context values but not its cancellation
// ([context.WithoutCancel]), so a finished request does not abort its
// records. An AsyncHandler is safe for concurrent use.
type AsyncHandler struct {
	next slog.Handler
	core *asyncCore
}

var _ slog.Handler = (*AsyncHandler)(nil)

type asyncItem struct {
	ctx context.Context
	r   slog.Record
	h   slog.Handler
}

type asyncCore struct {
	name         string
	level        slog.Leveler
	root         slog.Handler
	clock        func() time.Time
	interval     time.Duration
	closeTimeout time.Duration
	sync         bool

	mu     sync.RWMutex // guards closed against sends on queue
	closed bool
	queue  chan asyncItem
	stop   chan struct{}
	done   chan struct{}

	written, dropped, failed, reported atomic.Uint64
	abandoned                          atomic.Bool
	inFlight                           atomic.Int32
	reportMu                           sync.Mutex

	closeOnce sync.Once
	closeErr  error
}

// NewAsyncHandler starts the worker for next and returns the handler. Call
// Close to flush and stop it.
func NewAsyncHandler(next slog.Handler, opts AsyncOptions) *AsyncHandler {
	c := &asyncCore{
		name:         opts.Name,
		level:        opts.Level,
		root:         next,
		clock:        opts.Clock,
		interval:     opts.ReportInterval,
		closeTimeout: opts.CloseTimeout,
		stop:         make(chan struct{}),
		done:         make(chan struct{}),
	}
	if c.level == nil {
		c.level = slog.LevelInfo
	}
	if c.clock == nil {
		c.clock = time.Now
	}
	if c.interval == 0 {
		c.interval = DefaultReportInterval
	}
	if c.closeTimeout <= 0 {
		c.closeTimeout = DefaultCloseTimeout
	}
	switch {
	case opts.Buffer < 0:
		c.sync = true
		close(c.done)
	default:
		n := opts.Buffer
		if n == 0 {
			n = DefaultBuffer
		}
		c.queue = make(chan asyncItem, n)
		go c.run()
	}
	return &AsyncHandler{next: next, core: c}
}

// Enabled reports whether level is at least the handler's level and next is
// enabled for it.
func (h *AsyncHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return level >= h.core.level.Level() && h.next.Enabled(ctx, level)
}

// Handle queues a copy of r for the worker and returns at once. It returns
// [ErrClosed] after Close; a record dropped for a full queue is counted,
// not returned as an error.
func (h *AsyncHandler) Handle(ctx context.Context, r slog.Record) error {
	c := h.core
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.closed {
		c.dropped.Add(1)
		return ErrClosed
	}
	ctx = context.WithoutCancel(ctx)
	if c.sync {
		c.handle(asyncItem{ctx: ctx, r: r, h: h.next})
		return nil
	}
	select {
	case c.queue <- asyncItem{ctx: ctx, r: r.Clone(), h: h.next}:
	default:
		c.dropped.Add(1)
	}
	return nil
}

// WithAttrs returns a handler sharing this one's queue and worker.
func (h *AsyncHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &AsyncHandler{next: h.next.WithAttrs(attrs), core: h.core}
}

// WithGroup returns a handler sharing this one's queue and worker.
func (h *AsyncHandler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	return &AsyncHandler{next: h.next.WithGroup(name), core: h.core}
}

// Stats returns the handler's counters.
func (h *AsyncHandler) Stats() SinkStats {
	c := h.core
	return SinkStats{
		Name:     c.name,
		Queued:   len(c.queue),
		Written:  c.written.Load(),
		Dropped:  c.dropped.Load(),
		Failed:   c.failed.Load(),
		Reported: c.reported.Load(),
	}
}

// Close stops accepting records, waits up to the CloseTimeout for the queue
// to drain, writes a final drop report if records were lost, and stops the
// worker. It returns a [*LostError] (matching [ErrRecordsLost]) for losses
// that could not be reported in-band, e.g. because the sink stayed blocked
// or kept failing. Close is idempotent; it does not close the sink itself.
func (h *AsyncHandler) Close() error {
	abort := make(chan struct{})
	t := time.AfterFunc(h.core.closeTimeout, func() { close(abort) })
	defer t.Stop()
	return h.core.shutdown(abort)
}

// Shutdown is Close with the wait bounded by ctx instead of CloseTimeout.
func (h *AsyncHandler) Shutdown(ctx context.Context) error {
	return h.core.shutdown(ctx.Done())
}

func (c *asyncCore) shutdown(abort <-chan struct{}) error {
	c.closeOnce.Do(func() {
		c.mu.Lock()
		c.closed = true
		c.mu.Unlock()
		if !c.sync {
			close(c.stop)
			select {
			case <-c.done:
			case <-abort:
				c.abandoned.Store(true)
			}
		}
		if c.abandoned.Load() {
			// The worker is stuck in the sink: what is still queued will
			// never be written. Count it as dropped.
			for len(c.queue) > 0 {
				select {
				case <-c.queue:
					c.dropped.Add(1)
				default:
				}
			}
		} else if c.sync {
			c.report()
		}
		lost := c.dropped.Load() + c.failed.Load() - c.reported.Load()
		if c.abandoned.Load() {
			lost += uint64(c.inFlight.Load()) // may still be written, late
		}
		if lost > 0 {
			c.closeErr = &LostError{Sink: c.name, Count: lost}
		}
	})
	return c.closeErr
}

func (c *asyncCore) run() {
	defer close(c.done)
	var tick <-chan time.Time
	if c.interval > 0 {
		t := time.NewTicker(c.interval)
		defer t.Stop()
		tick = t.C
	}
	for {
		if c.abandoned.Load() {
			return
		}
		select {
		case it := <-c.queue:
			c.handle(it)
		case <-tick:
			c.report()
		case <-c.stop:
			for {
				if c.abandoned.Load() {
					return
				}
				select {
				case it := <-c.queue:
					c.handle(it)
				default:
					c.report()
					return
				}
			}
		}
	}
}

// handle passes one record to the sink, counting the result; a panicking
// sink counts as failed.
func (c *asyncCore) handle(it asyncItem) {
	c.inFlight.Add(1)
	defer c.inFlight.Add(-1)
	if err := safeHandle(it.ctx, it.h, it.r); err != nil {
		c.failed.Add(1)
		return
	}
	c.written.Add(1)
}

func safeHandle(ctx context.Context, h slog.Handler, r slog.Record) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("audit: sink panicked: %v", p)
		}
	}()
	return h.Handle(ctx, r)
}

// report writes "audit: N records dropped" into the sink for losses not yet
// reported. The report bypasses the queue and the level filter.
func (c *asyncCore) report() {
	c.reportMu.Lock()
	defer c.reportMu.Unlock()
	dropped, failed := c.dropped.Load(), c.failed.Load()
	rep := c.reported.Load()
	if dropped+failed <= rep {
		return
	}
	n := dropped + failed - rep
	r := slog.NewRecord(c.clock(), slog.LevelWarn, fmt.Sprintf("audit: %d records dropped", n), 0)
	r.AddAttrs(
		slog.String(KeyAction, ActionRecordsDropped),
		slog.String(KeyOutcome, string(OutcomeFailure)),
		slog.String(KeyReason, "sink_overloaded_or_failing"),
		slog.Group(KeyExtra,
			slog.String("sink", c.name),
			slog.Uint64("dropped", n),
			slog.Uint64("queue_full_or_closed_total", dropped),
			slog.Uint64("sink_errors_total", failed),
		),
	)
	// The report belongs to no request: it must not carry the values (trace
	// or request IDs) of whichever request happened to be queued, so it
	// gets a fresh root context rather than one derived from a caller's.
	if err := safeHandle(context.Background(), c.root, r); err != nil {
		return
	}
	c.reported.Store(dropped + failed)
}
