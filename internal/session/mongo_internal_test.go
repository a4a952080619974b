package session

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/autospot/autospot/internal/parking"
)

// Claims left by a process that died mid-start are reclaimed once stale;
// claims of a live session never are.
func TestMongoReapsStaleClaims(t *testing.T) {
	uri := os.Getenv("AUTOSPOT_TEST_MONGODB_URI")
	if uri == "" {
		t.Skip("AUTOSPOT_TEST_MONGODB_URI is not set; skipping the MongoDB stale-claim test")
	}
	ctx := context.Background()
	c, err := mongo.Connect(options.Client().ApplyURI(uri))
	if err != nil {
		t.Fatal(err)
	}
	db := c.Database(fmt.Sprintf("sessionreap_%d", os.Getpid()))
	defer func() { _ = db.Drop(ctx); _ = c.Disconnect(ctx) }()
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
