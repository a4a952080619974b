package route

import (
	"errors"
	"testing"

	"github.com/autospot/autospot/internal/parking"
)

// NearestSlotWhere decides availability at query time, ignoring the
// statuses the graph was built with.
func TestNearestSlotWhere(t *testing.T) {
	g := exampleGraph(t)
	taken := func(ids ...string) func(parking.SlotRef) bool {
		return func(r parking.SlotRef) bool {
			for _, id := range ids {
				if r.ID == id {
					return false
				}
			}
			return true
		}
	}
	cases := []struct {
		name     string
		free     func(parking.SlotRef) bool
		want     string
		dist     float64
		rampUsed string
		err      error
	}{
		{"nil is build-time status", nil, "1B", 2.0, "", nil},
		{"all free", taken(), "1B", 2.0, "", nil},
		{"1B taken", taken("1B"), "1A", 3.2, "", nil},
		{"1B and 1A taken", taken("1B", "1A"), "1D", 5.3, "", nil},
		{"only 1C free on level 1", taken("1B", "1A", "1D"), "1C", 6.3, "", nil},
		{"level 1 full falls back through the ramp", taken("1A", "1B", "1C", "1D"), "", 0, "R1_up", nil},
		{"everything taken", func(parking.SlotRef) bool { return false }, "", 0, "", ErrNoSlot},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := g.NearestSlotWhere("E1", c.free)
			if c.err != nil {
				if !errors.Is(err, c.err) {
					t.Fatalf("%v, want %v", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.want != "" && (r.Slot.ID != c.want || r.Route.Distance != c.dist) {
				t.Fatalf("got %s %.1f, want %s %.1f", r.Slot.ID, r.Route.Distance, c.want, c.dist)
			}
			if r.RampUsed != c.rampUsed || (c.rampUsed != "" && r.Slot.Level != 2) {
				t.Fatalf("got %+v, want a level-2 slot via %q", r, c.rampUsed)
			}
		})
	}
	// A slot marked occupied in the map but free by the predicate is used.
	m := parking.ExampleMap()
	m.SetSlotStatus(1, "1B", parking.Occupied, "X", "someone")
	g2, err := Build(m)
	if err != nil {
		t.Fatal(err)
	}
	if r, _ := g2.NearestSlot("E1"); r.Slot.ID == "1B" {
		t.Fatal("build-time status ignored by NearestSlot")
	}
	if r, err := g2.NearestSlotWhere("E1", taken()); err != nil || r.Slot.ID != "1B" {
		t.Fatalf("predicate ignored: %+v %v", r, err)
	}
	if _, err := g.NearestSlotWhere("1A", taken()); !errors.Is(err, ErrWrongKind) {
		t.Fatalf("from a slot: %v", err)
	}
}

func BenchmarkNearestSlotWhere(b *testing.B) {
	g := exampleGraph(b)
	free := func(r parking.SlotRef) bool { return r.ID != "1B" }
	for b.Loop() {
		if _, err := g.NearestSlotWhere("E1", free); err != nil {
			b.Fatal(err)
		}
	}
}
