package wallet_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/autospot/autospot/internal/wallet"
)

// BenchmarkPay measures one idempotent, conditional payment per backend
// (memory, bolt with an fsync per commit, and MongoDB — FerretDB in CI —
// with the ledger entry, version insert and finalising update).
func BenchmarkPay(b *testing.B) {
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	run := func(b *testing.B, r wallet.Repository) {
		ctx := context.Background()
		if _, err := r.Apply(ctx, wallet.Movement{DriverID: "d", Key: "top", Kind: wallet.KindTopUp, AmountCents: wallet.MaxTopUpCents, Now: now}); err != nil {
			b.Fatal(err)
		}
		i := 0
		for b.Loop() {
			i++
			if i%50_000 == 0 { // keep the balance above zero
				if _, err := r.Apply(ctx, wallet.Movement{DriverID: "d", Key: fmt.Sprint("top", i), Kind: wallet.KindTopUp, AmountCents: wallet.MaxTopUpCents, Now: now}); err != nil {
					b.Fatal(err)
				}
			}
			_, err := r.Apply(ctx, wallet.Movement{DriverID: "d", Key: fmt.Sprint("p", i), Kind: wallet.KindParking, AmountCents: 1, Now: now})
			if err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("memory", func(b *testing.B) { run(b, wallet.NewMemory()) })
	b.Run("bolt", func(b *testing.B) {
		db, err := bbolt.Open(filepath.Join(b.TempDir(), "w.db"), 0o600, nil)
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		r, _ := wallet.NewBolt(db)
		run(b, r)
	})
	b.Run("mongo", func(b *testing.B) {
		uri := os.Getenv("AUTOSPOT_TEST_MONGODB_URI")
		if uri == "" {
			b.Skip("AUTOSPOT_TEST_MONGODB_URI is not set")
		}
		ctx := context.Background()
		c, err := mongo.Connect(options.Client().ApplyURI(uri))
		if err != nil {
			b.Fatal(err)
		}
		db := c.Database(fmt.Sprintf("walletbench_%d", os.Getpid()))
		defer func() { _ = db.Drop(ctx); _ = c.Disconnect(ctx) }()
		r, err := wallet.NewMongo(ctx, db)
		if err != nil {
			b.Fatal(err)
		}
		run(b, r)
	})
}
