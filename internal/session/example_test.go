package session_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/autospot/autospot/internal/parking"
	"github.com/autospot/autospot/internal/session"
)

func ExampleRepository_Start() {
	ctx := context.Background()
	r := session.NewMemory()
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	plate, _ := session.NormalizePlate("abc-123")
	s := session.Session{ID: "session-1", DriverID: "u1", Vehicle: plate, FacilityID: "f1", MapID: "m1",
		Slot: parking.SlotRef{Building: "Westfield Sydney", Level: 1, ID: "1A"}, Status: session.StatusActive, StartedAt: now}
	fmt.Println(r.Start(ctx, s))
	ended, _ := r.End(ctx, "u1", "session-1", now.Add(2*time.Hour), "X1")
	fmt.Println(ended.Vehicle, ended.Status, ended.EndedAt.Sub(ended.StartedAt))
	// Output:
	// <nil>
	// ABC123 ended 2h0m0s
}

// A second driver on a held slot is refused; nothing is left behind.
func ExampleRepository_Start_slotTaken() {
	ctx := context.Background()
	r := session.NewMemory()
	now := time.Now()
	slot := parking.SlotRef{Building: "B", Level: 1, ID: "1A"}
	_ = r.Start(ctx, session.Session{ID: "s1", DriverID: "u1", Vehicle: "AAA", Slot: slot, Status: session.StatusActive, StartedAt: now})
	err := r.Start(ctx, session.Session{ID: "s2", DriverID: "u2", Vehicle: "BBB", Slot: slot, Status: session.StatusActive, StartedAt: now})
	fmt.Println(errors.Is(err, session.ErrSlotTaken))
	// Output: true
}
