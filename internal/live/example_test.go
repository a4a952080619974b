package live_test

import (
	"context"
	"fmt"

	"github.com/autospot/autospot/internal/live"
)

func ExampleLocal() {
	ctx := context.Background()
	h, _ := live.NewLocal()
	defer h.Close()
	sub, _ := h.Subscribe(ctx, "Westfield Sydney")
	defer sub.Close()
	_ = h.Publish(ctx, live.Event{Building: "westfield sydney", Level: 1, Slot: "1A", Status: "occupied"})
	e := <-sub.C
	fmt.Println(e.Slot, e.Status)
	err := h.Publish(ctx, live.Event{Slot: "1A"})
	fmt.Println(err)
	// Output:
	// 1A occupied
	// live: invalid event: building, slot or status
}
