package wallet_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/autospot/autospot/internal/wallet"
)

// Top up, pay, and retry the payment with the same idempotency key: the
// money moves once.
func ExampleRepository_Apply() {
	ctx := context.Background()
	r := wallet.NewMemory()
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	_, _ = r.Apply(ctx, wallet.Movement{DriverID: "u1", Key: "topup-1", Kind: wallet.KindTopUp, AmountCents: 5000, Now: now})
	pay := wallet.Movement{DriverID: "u1", Key: "session:s1", Kind: wallet.KindParking, AmountCents: 250, Now: now}
	tx, _ := r.Apply(ctx, pay)
	again, _ := r.Apply(ctx, pay)
	w, _ := r.Wallet(ctx, "u1")
	fmt.Println(tx.Status, again.Replayed, w.BalanceCents)
	// Output: completed true 4750
}

// A debit larger than the balance is refused and recorded as failed.
func ExampleRepository_Apply_insufficient() {
	ctx := context.Background()
	r := wallet.NewMemory()
	tx, err := r.Apply(ctx, wallet.Movement{DriverID: "u1", Key: "k", Kind: wallet.KindParking, AmountCents: 100, Now: time.Now()})
	fmt.Println(errors.Is(err, wallet.ErrInsufficientFunds), tx.Status)
	// Output: true failed
}

func ExampleValidateCard() {
	now := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	c, err := wallet.ValidateCard(wallet.CardInput{Number: "4111 1111 1111 1111", ExpMonth: "12", ExpYear: "2030", CVV: "123", Holder: "Ada"}, now)
	fmt.Println(c, err)
	_, err = wallet.ValidateCard(wallet.CardInput{Number: "4111 1111 1111 1112", ExpMonth: "12", ExpYear: "2030", CVV: "123", Holder: "Ada"}, now)
	fmt.Println(wallet.CardMessage(err))
	// Output:
	// visa ••••1111 <nil>
	// Invalid card, please check you have entered the correct details.
}
