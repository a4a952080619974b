package parkingapi

import (
	"sync"

	"github.com/autospot/autospot/internal/parking"
	"github.com/autospot/autospot/internal/parking/route"
)

// graphCache keeps the routing graph of the latest version seen of each
// map, so routing a map that has not changed never rebuilds its graph.
// It is safe for concurrent use.
type graphCache struct {
	mu     sync.Mutex
	max    int
	graphs map[string]*route.Graph
	builds int // graphs built, for tests
}

func newGraphCache(max int) *graphCache {
	return &graphCache{max: max, graphs: make(map[string]*route.Graph)}
}

// drop forgets the graph of map id.
func (c *graphCache) drop(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.graphs, id)
}

// peek returns the cached graph of map id at version v, or nil.
func (c *graphCache) peek(id string, v int64) *route.Graph {
	c.mu.Lock()
	defer c.mu.Unlock()
	if g, ok := c.graphs[id]; ok && g.Version() == v {
		return g
	}
	return nil
}

// get returns the graph of m at its version, building it on a miss. Two
// requests missing at once may both build; one result is kept.
func (c *graphCache) get(m *parking.Map) (*route.Graph, error) {
	c.mu.Lock()
	g, ok := c.graphs[m.ID]
	c.mu.Unlock()
	if ok && g.Version() == m.Version {
		return g, nil
	}
	g, err := route.Build(m)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.builds++
	if old, ok := c.graphs[m.ID]; ok && old.Version() > g.Version() {
		return g, nil // a newer version is cached already
	}
	if _, ok := c.graphs[m.ID]; !ok && len(c.graphs) >= c.max {
		for k := range c.graphs { // evict one (map iteration order is random)
			delete(c.graphs, k)
			break
		}
	}
	c.graphs[m.ID] = g
	return g, nil
}
