package route

import (
	"fmt"
	"math"

	"github.com/autospot/autospot/internal/parking"
)

// Route is a drivable path and its length in cells, turn penalties
// included.
type Route struct {
	Points   []Point `json:"path"`
	Distance float64 `json:"distance"`
}

func mkRoute(pts []Point, units int64) Route {
	return Route{Points: pts, Distance: float64(units) / unitsPerCell}
}

// endpoint is how a query point joins the graph: the cell itself when it
// has edges, else the 4-adjacent corridor cells, else the nearest
// corridor cell of its level.
type endpoint struct {
	pt    Point
	node  int32
	links []int32 // ad hoc: the corridor nodes it joins
	cost  []int64
	adhoc bool
}

func (g *Graph) endpoint(p Point) (endpoint, error) {
	v, err := g.node(p)
	if err != nil {
		return endpoint{}, err
	}
	ep := endpoint{pt: p, node: v}
	if g.kinds[v] != parking.Wall {
		return ep, nil
	}
	ep.adhoc = true
	li := g.lvl[v]
	lv := g.levels[li]
	for _, d := range [4][2]int{{0, 1}, {1, 0}, {0, -1}, {-1, 0}} {
		x, y := p.X+d[0], p.Y+d[1]
		if x < 0 || y < 0 || x >= lv.cols || y >= lv.rows {
			continue
		}
		if u := lv.offset + int32(y*lv.cols+x); g.kinds[u] == parking.Corridor {
			ep.links = append(ep.links, u)
			ep.cost = append(ep.cost, stepCost)
		}
	}
	if len(ep.links) == 0 {
		best := math.MaxInt
		var bn int32 = -1
		for u := lv.offset; u < lv.offset+int32(lv.rows*lv.cols); u++ {
			if g.kinds[u] != parking.Corridor {
				continue
			}
			dx, dy := int(g.xs[u])-p.X, int(g.ys[u])-p.Y
			if d2 := dx*dx + dy*dy; d2 < best {
				best, bn = d2, u
			}
		}
		if bn >= 0 {
			ep.links = []int32{bn}
			ep.cost = []int64{int64(math.Round(math.Sqrt(float64(best)) * unitsPerCell))}
		}
	}
	return ep, nil
}

func (g *Graph) seeds(ep endpoint) []seed {
	if !ep.adhoc {
		return []seed{{node: ep.node}}
	}
	out := make([]seed, len(ep.links))
	for i, u := range ep.links {
		out[i] = seed{node: u, class: stepClass(int(g.xs[u])-ep.pt.X, int(g.ys[u])-ep.pt.Y), d: ep.cost[i]}
	}
	return out
}

// ShortestPath returns the shortest drivable route from one cell to
// another. A wall cell is joined ad hoc to its 4-adjacent corridor cells
// (or the nearest corridor cell of its level). Errors: [ErrNotFound] for a
// point not in the map, [ErrNoPath] when nothing joins them.
func (g *Graph) ShortestPath(from, to Point) (Route, error) {
	src, err := g.endpoint(from)
	if err != nil {
		return Route{}, err
	}
	dst, err := g.endpoint(to)
	if err != nil {
		return Route{}, err
	}
	if from == to {
		return Route{Points: []Point{from}}, nil
	}
	s := g.pool.Get().(*scratch)
	defer g.pool.Put(s)
	srcNode := int32(-1)
	if !src.adhoc {
		srcNode = src.node
	}
	best, bestSt := int64(math.MaxInt64), int32(-1)
	g.search(s, g.seeds(src), srcNode, func(u, c int32, d int64) bool {
		if d >= best {
			return true
		}
		if !dst.adhoc {
			if u == dst.node {
				best, bestSt = d, u*classes+c
				return true
			}
			return false
		}
		for i, l := range dst.links {
			if l == u {
				dd := d + dst.cost[i] + penalty(c, dst.pt.X-int(g.xs[u]), dst.pt.Y-int(g.ys[u]))
				if dd < best {
					best, bestSt = dd, u*classes+c
				}
			}
		}
		return false
	})
	if bestSt < 0 {
		return Route{}, fmt.Errorf("%w: from %v to %v", ErrNoPath, from, to)
	}
	pts := g.trace(s, bestSt)
	if src.adhoc {
		pts = append([]Point{from}, pts...)
	}
	if dst.adhoc {
		pts = append(pts, to)
	}
	return mkRoute(pts, best), nil
}

// feature returns the node of a feature id, checking its kind.
func (g *Graph) feature(id string, kinds ...parking.Kind) (int32, error) {
	v, ok := g.byID[id]
	if !ok {
		return 0, errNotFoundf("no point %q in %s", id, g.building)
	}
	for _, k := range kinds {
		if g.kinds[v] == k {
			return v, nil
		}
	}
	return 0, fmt.Errorf("%w: %q is a %s, want one of %v", ErrWrongKind, id, g.kinds[v], kinds)
}

