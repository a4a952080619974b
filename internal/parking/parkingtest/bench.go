package parkingtest

import "testing"

// BenchMapRepository times a full map read (decode and validation), the
// version-only read routing uses, and an update, on a generated 20×20×5
// map created in repo (which must not hold a map "grid").
func BenchMapRepository(b *testing.B, repo VersionedRepository) {
	m, err := GenerateMap(5, 20, 20, 70, 42)
	if err != nil {
		b.Fatal(err)
	}
	m.ID, m.Version = "grid", 0
	ctx := b.Context()
	if _, err := repo.CreateMap(ctx, m); err != nil {
		b.Fatal(err)
	}
	b.Run("GetMap", func(b *testing.B) {
		for b.Loop() {
			if _, err := repo.GetMap(ctx, "grid"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("MapVersion", func(b *testing.B) {
		for b.Loop() {
			if _, err := repo.MapVersion(ctx, "grid"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("UpdateMap", func(b *testing.B) {
		cur, _ := repo.GetMap(ctx, "grid")
		for b.Loop() {
			v, err := repo.UpdateMap(ctx, cur)
			if err != nil {
				b.Fatal(err)
			}
			cur.Version = v
		}
	})
}
