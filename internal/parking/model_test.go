package parking

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestExampleMap(t *testing.T) {
	m := ExampleMap()
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	want := map[int]string{
		1: "WWWWWW\nWCCCCW\nECSSCX\nWCSSCW\nWCCCCW\nWRWBWW",
		2: "WWWWWW\nWCCCCW\nWCSSCX\nWCSSCW\nWCCCCW\nWRWBWW",
	}
	for n, sk := range want {
		l, ok := m.Level(n)
		if !ok || l.Sketch() != sk {
			t.Fatalf("level %d:\n%s\nwant\n%s", n, l.Sketch(), sk)
		}
	}
	for id, at := range map[string][3]int{"E1": {1, 0, 3}, "1A": {1, 2, 2}, "1B": {1, 2, 3}, "X2": {2, 5, 3}, "BE2": {2, 3, 0}, "R1_up": {1, 1, 0}} {
		f, ok := m.Find(id)
		if !ok || f.Level != at[0] || f.X != at[1] || f.Y != at[2] {
			t.Errorf("%s at %+v, want %v", id, f, at)
		}
	}
	a, b := ExampleMap(), ExampleMap()
	a.Levels[0].Cells[0].Kind = Corridor
	if b.Levels[0].Cells[0].Kind != Wall {
		t.Fatal("ExampleMap copies share memory")
	}
}

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		mut  func(*Map)
		want string // substring of the first problem
	}{
		{"missing building", func(m *Map) { m.Building = "" }, "building"},
		{"padded building", func(m *Map) { m.Building = " X" }, "building"},
		{"bad facility", func(m *Map) { m.FacilityID = "a b" }, "facility_id"},
		{"no levels", func(m *Map) { m.Levels = nil }, "at least one level"},
		{"duplicate level", func(m *Map) { m.Levels[1].Number = 1 }, "already defined"},
		{"level out of range", func(m *Map) { m.Levels[1].Number = 999 }, "between"},
		{"cell count", func(m *Map) { m.Levels[0].Cells = m.Levels[0].Cells[:35] }, "want rows×cols"},
		{"zero rows", func(m *Map) { m.Levels[0].Rows = 0 }, "rows and cols"},
		{"too many cols", func(m *Map) { m.Levels[0].Cols = MaxSide + 1 }, "rows and cols"},
		{"unknown kind", func(m *Map) { m.Levels[0].Cells[0].Kind = "lava" }, "unknown kind"},
		{"slot without id", func(m *Map) { m.Levels[0].Cells[2*6+2].ID = "" }, "needs an id"},
		{"bad id", func(m *Map) { m.Levels[0].Cells[2*6+2].ID = "1A;drop" }, "needs an id"},
		{"duplicate id across levels", func(m *Map) { m.Levels[1].Cells[2*6+2].ID = "1A" }, "already used"},
		{"wall with id", func(m *Map) { m.Levels[0].Cells[0].ID = "W1" }, "carries no id"},
		{"bad status", func(m *Map) { m.Levels[0].Cells[2*6+2].Status = "free-ish" }, "unknown slot status"},
		{"available with vehicle", func(m *Map) { m.Levels[0].Cells[2*6+2].VehicleID = "ABC" }, "available slot"},
		{"status on corridor", func(m *Map) { m.Levels[0].Cells[1*6+1].Status = Occupied }, "slots only"},
		{"direction on wall", func(m *Map) { m.Levels[0].Cells[0].Direction = North }, "corridors only"},
		{"bad direction", func(m *Map) { m.Levels[0].Cells[1*6+1].Direction = "up" }, "unknown corridor direction"},
		{"ramp without target", func(m *Map) { m.Levels[0].Cells[1].Ramp = nil }, "no target"},
		{"ramp to same level", func(m *Map) { m.Levels[0].Cells[1].Ramp.ToLevel = 1 }, "another level"},
		{"ramp to missing level", func(m *Map) { m.Levels[0].Cells[1].Ramp.ToLevel = 7 }, "does not exist"},
		{"ramp outside grid", func(m *Map) { m.Levels[0].Cells[1].Ramp.ToX = 6 }, "outside"},
		{"ramp into a wall", func(m *Map) { m.Levels[0].Cells[1].Ramp.ToX = 0 }, "want corridor or ramp"},
		{"bad ramp direction", func(m *Map) { m.Levels[0].Cells[1].Ramp.Direction = "sideways" }, "unknown ramp direction"},
		{"ramp link on corridor", func(m *Map) { m.Levels[0].Cells[1*6+1].Ramp = &RampLink{ToLevel: 2, ToX: 1, ToY: 1} }, "ramp link on"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := ExampleMap()
			tc.mut(m)
			err := m.Validate()
			var ve *ValidationError
			if !errors.As(err, &ve) || !errors.Is(err, ErrInvalidMap) {
				t.Fatalf("got %v, want a *ValidationError", err)
			}
			if !strings.Contains(ve.Problems[0].Path+": "+ve.Problems[0].Msg, tc.want) {
				t.Fatalf("problems %+v, want the first to contain %q", ve.Problems, tc.want)
			}
		})
	}
	t.Run("every problem listed", func(t *testing.T) {
		m := ExampleMap()
		m.Building = ""
		m.Levels[0].Cells[0].Kind = "lava"
		m.Levels[1].Cells[1].Ramp = nil
		var ve *ValidationError
		if err := m.Validate(); !errors.As(err, &ve) || len(ve.Problems) != 3 {
			t.Fatalf("got %v, want 3 problems", err)
		}
	})
	t.Run("cell limit", func(t *testing.T) {
		m := ExampleMap()
		m.Levels = nil
		for i := 0; i < MaxLevels; i++ {
			m.Levels = append(m.Levels, Level{Number: i, Rows: MaxSide, Cols: MaxSide, Cells: make([]Cell, MaxSide*MaxSide)})
		}
		if err := m.Validate(); err == nil || !strings.Contains(err.Error(), "cells in all") {
			t.Fatalf("got %v", err)
		}
	})
}

