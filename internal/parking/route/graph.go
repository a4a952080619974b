package route

import (
	"math"
	"sync"

	"github.com/autospot/autospot/internal/parking"
)

// Costs, in thousandths of a cell (distances are exact integers; a
// [Route] reports them as float64 cells).
const (
	stepCost     = 1000 // one 4-adjacent step
	rampCost     = 2000 // crossing a ramp between levels
	turnPenalty  = 100  // a change of direction
	unitsPerCell = 1000
)

type levelInfo struct {
	number, rows, cols int
	offset             int32
}

// Graph is the routing graph of one version of a map. Build it once per
// map version with [Build]; it is immutable and safe for concurrent use.
type Graph struct {
	mapID, building string
	version         int64
	levels          []levelInfo
	kinds           []parking.Kind
	avail           []bool   // available slot
	availPerLevel   []int    // number of available slots per level index
	ids             []string // feature id per node
	xs, ys          []int16
	lvl             []int16 // index into levels
	byID            map[string]int32
	off             []int32 // CSR: out-edges of n are adj[off[n]:off[n+1]]
	adj             []int32
	w               []int32
	pool            sync.Pool
}

type edge struct{ from, to, w int32 }

// Build validates m and builds its routing graph:
//   - two corridor cells 4-adjacent are joined (cost 1) in each direction
//     their [parking.Direction]s allow;
//   - every feature (slot, car or building entrance, exit, ramp) is joined
//     to each 4-adjacent corridor cell (cost 1); a feature other than a
//     slot with no adjacent corridor is joined to the nearest corridor
//     cell of its level instead (Euclidean cost; ties prefer the same
//     row);
//   - a ramp is joined to its target cell with cost 2, both ways or only
//     up (ramp → target) or down (target → ramp);
//   - slots, entrances and exits are never driven through: a route leaves
//     one only when it is the start of the query (so [Graph.NearestExit]
//     starts from the slot, and [Graph.NearestSlot] may start at an exit).
//
// Queries add a turn penalty of 0.1 when three consecutive cells share
// neither x nor y.
func Build(m *parking.Map) (*Graph, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	g := &Graph{mapID: m.ID, building: m.Building, version: m.Version, byID: make(map[string]int32)}
	n := 0
	for _, l := range m.Levels {
		g.levels = append(g.levels, levelInfo{number: l.Number, rows: l.Rows, cols: l.Cols, offset: int32(n)})
		n += l.Rows * l.Cols
	}
	g.kinds = make([]parking.Kind, n)
	g.avail = make([]bool, n)
	g.availPerLevel = make([]int, len(m.Levels))
	g.ids = make([]string, n)
	g.xs, g.ys, g.lvl = make([]int16, n), make([]int16, n), make([]int16, n)
	var edges []edge
	add := func(a, b int32, w int32) { edges = append(edges, edge{a, b, w}) }
	for li := range m.Levels {
		l := &m.Levels[li]
		base := g.levels[li].offset
		for i, c := range l.Cells {
			v := base + int32(i)
			g.kinds[v] = c.Kind
			g.xs[v], g.ys[v], g.lvl[v] = int16(i%l.Cols), int16(i/l.Cols), int16(li)
			if c.Kind.IsFeature() {
				g.ids[v] = c.ID
				g.byID[c.ID] = v
			}
			g.avail[v] = c.Kind == parking.Slot && c.Status == parking.Available
			if g.avail[v] {
				g.availPerLevel[li]++
			}
		}
	}
	dirs := [4][2]int{{0, 1}, {1, 0}, {0, -1}, {-1, 0}}
	for li := range m.Levels {
		l := &m.Levels[li]
		base := g.levels[li].offset
		for i, c := range l.Cells {
			x, y := i%l.Cols, i/l.Cols
			v := base + int32(i)
			if c.Kind == parking.Wall {
				continue
			}
			linked := false
			for _, d := range dirs {
				nx, ny := x+d[0], y+d[1]
				nc, ok := l.Cell(nx, ny)
				if !ok || nc.Kind != parking.Corridor {
					continue
				}
				u := base + int32(ny*l.Cols+nx)
				switch c.Kind {
				case parking.Corridor:
					if corridorAllows(c.Direction, nc.Direction, d[0], d[1]) {
						add(v, u, stepCost)
					}
				default:
					// Both ways; out of a terminal cell (slot, entrance,
					// exit) is used only when it is the start of a query.
					add(u, v, stepCost)
					add(v, u, stepCost)
				}
				linked = true
			}
			if !linked && c.Kind != parking.Corridor && c.Kind != parking.Slot {
				if u, w, ok := nearestCorridor(l, base, x, y); ok {
					add(u, v, w)
					add(v, u, w)
				}
			}
			if c.Kind == parking.Ramp {
				r := c.Ramp
				tl, _ := m.Level(r.ToLevel)
				t := g.levelOffset(r.ToLevel) + int32(r.ToY*tl.Cols+r.ToX)
				if r.Direction != parking.RampDown {
					add(v, t, rampCost)
				}
				if r.Direction != parking.RampUp {
					add(t, v, rampCost)
				}
			}
		}
	}
	// CSR by counting sort on the source node (stable).
	g.off = make([]int32, n+1)
	for _, e := range edges {
		g.off[e.from+1]++
	}
	for i := 0; i < n; i++ {
		g.off[i+1] += g.off[i]
	}
	g.adj = make([]int32, len(edges))
	g.w = make([]int32, len(edges))
	fill := append([]int32(nil), g.off[:n]...)
	for _, e := range edges {
		g.adj[fill[e.from]], g.w[fill[e.from]] = e.to, e.w
		fill[e.from]++
	}
	g.pool.New = func() any { return newScratch(n) }
	return g, nil
}

