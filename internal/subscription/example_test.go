package subscription_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/autospot/autospot/internal/subscription"
	"github.com/autospot/autospot/internal/wallet"
)

func ExampleService_Upgrade() {
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	w := wallet.NewMemory()
	_, _ = w.Apply(ctx, wallet.Movement{DriverID: "u1", Key: "top", Kind: wallet.KindTopUp, AmountCents: 5000, Now: now})
	s, _ := subscription.New(subscription.NewMemory(), w, subscription.WithClock(func() time.Time { return now }))
	sub, tx, err := s.Upgrade(ctx, "u1")
	bal, _ := w.Wallet(ctx, "u1")
	limit, _ := s.PendingLimit(ctx, "u1")
	fmt.Println(sub.Plan, sub.ExpiresAt.Format(time.DateOnly), tx.AmountCents, bal.BalanceCents, limit, err)
	// Output: premium 2026-04-01 2000 3000 3 <nil>
}

func ExampleService_Upgrade_insufficient() {
	s, _ := subscription.New(subscription.NewMemory(), wallet.NewMemory())
	_, _, err := s.Upgrade(context.Background(), "u1")
	fmt.Println(errors.Is(err, subscription.ErrInsufficientFunds))
	// Output: true
}
