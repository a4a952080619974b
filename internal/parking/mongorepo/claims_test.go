package mongorepo_test

import (
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/autospot/autospot/internal/parking"
	"github.com/autospot/autospot/internal/parking/mongorepo"
)

func example(id, fac, building string) *parking.Map {
	m := parking.ExampleMap()
	m.ID, m.FacilityID, m.Building = id, fac, building
	return m
}

// TestStaleClaimReclaimed: a name claim whose map never got written (a
// writer crashed between the two inserts) blocks the name only until it
// is older than StaleClaim.
func TestStaleClaimReclaimed(t *testing.T) {
	var now atomic.Int64
	now.Store(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano())
	clock := func() time.Time { return time.Unix(0, now.Load()) }
	s, db := newStoreWithClock(t, clock)
	ctx := t.Context()
	// The crashed writer's claim.
	if _, err := db.Collection(mongorepo.CollBuildings).InsertOne(ctx, bson.D{
		{Key: "_id", Value: "westfield"}, {Key: "map", Value: "ghost"}, {Key: "fac", Value: "f"}, {Key: "at", Value: clock()},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetMapByBuilding(ctx, "Westfield"); !errors.Is(err, parking.ErrNotFound) {
		t.Fatalf("a claim without a map resolved: %v", err)
	}
	if _, err := s.CreateMap(ctx, example("m1", "f", "Westfield")); !errors.Is(err, parking.ErrDuplicate) {
		t.Fatalf("fresh claim: %v, want ErrDuplicate", err)
	}
	now.Add(int64(2 * mongorepo.StaleClaim))
	if _, err := s.CreateMap(ctx, example("m1", "f", "Westfield")); err != nil {
		t.Fatalf("stale claim not reclaimed: %v", err)
	}
	if m, err := s.GetMapByBuilding(ctx, "westfield"); err != nil || m.ID != "m1" {
		t.Fatalf("after reclaim: %v, %v", m, err)
	}
}

// TestOldVersionsEmptiedAndIDsNotReused: superseded versions keep their
// _id (so a stale writer's insert still collides) but lose their body;
// a deleted map id cannot be created again.
func TestOldVersionsEmptiedAndIDsNotReused(t *testing.T) {
	s, db := newStoreWithClock(t, nil)
	ctx := t.Context()
	if _, err := s.CreateMap(ctx, example("m1", "f", "A")); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		m, _ := s.GetMap(ctx, "m1")
		if _, err := s.UpdateMap(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	n, err := db.Collection(mongorepo.CollMapVersions).CountDocuments(ctx, bson.D{{Key: "j", Value: bson.D{{Key: "$exists", Value: true}}}})
	if err != nil || n != 1 {
		t.Fatalf("versions with a body: %d, %v; want 1", n, err)
	}
	if err := s.DeleteMap(ctx, "m1", 4); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateMap(ctx, example("m1", "f", "B")); !errors.Is(err, parking.ErrDuplicate) {
		t.Fatalf("reused id: %v, want ErrDuplicate", err)
	}
	if _, err := s.CreateMap(ctx, example("m2", "f", "A")); err != nil {
		t.Fatalf("the deleted map's name is still taken: %v", err)
	}
	for _, id := range []string{"m1/", "m", "", `{"$gt":""}`} {
		if _, err := s.GetMap(ctx, id); !errors.Is(err, parking.ErrNotFound) {
			t.Errorf("GetMap(%q) = %v, want ErrNotFound", id, err)
		}
	}
}
