package qrscan_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/autospot/autospot/internal/qrscan"
	"github.com/autospot/autospot/internal/qrscan/qrscantest"
	"github.com/autospot/autospot/internal/testenv"
)

func TestMemory(t *testing.T) {
	qrscantest.Run(t, func(*testing.T) qrscan.Repository { return qrscan.NewMemory() })
}

func TestBolt(t *testing.T) {
	qrscantest.Run(t, func(t *testing.T) qrscan.Repository {
		db, err := bbolt.Open(filepath.Join(t.TempDir(), "qr.db"), 0o600, &bbolt.Options{Timeout: time.Second})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		r, err := qrscan.NewBolt(db)
		if err != nil {
			t.Fatal(err)
		}
		return r
	})
}

func TestMongo(t *testing.T) {
	testenv.MongoURI(t)
	qrscantest.Run(t, func(t *testing.T) qrscan.Repository {
		r, err := qrscan.NewMongo(context.Background(), testenv.MongoDB(t, "qrscantest"))
		if err != nil {
			t.Fatal(err)
		}
		return r
	})
}

func TestID(t *testing.T) {
	a, b := qrscan.ID("d1", "AS1.x.y"), qrscan.ID("d1", "AS1.x.z")
	if a == b || a != qrscan.ID("d1", "AS1.x.y") || a == qrscan.ID("d2", "AS1.x.y") || len(a) != 3+64 {
		t.Fatalf("ids %s %s", a, b)
	}
	// The driver id is length-prefixed: no (driver, code) split collides.
	if qrscan.ID("d1", "2x") == qrscan.ID("d12", "x") {
		t.Fatal("ambiguous id")
	}
}
