package password

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// waitFor polls cond (a synchronisation, not a timing assertion).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// gate instruments a Hasher: every hash operation counts itself in and
// blocks until the gate opens.
type gate struct {
	cur, peak, entered atomic.Int64
	open               chan struct{}
}

func instrument(h *Hasher) *gate {
	g := &gate{open: make(chan struct{})}
	h.hook = func() {
		g.entered.Add(1)
		n := g.cur.Add(1)
		for p := g.peak.Load(); n > p && !g.peak.CompareAndSwap(p, n); p = g.peak.Load() {
		}
		<-g.open
		g.cur.Add(-1)
	}
	return g
}

// TestConcurrencyBound: 100 concurrent verifications, at most GOMAXPROCS
// hash at once; the others queue and all succeed. The control case with the
// bound lifted shows the instrument sees all 100 at once.
func TestConcurrencyBound(t *testing.T) {
	const callers = 100
	procs := runtime.GOMAXPROCS(0)
	for _, tt := range []struct {
		name        string
		concurrency int // 0: the default
		want        int
	}{
		{"default bound is GOMAXPROCS", 0, procs},
		{"control without bound", callers, callers},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			h := newTestHasher(t, Config{Concurrency: tt.concurrency, MaxWaiting: callers})
			hash, err := h.Hash(ctx, "pw")
			if err != nil {
				t.Fatal(err)
			}
			g := instrument(h)
			errs := make(chan error, callers)
			var wg sync.WaitGroup
			for range callers {
				wg.Go(func() {
					_, err := h.Verify(ctx, "pw", hash)
					errs <- err
				})
			}
			// Every caller is accounted for: hashing or queued.
			waitFor(t, "all callers to hash or queue", func() bool {
				s := h.Stats()
				return s.InFlight == tt.want && s.Waiting == callers-tt.want && g.cur.Load() == int64(tt.want)
			})
			close(g.open)
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Errorf("Verify = %v", err)
				}
			}
			if got := g.peak.Load(); got != int64(tt.want) {
				t.Fatalf("peak concurrent hash operations = %d, want %d", got, tt.want)
			}
			if s := h.Stats(); s != (Stats{}) {
				t.Errorf("Stats after = %+v, want zero", s)
			}
		})
	}
}

// TestBusy: a full queue fails at once with ErrBusy; a caller whose context
// ends while queued gets ErrBusy wrapping the context's error; a dead
// context never starts.
func TestBusy(t *testing.T) {
	h := newTestHasher(t, Config{Concurrency: 1, MaxWaiting: 2})
	hash, _ := h.Hash(context.Background(), "pw")
	g := instrument(h)
	verify := func(ctx context.Context) chan error {
		c := make(chan error, 1)
		go func() { _, err := h.Verify(ctx, "pw", hash); c <- err }()
		return c
	}
	first := verify(context.Background())
	waitFor(t, "first to hash", func() bool { return g.cur.Load() == 1 })
	cancelCtx, cancel := context.WithCancel(context.Background())
	queued := verify(cancelCtx)
	waitFor(t, "second to queue", func() bool { return h.Stats().Waiting == 1 })
	third := verify(context.Background())
	waitFor(t, "third to queue", func() bool { return h.Stats().Waiting == 2 })

	if _, err := h.Verify(context.Background(), "pw", hash); !errors.Is(err, ErrBusy) {
		t.Errorf("Verify with full queue = %v, want ErrBusy", err)
	}
	if err := h.DummyVerify(context.Background(), "pw"); !errors.Is(err, ErrBusy) {
		t.Errorf("DummyVerify with full queue = %v, want ErrBusy", err)
	}
	if _, err := h.Hash(context.Background(), "pw"); !errors.Is(err, ErrBusy) {
		t.Errorf("Hash with full queue = %v, want ErrBusy", err)
	}
	cancel()
	if err := <-queued; !errors.Is(err, ErrBusy) || !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled while queued = %v, want ErrBusy and context.Canceled", err)
	}
	close(g.open)
	if err := <-first; err != nil {
		t.Errorf("first = %v", err)
	}
	if err := <-third; err != nil {
		t.Errorf("third = %v", err)
	}
	dead, stop := context.WithCancel(context.Background())
	stop()
	before := g.entered.Load()
	if _, err := h.Verify(dead, "pw", hash); !errors.Is(err, context.Canceled) {
		t.Errorf("Verify with dead context = %v", err)
	}
	if g.entered.Load() != before || h.Stats() != (Stats{}) {
		t.Error("a dead context started a hash")
	}
}

func TestNoQueue(t *testing.T) {
	h := newTestHasher(t, Config{Concurrency: 1, MaxWaiting: -1})
	g := instrument(h)
	done := make(chan error)
	go func() { _, err := h.Hash(context.Background(), "pw"); done <- err }()
	waitFor(t, "first to hash", func() bool { return g.cur.Load() == 1 })
	if _, err := h.Hash(context.Background(), "pw"); !errors.Is(err, ErrBusy) {
		t.Errorf("Hash with no queue = %v, want ErrBusy", err)
	}
	close(g.open)
	if err := <-done; err != nil {
		t.Error(err)
	}
}
