package parkingtest

import (
	"errors"
	"testing"

	"github.com/autospot/autospot/internal/parking"
)

// VersionedRepository is a map repository with the optional
// [parking.MapVersioner] ability.
type VersionedRepository interface {
	parking.MapRepository
	parking.MapVersioner
}

// RunMapVersioner checks that a repository's [parking.MapVersioner]
// answers agree with its maps through creates, updates, renames and
// deletes. newRepo must return an empty repository each time.
func RunMapVersioner(t *testing.T, newRepo func(t *testing.T) VersionedRepository) {
	ctx := t.Context()
	r := newRepo(t)
	if _, err := r.MapVersion(ctx, "m1"); !errors.Is(err, parking.ErrNotFound) {
		t.Fatalf("MapVersion on empty = %v, want ErrNotFound", err)
	}
	if _, err := r.MapIDByBuilding(ctx, "A"); !errors.Is(err, parking.ErrNotFound) {
		t.Fatalf("MapIDByBuilding on empty = %v, want ErrNotFound", err)
	}
	if _, err := r.CreateMap(ctx, sampleMap("m1", "fac1", "Alpha")); err != nil {
		t.Fatal(err)
	}
	if v, err := r.MapVersion(ctx, "m1"); err != nil || v != 1 {
		t.Fatalf("after create: %d, %v", v, err)
	}
	if id, err := r.MapIDByBuilding(ctx, "ALPHA"); err != nil || id != "m1" {
		t.Fatalf("by building: %q, %v", id, err)
	}
	if _, err := r.MapIDByBuilding(ctx, "Alph"); !errors.Is(err, parking.ErrNotFound) {
		t.Fatalf("prefix of a name resolved: %v", err)
	}
	m, _ := r.GetMap(ctx, "m1")
	m.Building = "Beta"
	if _, err := r.UpdateMap(ctx, m); err != nil {
		t.Fatal(err)
	}
	if v, err := r.MapVersion(ctx, "m1"); err != nil || v != 2 {
		t.Fatalf("after update: %d, %v", v, err)
	}
	if _, err := r.MapIDByBuilding(ctx, "alpha"); !errors.Is(err, parking.ErrNotFound) {
		t.Fatalf("old name after rename: %v", err)
	}
	if id, err := r.MapIDByBuilding(ctx, "beta"); err != nil || id != "m1" {
		t.Fatalf("new name: %q, %v", id, err)
	}
	if err := r.DeleteMap(ctx, "m1", 2); err != nil {
		t.Fatal(err)
	}
	if _, err := r.MapVersion(ctx, "m1"); !errors.Is(err, parking.ErrNotFound) {
		t.Fatalf("after delete: %v", err)
	}
	if _, err := r.MapIDByBuilding(ctx, "beta"); !errors.Is(err, parking.ErrNotFound) {
		t.Fatalf("name after delete: %v", err)
	}
}
