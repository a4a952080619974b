package route

import (
	"testing"

	"github.com/autospot/autospot/internal/parking"
)

// TestCachePerVersion: one build per map version; a new version
// rebuilds; an older version never replaces a newer cached graph; the
// cache is bounded.
func TestCachePerVersion(t *testing.T) {
	c := NewCache(2)
	m := parking.ExampleMap()
	m.Version = 1
	g1, err := c.Get(m)
	if err != nil {
		t.Fatal(err)
	}
	g2, _ := c.Get(m.Clone())
	if g1 != g2 || c.builds != 1 {
		t.Fatalf("same version rebuilt (%d builds)", c.builds)
	}
	m2 := m.Clone()
	m2.Version = 2
	g3, _ := c.Get(m2)
	if g3 == g1 || g3.Version() != 2 || c.builds != 2 {
		t.Fatalf("new version not rebuilt")
	}
	if g, _ := c.Get(m); g.Version() != 1 || c.graphs[m.ID].Version() != 2 {
		t.Fatal("an older version replaced the cached newer graph")
	}
	for _, id := range []string{"a", "b", "c"} {
		o := m.Clone()
		o.ID = id
		if _, err := c.Get(o); err != nil {
			t.Fatal(err)
		}
	}
	if len(c.graphs) > 2 {
		t.Fatalf("cache holds %d graphs, bound 2", len(c.graphs))
	}
	bad := m.Clone()
	bad.Levels[0].Cells[1].Ramp = nil
	bad.Version = 9
	if _, err := c.Get(bad); err == nil {
		t.Fatal("an invalid map was routed")
	}
}
