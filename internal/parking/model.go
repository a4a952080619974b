package parking

import (
	"fmt"
	"slices"
	"time"
)

// Kind is what occupies one grid cell.
type Kind string

// The cell kinds of a level.
const (
	Wall             Kind = "wall"              // not drivable
	Corridor         Kind = "corridor"          // drivable, 4-adjacent
	Slot             Kind = "slot"              // a parking space, entered from an adjacent corridor
	CarEntrance      Kind = "car_entrance"      // where cars come in (ids like "E1")
	BuildingEntrance Kind = "building_entrance" // pedestrian door into the building ("BE1")
	Exit             Kind = "exit"              // where cars leave ("X1")
	Ramp             Kind = "ramp"              // links to a cell on another level ("R1")
)

// IsFeature reports whether cells of kind k carry an id (everything but
// walls and corridors).
func (k Kind) IsFeature() bool {
	switch k {
	case Slot, CarEntrance, BuildingEntrance, Exit, Ramp:
		return true
	}
	return false
}

func (k Kind) valid() bool {
	return k == Wall || k == Corridor || k.IsFeature()
}

// SlotStatus is the state of a parking slot.
type SlotStatus string

// Slot states. The original's legacy "free" is read as [Available] by
// [ParseMap] and [ParseSlotStatus].
const (
	Available SlotStatus = "available"
	Occupied  SlotStatus = "occupied"
	Allocated SlotStatus = "allocated" // reserved for a driver who has not arrived yet
)

// ParseSlotStatus parses a status name, accepting the legacy "free".
func ParseSlotStatus(s string) (SlotStatus, bool) {
	switch s {
	case "available", "free":
		return Available, true
	case "occupied":
		return Occupied, true
	case "allocated":
		return Allocated, true
	}
	return "", false
}

// Direction restricts traffic on a corridor cell. The empty value and
// [Both] are two-way. A one-way cell may be left only by a step in its
// direction, and may not be entered by a step against it (turning into a
// one-way lane from the side is allowed).
type Direction string

// Corridor directions; y grows northward (up the drawn map).
const (
	Both  Direction = "both"
	North Direction = "north"
	East  Direction = "east"
	South Direction = "south"
	West  Direction = "west"
)

func (d Direction) valid() bool {
	switch d {
	case "", Both, North, East, South, West:
		return true
	}
	return false
}

// Step returns the unit step (dx, dy) of a one-way direction, or 0, 0 for
// a two-way one.
func (d Direction) Step() (dx, dy int) {
	switch d {
	case North:
		return 0, 1
	case East:
		return 1, 0
	case South:
		return 0, -1
	case West:
		return -1, 0
	}
	return 0, 0
}

// RampDirection says which way a ramp may be driven: [RampBoth] (the
// default when empty), [RampUp] (from the ramp cell to its target only) or
// [RampDown] (from the target to the ramp cell only).
type RampDirection string

// Ramp directions.
const (
	RampBoth RampDirection = "both"
	RampUp   RampDirection = "up"
	RampDown RampDirection = "down"
)

func (d RampDirection) valid() bool {
	return d == "" || d == RampBoth || d == RampUp || d == RampDown
}

// RampLink is the far end of a ramp: a corridor or ramp cell on another
// level of the same building.
type RampLink struct {
	ToLevel   int           `json:"to_level"`
	ToX       int           `json:"to_x"`
	ToY       int           `json:"to_y"`
	Direction RampDirection `json:"direction,omitempty"`
}

// Cell is one grid square. Only the fields that fit its [Kind] may be set;
// [Map.Validate] reports any other.
type Cell struct {
	Kind Kind `json:"kind"`
	// ID names a feature (slot, entrance, exit, ramp); unique per building.
	ID string `json:"id,omitempty"`
	// Status, VehicleID and ReservedBy are for slots only. An available
	// slot has neither vehicle nor reservation.
	Status     SlotStatus `json:"status,omitempty"`
	VehicleID  string     `json:"vehicle_id,omitempty"`
	ReservedBy string     `json:"reserved_by,omitempty"`
	// Direction is for corridors only.
	Direction Direction `json:"direction,omitempty"`
	// Ramp is required on ramps and forbidden elsewhere.
	Ramp *RampLink `json:"ramp,omitempty"`
}

// Level is one floor: a Rows×Cols grid with x to the right and y upward,
// origin bottom-left. Cells is row-major from the bottom row:
// Cells[y*Cols+x].
type Level struct {
	Number int    `json:"level"`
	Rows   int    `json:"rows"`
	Cols   int    `json:"cols"`
	Cells  []Cell `json:"cells"`
}

