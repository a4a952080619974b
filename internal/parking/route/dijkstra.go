package route

import (
	"container/heap"
	"fmt"
	"math"

	"github.com/autospot/autospot/internal/parking"
)

// A search state is a node plus the shape of the step that reached it,
// which decides the turn penalty of the next step: class 0 is the start
// (no previous step); otherwise class-1 has bit 0 set when the step kept
// x and bit 1 when it kept y.
const classes = 5

func stepClass(dx, dy int) int32 {
	c := int32(0)
	if dx == 0 {
		c |= 1
	}
	if dy == 0 {
		c |= 2
	}
	return c + 1
}

// penalty is the turn penalty of a step (dx, dy) after a step of class c:
// none when the three cells all share x or all share y.
func penalty(c int32, dx, dy int) int64 {
	if c == 0 {
		return 0
	}
	b := c - 1
	if b&1 != 0 && dx == 0 || b&2 != 0 && dy == 0 {
		return 0
	}
	return turnPenalty
}

type item struct {
	d int64
	s int32
}

type pq []item

func (q pq) Len() int           { return len(q) }
func (q pq) Less(i, j int) bool { return q[i].d < q[j].d }
func (q pq) Swap(i, j int)      { q[i], q[j] = q[j], q[i] }
func (q *pq) Push(x any)        { *q = append(*q, x.(item)) }
func (q *pq) Pop() any          { o := *q; it := o[len(o)-1]; *q = o[:len(o)-1]; return it }
func (q *pq) reset()            { *q = (*q)[:0] }

// scratch holds one query's arrays, indexed by state and preallocated per
// graph; gen stamps make resetting them O(1).
type scratch struct {
	dist  []int64
	par   []int32
	stamp []uint32 // dist/par valid when stamp == gen
	done  []uint32 // settled when done == gen
	gen   uint32
	q     pq
}

func newScratch(nodes int) *scratch {
	n := nodes * classes
	return &scratch{
		dist: make([]int64, n), par: make([]int32, n),
		stamp: make([]uint32, n), done: make([]uint32, n),
		q: make(pq, 0, 64),
	}
}

func (s *scratch) begin() {
	s.gen++
	if s.gen == 0 { // wrapped: clear stamps once every 2^32 queries
		clear(s.stamp)
		clear(s.done)
		s.gen = 1
	}
	s.q.reset()
}

func (s *scratch) get(st int32) (int64, bool) {
	if s.stamp[st] != s.gen {
		return math.MaxInt64, false
	}
	return s.dist[st], true
}

func (s *scratch) relax(st int32, d int64, par int32) {
	if s.stamp[st] == s.gen && s.dist[st] <= d {
		return
	}
	s.stamp[st], s.dist[st], s.par[st] = s.gen, d, par
	// Append and sift up via heap.Fix rather than heap.Push, which would
	// box the item in an interface (one allocation per push).
	s.q = append(s.q, item{d, st})
	heap.Fix(&s.q, len(s.q)-1)
}

// pop removes the cheapest item without boxing it (see relax).
func (s *scratch) pop() item {
	n := len(s.q) - 1
	s.q.Swap(0, n)
	it := s.q[n]
	s.q = s.q[:n]
	if n > 0 {
		heap.Fix(&s.q, 0)
	}
	return it
}

// seed is a search start: a node, the class of the step that reached it,
// and the cost so far.
type seed struct {
	node  int32
	class int32
	d     int64
}

// search runs Dijkstra from seeds. The node src (or -1) is the only
// terminal node (slot, entrance, exit) that may be expanded. visit is
// called once per settled state in order of cost; returning true stops the
// search. The caller must put s back into the pool.
func (g *Graph) search(s *scratch, seeds []seed, src int32, visit func(node int32, class int32, d int64) bool) {
	s.begin()
	for _, sd := range seeds {
		s.relax(sd.node*classes+sd.class, sd.d, -1)
	}
	for s.q.Len() > 0 {
		it := s.pop()
		st := it.s
		if s.done[st] == s.gen || it.d != s.dist[st] {
			continue
		}
		s.done[st] = s.gen
		u, c := st/classes, st%classes
		if visit != nil && visit(u, c, it.d) {
			return
		}
		if u != src && g.terminal(u) {
			continue
		}
		ux, uy := int(g.xs[u]), int(g.ys[u])
		for e := g.off[u]; e < g.off[u+1]; e++ {
			v := g.adj[e]
			dx, dy := int(g.xs[v])-ux, int(g.ys[v])-uy
			g2 := it.d + int64(g.w[e]) + penalty(c, dx, dy)
			s.relax(v*classes+stepClass(dx, dy), g2, st)
		}
	}
}

func (g *Graph) terminal(v int32) bool {
	switch g.kinds[v] {
	case parking.Corridor, parking.Ramp:
		return false
	}
	return true
}

// trace returns the nodes from a seed to state st.
func (g *Graph) trace(s *scratch, st int32) []Point {
	var rev []Point
	for ; st >= 0; st = s.par[st] {
		rev = append(rev, g.point(st/classes))
	}
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	return rev
}

func errNotFoundf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrNotFound, fmt.Sprintf(format, args...))
}