// SlotRoute is the route to a chosen slot.
type SlotRoute struct {
	From  Point           `json:"source_point"`
	Slot  parking.SlotRef `json:"nearest_slot"`
	Route Route           `json:"route"`
	// RampUsed is the id of the first ramp the route takes to another
	// level, "" when it stays on the start's level.
	RampUsed string `json:"ramp_used,omitempty"`
}

func (g *Graph) slotRef(v int32) parking.SlotRef {
	return parking.SlotRef{Building: g.building, Level: g.levels[g.lvl[v]].number, ID: g.ids[v]}
}

func (g *Graph) rampUsed(pts []Point) string {
	for i := 1; i < len(pts); i++ {
		if pts[i].Level != pts[i-1].Level {
			if v, err := g.node(pts[i-1]); err == nil && g.kinds[v] == parking.Ramp {
				return g.ids[v]
			}
			if v, err := g.node(pts[i]); err == nil && g.kinds[v] == parking.Ramp {
				return g.ids[v]
			}
		}
	}
	return ""
}

var startKinds = []parking.Kind{parking.CarEntrance, parking.BuildingEntrance, parking.Exit, parking.Ramp}

// NearestSlot routes from an entrance, exit or ramp (by id) to the
// available slot with the shortest route on the same level; when that
// level has none reachable, to the nearest available slot on any other
// level through ramps. Errors: [ErrNotFound], [ErrWrongKind] (a slot id),
// [ErrNoSlot].
//
// Availability is the slot status the graph was built with; use
// [Graph.NearestSlotWhere] for live availability.
func (g *Graph) NearestSlot(fromID string) (SlotRoute, error) {
	return g.nearestSlot(fromID, nil)
}

// NearestSlotWhere is [Graph.NearestSlot] with availability decided at
// query time: a slot is a candidate when free reports true for it
// (its build-time status is ignored), so one graph serves every status
// change (live claims, operator overrides). free is called at most once
// per slot per query and must be safe for concurrent use if the graph is
// queried concurrently. A nil free is [Graph.NearestSlot].
func (g *Graph) NearestSlotWhere(fromID string, free func(parking.SlotRef) bool) (SlotRoute, error) {
	if free == nil {
		return g.nearestSlot(fromID, nil)
	}
	avail := make(map[int32]bool)
	perLevel := make([]int, len(g.levels))
	for _, v := range g.byID {
		if g.kinds[v] == parking.Slot && free(g.slotRef(v)) {
			avail[v] = true
			perLevel[g.lvl[v]]++
		}
	}
	return g.nearestSlot(fromID, &liveAvail{slots: avail, perLevel: perLevel})
}

type liveAvail struct {
	slots    map[int32]bool
	perLevel []int
}

func (g *Graph) nearestSlot(fromID string, live *liveAvail) (SlotRoute, error) {
	v, err := g.feature(fromID, startKinds...)
	if err != nil {
		return SlotRoute{}, err
	}
	isAvail := func(u int32) bool { return g.avail[u] }
	levelCount := g.availPerLevel
	if live != nil {
		isAvail = func(u int32) bool { return live.slots[u] }
		levelCount = live.perLevel
	}
	s := g.pool.Get().(*scratch)
	defer g.pool.Put(s)
	same, other := int32(-1), int32(-1)
	lv := g.lvl[v]
	sameLevelPossible := levelCount[lv] > 0
	g.search(s, []seed{{node: v}}, v, func(u, c int32, d int64) bool {
		if !isAvail(u) {
			return false
		}
		if g.lvl[u] == lv {
			same = u*classes + c
			return true
		}
		if other < 0 {
			other = u*classes + c
		}
		// With no available slot on the start's level, the first one
		// found elsewhere is the answer.
		return !sameLevelPossible
	})
	st := same
	if st < 0 {
		st = other
	}
	if st < 0 {
		return SlotRoute{}, fmt.Errorf("%w: from %s", ErrNoSlot, fromID)
	}
	pts := g.trace(s, st)
	return SlotRoute{From: g.point(v), Slot: g.slotRef(st / classes), Route: mkRoute(pts, s.dist[st]), RampUsed: g.rampUsed(pts)}, nil
}

// Trip is a route from an entrance to the slot nearest a target, and on
// from the slot to the target.
type Trip struct {
	Slot     parking.SlotRef `json:"slot"`
	ToSlot   Route           `json:"route_from_entrance_to_slot"`
	ToTarget Route           `json:"route_from_slot_to_target"`
	RampUsed string          `json:"ramp_used,omitempty"`
}

