// Command export writes the pathfinding benchmark maps
// (parkingtest.BenchmarkMaps) in the original Python app's map format, for
// bench/pathfinding/nearest_slot.py, and prints Go's nearest-slot answer
// for each so the two implementations can be compared.
//
//	go run ./bench/pathfinding/export DIR
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/autospot/autospot/internal/parking"
	"github.com/autospot/autospot/internal/parking/parkingtest"
	"github.com/autospot/autospot/internal/parking/route"
)

type obj = map[string]any

// original converts a grid map into the original's list of level
// documents: corridors become two-point polylines between 4-adjacent
// corridor cells (direction "both"; the benchmark maps have no one-way
// cells), and feature cells become entrances, exits, slots and ramps.
func original(m *parking.Map) []obj {
	var out []obj
	for _, l := range m.Levels {
		ents, exits, slots, cors, ramps := []obj{}, []obj{}, []obj{}, []obj{}, []obj{}
		for i, c := range l.Cells {
			x, y := i%l.Cols, i/l.Cols
			switch c.Kind {
			case parking.Corridor:
				for _, d := range [][2]int{{1, 0}, {0, 1}} {
					if n, ok := l.Cell(x+d[0], y+d[1]); ok && n.Kind == parking.Corridor {
						cors = append(cors, obj{"corridor_id": fmt.Sprintf("C%d_%d_%d_%d", l.Number, x, y, d[0]), "level": l.Number,
							"points": [][2]int{{x, y}, {x + d[0], y + d[1]}}, "direction": "both"})
					}
				}
			case parking.Slot:
				slots = append(slots, obj{"slot_id": c.ID, "status": string(c.Status), "x": x, "y": y, "level": l.Number})
			case parking.CarEntrance:
				ents = append(ents, obj{"entrance_id": c.ID, "x": x, "y": y, "type": "car", "level": l.Number})
			case parking.BuildingEntrance:
				ents = append(ents, obj{"entrance_id": c.ID, "x": x, "y": y, "type": "building", "level": l.Number})
			case parking.Exit:
				exits = append(exits, obj{"exit_id": c.ID, "x": x, "y": y, "level": l.Number})
			case parking.Ramp:
				ramps = append(ramps, obj{"ramp_id": c.ID, "level": l.Number, "x": x, "y": y,
					"to_level": c.Ramp.ToLevel, "to_x": c.Ramp.ToX, "to_y": c.Ramp.ToY, "direction": "both"})
			}
		}
		out = append(out, obj{"building": m.Building, "level": l.Number, "size": obj{"rows": l.Rows, "cols": l.Cols},
			"entrances": ents, "exits": exits, "slots": slots, "corridors": cors, "walls": []obj{}, "ramps": ramps})
	}
	return out
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: export DIR")
		os.Exit(2)
	}
	dir := os.Args[1]
	maps, err := parkingtest.BenchmarkMaps()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for _, nm := range maps {
		doc := obj{"name": nm.Name, "start": nm.Start, "levels": original(nm.Map)}
		data, err := json.Marshal(doc)
		if err == nil {
			err = os.WriteFile(filepath.Join(dir, nm.Name+".json"), data, 0o600)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		g, err := route.Build(nm.Map)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		r, err := g.NearestSlot(nm.Start)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Printf("go-answer %s slot=%s level=%d distance=%.1f\n", nm.Name, r.Slot.ID, r.Slot.Level, r.Route.Distance)
	}
}
