package parkingtest

import (
	"testing"

	"github.com/autospot/autospot/internal/parking"
)

func TestGenerateMap(t *testing.T) {
	a, err := GenerateMap(5, 20, 20, 70, 42)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := GenerateMap(5, 20, 20, 70, 42)
	if a.Levels[2].Sketch() != b.Levels[2].Sketch() {
		t.Fatal("same arguments, different maps")
	}
	slots, avail := 0, 0
	for _, f := range a.Features() {
		if f.Cell.Kind == parking.Slot {
			slots++
			if f.Cell.Status == parking.Available {
				avail++
			}
		}
	}
	if slots != 880 || avail == 0 || avail > slots/2 {
		t.Fatalf("%d slots, %d available", slots, avail)
	}
	if _, err := GenerateMap(1, 5, 20, 0, 1); err == nil {
		t.Fatal("accepted a 5-row grid")
	}
	maps, err := BenchmarkMaps()
	if err != nil || len(maps) != 3 {
		t.Fatalf("BenchmarkMaps: %d, %v", len(maps), err)
	}
}
