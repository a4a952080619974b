package boltrepo_test

import (
	"testing"

	"github.com/autospot/autospot/internal/parking/parkingtest"
)

// BenchmarkRepo times a full map read (JSON decode and validation), the
// version-only read routing uses, and an update (one fsynced commit), on
// a generated 20×20×5 map.
func BenchmarkRepo(b *testing.B) {
	s, err := boltrepoOpen(b)
	if err != nil {
		b.Fatal(err)
	}
	m, err := parkingtest.GenerateMap(5, 20, 20, 70, 42)
	if err != nil {
		b.Fatal(err)
	}
	m.ID, m.Version = "grid", 0
	ctx := b.Context()
	if _, err := s.CreateMap(ctx, m); err != nil {
		b.Fatal(err)
	}
	b.Run("GetMap", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.GetMap(ctx, "grid"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("MapVersion", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.MapVersion(ctx, "grid"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("UpdateMap", func(b *testing.B) {
		cur, _ := s.GetMap(ctx, "grid")
		for b.Loop() {
			v, err := s.UpdateMap(ctx, cur)
			if err != nil {
				b.Fatal(err)
			}
			cur.Version = v
		}
	})
}