func TestParseMap(t *testing.T) {
	good, err := json.Marshal(ExampleMap())
	if err != nil {
		t.Fatal(err)
	}
	m, err := ParseMap(good)
	if err != nil {
		t.Fatal(err)
	}
	if m.Levels[0].Sketch() != ExampleMap().Levels[0].Sketch() {
		t.Fatal("round trip changed the map")
	}
	legacy := strings.Replace(string(good), `"status":"available"`, `"status":"free"`, 1)
	m, err = ParseMap([]byte(legacy))
	if err != nil {
		t.Fatalf("legacy free: %v", err)
	}
	if f, _ := m.Find("1B"); f.Cell.Status != Available {
		t.Fatalf("free read as %q", f.Cell.Status)
	}
	for _, tc := range []struct {
		name string
		in   string
		want error
	}{
		{"not json", "{", ErrInvalidMap},
		{"unknown field", `{"id":"a","facility_id":"f","building":"b","levels":[],"$where":"1"}`, ErrInvalidMap},
		{"trailing data", string(good) + `{}`, ErrInvalidMap},
		{"wrong type", `{"levels":"x"}`, ErrInvalidMap},
		{"invalid map", `{"facility_id":"f","building":"b","levels":[]}`, ErrInvalidMap},
		{"too large", strings.Repeat(" ", MaxMapJSONBytes+1), ErrTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := ParseMap([]byte(tc.in)); !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
}

func TestLevelFromText(t *testing.T) {
	for _, tc := range []struct {
		name string
		rows []string
		ok   bool
	}{
		{"ok", []string{"W C", "E:E1 X:X1"}, true},
		{"ragged", []string{"W C", "W"}, false},
		{"unknown token", []string{"W Q"}, false},
		{"empty", nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LevelFromText(1, tc.rows...)
			if (err == nil) != tc.ok {
				t.Fatalf("got %v", err)
			}
		})
	}
}

func TestSetSlotStatusClearsOnAvailable(t *testing.T) {
	m := ExampleMap()
	if !m.SetSlotStatus(1, "1A", Occupied, "ABC123", "bob") {
		t.Fatal("slot not found")
	}
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	m.SetSlotStatus(1, "1A", Available, "ABC123", "bob")
	f, _ := m.Find("1A")
	if f.Cell.VehicleID != "" || f.Cell.ReservedBy != "" {
		t.Fatalf("available slot keeps %+v", f.Cell)
	}
	// Keyed by building + level + id: 1A is not on level 2.
	if m.SetSlotStatus(2, "1A", Occupied, "", "") || m.SetSlotStatus(1, "E1", Occupied, "", "") {
		t.Fatal("SetSlotStatus matched a slot on the wrong level or a non-slot")
	}
}

func FuzzParseMap(f *testing.F) {
	good, _ := json.Marshal(ExampleMap())
	f.Add(good)
	f.Add([]byte(`{"facility_id":"f","building":"b","levels":[{"level":1,"rows":1,"cols":2,"cells":[{"kind":"ramp","id":"R","ramp":{"to_level":1,"to_x":0,"to_y":0}},{"kind":"corridor"}]}]}`))
	f.Add([]byte(`{"levels":[{"rows":100000,"cols":100000}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseMap(data)
		if err != nil {
			if !errors.Is(err, ErrInvalidMap) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("unexpected error type %v", err)
			}
			return
		}
		if err := m.Validate(); err != nil {
			t.Fatalf("ParseMap returned an invalid map: %v", err)
		}
		_ = m.Features()
		for i := range m.Levels {
			_ = m.Levels[i].Sketch()
		}
	})
}

func TestPutLevel(t *testing.T) {
	m := ExampleMap()
	l3 := m.Levels[1]
	l3.Number = 0
	if err := m.PutLevel(l3, false); err != nil {
		t.Fatal(err)
	}
	if m.Levels[0].Number != 0 || len(m.Levels) != 3 {
		t.Fatalf("levels not sorted: %d first of %d", m.Levels[0].Number, len(m.Levels))
	}
	if err := m.PutLevel(l3, false); !errors.Is(err, ErrDuplicate) {
		t.Fatalf("second upload of level 0: %v, want ErrDuplicate", err)
	}
	l3.Cells = append([]Cell(nil), l3.Cells...)
	l3.Cells[0].Kind = Corridor
	if err := m.PutLevel(l3, true); err != nil || m.Levels[0].Cells[0].Kind != Corridor {
		t.Fatalf("replace: %v", err)
	}
}
