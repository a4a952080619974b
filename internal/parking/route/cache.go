package route

import (
	"sync"

	"github.com/autospot/autospot/internal/parking"
)

// Cache keeps the [Graph] of the latest version seen of each map, so
// routing a map that has not changed never rebuilds its graph. It holds
// at most max maps (one is evicted at random when full) and never lets an
// older version replace a newer cached graph. Create it with [NewCache];
// it is safe for concurrent use.
type Cache struct {
	mu     sync.Mutex
	max    int
	graphs map[string]*Graph // map id → graph of its latest seen version
	builds int               // graphs built, for tests
}

// NewCache returns a cache of at most max graphs (at least one).
func NewCache(max int) *Cache {
	return &Cache{max: max, graphs: make(map[string]*Graph)}
}

// Drop forgets the graph of map id.
func (c *Cache) Drop(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.graphs, id)
}

// Peek returns the cached graph of map id at version v, or nil.
func (c *Cache) Peek(id string, v int64) *Graph {
	c.mu.Lock()
	defer c.mu.Unlock()
	if g, ok := c.graphs[id]; ok && g.Version() == v {
		return g
	}
	return nil
}

// Get returns the graph of m at its version, building it on a miss. Two
// requests missing at once may both build; one result is kept.
func (c *Cache) Get(m *parking.Map) (*Graph, error) {
	c.mu.Lock()
	g, ok := c.graphs[m.ID]
	c.mu.Unlock()
	if ok && g.Version() == m.Version {
		return g, nil
	}
	g, err := Build(m)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.builds++
	if old, ok := c.graphs[m.ID]; ok && old.Version() > g.Version() {
		return g, nil // a newer version is cached already
	}
	if _, ok := c.graphs[m.ID]; !ok && len(c.graphs) >= max(c.max, 1) {
		for k := range c.graphs { // evict one (map iteration order is random)
			delete(c.graphs, k)
			break
		}
	}
	c.graphs[m.ID] = g
	return g, nil
}
