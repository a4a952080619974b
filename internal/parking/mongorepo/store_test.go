package mongorepo_test

import (
	"testing"
	"time"

	driver "go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/autospot/autospot/internal/parking"
	"github.com/autospot/autospot/internal/parking/mongorepo"
	"github.com/autospot/autospot/internal/parking/parkingtest"
	"github.com/autospot/autospot/internal/testenv"
)

// newStore returns a Store on a fresh database, dropped when the test
// ends. It skips when no server is configured.
func newStore(t *testing.T) *mongorepo.Store {
	t.Helper()
	s, _ := newStoreWithClock(t, nil)
	return s
}

// newStoreWithClock is newStore with a clock, also returning the database.
func newStoreWithClock(t testing.TB, now func() time.Time) (*mongorepo.Store, *driver.Database) {
	t.Helper()
	db := testenv.MongoDB(t, "autospot_parking_test")
	s, err := mongorepo.New(db, mongorepo.WithClock(now))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.EnsureIndexes(t.Context()); err != nil {
		t.Fatal(err)
	}
	return s, db
}

func TestMapRepository(t *testing.T) {
	parkingtest.RunMapRepository(t, func(t *testing.T) parking.MapRepository { return newStore(t) })
}

func TestRateRepository(t *testing.T) {
	parkingtest.RunRateRepository(t, func(t *testing.T) parking.RateRepository { return newStore(t) })
}

func TestNilDatabase(t *testing.T) {
	if _, err := mongorepo.New(nil); err == nil {
		t.Fatal("New(nil) succeeded")
	}
}

func TestMapVersioner(t *testing.T) {
	parkingtest.RunMapVersioner(t, func(t *testing.T) parkingtest.VersionedRepository { return newStore(t) })
}
