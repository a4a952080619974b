package mongo_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"

	"github.com/autospot/autospot/store/mongo"
)

// uriEnv names the variable that holds the URI of the MongoDB-wire server
// the tests run against (CI starts FerretDB and sets it).
const uriEnv = "AUTOSPOT_TEST_MONGODB_URI"

func testURI(t testing.TB) string {
	t.Helper()
	uri := os.Getenv(uriEnv)
	if uri == "" {
		t.Skip(uriEnv + " is not set: skipping the MongoDB store tests (set it to a mongodb:// URI, e.g. a FerretDB, to run them)")
	}
	return uri
}

// testDBName returns a database name no other test (or test package)
// uses.
func testDBName(t testing.TB) string {
	t.Helper()
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return "autospot_test_" + hex.EncodeToString(b)
}

// newTestStore opens a Store on a fresh database that is dropped when the
// test ends.
func newTestStore(t testing.TB, opts ...mongo.Option) *mongo.Store {
	t.Helper()
	uri := testURI(t)
	opts = append([]mongo.Option{mongo.WithDatabase(testDBName(t))}, opts...)
	s, err := mongo.Open(t.Context(), uri, opts...)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		ctx := context.Background()
		if err := s.Database().Drop(ctx); err != nil {
			t.Errorf("drop test database: %v", err)
		}
		if err := s.Close(ctx); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}