// RouteToNearestSlot picks the available slot nearest the target (by
// route from the target; slots on the target's level first, then other
// levels) among those reachable from the entrance, and returns both legs.
// Errors: [ErrNotFound], [ErrWrongKind], [ErrNoSlot].
func (g *Graph) RouteToNearestSlot(entranceID, targetID string) (Trip, error) {
	e, err := g.feature(entranceID, parking.CarEntrance, parking.BuildingEntrance, parking.Ramp)
	if err != nil {
		return Trip{}, err
	}
	t, err := g.feature(targetID, startKinds...)
	if err != nil {
		return Trip{}, err
	}
	s := g.pool.Get().(*scratch)
	var same, other []int32
	tl := g.lvl[t]
	seen := make(map[int32]bool)
	g.search(s, []seed{{node: t}}, t, func(u, c int32, d int64) bool {
		if g.avail[u] && !seen[u] {
			seen[u] = true
			if g.lvl[u] == tl {
				same = append(same, u)
			} else {
				other = append(other, u)
			}
		}
		return false
	})
	// Reachability from the entrance, over all states.
	g.search(s, []seed{{node: e}}, e, nil)
	for _, slot := range append(same, other...) {
		reached := false
		for c := int32(0); c < classes; c++ {
			if _, ok := s.get(slot*classes + c); ok {
				reached = true
			}
		}
		if !reached {
			continue
		}
		g.pool.Put(s)
		to, err := g.ShortestPath(g.point(e), g.point(slot))
		if err != nil {
			return Trip{}, err
		}
		back, err := g.ShortestPath(g.point(slot), g.point(t))
		if err != nil {
			return Trip{}, err
		}
		return Trip{Slot: g.slotRef(slot), ToSlot: to, ToTarget: back, RampUsed: g.rampUsed(to.Points)}, nil
	}
	g.pool.Put(s)
	return Trip{}, fmt.Errorf("%w: near %s from %s", ErrNoSlot, targetID, entranceID)
}

// ExitRoute is the route from a slot to its nearest exit.
type ExitRoute struct {
	Slot  parking.SlotRef `json:"slot"`
	Exit  string          `json:"nearest_exit"`
	Route Route           `json:"route"`
}

// NearestExit routes from a slot (by id) to the exit with the shortest
// route, on any level. Errors: [ErrNotFound], [ErrWrongKind] (not a slot),
// [ErrNoPath] (no exit reachable).
func (g *Graph) NearestExit(slotID string) (ExitRoute, error) {
	v, err := g.feature(slotID, parking.Slot)
	if err != nil {
		return ExitRoute{}, err
	}
	s := g.pool.Get().(*scratch)
	defer g.pool.Put(s)
	found := int32(-1)
	g.search(s, []seed{{node: v}}, v, func(u, c int32, d int64) bool {
		if g.kinds[u] == parking.Exit {
			found = u*classes + c
			return true
		}
		return false
	})
	if found < 0 {
		return ExitRoute{}, fmt.Errorf("%w: no exit reachable from slot %s", ErrNoPath, slotID)
	}
	return ExitRoute{Slot: g.slotRef(v), Exit: g.ids[found/classes], Route: mkRoute(g.trace(s, found), s.dist[found])}, nil
}

// Destination is a place a driver may head for.
type Destination struct {
	Kind  string `json:"kind"` // "building", "building_entrance" or "exit"
	ID    string `json:"id,omitempty"`
	Level int    `json:"level,omitempty"`
	Label string `json:"label"` // as the original: "Building Entrance (BE1)", "Exit (X1)"
}

// Destinations lists the building, then per level its building entrances
// and exits. With an entrance id it keeps that entrance's level and the
// levels a ramp joins to it (either way); "" lists every level. Errors:
// [ErrNotFound], [ErrWrongKind].
func (g *Graph) Destinations(entranceID string) ([]Destination, error) {
	keep := make(map[int16]bool)
	if entranceID != "" {
		e, err := g.feature(entranceID, parking.CarEntrance, parking.BuildingEntrance)
		if err != nil {
			return nil, err
		}
		el := g.lvl[e]
		keep[el] = true
		// Only ramp links join cells of different levels.
		for v := range g.kinds {
			for i := g.off[v]; i < g.off[v+1]; i++ {
				a, b := g.lvl[v], g.lvl[g.adj[i]]
				if a != b && (a == el || b == el) {
					keep[a], keep[b] = true, true
				}
			}
		}
	}
	out := []Destination{{Kind: "building", Label: g.building}}
	for li, l := range g.levels {
		if entranceID != "" && !keep[int16(li)] {
			continue
		}
		end := l.offset + int32(l.rows*l.cols)
		for _, k := range []parking.Kind{parking.BuildingEntrance, parking.Exit} {
			for v := l.offset; v < end; v++ {
				if g.kinds[v] != k {
					continue
				}
				d := Destination{ID: g.ids[v], Level: l.number}
				if k == parking.Exit {
					d.Kind, d.Label = "exit", "Exit ("+d.ID+")"
				} else {
					d.Kind, d.Label = "building_entrance", "Building Entrance ("+d.ID+")"
				}
				out = append(out, d)
			}
		}
	}
	return out, nil
}
