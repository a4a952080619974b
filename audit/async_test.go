package audit_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/slogtest"
	"time"

	"github.com/autospot/autospot/audit"
)

// blockingHandler blocks every Handle until release is closed, announcing
// each call on entered.
type blockingHandler struct {
	entered chan struct{}
	release chan struct{}
	mu      sync.Mutex
	records []slog.Record
}

func newBlockingHandler() *blockingHandler {
	return &blockingHandler{entered: make(chan struct{}, 1000), release: make(chan struct{})}
}

func (h *blockingHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *blockingHandler) Handle(ctx context.Context, r slog.Record) error {
	h.entered <- struct{}{}
	<-h.release
	h.mu.Lock()
	defer h.mu.Unlock()
	h.records = append(h.records, r.Clone())
	return nil
}
func (h *blockingHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *blockingHandler) WithGroup(string) slog.Handler      { return h }
func (h *blockingHandler) messages() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for _, r := range h.records {
		out = append(out, r.Message)
	}
	return out
}

// failingHandler fails (or panics) for records whose message has a prefix.
type failingHandler struct {
	mu      sync.Mutex
	failOn  string
	panicOn string
	got     []string
}

func (h *failingHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *failingHandler) Handle(_ context.Context, r slog.Record) error {
	if h.panicOn != "" && strings.HasPrefix(r.Message, h.panicOn) {
		panic("sink exploded")
	}
	if strings.HasPrefix(r.Message, h.failOn) {
		return errors.New("disk full")
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.got = append(h.got, r.Message)
	return nil
}
func (h *failingHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *failingHandler) WithGroup(string) slog.Handler      { return h }

// A deliberately blocked sink: callers are never blocked, the overflow is
// counted exactly, and the sink receives an "audit: N records dropped"
// record once it recovers.
func TestBlockedSinkDropsAreCountedAndReported(t *testing.T) {
	blocked := newBlockingHandler()
	var fast syncBuffer
	lg, err := audit.New(
		audit.WithSink(audit.Sink{Name: "slow", Handler: blocked, Buffer: 4}),
		audit.WithSink(audit.Sink{Name: "fast", Handler: slog.NewJSONHandler(&fast, nil), Buffer: 1000}),
		audit.WithReportInterval(-1),
	)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	lg.Log(ctx, audit.Event{Action: "e.0", Outcome: audit.OutcomeSuccess})
	<-blocked.entered // the worker holds e.0 inside the blocked sink
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 1; i < 100; i++ {
			lg.Log(ctx, audit.Event{Action: fmt.Sprintf("e.%d", i), Outcome: audit.OutcomeSuccess})
		}
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("Log blocked on a blocked sink")
	}
	s := lg.Snapshot()
	if got := s.Sinks[0].Dropped; got != 95 { // 100 - 1 in the sink - 4 queued
		t.Fatalf("slow sink dropped %d, want 95", got)
	}
	if s.Sinks[1].Dropped != 0 {
		t.Fatalf("fast sink dropped %d", s.Sinks[1].Dropped)
	}
	if lg.Dropped() != 95 {
		t.Fatalf("Dropped() = %d", lg.Dropped())
	}
	close(blocked.release)
	if err := lg.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	msgs := blocked.messages()
	want := []string{"e.0", "e.1", "e.2", "e.3", "e.4", "audit: 95 records dropped"}
	if fmt.Sprint(msgs) != fmt.Sprint(want) {
		t.Fatalf("slow sink got %v, want %v", msgs, want)
	}
	if s := lg.Snapshot().Sinks[0]; s.Reported != 95 || s.Written != 5 {
		t.Fatalf("after close: %+v", s)
	}
	if n := len(jsonLines(t, fast.Bytes())); n != 100 {
		t.Fatalf("fast sink got %d records, want all 100", n)
	}
}

