package session_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/autospot/autospot/internal/session"
	"github.com/autospot/autospot/internal/session/sessiontest"
	"github.com/autospot/autospot/internal/testenv"
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

func mongoDB(t *testing.T) *mongo.Database {
	t.Helper()
	return testenv.MongoDB(t, "sessiontest")
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
