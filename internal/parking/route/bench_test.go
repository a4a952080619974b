package route_test

import (
	"testing"

	"github.com/autospot/autospot/internal/parking/parkingtest"
	"github.com/autospot/autospot/internal/parking/route"
)

// BenchmarkNearestSlot times one nearest-available-slot query on a
// prebuilt graph. bench/pathfinding/run.sh runs it next to the original
// Python algorithm on the same maps.
func BenchmarkNearestSlot(b *testing.B) {
	maps, err := parkingtest.BenchmarkMaps()
	if err != nil {
		b.Fatal(err)
	}
	for _, nm := range maps {
		g, err := route.Build(nm.Map)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(nm.Name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := g.NearestSlot(nm.Start); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkBuild times building the graph of a map version (done once per
// version, not per query).
func BenchmarkBuild(b *testing.B) {
	maps, err := parkingtest.BenchmarkMaps()
	if err != nil {
		b.Fatal(err)
	}
	for _, nm := range maps {
		b.Run(nm.Name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := route.Build(nm.Map); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkShortestPath times a corner-to-corner route across all levels.
func BenchmarkShortestPath(b *testing.B) {
	maps, err := parkingtest.BenchmarkMaps()
	if err != nil {
		b.Fatal(err)
	}
	g, err := route.Build(maps[1].Map)
	if err != nil {
		b.Fatal(err)
	}
	from, to := route.Point{Level: 1, X: 0, Y: 1}, route.Point{Level: 5, X: 19, Y: 1}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := g.ShortestPath(from, to); err != nil {
			b.Fatal(err)
		}
	}
}