func (g *Graph) levelOffset(number int) int32 {
	for _, l := range g.levels {
		if l.number == number {
			return l.offset
		}
	}
	return -1
}

// corridorAllows reports whether a car may step (dx, dy) from a corridor
// cell with direction from into one with direction to.
func corridorAllows(from, to parking.Direction, dx, dy int) bool {
	if fx, fy := from.Step(); (fx != 0 || fy != 0) && (fx != dx || fy != dy) {
		return false
	}
	if tx, ty := to.Step(); (tx != 0 || ty != 0) && tx == -dx && ty == -dy {
		return false
	}
	return true
}

// nearestCorridor finds the corridor cell of l nearest (x, y): least
// Euclidean distance, then the same row, then the first bottom-up.
func nearestCorridor(l *parking.Level, base int32, x, y int) (node int32, w int32, ok bool) {
	best, bestSameRow := math.MaxInt, false
	for i, c := range l.Cells {
		if c.Kind != parking.Corridor {
			continue
		}
		cx, cy := i%l.Cols, i/l.Cols
		d2 := (cx-x)*(cx-x) + (cy-y)*(cy-y)
		if d2 < best || d2 == best && !bestSameRow && cy == y {
			best, bestSameRow, node, ok = d2, cy == y, base+int32(i), true
		}
	}
	if !ok {
		return 0, 0, false
	}
	return node, int32(math.Round(math.Sqrt(float64(best)) * unitsPerCell)), true
}

// MapID returns the id of the map the graph was built from.
func (g *Graph) MapID() string { return g.mapID }

// Building returns the map's building name.
func (g *Graph) Building() string { return g.building }

// Version returns the map version the graph was built from.
func (g *Graph) Version() int64 { return g.version }

// Nodes returns the number of cells in the graph.
func (g *Graph) Nodes() int { return len(g.kinds) }

func (g *Graph) point(v int32) Point {
	return Point{Level: g.levels[g.lvl[v]].number, X: int(g.xs[v]), Y: int(g.ys[v])}
}

// node returns the node of p, or ErrNotFound.
func (g *Graph) node(p Point) (int32, error) {
	for _, l := range g.levels {
		if l.number == p.Level {
			if p.X < 0 || p.Y < 0 || p.X >= l.cols || p.Y >= l.rows {
				return 0, errNotFoundf("point %v is outside level %d (%d×%d)", p, p.Level, l.cols, l.rows)
			}
			return l.offset + int32(p.Y*l.cols+p.X), nil
		}
	}
	return 0, errNotFoundf("no level %d", p.Level)
}
