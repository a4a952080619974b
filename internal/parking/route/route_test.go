package route

import (
	"errors"
	"fmt"
	"testing"

	"github.com/autospot/autospot/internal/parking"
)

func exampleGraph(t testing.TB) *Graph {
	t.Helper()
	g, err := Build(parking.ExampleMap())
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func pts(s ...[3]int) []Point {
	out := make([]Point, len(s))
	for i, p := range s {
		out[i] = Point{p[0], p[1], p[2]}
	}
	return out
}

func samePoints(a, b []Point) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// The reference values of the original on its example map (domain spec §4).
func TestExampleReferenceValues(t *testing.T) {
	g := exampleGraph(t)
	t.Run("E1 to 1A", func(t *testing.T) {
		r, err := g.ShortestPath(Point{1, 0, 3}, Point{1, 2, 2})
		if err != nil {
			t.Fatal(err)
		}
		want := pts([3]int{1, 0, 3}, [3]int{1, 1, 3}, [3]int{1, 1, 2}, [3]int{1, 2, 2})
		if r.Distance != 3.2 || !samePoints(r.Points, want) {
			t.Fatalf("got %v %v, want %v 3.2", r.Points, r.Distance, want)
		}
	})
	t.Run("nearest slot from E1", func(t *testing.T) {
		r, err := g.NearestSlot("E1")
		if err != nil {
			t.Fatal(err)
		}
		want := pts([3]int{1, 0, 3}, [3]int{1, 1, 3}, [3]int{1, 2, 3})
		if r.Slot.ID != "1B" || r.Route.Distance != 2.0 || !samePoints(r.Route.Points, want) || r.RampUsed != "" {
			t.Fatalf("got %+v", r)
		}
	})
	for _, tc := range []struct {
		slot string
		to   Point
		want float64
	}{{"1D", Point{1, 3, 3}, 5.3}, {"1C", Point{1, 3, 2}, 6.3}} {
		t.Run("E1 to "+tc.slot, func(t *testing.T) {
			r, err := g.ShortestPath(Point{1, 0, 3}, tc.to)
			if err != nil || r.Distance != tc.want {
				t.Fatalf("got %v, %v; want %v", r.Distance, err, tc.want)
			}
		})
	}
	t.Run("across the ramp", func(t *testing.T) {
		r, err := g.ShortestPath(Point{1, 0, 3}, Point{2, 2, 2})
		if err != nil || r.Distance != 8.2 {
			t.Fatalf("got %v %v, %v; want 8.2", r.Points, r.Distance, err)
		}
		if g.rampUsed(r.Points) == "" {
			t.Fatalf("path %v does not use a ramp", r.Points)
		}
	})
	for _, tc := range []struct {
		slot, exit string
		want       float64
	}{{"1A", "X1", 6.3}, {"2C", "X2", 3.2}} {
		t.Run("nearest exit to "+tc.slot, func(t *testing.T) {
			r, err := g.NearestExit(tc.slot)
			if err != nil || r.Exit != tc.exit || r.Route.Distance != tc.want {
				t.Fatalf("got %+v, %v; want %s at %v", r, err, tc.exit, tc.want)
			}
		})
	}
	t.Run("route E1 to BE2", func(t *testing.T) {
		tr, err := g.RouteToNearestSlot("E1", "BE2")
		if err != nil {
			t.Fatal(err)
		}
		if tr.Slot.ID != "2C" || tr.Slot.Level != 2 || tr.ToSlot.Distance != 9.3 || len(tr.ToSlot.Points) != 9 {
			t.Fatalf("got %+v", tr)
		}
		want := pts([3]int{2, 3, 2}, [3]int{2, 3, 1}, [3]int{2, 3, 0})
		if tr.ToTarget.Distance != 2.0 || !samePoints(tr.ToTarget.Points, want) || tr.RampUsed == "" {
			t.Fatalf("slot to BE2: %+v", tr.ToTarget)
		}
	})
	t.Run("destinations", func(t *testing.T) {
		ds, err := g.Destinations("E1")
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, d := range ds {
			got = append(got, d.Label)
		}
		want := "[Westfield Sydney1 Building Entrance (BE1) Exit (X1) Building Entrance (BE2) Exit (X2)]"
		if fmt.Sprint(got) != want {
			t.Fatalf("got %v, want %s", got, want)
		}
	})
}

func TestQueries(t *testing.T) {
	g := exampleGraph(t)
	t.Run("same point", func(t *testing.T) {
		r, err := g.ShortestPath(Point{1, 1, 1}, Point{1, 1, 1})
		if err != nil || r.Distance != 0 || len(r.Points) != 1 {
			t.Fatalf("got %+v, %v", r, err)
		}
	})
	t.Run("slots are not driven through", func(t *testing.T) {
		// (1,1,2) to (1,3,2): straight through 1A and 1C would be 2.
		r, err := g.ShortestPath(Point{1, 1, 2}, Point{1, 4, 2})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range r.Points {
			if p.Y == 2 && (p.X == 2 || p.X == 3) {
				t.Fatalf("route %v crosses a slot", r.Points)
			}
		}
	})
	t.Run("nearest slot from an exit", func(t *testing.T) {
		r, err := g.NearestSlot("X1")
		if err != nil || r.Slot.ID != "1D" || r.Route.Distance != 2 {
			t.Fatalf("got %+v, %v", r, err)
		}
	})
	t.Run("terminals are not driven through", func(t *testing.T) {
		// C ? C with nothing else: the middle cell joins the two halves only
		// if a route may pass through it.
		for _, mid := range []string{"X:X1", "E:E1", "B:B1", "S:S1", "C"} {
			l, err := parking.LevelFromText(1, "W W W", "C "+mid+" C", "W W W")
			if err != nil {
				t.Fatal(err)
			}
			g, err := Build(&parking.Map{FacilityID: "f", Building: "b", Levels: []parking.Level{l}})
			if err != nil {
				t.Fatal(err)
			}
			_, err = g.ShortestPath(Point{1, 0, 1}, Point{1, 2, 1})
			if through := err == nil; through != (mid == "C") {
				t.Errorf("%s: passable = %v", mid, through)
			}
		}
	})
	t.Run("ad hoc wall start", func(t *testing.T) {
		r, err := g.ShortestPath(Point{1, 0, 2}, Point{1, 1, 3})
		if err != nil || r.Points[0] != (Point{1, 0, 2}) || r.Distance != 2.1 {
			t.Fatalf("got %+v, %v", r, err)
		}
	})
	errCases := []struct {
		name string
		run  func() error
		want error
	}{
		{"unknown level", func() error { _, err := g.ShortestPath(Point{9, 0, 0}, Point{1, 1, 1}); return err }, ErrNotFound},
		{"outside grid", func() error { _, err := g.ShortestPath(Point{1, 6, 0}, Point{1, 1, 1}); return err }, ErrNotFound},
		{"unknown id", func() error { _, err := g.NearestSlot("E9"); return err }, ErrNotFound},
		{"slot as start", func() error { _, err := g.NearestSlot("1A"); return err }, ErrWrongKind},
		{"exit as slot", func() error { _, err := g.NearestExit("X1"); return err }, ErrWrongKind},
		{"unknown target", func() error { _, err := g.RouteToNearestSlot("E1", "nope"); return err }, ErrNotFound},
		{"destinations from exit", func() error { _, err := g.Destinations("X1"); return err }, ErrWrongKind},
	}
	for _, tc := range errCases {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.run(); !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
}

func TestNearestSlotFallsBackThroughRamp(t *testing.T) {
	m := parking.ExampleMap()
	for _, id := range []string{"1A", "1B", "1C", "1D"} {
		m.SetSlotStatus(1, id, parking.Occupied, "", "")
	}
	g, err := Build(m)
	if err != nil {
		t.Fatal(err)
	}
	r, err := g.NearestSlot("E1")
	if err != nil {
		t.Fatal(err)
	}
	if r.Slot.Level != 2 || r.RampUsed == "" {
		t.Fatalf("got %+v", r)
	}
	for _, id := range []string{"2A", "2B", "2C", "2D"} {
		m.SetSlotStatus(2, id, parking.Allocated, "", "bob")
	}
	g, _ = Build(m)
	if _, err := g.NearestSlot("E1"); !errors.Is(err, ErrNoSlot) {
		t.Fatalf("full car park: got %v, want ErrNoSlot", err)
	}
}

func TestDirections(t *testing.T) {
	// E C C X: the first corridor cell may only be left in its direction,
	// the second may not be entered against its direction.
	build := func(dir [2]parking.Direction) *Graph {
		l, err := parking.LevelFromText(1, "E:E1 C C X:X1", "W S:S1 W W")
		if err != nil {
			t.Fatal(err)
		}
		l.Cells[4+1].Direction = dir[0]
		l.Cells[4+2].Direction = dir[1]
		g, err := Build(&parking.Map{FacilityID: "f", Building: "b", Levels: []parking.Level{l}})
		if err != nil {
			t.Fatal(err)
		}
		return g
	}
	for _, tc := range []struct {
		dir [2]parking.Direction
		ok  bool
	}{
		{[2]parking.Direction{parking.Both, ""}, true},
		{[2]parking.Direction{parking.East, parking.East}, true},
		{[2]parking.Direction{parking.Both, parking.North}, true}, // turning into a one-way lane
		{[2]parking.Direction{parking.West, ""}, false},           // leaving against the lane
		{[2]parking.Direction{parking.North, ""}, false},
		{[2]parking.Direction{parking.Both, parking.West}, false}, // entering against the lane
	} {
		t.Run(string(tc.dir[0])+"-"+string(tc.dir[1]), func(t *testing.T) {
			_, err := build(tc.dir).ShortestPath(Point{1, 0, 1}, Point{1, 3, 1})
			if (err == nil) != tc.ok {
				t.Fatalf("err = %v, want ok=%v", err, tc.ok)
			}
		})
	}
}

func TestParsePoint(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Point
		ok   bool
	}{
		{"1,0,3", Point{1, 0, 3}, true},
		{" 2 , 1 , 1 ", Point{2, 1, 1}, true},
		{"-1,0,0", Point{-1, 0, 0}, true},
		{"1,0", Point{}, false},
		{"1,0,3,4", Point{}, false},
		{"1,0.5,3", Point{}, false},
		{"1,-1,3", Point{}, false},
		{"1,+1,3", Point{}, false},
		{"1,100,3", Point{}, false},
		{"999,0,0", Point{}, false},
		{"a,b,c", Point{}, false},
		{"", Point{}, false},
		{"1,0,99999999999999999999999", Point{}, false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			p, err := ParsePoint(tc.in)
			if tc.ok != (err == nil) || p != tc.want {
				t.Fatalf("got %v, %v", p, err)
			}
			if !tc.ok && !errors.Is(err, ErrInvalidPoint) {
				t.Fatalf("error %v is not ErrInvalidPoint", err)
			}
		})
	}
}

