package parkingtest

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/autospot/autospot/internal/parking"
	"github.com/autospot/autospot/internal/parking/fare"
)

func sampleMap(id, facility, building string) *parking.Map {
	m := parking.ExampleMap()
	m.ID, m.FacilityID, m.Building = id, facility, building
	return m
}

// RunMapRepository checks a [parking.MapRepository]. newRepo must return
// an empty repository each time it is called.
func RunMapRepository(t *testing.T, newRepo func(t *testing.T) parking.MapRepository) {
	ctx := t.Context()
	t.Run("CreateGet", func(t *testing.T) {
		r := newRepo(t)
		m := sampleMap("m1", "fac1", "Westfield Sydney")
		v, err := r.CreateMap(ctx, m)
		if err != nil || v != 1 {
			t.Fatalf("CreateMap = %d, %v; want 1, nil", v, err)
		}
		if m.Version != 0 {
			t.Fatalf("CreateMap changed the caller's map (version %d)", m.Version)
		}
		got, err := r.GetMap(ctx, "m1")
		if err != nil {
			t.Fatal(err)
		}
		if got.Version != 1 || got.Building != m.Building || got.FacilityID != "fac1" || len(got.Levels) != 2 {
			t.Fatalf("GetMap = %+v", got)
		}
		if s1, s2 := got.Levels[0].Sketch(), m.Levels[0].Sketch(); s1 != s2 {
			t.Fatalf("level 1 round trip:\n%s\nwant\n%s", s1, s2)
		}
		f, ok := got.Find("R1_up")
		if !ok || f.Cell.Ramp == nil || *f.Cell.Ramp != *m.Levels[0].Cells[1].Ramp {
			t.Fatalf("ramp link lost: %+v", f)
		}
	})
	t.Run("GetMissing", func(t *testing.T) {
		r := newRepo(t)
		if _, err := r.GetMap(ctx, "nope"); !errors.Is(err, parking.ErrNotFound) {
			t.Fatalf("GetMap = %v, want ErrNotFound", err)
		}
		if _, err := r.GetMapByBuilding(ctx, "nope"); !errors.Is(err, parking.ErrNotFound) {
			t.Fatalf("GetMapByBuilding = %v, want ErrNotFound", err)
		}
	})
	t.Run("RejectsInvalid", func(t *testing.T) {
		r := newRepo(t)
		for name, mut := range map[string]func(*parking.Map){
			"no id":          func(m *parking.Map) { m.ID = "" },
			"ramp no target": func(m *parking.Map) { m.Levels[0].Cells[1].Ramp = nil },
			"duplicate id":   func(m *parking.Map) { m.Levels[1].Cells[3*6+2].ID = "1A" },
			"nonzero version": func(m *parking.Map) {
				m.Version = 3
			},
		} {
			m := sampleMap("m1", "fac1", "B")
			mut(m)
			if _, err := r.CreateMap(ctx, m); err == nil {
				t.Errorf("%s: CreateMap accepted it", name)
			}
		}
		if _, err := r.GetMap(ctx, "m1"); !errors.Is(err, parking.ErrNotFound) {
			t.Fatalf("a rejected map was stored: %v", err)
		}
		if _, err := r.CreateMap(ctx, sampleMap("m1", "fac1", "B")); err != nil {
			t.Fatal(err)
		}
		bad := sampleMap("m1", "fac1", "B")
		bad.Version = 1
		bad.Levels[0].Cells[0].Kind = "lava"
		if _, err := r.UpdateMap(ctx, bad); !errors.Is(err, parking.ErrInvalidMap) {
			t.Fatalf("UpdateMap(invalid) = %v, want ErrInvalidMap", err)
		}
	})
	t.Run("Duplicates", func(t *testing.T) {
		r := newRepo(t)
		if _, err := r.CreateMap(ctx, sampleMap("m1", "fac1", "Westfield Sydney")); err != nil {
			t.Fatal(err)
		}
		if _, err := r.CreateMap(ctx, sampleMap("m1", "fac1", "Other")); !errors.Is(err, parking.ErrDuplicate) {
			t.Fatalf("same id: %v, want ErrDuplicate", err)
		}
		if _, err := r.CreateMap(ctx, sampleMap("m2", "fac2", "WESTFIELD sydney")); !errors.Is(err, parking.ErrDuplicate) {
			t.Fatalf("same building, other case: %v, want ErrDuplicate", err)
		}
	})
	t.Run("BuildingLookupExact", func(t *testing.T) {
		r := newRepo(t)
		if _, err := r.CreateMap(ctx, sampleMap("m1", "fac1", "Westfield Sydney")); err != nil {
			t.Fatal(err)
		}
		got, err := r.GetMapByBuilding(ctx, "westfield SYDNEY")
		if err != nil || got.ID != "m1" {
			t.Fatalf("case-insensitive lookup: %v, %v", got, err)
		}
		for _, name := range []string{"Westfield", "westfield sydney1", ".*", "Westfield Sydney "} {
			if _, err := r.GetMapByBuilding(ctx, name); !errors.Is(err, parking.ErrNotFound) {
				t.Errorf("GetMapByBuilding(%q) = %v, want ErrNotFound (no substring or pattern match)", name, err)
			}
		}
	})
	t.Run("CopyIsolation", func(t *testing.T) {
		r := newRepo(t)
		m := sampleMap("m1", "fac1", "B")
		if _, err := r.CreateMap(ctx, m); err != nil {
			t.Fatal(err)
		}
		m.Levels[0].Cells[0].Kind = parking.Corridor
		m.Levels[0].Cells[1].Ramp.ToX = 5
		got, _ := r.GetMap(ctx, "m1")
		got.Levels[0].Cells[2].Kind = parking.Corridor
		again, _ := r.GetMap(ctx, "m1")
		if again.Levels[0].Cells[0].Kind != parking.Wall || again.Levels[0].Cells[2].Kind != parking.Wall || again.Levels[0].Cells[1].Ramp.ToX != 1 {
			t.Fatal("the repository shares memory with its callers")
		}
	})
	t.Run("UpdateVersions", func(t *testing.T) {
		r := newRepo(t)
		if _, err := r.CreateMap(ctx, sampleMap("m1", "fac1", "B")); err != nil {
			t.Fatal(err)
		}
		m, _ := r.GetMap(ctx, "m1")
		m.SetSlotStatus(1, "1A", parking.Occupied, "ABC123", "bob")
		v, err := r.UpdateMap(ctx, m)
		if err != nil || v != 2 {
			t.Fatalf("UpdateMap = %d, %v; want 2", v, err)
		}
		if _, err := r.UpdateMap(ctx, m); !errors.Is(err, parking.ErrVersionConflict) {
			t.Fatalf("stale update: %v, want ErrVersionConflict", err)
		}
		got, _ := r.GetMap(ctx, "m1")
		f, _ := got.Find("1A")
		if got.Version != 2 || f.Cell.Status != parking.Occupied || f.Cell.ReservedBy != "bob" {
			t.Fatalf("after update: version %d, slot %+v", got.Version, f.Cell)
		}
		missing := sampleMap("m9", "fac1", "C")
		if _, err := r.UpdateMap(ctx, missing); !errors.Is(err, parking.ErrNotFound) {
			t.Fatalf("update of a missing map: %v, want ErrNotFound", err)
		}
		other := got.Clone()
		other.FacilityID = "fac2"
		if _, err := r.UpdateMap(ctx, other); err == nil {
			t.Fatal("UpdateMap moved a map to another facility")
		}
	})
	t.Run("Rename", func(t *testing.T) {
		r := newRepo(t)
		r.CreateMap(ctx, sampleMap("m1", "fac1", "A"))
		r.CreateMap(ctx, sampleMap("m2", "fac1", "B"))
		m, _ := r.GetMap(ctx, "m1")
		m.Building = "b"
		if _, err := r.UpdateMap(ctx, m); !errors.Is(err, parking.ErrDuplicate) {
			t.Fatalf("rename onto a taken name: %v, want ErrDuplicate", err)
		}
		m.Building = "C"
		if _, err := r.UpdateMap(ctx, m); err != nil {
			t.Fatal(err)
		}
		if _, err := r.GetMapByBuilding(ctx, "a"); !errors.Is(err, parking.ErrNotFound) {
			t.Fatalf("old name still resolves: %v", err)
		}
		if got, err := r.GetMapByBuilding(ctx, "c"); err != nil || got.ID != "m1" {
			t.Fatalf("new name: %v, %v", got, err)
		}
	})
	t.Run("ListByFacility", func(t *testing.T) {
		r := newRepo(t)
		r.CreateMap(ctx, sampleMap("m1", "fac1", "Zeta"))
		r.CreateMap(ctx, sampleMap("m2", "fac2", "Beta"))
		r.CreateMap(ctx, sampleMap("m3", "fac1", "alpha"))
		got, err := r.ListMaps(ctx, "fac1")
		if err != nil || len(got) != 2 || got[0].ID != "m3" || got[1].ID != "m1" {
			t.Fatalf("ListMaps(fac1) = %v, %v", ids(got), err)
		}
		all, _ := r.ListMaps(ctx, "")
		if len(all) != 3 {
			t.Fatalf("ListMaps(\"\") = %v", ids(all))
		}
		none, err := r.ListMaps(ctx, "fac9")
		if err != nil || len(none) != 0 {
			t.Fatalf("ListMaps(fac9) = %v, %v", ids(none), err)
		}
	})
	t.Run("Delete", func(t *testing.T) {
		r := newRepo(t)
		r.CreateMap(ctx, sampleMap("m1", "fac1", "A"))
		if err := r.DeleteMap(ctx, "m1", 7); !errors.Is(err, parking.ErrVersionConflict) {
			t.Fatalf("delete at a wrong version: %v", err)
		}
		if err := r.DeleteMap(ctx, "m1", 1); err != nil {
			t.Fatal(err)
		}
		if err := r.DeleteMap(ctx, "m1", 1); !errors.Is(err, parking.ErrNotFound) {
			t.Fatalf("second delete: %v", err)
		}
		if _, err := r.CreateMap(ctx, sampleMap("m2", "fac1", "a")); err != nil {
			t.Fatalf("the deleted building name is still taken: %v", err)
		}
	})
	t.Run("ConcurrentUpdates", func(t *testing.T) {
		r := newRepo(t)
		r.CreateMap(ctx, sampleMap("m1", "fac1", "A"))
		base, _ := r.GetMap(ctx, "m1")
		var wins atomic.Int32
		var wg sync.WaitGroup
		for i := 0; i < 16; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				m := base.Clone()
				m.SetSlotStatus(1, "1A", parking.Allocated, "", "driver")
				_, err := r.UpdateMap(ctx, m)
				switch {
				case err == nil:
					wins.Add(1)
				case !errors.Is(err, parking.ErrVersionConflict):
					t.Errorf("UpdateMap: %v", err)
				}
			}()
		}
		wg.Wait()
		if wins.Load() != 1 {
			t.Fatalf("%d concurrent updates from one version won, want 1", wins.Load())
		}
	})
	t.Run("CanceledContext", func(t *testing.T) {
		r := newRepo(t)
		c, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := r.CreateMap(c, sampleMap("m1", "fac1", "A")); err == nil {
			t.Fatal("CreateMap ignored a canceled context")
		}
	})
}