func TestDropReportContents(t *testing.T) {
	blocked := newBlockingHandler()
	a := audit.NewAsyncHandler(blocked, audit.AsyncOptions{Name: "s", Buffer: 1, ReportInterval: -1, Clock: fixedClock})
	lg := slog.New(a)
	lg.Info("r0")
	<-blocked.entered
	lg.Info("r1")
	lg.Info("r2")
	lg.Info("r3")
	close(blocked.release)
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	blocked.mu.Lock()
	defer blocked.mu.Unlock()
	last := blocked.records[len(blocked.records)-1]
	got := map[string]string{}
	last.Attrs(func(at slog.Attr) bool { got[at.Key] = at.Value.String(); return true })
	if last.Message != "audit: 2 records dropped" || last.Level != slog.LevelWarn || !last.Time.Equal(fixedNow) ||
		got["action"] != audit.ActionRecordsDropped || got["outcome"] != "failure" || !strings.Contains(got["extra"], "sink=s") {
		t.Fatalf("report record: %s %v %v %v", last.Message, last.Level, last.Time, got)
	}
}

func TestPeriodicDropReport(t *testing.T) {
	blocked := newBlockingHandler()
	a := audit.NewAsyncHandler(blocked, audit.AsyncOptions{Name: "s", Buffer: 1, ReportInterval: 5 * time.Millisecond})
	lg := slog.New(a)
	lg.Info("r0")
	<-blocked.entered
	lg.Info("r1")
	lg.Info("r2") // dropped
	close(blocked.release)
	// No Close: the worker's ticker must report on its own.
	deadline := time.Now().Add(30 * time.Second)
	for a.Stats().Reported != 1 {
		if time.Now().After(deadline) {
			t.Fatalf("no periodic report: %+v", a.Stats())
		}
		time.Sleep(time.Millisecond)
	}
	if msgs := blocked.messages(); msgs[len(msgs)-1] != "audit: 1 records dropped" {
		t.Fatalf("messages %v", msgs)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestFailingSinkIsCountedAndReported(t *testing.T) {
	h := &failingHandler{failOn: "bad", panicOn: "boom"}
	a := audit.NewAsyncHandler(h, audit.AsyncOptions{Name: "flaky", ReportInterval: -1})
	lg := slog.New(a)
	lg.Info("ok.1")
	lg.Info("bad.1")
	lg.Info("boom.1")
	lg.Info("ok.2")
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	st := a.Stats()
	if st.Written != 2 || st.Failed != 2 || st.Reported != 2 {
		t.Fatalf("stats %+v", st)
	}
	if fmt.Sprint(h.got) != "[ok.1 ok.2 audit: 2 records dropped]" {
		t.Fatalf("sink got %v", h.got)
	}
}

func TestUnreportableLossIsReturnedByClose(t *testing.T) {
	h := &failingHandler{failOn: ""} // fails everything, reports included
	a := audit.NewAsyncHandler(h, audit.AsyncOptions{Name: "dead", ReportInterval: -1})
	slog.New(a).Info("x")
	err := a.Close()
	var le *audit.LostError
	if !errors.Is(err, audit.ErrRecordsLost) || !errors.As(err, &le) || le.Count != 1 || le.Sink != "dead" {
		t.Fatalf("Close = %v", err)
	}
	if err2 := a.Close(); err2 != err {
		t.Fatalf("second Close = %v", err2)
	}
}

func TestCloseTimeoutWithStuckSink(t *testing.T) {
	blocked := newBlockingHandler()
	defer close(blocked.release)
	a := audit.NewAsyncHandler(blocked, audit.AsyncOptions{Name: "stuck", Buffer: 8, ReportInterval: -1})
	lg := slog.New(a)
	lg.Info("r0")
	<-blocked.entered
	lg.Info("r1")
	lg.Info("r2")
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	err := a.Shutdown(ctx)
	var le *audit.LostError
	if !errors.As(err, &le) || le.Count != 3 {
		t.Fatalf("Shutdown = %v, want 3 lost", err)
	}
	if st := a.Stats(); st.Dropped != 2 || st.Queued != 0 {
		t.Fatalf("stats after abandoning the queue: %+v", st)
	}
}

func TestLogAfterCloseIsCounted(t *testing.T) {
	lg, buf := newTestLogger(t)
	if err := lg.Close(); err != nil {
		t.Fatal(err)
	}
	lg.AuthAttempt(t.Context(), "a@x.io", false, netip.Addr{})
	if lg.Dropped() != 1 {
		t.Fatalf("Dropped() = %d after logging to a closed logger", lg.Dropped())
	}
	if len(buf.Bytes()) != 0 {
		t.Fatalf("closed logger wrote %q", buf.Bytes())
	}
}

// Under -race: many goroutines log while the sink writes; nothing is lost
// with a queue big enough, and With/WithGroup share the queue.
func TestConcurrentLogging(t *testing.T) {
	var buf syncBuffer
	var stored atomic.Int64
	counting := slog.NewJSONHandler(&buf, nil)
	lg, err := audit.New(
		audit.WithSink(audit.Sink{Name: "json", Handler: counting, Buffer: 10000}),
		audit.WithSink(audit.Sink{Name: "count", Handler: countHandler{&stored}, Buffer: 10000}),
	)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				lg.AuthAttempt(t.Context(), fmt.Sprintf("u%d-%d@x.io", g, i), i%2 == 0, netip.Addr{}, slog.Int("i", i))
				_ = lg.Snapshot()
			}
		})
	}
	wg.Wait()
	if err := lg.Close(); err != nil {
		t.Fatal(err)
	}
	if n := len(jsonLines(t, buf.Bytes())); n != 1600 {
		t.Fatalf("%d records, want 1600", n)
	}
	if stored.Load() != 1600 || lg.Dropped() != 0 || lg.Snapshot().AuthFailures != 800 {
		t.Fatalf("stored %d, dropped %d, snapshot %+v", stored.Load(), lg.Dropped(), lg.Snapshot())
	}
}

