package mongorepo_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	driver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/autospot/autospot/internal/parking"
	"github.com/autospot/autospot/internal/parking/mongorepo"
	"github.com/autospot/autospot/internal/parking/parkingtest"
)

const uriEnv = "AUTOSPOT_TEST_MONGODB_URI"

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
	uri := os.Getenv(uriEnv)
	if uri == "" {
		t.Skip(uriEnv + " is not set: skipping the MongoDB parking repository tests (set it to a mongodb:// URI, e.g. a FerretDB, to run them)")
	}
	client, err := driver.Connect(options.Client().ApplyURI(uri))
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	db := client.Database("autospot_parking_test_" + hex.EncodeToString(b))
	t.Cleanup(func() {
		ctx := context.Background()
		_ = db.Drop(ctx)
		_ = client.Disconnect(ctx)
	})
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
