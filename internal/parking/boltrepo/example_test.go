package boltrepo_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	bbolt "go.etcd.io/bbolt"

	"github.com/autospot/autospot/internal/parking"
	"github.com/autospot/autospot/internal/parking/boltrepo"
)

// A Store on a bbolt file the server already has open: the maps share
// the server's one file, and Close leaves it open.
func ExampleNew() {
	dir, _ := os.MkdirTemp("", "boltrepo")
	defer os.RemoveAll(dir)
	db, err := bbolt.Open(filepath.Join(dir, "autospot.db"), 0o600, nil)
	if err != nil {
		panic(err)
	}
	defer db.Close()

	s, err := boltrepo.New(db)
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	v, err := s.CreateMap(ctx, parking.ExampleMap())
	fmt.Println(v, err)
	m, err := s.GetMapByBuilding(ctx, "WESTFIELD SYDNEY1")
	fmt.Println(m.ID, m.Version, err)
	// Output:
	// 1 <nil>
	// 999999 1 <nil>
}

// Writes name the version they read: a stale one is refused.
func ExampleStore_UpdateMap_conflict() {
	dir, _ := os.MkdirTemp("", "boltrepo")
	defer os.RemoveAll(dir)
	s, err := boltrepo.Open(filepath.Join(dir, "parking.db"))
	if err != nil {
		panic(err)
	}
	defer s.Close()
	ctx := context.Background()
	_, _ = s.CreateMap(ctx, parking.ExampleMap())
	a, _ := s.GetMap(ctx, parking.ExampleMapID)
	b, _ := s.GetMap(ctx, parking.ExampleMapID)
	a.SetSlotStatus(1, "1A", parking.Occupied, "ABC123", "alice")
	b.SetSlotStatus(1, "1A", parking.Occupied, "XYZ789", "bob")
	_, errA := s.UpdateMap(ctx, a)
	_, errB := s.UpdateMap(ctx, b)
	fmt.Println(errA, errors.Is(errB, parking.ErrVersionConflict))
	// Output:
	// <nil> true
}
