package wallet_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/autospot/autospot/internal/wallet"
)

// BenchmarkPay measures one idempotent, conditional payment per backend
// (memory vs bolt; bolt includes an fsync per commit).
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
}
