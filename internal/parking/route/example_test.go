package route_test

import (
	"errors"
	"fmt"

	"github.com/autospot/autospot/internal/parking"
	"github.com/autospot/autospot/internal/parking/route"
)

func ExampleGraph_NearestSlot() {
	g, err := route.Build(parking.ExampleMap())
	if err != nil {
		panic(err)
	}
	r, _ := g.NearestSlot("E1")
	fmt.Println(r.Slot.ID, r.Route.Distance, r.Route.Points)
	// Output:
	// 1B 2 [1,0,3 1,1,3 1,2,3]
}

func ExampleGraph_ShortestPath() {
	g, _ := route.Build(parking.ExampleMap())
	from, _ := route.ParsePoint("1,0,3")
	to, _ := route.ParsePoint("2,2,2")
	r, _ := g.ShortestPath(from, to)
	fmt.Println(r.Distance, len(r.Points), "cells")
	// Output:
	// 8.2 8 cells
}

func ExampleGraph_NearestExit() {
	g, _ := route.Build(parking.ExampleMap())
	r, _ := g.NearestExit("1A")
	fmt.Println(r.Exit, r.Route.Distance)
	// Output:
	// X1 6.3
}

func ExampleGraph_RouteToNearestSlot() {
	g, _ := route.Build(parking.ExampleMap())
	t, _ := g.RouteToNearestSlot("E1", "BE2")
	fmt.Println(t.Slot.ID, "on level", t.Slot.Level, "via", t.RampUsed)
	fmt.Println(t.ToSlot.Distance, t.ToTarget.Distance, t.ToTarget.Points)
	// Output:
	// 2C on level 2 via R1_up
	// 9.3 2 [2,3,2 2,3,1 2,3,0]
}

func ExampleGraph_Destinations() {
	g, _ := route.Build(parking.ExampleMap())
	ds, _ := g.Destinations("E1")
	for _, d := range ds {
		fmt.Println(d.Label)
	}
	// Output:
	// Westfield Sydney1
	// Building Entrance (BE1)
	// Exit (X1)
	// Building Entrance (BE2)
	// Exit (X2)
}

func ExampleParsePoint_errors() {
	g, _ := route.Build(parking.ExampleMap())
	for _, s := range []string{"1,0.5,3", "1,0", "7,0,0"} {
		p, err := route.ParsePoint(s)
		if err == nil {
			_, err = g.ShortestPath(p, route.Point{Level: 1, X: 0, Y: 3})
		}
		switch {
		case errors.Is(err, route.ErrInvalidPoint):
			fmt.Println(s, "→ 400:", err)
		case errors.Is(err, route.ErrNotFound):
			fmt.Println(s, "→ 404:", err)
		}
	}
	// Output:
	// 1,0.5,3 → 400: route: invalid point: want "level,x,y" with integer parts
	// 1,0 → 400: route: invalid point: want "level,x,y"
	// 7,0,0 → 404: route: not found: no level 7
}
