package boltrepo_test

import (
	"path/filepath"
	"testing"

	bbolt "go.etcd.io/bbolt"

	"github.com/autospot/autospot/internal/parking"
	"github.com/autospot/autospot/internal/parking/boltrepo"
	"github.com/autospot/autospot/internal/parking/parkingtest"
)

func newStore(t *testing.T) *boltrepo.Store {
	t.Helper()
	s, err := boltrepo.Open(filepath.Join(t.TempDir(), "parking.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func TestMapRepository(t *testing.T) {
	parkingtest.RunMapRepository(t, func(t *testing.T) parking.MapRepository { return newStore(t) })
}

func TestRateRepository(t *testing.T) {
	parkingtest.RunRateRepository(t, func(t *testing.T) parking.RateRepository { return newStore(t) })
}

// TestSharedFile runs the suite on a store taken from a *bbolt.DB the
// caller owns (as the server shares its one file), and checks that
// Close leaves that file open.
func TestSharedFile(t *testing.T) {
	db, err := bbolt.Open(filepath.Join(t.TempDir(), "shared.db"), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	s, err := boltrepo.New(db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateMap(t.Context(), withID(parking.ExampleMap(), "m1")); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	again, err := boltrepo.New(db)
	if err != nil {
		t.Fatal(err)
	}
	if m, err := again.GetMap(t.Context(), "m1"); err != nil || m.Version != 1 {
		t.Fatalf("after Close of a borrowed DB: %v, %v", m, err)
	}
}

func TestPersistsAcrossReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.db")
	s, err := boltrepo.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateMap(t.Context(), withID(parking.ExampleMap(), "m1")); err != nil {
		t.Fatal(err)
	}
	_ = s.Close()
	s, err = boltrepo.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	m, err := s.GetMapByBuilding(t.Context(), "WESTFIELD SYDNEY1")
	if err != nil || m.ID != "m1" {
		t.Fatalf("after reopen: %v, %v", m, err)
	}
}

func TestNilDB(t *testing.T) {
	if _, err := boltrepo.New(nil); err == nil {
		t.Fatal("New(nil) succeeded")
	}
	if _, err := boltrepo.Open(""); err == nil {
		t.Fatal("Open(\"\") succeeded")
	}
}

func withID(m *parking.Map, id string) *parking.Map {
	m.ID = id
	return m
}

func TestMapVersioner(t *testing.T) {
	parkingtest.RunMapVersioner(t, func(t *testing.T) parkingtest.VersionedRepository { return newStore(t) })
}

func boltrepoOpen(tb testing.TB) (*boltrepo.Store, error) {
	s, err := boltrepo.Open(filepath.Join(tb.TempDir(), "bench.db"))
	if err == nil {
		tb.Cleanup(func() { _ = s.Close() })
	}
	return s, err
}
