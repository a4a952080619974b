package parkingapi

import (
	"testing"

	"github.com/autospot/autospot/internal/parking/parkingtest"
	"github.com/autospot/autospot/internal/parking/route"
)

// BenchmarkGraph compares answering from the per-version graph cache with
// building the graph for every request (what an uncached server would
// do), on the example map and a generated 20×20×5 map.
func BenchmarkGraph(b *testing.B) {
	maps, err := parkingtest.BenchmarkMaps()
	if err != nil {
		b.Fatal(err)
	}
	for _, nm := range maps {
		m := nm.Map
		m.Version = 1
		b.Run(nm.Name+"/cached", func(b *testing.B) {
			c := route.NewCache(4)
			for b.Loop() {
				if _, err := c.Get(m); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(nm.Name+"/build", func(b *testing.B) {
			for b.Loop() {
				if _, err := route.Build(m); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
