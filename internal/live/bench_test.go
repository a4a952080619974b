package live_test

import (
	"context"
	"testing"

	"github.com/autospot/autospot/internal/live"
)

// BenchmarkLocalPublish fans one event out to 100 subscribers.
func BenchmarkLocalPublish(b *testing.B) {
	ctx := context.Background()
	h, _ := live.NewLocal(live.WithBuffer(1 << 16))
	defer h.Close()
	subs := make([]*live.Subscription, 100)
	for i := range subs {
		subs[i], _ = h.Subscribe(ctx, "B")
	}
	e := live.Event{Building: "B", Level: 1, Slot: "1A", Status: "occupied"}
	n := 0
	for b.Loop() {
		if err := h.Publish(ctx, e); err != nil {
			b.Fatal(err)
		}
		if n++; n%1000 == 0 {
			for _, s := range subs {
				for len(s.C) > 0 {
					<-s.C
				}
			}
		}
	}
}