// In reports whether (x, y) lies inside the grid.
func (l *Level) In(x, y int) bool {
	return x >= 0 && y >= 0 && x < l.Cols && y < l.Rows
}

// Cell returns the cell at (x, y); ok is false outside the grid or when
// Cells is short.
func (l *Level) Cell(x, y int) (c Cell, ok bool) {
	if !l.In(x, y) || y*l.Cols+x >= len(l.Cells) {
		return Cell{}, false
	}
	return l.Cells[y*l.Cols+x], true
}

// Map is one building (facility site) with all its levels, kept together
// as one document. Features are addressed by building + level + id
// ([SlotRef]), never by a global slot id.
type Map struct {
	// ID is the map's storage key, assigned by the server.
	ID string `json:"id"`
	// FacilityID is the operator organisation that owns the map; only its
	// operators may change it.
	FacilityID string `json:"facility_id"`
	// Building is the display name drivers pick ("Westfield Sydney");
	// unique per store, compared case-insensitively.
	Building string `json:"building"`
	// Version is the optimistic-concurrency counter the repository keeps;
	// 1 after Create, +1 on each Update.
	Version   int64     `json:"version"`
	Levels    []Level   `json:"levels"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Level returns the level numbered n.
func (m *Map) Level(n int) (*Level, bool) {
	for i := range m.Levels {
		if m.Levels[i].Number == n {
			return &m.Levels[i], true
		}
	}
	return nil, false
}

// Feature is a located feature cell.
type Feature struct {
	Level int  `json:"level"`
	X     int  `json:"x"`
	Y     int  `json:"y"`
	Cell  Cell `json:"cell"`
}

// Find returns the feature with the given id (ids are unique per map).
func (m *Map) Find(id string) (Feature, bool) {
	for _, f := range m.Features() {
		if f.Cell.ID == id {
			return f, true
		}
	}
	return Feature{}, false
}

// Features lists every feature cell, level by level in map order, each
// level row-major from the bottom row.
func (m *Map) Features() []Feature {
	var out []Feature
	for li := range m.Levels {
		l := &m.Levels[li]
		for i, c := range l.Cells {
			if c.Kind.IsFeature() && l.Cols > 0 {
				out = append(out, Feature{Level: l.Number, X: i % l.Cols, Y: i / l.Cols, Cell: c})
			}
		}
	}
	return out
}

// SlotRef is the key of a slot: building + level + id.
type SlotRef struct {
	Building string `json:"building"`
	Level    int    `json:"level"`
	ID       string `json:"slot_id"`
}

// Clone returns a deep copy of m.
func (m *Map) Clone() *Map {
	if m == nil {
		return nil
	}
	c := *m
	c.Levels = make([]Level, len(m.Levels))
	for i, l := range m.Levels {
		l.Cells = append([]Cell(nil), l.Cells...)
		for j := range l.Cells {
			if r := l.Cells[j].Ramp; r != nil {
				rr := *r
				l.Cells[j].Ramp = &rr
			}
		}
		c.Levels[i] = l
	}
	return &c
}

// SetSlotStatus changes a slot's status in place, clearing the vehicle and
// reservation when it becomes available. It reports false when id names no
// slot. It does not bump Version; the repository does on Update.
func (m *Map) SetSlotStatus(level int, id string, st SlotStatus, vehicleID, reservedBy string) bool {
	l, ok := m.Level(level)
	if !ok {
		return false
	}
	for i := range l.Cells {
		c := &l.Cells[i]
		if c.Kind == Slot && c.ID == id {
			c.Status = st
			if st == Available {
				vehicleID, reservedBy = "", ""
			}
			c.VehicleID, c.ReservedBy = vehicleID, reservedBy
			return true
		}
	}
	return false
}

// PutLevel adds l to the map, keeping levels sorted by number. A level
// with the same number is replaced when replace is true and is otherwise
// [ErrDuplicate] (the original's "already exists" for a second upload of
// one building level). It does not validate; the repository does on
// write.
func (m *Map) PutLevel(l Level, replace bool) error {
	for i := range m.Levels {
		if m.Levels[i].Number == l.Number {
			if !replace {
				return fmt.Errorf("%w: level %d of %q already exists", ErrDuplicate, l.Number, m.Building)
			}
			m.Levels[i] = l
			return nil
		}
	}
	m.Levels = append(m.Levels, l)
	slices.SortStableFunc(m.Levels, func(a, b Level) int { return a.Number - b.Number })
	return nil
}
