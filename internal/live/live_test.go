package live_test

import (
	"bufio"
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/autospot/autospot/internal/live"
	"github.com/autospot/autospot/internal/testenv"
)

var t0 = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

func ev(building, slot, status string) live.Event {
	return live.Event{Building: building, Level: 1, Slot: slot, Status: status, At: t0}
}

func recv(t *testing.T, s *live.Subscription) live.Event {
	t.Helper()
	select {
	case e, ok := <-s.C:
		if !ok {
			t.Fatal("subscription closed")
		}
		return e
	case <-time.After(5 * time.Second):
		t.Fatal("no event within 5 s")
	}
	return live.Event{}
}

func none(t *testing.T, s *live.Subscription) {
	t.Helper()
	select {
	case e := <-s.C:
		t.Fatalf("unexpected event %+v", e)
	case <-time.After(100 * time.Millisecond):
	}
}

func TestLocalFanOut(t *testing.T) {
	ctx := context.Background()
	h, _ := live.NewLocal()
	a, _ := h.Subscribe(ctx, "Westfield Sydney")
	b, _ := h.Subscribe(ctx, "westfield sydney")
	other, _ := h.Subscribe(ctx, "Bondi")
	defer other.Close()
	if err := h.Publish(ctx, ev("WESTFIELD SYDNEY", "1A", "occupied")); err != nil {
		t.Fatal(err)
	}
	if e := recv(t, a); e.Slot != "1A" || e.Status != "occupied" {
		t.Fatalf("a got %+v", e)
	}
	recv(t, b)
	none(t, other)
	a.Close()
	a.Close() // idempotent
	if _, ok := <-a.C; ok {
		t.Fatal("closed subscription still open")
	}
	if h.Subscribers() != 2 {
		t.Fatalf("%d subscribers", h.Subscribers())
	}
	b.Close()
	if err := h.Publish(ctx, live.Event{Building: "", Slot: "1A"}); !errors.Is(err, live.ErrInvalid) {
		t.Fatalf("no building: %v", err)
	}
}

// A subscriber that stops reading is dropped, never blocking publishers.
func TestLaggingSubscriberDropped(t *testing.T) {
	ctx := context.Background()
	h, _ := live.NewLocal(live.WithBuffer(2))
	slow, _ := h.Subscribe(ctx, "B")
	for i := 0; i < 5; i++ {
		if err := h.Publish(ctx, ev("B", "S", "occupied")); err != nil {
			t.Fatal(err)
		}
	}
	n := 0
	for range slow.C {
		n++
	}
	if n != 2 || !slow.Lagged() {
		t.Fatalf("read %d, lagged %v", n, slow.Lagged())
	}
	if h.Subscribers() != 0 {
		t.Fatalf("%d subscribers", h.Subscribers())
	}
}

func TestSubscriberLimit(t *testing.T) {
	h, _ := live.NewLocal(live.WithMaxSubscribers(1))
	s, _ := h.Subscribe(context.Background(), "B")
	defer s.Close()
	if _, err := h.Subscribe(context.Background(), "B"); !errors.Is(err, live.ErrTooManySubscribers) {
		t.Fatalf("%v", err)
	}
}

