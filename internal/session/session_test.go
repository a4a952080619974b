package session_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/autospot/autospot/internal/session"
	"github.com/autospot/autospot/internal/session/sessiontest"
)

func TestMemory(t *testing.T) {
	sessiontest.Run(t, func(*testing.T) session.Repository { return session.NewMemory() })
}

func TestBolt(t *testing.T) {
	sessiontest.Run(t, func(t *testing.T) session.Repository {
		db, err := bbolt.Open(filepath.Join(t.TempDir(), "s.db"), 0o600, &bbolt.Options{Timeout: time.Second})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		r, err := session.NewBolt(db)
		if err != nil {
			t.Fatal(err)
		}
		return r
	})
}

var dbSeq atomic.Int64

func mongoDB(t *testing.T) *mongo.Database {
	t.Helper()
	uri := os.Getenv("AUTOSPOT_TEST_MONGODB_URI")
	if uri == "" {
		t.Skip("AUTOSPOT_TEST_MONGODB_URI is not set; skipping the MongoDB backend (e.g. mongodb://127.0.0.1:27018/)")
	}
	c, err := mongo.Connect(options.Client().ApplyURI(uri).SetTimeout(20 * time.Second))
	if err != nil {
		t.Fatal(err)
	}
	db := c.Database(fmt.Sprintf("sessiontest_%d_%d", os.Getpid(), dbSeq.Add(1)))
	t.Cleanup(func() {
		_ = db.Drop(context.Background())
		_ = c.Disconnect(context.Background())
	})
	return db
}

func TestMongo(t *testing.T) {
	sessiontest.Run(t, func(t *testing.T) session.Repository {
		r, err := session.NewMongo(context.Background(), mongoDB(t))
		if err != nil {
			t.Fatal(err)
		}
		return r
	})
}