func FuzzParsePoint(f *testing.F) {
	for _, s := range []string{"1,0,3", "-1, 2 ,3", "1,,", "9e9,1,1", "1,0,3\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePoint(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidPoint) {
				t.Fatalf("error %v is not ErrInvalidPoint", err)
			}
			return
		}
		if p.X < 0 || p.Y < 0 || p.X >= parking.MaxSide || p.Y >= parking.MaxSide {
			t.Fatalf("out of bounds point %v accepted", p)
		}
		// A parsed point never panics a query.
		g := exampleGraph(t)
		_, _ = g.ShortestPath(p, Point{1, 0, 3})
	})
}

// One graph serves concurrent queries (run with -race).
func TestConcurrentQueries(t *testing.T) {
	g := exampleGraph(t)
	done := make(chan error, 8)
	for i := 0; i < 8; i++ {
		go func() {
			for j := 0; j < 200; j++ {
				r, err := g.NearestSlot("E1")
				if err != nil || r.Slot.ID != "1B" {
					done <- fmt.Errorf("NearestSlot = %+v, %v", r, err)
					return
				}
				e, err := g.NearestExit("1A")
				if err != nil || e.Route.Distance != 6.3 {
					done <- fmt.Errorf("NearestExit = %+v, %v", e, err)
					return
				}
			}
			done <- nil
		}()
	}
	for i := 0; i < 8; i++ {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}
