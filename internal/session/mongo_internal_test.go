package session

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/autospot/autospot/internal/testenv"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/autospot/autospot/internal/parking"
)

// Claims left by a process that died mid-start are reclaimed once stale;
// claims of a live session never are.
func TestMongoReapsStaleClaims(t *testing.T) {
	ctx := context.Background()
	db := testenv.MongoDB(t, "sessionreap")
	m, err := NewMongo(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	slot := parking.SlotRef{Building: "B", Level: 1, ID: "1A"}
	// The dead start: session "starting", slot claimed, nothing else.
	dead := Session{ID: "dead", DriverID: "u0", Vehicle: "DEAD", Slot: slot, Status: statusStarting, StartedAt: t0}
	if _, err := m.sessions.InsertOne(ctx, dead); err != nil {
		t.Fatal(err)
	}
	if _, err := m.claims.InsertOne(ctx, claimDoc{ID: slotClaim(slot), Session: "dead", At: t0}); err != nil {
		t.Fatal(err)
	}
	mk := func(id string, at time.Time) Session {
		return Session{ID: id, DriverID: "u1", Vehicle: "AAA", Slot: slot, Status: StatusActive, StartedAt: at}
	}
	if err := m.Start(ctx, mk("early", t0.Add(10*time.Second))); err != ErrSlotTaken {
		t.Fatalf("within StaleStart: %v", err)
	}
	if err := m.Start(ctx, mk("late", t0.Add(StaleStart+time.Second))); err != nil {
		t.Fatalf("after StaleStart: %v", err)
	}
	// A live session's claim is never reaped, however old.
	other := Session{ID: "x", DriverID: "u2", Vehicle: "BBB", Slot: slot, Status: StatusActive, StartedAt: t0.Add(24 * time.Hour)}
	if err := m.Start(ctx, other); err != ErrSlotTaken {
		t.Fatalf("live claim taken: %v", err)
	}
	// An end that died after its end document: the session reads as ended
	// and its claims are reclaimable.
	if _, err := m.ends.InsertOne(ctx, endDoc{ID: "late", At: t0.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if s, err := m.Get(ctx, "u1", "late"); err != nil || s.Status != StatusEnded {
		t.Fatalf("half-ended session %+v %v", s, err)
	}
	if _, err := m.Active(ctx, "u1"); err != ErrNotFound {
		t.Fatalf("half-ended session still active: %v", err)
	}
	if err := m.Start(ctx, other); err != nil {
		t.Fatalf("claim of an ended session not reclaimed: %v", err)
	}
}

// An end that died after closing the exit chain (final version written,
// no end document) leaves the session active but its exit closed: a
// later exit change fails, and the next End completes it with the exit
// the final version fixed.
func TestMongoEndCompletesAfterClosedExitChain(t *testing.T) {
	uri := os.Getenv("AUTOSPOT_TEST_MONGODB_URI")
	if uri == "" {
		t.Skip("AUTOSPOT_TEST_MONGODB_URI is not set; skipping the MongoDB exit-chain test")
	}
	ctx := context.Background()
	c, err := mongo.Connect(options.Client().ApplyURI(uri))
	if err != nil {
		t.Fatal(err)
	}
	db := c.Database(fmt.Sprintf("sessionexit_%d", os.Getpid()))
	defer func() { _ = db.Drop(ctx); _ = c.Disconnect(ctx) }()
	m, err := NewMongo(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	s := Session{ID: "s1", DriverID: "u1", Vehicle: "AAA", Slot: parking.SlotRef{Building: "B", Level: 1, ID: "1A"}, Status: StatusActive, StartedAt: t0}
	if err := m.Start(ctx, s); err != nil {
		t.Fatal(err)
	}
	if _, err := m.SetExit(ctx, "u1", "s1", "X1"); err != nil {
		t.Fatal(err)
	}
	prev, err := m.latestExit(ctx, "s1")
	if err != nil || prev.N != 1 {
		t.Fatalf("latest %+v %v", prev, err)
	}
	// The dead end's final version.
	if taken, err := m.appendExit(ctx, "s1", prev, "X1", true); err != nil || taken {
		t.Fatalf("final version: %v %v", taken, err)
	}
	if _, err := m.SetExit(ctx, "u1", "s1", "X2"); err != ErrNotActive {
		t.Fatalf("exit change after the chain closed: %v", err)
	}
	ended, err := m.End(ctx, "u1", "s1", t0.Add(time.Hour), "")
	if err != nil || ended.ExitID != "X1" || ended.Status != StatusEnded {
		t.Fatalf("completing end: %+v %v", ended, err)
	}
	if _, err := m.End(ctx, "u1", "s1", t0.Add(2*time.Hour), ""); err != ErrNotActive {
		t.Fatalf("second end: %v", err)
	}
	if got, _ := m.Get(ctx, "u1", "s1"); got.ExitID != "X1" {
		t.Fatalf("stored exit %q", got.ExitID)
	}
}