func ids(ms []*parking.Map) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.ID)
	}
	return out
}

// RunRateRepository checks a [parking.RateRepository]. newRepo must
// return an empty repository each time it is called.
func RunRateRepository(t *testing.T, newRepo func(t *testing.T) parking.RateRepository) {
	ctx := t.Context()
	t.Run("PutGet", func(t *testing.T) {
		r := newRepo(t)
		if _, err := r.GetRates(ctx, "fac1"); !errors.Is(err, parking.ErrNotFound) {
			t.Fatalf("GetRates on empty = %v", err)
		}
		tab := fare.OriginalTable()
		v, err := r.PutRates(ctx, "fac1", tab)
		if err != nil || v != 1 {
			t.Fatalf("PutRates = %d, %v", v, err)
		}
		tab.Destinations["Westfield Sydney"] = fare.Rates{}
		got, err := r.GetRates(ctx, "fac1")
		if err != nil || got.Version != 1 || got.Destinations["Westfield Sydney"].BaseCentsPerHour != 600 {
			t.Fatalf("GetRates = %+v, %v", got, err)
		}
		if _, err := r.GetRates(ctx, "fac2"); !errors.Is(err, parking.ErrNotFound) {
			t.Fatalf("rates leaked to another facility: %v", err)
		}
	})
	t.Run("Versions", func(t *testing.T) {
		r := newRepo(t)
		r.PutRates(ctx, "fac1", fare.OriginalTable())
		if _, err := r.PutRates(ctx, "fac1", fare.OriginalTable()); !errors.Is(err, parking.ErrVersionConflict) {
			t.Fatalf("second create: %v, want ErrVersionConflict", err)
		}
		got, _ := r.GetRates(ctx, "fac1")
		got.Destinations["New Place"] = fare.Rates{BaseCentsPerHour: 450}
		if v, err := r.PutRates(ctx, "fac1", got); err != nil || v != 2 {
			t.Fatalf("PutRates = %d, %v", v, err)
		}
		if _, err := r.PutRates(ctx, "fac1", got); !errors.Is(err, parking.ErrVersionConflict) {
			t.Fatalf("stale write: %v", err)
		}
	})
	t.Run("RejectsInvalid", func(t *testing.T) {
		r := newRepo(t)
		bad := fare.OriginalTable()
		bad.Destinations["Westfield Sydney"] = fare.Rates{BaseCentsPerHour: -1}
		if _, err := r.PutRates(ctx, "fac1", bad); !errors.Is(err, fare.ErrInvalidRates) {
			t.Fatalf("negative rate: %v, want ErrInvalidRates", err)
		}
		if _, err := r.GetRates(ctx, "fac1"); !errors.Is(err, parking.ErrNotFound) {
			t.Fatalf("an invalid table was stored: %v", err)
		}
	})
}
