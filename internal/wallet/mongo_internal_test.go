package wallet

import (
	"context"
	"testing"
	"time"

	"github.com/autospot/autospot/internal/testenv"
)

// A process that died after recording a movement ("applying") but before
// deciding it: the client's retry decides it exactly once, and concurrent
// retries agree.
func TestMongoRecoversUndecidedMovement(t *testing.T) {
	ctx := context.Background()
	db := testenv.MongoDB(t, "walletrecover")
	r, err := NewMongo(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	if _, err := r.Apply(ctx, Movement{DriverID: "d", Key: "top", Kind: KindTopUp, AmountCents: 1000, Now: now}); err != nil {
		t.Fatal(err)
	}
	m := Movement{DriverID: "d", Key: "pay", Kind: KindParking, AmountCents: 300, Now: now}
	rec, _ := m.check()
	rec.Status = statusApplying
	if _, err := r.txs.InsertOne(ctx, rec); err != nil { // the crashed call's ledger entry
		t.Fatal(err)
	}
	if w, _ := r.Wallet(ctx, "d"); w.BalanceCents != 1000 {
		t.Fatalf("balance %d before the retry", w.BalanceCents)
	}
	if _, err := r.Transaction(ctx, "d", rec.ID); err == nil {
		t.Fatal("an undecided movement is visible")
	}
	done := make(chan error, 4)
	for range 4 {
		go func() { _, err := r.Apply(ctx, m); done <- err }()
	}
	for range 4 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	w, _ := r.Wallet(ctx, "d")
	tx, err := r.Transaction(ctx, "d", rec.ID)
	if w.BalanceCents != 700 || err != nil || tx.Status != StatusCompleted {
		t.Fatalf("balance %d, tx %+v %v", w.BalanceCents, tx, err)
	}
}
