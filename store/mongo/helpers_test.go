package mongo_test

import (
	"context"
	"testing"

	"github.com/autospot/autospot/internal/testenv"
	"github.com/autospot/autospot/store/mongo"
)

// newTestStore opens a Store on a fresh database that is dropped when the
// test ends.
func newTestStore(t testing.TB, opts ...mongo.Option) *mongo.Store {
	t.Helper()
	uri := testenv.MongoURI(t)
	opts = append([]mongo.Option{mongo.WithDatabase(testenv.DBName("autospot_test"))}, opts...)
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
