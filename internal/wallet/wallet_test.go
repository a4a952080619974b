package wallet_test

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

	"github.com/autospot/autospot/internal/wallet"
	"github.com/autospot/autospot/internal/wallet/wallettest"
)

func TestMemory(t *testing.T) {
	wallettest.Run(t, func(*testing.T) wallet.Repository { return wallet.NewMemory() })
}

func TestBolt(t *testing.T) {
	wallettest.Run(t, func(t *testing.T) wallet.Repository {
		db, err := bbolt.Open(filepath.Join(t.TempDir(), "w.db"), 0o600, &bbolt.Options{Timeout: time.Second})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		r, err := wallet.NewBolt(db)
		if err != nil {
			t.Fatal(err)
		}
		return r
	})
}

var dbSeq atomic.Int64

// mongoDB returns a fresh database on the server named by
// AUTOSPOT_TEST_MONGODB_URI, dropped when the test ends.
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
	db := c.Database(fmt.Sprintf("wallettest_%d_%d", os.Getpid(), dbSeq.Add(1)))
	t.Cleanup(func() {
		_ = db.Drop(context.Background())
		_ = c.Disconnect(context.Background())
	})
	return db
}

func TestMongo(t *testing.T) {
	wallettest.Run(t, func(t *testing.T) wallet.Repository {
		r, err := wallet.NewMongo(context.Background(), mongoDB(t))
		if err != nil {
			t.Fatal(err)
		}
		return r
	})
}
