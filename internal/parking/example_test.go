package parking_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/autospot/autospot/internal/parking"
)

func ExampleExampleMap() {
	m := parking.ExampleMap()
	l, _ := m.Level(1)
	fmt.Println(m.Building, m.ID)
	fmt.Println(l.Sketch())
	f, _ := m.Find("1A")
	fmt.Println("1A is on level", f.Level, "at", f.X, f.Y, f.Cell.Status)
	// Output:
	// Westfield Sydney1 999999
	// WWWWWW
	// WCCCCW
	// ECSSCX
	// WCSSCW
	// WCCCCW
	// WRWBWW
	// 1A is on level 1 at 2 2 available
}

func ExampleParseMap_errors() {
	// Untrusted JSON: every problem is listed, not only the first.
	_, err := parking.ParseMap([]byte(`{
		"facility_id": "westfield",
		"building": "Tiny",
		"levels": [{"level": 1, "rows": 1, "cols": 3, "cells": [
			{"kind": "car_entrance", "id": "E1"},
			{"kind": "ramp", "id": "E1"},
			{"kind": "slot", "id": "S1", "status": "available", "vehicle_id": "ABC"}
		]}]
	}`))
	var ve *parking.ValidationError
	if errors.As(err, &ve) {
		for _, p := range ve.Problems {
			fmt.Println(p.Msg)
		}
	}
	fmt.Println(errors.Is(err, parking.ErrInvalidMap))
	// Output:
	// ramp "E1" has no target (to_level, to_x, to_y)
	// id "E1" already used at 1,0,0
	// an available slot has no vehicle_id or reserved_by
	// true
}

func ExampleMemoryStore() {
	ctx := context.Background()
	store := parking.NewMemoryStore()
	m := parking.ExampleMap()
	v, _ := store.CreateMap(ctx, m)
	fmt.Println("created version", v)

	// Two operators edit the same version: the second one loses.
	a, _ := store.GetMap(ctx, m.ID)
	b, _ := store.GetMap(ctx, m.ID)
	a.SetSlotStatus(1, "1A", parking.Occupied, "ABC123", "alice")
	v, _ = store.UpdateMap(ctx, a)
	fmt.Println("updated to version", v)
	b.SetSlotStatus(1, "1A", parking.Allocated, "", "bob")
	_, err := store.UpdateMap(ctx, b)
	fmt.Println(errors.Is(err, parking.ErrVersionConflict))

	// Building names match exactly, ignoring case; never by substring.
	_, err = store.GetMapByBuilding(ctx, "westfield sydney1")
	fmt.Println(err)
	_, err = store.GetMapByBuilding(ctx, "Westfield")
	fmt.Println(err)
	// Output:
	// created version 1
	// updated to version 2
	// true
	// <nil>
	// parking: not found
}