type countHandler struct{ n *atomic.Int64 }

func (h countHandler) Enabled(context.Context, slog.Level) bool  { return true }
func (h countHandler) Handle(context.Context, slog.Record) error { h.n.Add(1); return nil }
func (h countHandler) WithAttrs([]slog.Attr) slog.Handler        { return h }
func (h countHandler) WithGroup(string) slog.Handler             { return h }

func TestAsyncHandlerKeepsContextValuesNotCancellation(t *testing.T) {
	var seen atomic.Value
	h := ctxProbe{func(ctx context.Context) { seen.Store(fmt.Sprintf("%v %v", ctx.Value(ctxKey{}), ctx.Err())) }}
	a := audit.NewAsyncHandler(h, audit.AsyncOptions{})
	ctx, cancel := context.WithCancel(context.WithValue(t.Context(), ctxKey{}, "v"))
	slog.New(a).InfoContext(ctx, "x")
	cancel()
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if got := seen.Load(); got != "v <nil>" {
		t.Fatalf("sink saw %v", got)
	}
}

type ctxProbe struct{ f func(context.Context) }

func (h ctxProbe) Enabled(context.Context, slog.Level) bool        { return true }
func (h ctxProbe) Handle(ctx context.Context, _ slog.Record) error { h.f(ctx); return nil }
func (h ctxProbe) WithAttrs([]slog.Attr) slog.Handler              { return h }
func (h ctxProbe) WithGroup(string) slog.Handler                   { return h }

// The asynchronous handler, in its synchronous mode (so results are ready
// at once), is a correct slog.Handler, With/WithGroup included.
func TestAsyncHandlerSlogtest(t *testing.T) {
	var buf syncBuffer
	var mark int
	newHandler := func(*testing.T) slog.Handler {
		mark = len(buf.Bytes())
		return audit.NewAsyncHandler(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}), audit.AsyncOptions{Buffer: -1, Level: slog.LevelDebug})
	}
	result := func(t *testing.T) map[string]any {
		recs := jsonLines(t, buf.Bytes()[mark:])
		if len(recs) != 1 {
			t.Fatalf("%d records", len(recs))
		}
		return recs[0]
	}
	slogtest.Run(t, newHandler, result)
}
