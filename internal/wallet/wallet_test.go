package wallet_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/autospot/autospot/internal/testenv"
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

func mongoDB(t *testing.T) *mongo.Database {
	t.Helper()
	return testenv.MongoDB(t, "wallettest")
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
