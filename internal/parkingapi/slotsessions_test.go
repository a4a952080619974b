package parkingapi_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/autospot/autospot/internal/live"
	"github.com/autospot/autospot/internal/parking"
	"github.com/autospot/autospot/internal/session"
)

// nextEvent waits for the next live event (the publish is synchronous,
// so it is already queued when the response arrives).
func nextEvent(t *testing.T, sub *live.Subscription) live.Event {
	t.Helper()
	select {
	case e := <-sub.C:
		return e
	case <-time.After(5 * time.Second):
		t.Fatal("no live event")
	}
	return live.Event{}
}

// With Deps.Sessions and Deps.Hub the part-1 slot override behaves as
// the operations API's: a slot held by an active session cannot be set
// available, and every override is published on the live hub with the
// slot's effective status.
func TestSlotOverrideSeesSessionsAndPublishes(t *testing.T) {
	ctx := context.Background()
	sessions := session.NewMemory()
	hub, err := live.NewLocal()
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, harnessOpts{sessions: sessions, hub: hub})
	sub, err := hub.Subscribe(ctx, buildingA)
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	s := session.Session{ID: "session-1", DriverID: "u-driver", Vehicle: "ABC123", FacilityID: facA, MapID: mapA,
		Slot: parking.SlotRef{Building: buildingA, Level: 1, ID: "1A"}, Status: session.StatusActive, StartedAt: h.now}
	if err := sessions.Start(ctx, s); err != nil {
		t.Fatal(err)
	}
	before, err := h.store.GetMap(ctx, mapA)
	if err != nil {
		t.Fatal(err)
	}
	r := h.sendJSON(opA, http.MethodPut, "/parking/maps/mapA/slots/1A", `{"level":1,"status":"available"}`)
	if r.status != http.StatusConflict || r.errorBody(t).ErrorCode != "conflict" {
		t.Fatalf("freeing a slot held by a session: %d %s", r.status, r.body)
	}
	if m, _ := h.store.GetMap(ctx, mapA); m.Version != before.Version {
		t.Fatalf("the refused override changed the map (version %d)", m.Version)
	}
	// Another building's slot of the same id is not held.
	if r := h.sendJSON(opB, http.MethodPut, "/parking/maps/mapB/slots/1A", `{"level":1,"status":"available"}`); r.status != 200 {
		t.Fatalf("mapB 1A: %d %s", r.status, r.body)
	}
	// Marking the held slot allocated is allowed; it stays occupied live.
	if r := h.sendJSON(opA, http.MethodPut, "/parking/maps/mapA/slots/1A", `{"level":1,"status":"allocated","reserved_by":"dave"}`); r.status != 200 {
		t.Fatalf("allocate held 1A: %d %s", r.status, r.body)
	}
	if e := nextEvent(t, sub); e.Slot != "1A" || e.Level != 1 || e.Status != "occupied" || e.Building != buildingA {
		t.Fatalf("event %+v", e)
	}
	if r := h.sendJSON(opA, http.MethodPut, "/parking/maps/mapA/slots/1B", `{"level":1,"status":"occupied","reserved_by":"erin"}`); r.status != 200 {
		t.Fatalf("occupy 1B: %d %s", r.status, r.body)
	}
	if e := nextEvent(t, sub); e.Slot != "1B" || e.Status != "occupied" {
		t.Fatalf("event %+v", e)
	}
	if _, err := sessions.End(ctx, "u-driver", "session-1", h.now.Add(time.Hour), ""); err != nil {
		t.Fatal(err)
	}
	if r := h.sendJSON(opA, http.MethodPut, "/parking/maps/mapA/slots/1A", `{"level":1,"status":"available"}`); r.status != 200 {
		t.Fatalf("free 1A after the session: %d %s", r.status, r.body)
	}
	if e := nextEvent(t, sub); e.Slot != "1A" || e.Status != "available" {
		t.Fatalf("event %+v", e)
	}
}
