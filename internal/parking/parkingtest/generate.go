package parkingtest

import (
	"fmt"

	"github.com/autospot/autospot/internal/parking"
)

// GenerateMap returns a valid map of the given number of levels, each
// rows×cols (at least 6×6): a wall border; horizontal aisles every third
// row from y=1 and along the top row inside the border, joined by
// vertical aisles at x=1 and x=cols-2; slots in the rows between aisles;
// car entrance "E1" at (0,1) on the first level; on every level an exit
// "X<l>" at (cols-1,1), a building entrance "BE<l>" at (cols/2, rows-1)
// and, below the top level, a two-way ramp "R<l>" at (0,rows-2) leading
// to (1,rows-2) on the next level. Slot ids are "<l>-<n>". Each slot is
// occupied with probability occupiedPct/100, from a fixed pseudo-random
// sequence (seed), so the same arguments give the same map.
func GenerateMap(levels, rows, cols, occupiedPct int, seed uint64) (*parking.Map, error) {
	if levels < 1 || rows < 6 || cols < 6 {
		return nil, fmt.Errorf("parkingtest: need at least 1 level of 6×6")
	}
	m := &parking.Map{ID: "generated", FacilityID: "bench", Building: fmt.Sprintf("Generated %dx%dx%d", rows, cols, levels)}
	rnd := seed | 1
	next := func() uint64 { // xorshift64
		rnd ^= rnd << 13
		rnd ^= rnd >> 7
		rnd ^= rnd << 17
		return rnd
	}
	for li := 1; li <= levels; li++ {
		l := parking.Level{Number: li, Rows: rows, Cols: cols, Cells: make([]parking.Cell, rows*cols)}
		set := func(x, y int, c parking.Cell) { l.Cells[y*cols+x] = c }
		n := 0
		for y := 0; y < rows; y++ {
			for x := 0; x < cols; x++ {
				c := parking.Cell{Kind: parking.Wall}
				inside := x > 0 && y > 0 && x < cols-1 && y < rows-1
				switch {
				case !inside:
				case x == 1 || x == cols-2 || (y-1)%3 == 0 || y == rows-2:
					c.Kind = parking.Corridor
				default:
					n++
					c = parking.Cell{Kind: parking.Slot, ID: fmt.Sprintf("%d-%d", li, n), Status: parking.Available}
					if int(next()%100) < occupiedPct {
						c.Status = parking.Occupied
					}
				}
				set(x, y, c)
			}
		}
		if li == 1 {
			set(0, 1, parking.Cell{Kind: parking.CarEntrance, ID: "E1"})
		}
		set(cols-1, 1, parking.Cell{Kind: parking.Exit, ID: fmt.Sprintf("X%d", li)})
		set(cols/2, rows-1, parking.Cell{Kind: parking.BuildingEntrance, ID: fmt.Sprintf("BE%d", li)})
		if li < levels {
			set(0, rows-2, parking.Cell{Kind: parking.Ramp, ID: fmt.Sprintf("R%d", li),
				Ramp: &parking.RampLink{ToLevel: li + 1, ToX: 1, ToY: rows - 2, Direction: parking.RampBoth}})
		}
		m.Levels = append(m.Levels, l)
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return m, nil
}

// NamedMap is a map with a name, for benchmarks.
type NamedMap struct {
	Name  string
	Map   *parking.Map
	Start string // the feature id the nearest-slot benchmark starts from
}

// BenchmarkMaps returns the maps of the pathfinding benchmarks, the same
// on every call: the original's example ("example"), a 20×20 grid with 5
// levels and 70 % of slots occupied ("grid20x20x5"), and the same grid
// with every level-1 slot occupied, so that the search must fall back
// through a ramp ("grid20x20x5_fallback"). All start from "E1".
func BenchmarkMaps() ([]NamedMap, error) {
	grid, err := GenerateMap(5, 20, 20, 70, 42)
	if err != nil {
		return nil, err
	}
	full := grid.Clone()
	l1 := &full.Levels[0]
	for i := range l1.Cells {
		if l1.Cells[i].Kind == parking.Slot {
			l1.Cells[i].Status = parking.Occupied
		}
	}
	return []NamedMap{
		{"example", parking.ExampleMap(), "E1"},
		{"grid20x20x5", grid, "E1"},
		{"grid20x20x5_fallback", full, "E1"},
	}, nil
}