// replicas runs the cross-replica test on two hubs with their own Redis
// clients: an update published through replica A arrives on a stream held
// by replica B (and on A's own subscribers).
func replicas(t *testing.T, addr string) {
	ctx := context.Background()
	newHub := func() *live.Redis {
		c := redis.NewClient(&redis.Options{Addr: addr})
		t.Cleanup(func() { c.Close() })
		h, err := live.NewRedis(ctx, c, nil, live.WithChannelPrefix("autospot:test:"+t.Name()+":"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { h.Close() })
		return h
	}
	a, b := newHub(), newHub()
	onB, err := b.Subscribe(ctx, "Westfield Sydney")
	if err != nil {
		t.Fatal(err)
	}
	onA, _ := a.Subscribe(ctx, "Westfield Sydney")
	elsewhere, _ := b.Subscribe(ctx, "Bondi")
	if err := a.Publish(ctx, ev("Westfield Sydney", "2C", "available")); err != nil {
		t.Fatal(err)
	}
	if e := recv(t, onB); e.Slot != "2C" || e.Status != "available" || !e.At.Equal(t0) {
		t.Fatalf("replica B got %+v", e)
	}
	recv(t, onA)
	none(t, elsewhere)
	// And through an SSE stream held by B.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sub, err := b.Subscribe(r.Context(), "Westfield Sydney")
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		defer sub.Close()
		_ = live.Stream(w, r, sub, map[string]int{"free": 3}, time.Hour)
	}))
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
		t.Fatalf("content type %q", ct)
	}
	rd := bufio.NewReader(resp.Body)
	readEvent := func() (string, string) {
		var name, data string
		for {
			line, err := rd.ReadString('\n')
			if err != nil {
				t.Fatal(err)
			}
			line = strings.TrimRight(line, "\n")
			switch {
			case line == "":
				return name, data
			case strings.HasPrefix(line, "event: "):
				name = line[7:]
			case strings.HasPrefix(line, "data: "):
				data = line[6:]
			}
		}
	}
	if name, data := readEvent(); name != "snapshot" || data != `{"free":3}` {
		t.Fatalf("first event %s %s", name, data)
	}
	if err := a.Publish(ctx, ev("Westfield Sydney", "1A", "occupied")); err != nil {
		t.Fatal(err)
	}
	if name, data := readEvent(); name != "slot" || !strings.Contains(data, `"slot_id":"1A"`) {
		t.Fatalf("streamed %s %s", name, data)
	}
}

func TestReplicasInProcessRedis(t *testing.T) {
	mr := miniredis.RunT(t)
	replicas(t, mr.Addr())
}

func TestReplicasRedisServer(t *testing.T) {
	replicas(t, testenv.RedisAddr(t))
}

// Forged or foreign messages on the channel are dropped.
func TestRedisDropsBadMessages(t *testing.T) {
	mr := miniredis.RunT(t)
	ctx := context.Background()
	c := redis.NewClient(&redis.Options{Addr: mr.Addr()})
	defer c.Close()
	h, err := live.NewRedis(ctx, c, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	s, _ := h.Subscribe(ctx, "B")
	for _, msg := range []string{`not json`, `{"building":"B","slot_id":"1A","extra":1}`, `{"building":"C","slot_id":"1A"}`, strings.Repeat("x", 5000)} {
		c.Publish(ctx, live.DefaultChannelPrefix+"b", msg)
	}
	c.Publish(ctx, live.DefaultChannelPrefix+"b", `{"building":"B","level":1,"slot_id":"ok","status":"available","at":"2026-03-02T10:00:00Z"}`)
	if e := recv(t, s); e.Slot != "ok" {
		t.Fatalf("got %+v", e)
	}
}

// TestRedisUnconfirmedStart: with WithUnconfirmedStart a hub created while
// Redis is down is returned, and once Redis is up its subscription is
// re-established and events flow; without the option the same start is
// an error.
func TestRedisUnconfirmedStart(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx := context.Background()
	c := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1})
	defer c.Close()
	if _, err := live.NewRedis(ctx, c, nil); err == nil {
		t.Fatal("NewRedis with Redis down: no error")
	}
	h, err := live.NewRedis(ctx, c, nil, live.WithUnconfirmedStart())
	if err != nil {
		t.Fatalf("NewRedis with WithUnconfirmedStart: %v", err)
	}
	defer h.Close()
	s, err := h.Subscribe(ctx, "B")
	if err != nil {
		t.Fatal(err)
	}
	mr := miniredis.NewMiniRedis()
	if err := mr.StartAddr(addr); err != nil {
		t.Skipf("cannot reuse %s for miniredis: %v", addr, err)
	}
	defer mr.Close()
	// Publish until the re-established subscription delivers (bounded).
	ev := live.Event{Building: "B", Level: 1, Slot: "1A", Status: "occupied", At: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		_ = h.Publish(ctx, ev)
		select {
		case e, ok := <-s.C:
			if !ok || e.Slot != "1A" {
				t.Fatalf("got %+v (open %v)", e, ok)
			}
			return
		case <-time.After(200 * time.Millisecond):
		}
	}
	t.Fatal("no event after Redis came up")
}
