package parking

import (
	"fmt"
	"strings"
)

// ExampleMapID is the id of the original's built-in example map.
const ExampleMapID = "999999"

// ExampleFacilityID owns the example map.
const ExampleFacilityID = "example"

// ExampleMap returns a fresh copy of the original's built-in example map
// ("Westfield Sydney1", id "999999"): two 6×6 levels joined by a ramp,
// four available slots per level. It follows the original's
// examples/example_map.py, so building entrances stand at x=3 (the images
// draw them at x=2), all slots are available, and both ramps are two-way:
// R1_up (level 1, 1,0) leads to (level 2, 1,1) and R1_down (level 2, 1,0)
// to (level 1, 1,1).
//
//	L1: WWWWWW | WCCCCW | E1 C 1B 1D C X1 | W C 1A 1C C W | WCCCCW | W R1_up W BE1 W W
//	L2: WWWWWW | WCCCCW | W C 2B 2D C X2  | W C 2A 2C C W | WCCCCW | W R1_down W BE2 W W
func ExampleMap() *Map {
	l1 := mustGrid(1,
		"W W W W W W",
		"W C C C C W",
		"E:E1 C S:1B S:1D C X:X1",
		"W C S:1A S:1C C W",
		"W C C C C W",
		"W R:R1_up W B:BE1 W W",
	)
	l2 := mustGrid(2,
		"W W W W W W",
		"W C C C C W",
		"W C S:2B S:2D C X:X2",
		"W C S:2A S:2C C W",
		"W C C C C W",
		"W R:R1_down W B:BE2 W W",
	)
	l1.Cells[0*6+1].Ramp = &RampLink{ToLevel: 2, ToX: 1, ToY: 1, Direction: RampBoth}
	l2.Cells[0*6+1].Ramp = &RampLink{ToLevel: 1, ToX: 1, ToY: 1, Direction: RampBoth}
	return &Map{
		ID:         ExampleMapID,
		FacilityID: ExampleFacilityID,
		Building:   "Westfield Sydney1",
		Levels:     []Level{l1, l2},
	}
}

// mustGrid builds a level from rows of tokens, top row first. It is only
// used on the constant example above (its panic cannot be reached from
// input).
func mustGrid(number int, rows ...string) Level {
	l, err := LevelFromText(number, rows...)
	if err != nil {
		panic(err)
	}
	return l
}

// LevelFromText builds a level from rows of space-separated tokens, top row
// (highest y) first: W wall, C corridor, S:id available slot, A:id
// allocated slot, O:id occupied slot, E:id car entrance, B:id building
// entrance, X:id exit, R:id ramp (without target; set Cell.Ramp). It is a
// convenience for seed data and tests; the result is not validated.
func LevelFromText(number int, rows ...string) (Level, error) {
	if len(rows) == 0 || len(rows) > MaxSide {
		return Level{}, fmt.Errorf("%w: 1-%d rows", ErrInvalidMap, MaxSide)
	}
	cols := len(strings.Fields(rows[0]))
	if cols == 0 || cols > MaxSide {
		return Level{}, fmt.Errorf("%w: 1-%d columns", ErrInvalidMap, MaxSide)
	}
	l := Level{Number: number, Rows: len(rows), Cols: cols, Cells: make([]Cell, len(rows)*cols)}
	for r, row := range rows {
		toks := strings.Fields(row)
		if len(toks) != cols {
			return Level{}, fmt.Errorf("%w: row %d has %d cells, want %d", ErrInvalidMap, r, len(toks), cols)
		}
		y := len(rows) - 1 - r
		for x, tok := range toks {
			code, id, _ := strings.Cut(tok, ":")
			var c Cell
			switch code {
			case "W":
				c.Kind = Wall
			case "C":
				c.Kind = Corridor
			case "S":
				c = Cell{Kind: Slot, Status: Available}
			case "A":
				c = Cell{Kind: Slot, Status: Allocated}
			case "O":
				c = Cell{Kind: Slot, Status: Occupied}
			case "E":
				c.Kind = CarEntrance
			case "B":
				c.Kind = BuildingEntrance
			case "X":
				c.Kind = Exit
			case "R":
				c.Kind = Ramp
			default:
				return Level{}, fmt.Errorf("%w: unknown token %q", ErrInvalidMap, tok)
			}
			c.ID = id
			l.Cells[y*cols+x] = c
		}
	}
	return l, nil
}
