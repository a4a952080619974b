// Package wallettest is the conformance suite of [wallet.Repository]:
// every backend runs [Run].
package wallettest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/autospot/autospot/internal/wallet"
)

// T0 is the suite's clock origin (whole milliseconds, as MongoDB keeps).
var t0 = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

func at(i int) time.Time { return t0.Add(time.Duration(i) * time.Second) }

// Run runs the suite. newRepo returns an empty repository per call.
func Run(t *testing.T, newRepo func(t *testing.T) wallet.Repository) {
	t.Run("EmptyWallet", func(t *testing.T) { testEmpty(t, newRepo(t)) })
	t.Run("TopUpAndReplay", func(t *testing.T) { testTopUp(t, newRepo(t)) })
	t.Run("DebitNeverBelowZero", func(t *testing.T) { testDebit(t, newRepo(t)) })
	t.Run("PayLaterAndSettle", func(t *testing.T) { testPayLater(t, newRepo(t)) })
	t.Run("TransactionsOwnedAndPaged", func(t *testing.T) { testList(t, newRepo(t)) })
	t.Run("PaymentMethods", func(t *testing.T) { testMethods(t, newRepo(t)) })
	t.Run("InvalidInput", func(t *testing.T) { testInvalid(t, newRepo(t)) })
	t.Run("ConcurrentPayments", func(t *testing.T) { testConcurrentPayments(t, newRepo(t)) })
	t.Run("ConcurrentReplays", func(t *testing.T) { testConcurrentReplays(t, newRepo(t)) })
	t.Run("ConcurrentPayLater", func(t *testing.T) { testConcurrentPayLater(t, newRepo(t)) })
	t.Run("ConcurrentSettle", func(t *testing.T) { testConcurrentSettle(t, newRepo(t)) })
	t.Run("DeleteDriver", func(t *testing.T) { testDeleteDriver(t, newRepo(t)) })
	t.Run("ForgetRefusal", func(t *testing.T) { testForgetRefusal(t, newRepo(t)) })
	t.Run("ConcurrentForgetRefusal", func(t *testing.T) { testConcurrentForgetRefusal(t, newRepo(t)) })
}

func testDeleteDriver(t *testing.T, r wallet.Repository) {
	ctx := context.Background()
	for _, d := range []string{"d", "e"} {
		must(t)(r.Apply(ctx, topUp(d, "top", 500, 1)))
		must(t)(r.Apply(ctx, later(d, "l", 100, 1, 2)))
		pm := wallet.PaymentMethod{ID: "pm1", DriverID: d, Type: wallet.CreditCard, Card: wallet.Card{Brand: "visa", LastFour: "1111", ExpMonth: "12", ExpYear: "2030", Holder: "A"}, CreatedAt: at(1)}
		if err := r.AddMethod(ctx, pm); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.DeleteDriver(ctx, "d"); err != nil {
		t.Fatal(err)
	}
	w, _ := r.Wallet(ctx, "d")
	txs, _ := r.Transactions(ctx, "d", wallet.Query{})
	ms, _ := r.Methods(ctx, "d")
	if w.BalanceCents != 0 || w.PendingCount != 0 || len(txs) != 0 || len(ms) != 0 {
		t.Fatalf("left behind: %+v %v %v", w, txs, ms)
	}
	if _, err := r.Transaction(ctx, "d", wallet.TransactionID("d", "top")); !errors.Is(err, wallet.ErrNotFound) {
		t.Fatalf("transaction survives: %v", err)
	}
	w, _ = r.Wallet(ctx, "e")
	ms, _ = r.Methods(ctx, "e")
	if w.BalanceCents != 500 || w.PendingCount != 1 || len(ms) != 1 {
		t.Fatalf("another driver touched: %+v %v", w, ms)
	}
}

func topUp(driver, key string, cents int64, i int) wallet.Movement {
	return wallet.Movement{DriverID: driver, Key: key, Kind: wallet.KindTopUp, AmountCents: cents, PaymentMethodID: "pm1", Now: at(i)}
}

func pay(driver, key string, cents int64, i int) wallet.Movement {
	return wallet.Movement{DriverID: driver, Key: key, Kind: wallet.KindParking, AmountCents: cents, SessionID: "s-" + key, Building: "B", SlotID: "1A", Now: at(i)}
}

func later(driver, key string, cents int64, limit, i int) wallet.Movement {
	m := pay(driver, key, cents, i)
	m.Deferred, m.PendingLimit = true, limit
	return m
}

func balance(t *testing.T, r wallet.Repository, driver string) int64 {
	t.Helper()
	w, err := r.Wallet(context.Background(), driver)
	if err != nil {
		t.Fatal(err)
	}
	return w.BalanceCents
}

func must(t *testing.T) func(wallet.Transaction, error) wallet.Transaction {
	return func(tx wallet.Transaction, err error) wallet.Transaction {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return tx
	}
}

func testEmpty(t *testing.T, r wallet.Repository) {
	w, err := r.Wallet(context.Background(), "nobody")
	if err != nil || w.BalanceCents != 0 || w.Currency != "AUD" || w.PendingCount != 0 {
		t.Fatalf("got %+v %v, want a zero AUD wallet", w, err)
	}
}

func testTopUp(t *testing.T, r wallet.Repository) {
	ctx := context.Background()
	tx := must(t)(r.Apply(ctx, topUp("d1", "k1", 10_000, 1)))
	if tx.Status != wallet.StatusCompleted || tx.Replayed || tx.ID != wallet.TransactionID("d1", "k1") || tx.CompletedAt == nil {
		t.Fatalf("first top-up %+v", tx)
	}
	again := must(t)(r.Apply(ctx, topUp("d1", "k1", 10_000, 2)))
	if !again.Replayed || again.ID != tx.ID {
		t.Fatalf("replay %+v", again)
	}
	if b := balance(t, r, "d1"); b != 10_000 {
		t.Fatalf("balance %d after a replayed top-up, want 10000", b)
	}
	if _, err := r.Apply(ctx, topUp("d1", "k1", 5_000, 3)); !errors.Is(err, wallet.ErrKeyConflict) {
		t.Fatalf("same key, other amount: %v, want ErrKeyConflict", err)
	}
	// The same key of another driver is another movement.
	must(t)(r.Apply(ctx, topUp("d2", "k1", 700, 4)))
	if b := balance(t, r, "d2"); b != 700 {
		t.Fatalf("d2 balance %d", b)
	}
	if b := balance(t, r, "d1"); b != 10_000 {
		t.Fatalf("d1 balance %d", b)
	}
}

func testDebit(t *testing.T, r wallet.Repository) {
	ctx := context.Background()
	must(t)(r.Apply(ctx, topUp("d", "top", 5_000, 1)))
	tx := must(t)(r.Apply(ctx, pay("d", "p1", 250, 2)))
	if tx.Status != wallet.StatusCompleted || tx.Method != wallet.MethodWallet {
		t.Fatalf("payment %+v", tx)
	}
	if b := balance(t, r, "d"); b != 4_750 { // the original's 50 − 2.50 = 47.50
		t.Fatalf("balance %d, want 4750", b)
	}
	tx, err := r.Apply(ctx, pay("d", "p2", 4_751, 3))
	if !errors.Is(err, wallet.ErrInsufficientFunds) || tx.Status != wallet.StatusFailed {
		t.Fatalf("overdraft: %+v %v", tx, err)
	}
	if b := balance(t, r, "d"); b != 4_750 {
		t.Fatalf("balance %d after a refused debit", b)
	}
	// A retry of the refused payment is refused again, even with money in.
	must(t)(r.Apply(ctx, topUp("d", "top2", 1_000, 4)))
	tx, err = r.Apply(ctx, pay("d", "p2", 4_751, 5))
	if !errors.Is(err, wallet.ErrInsufficientFunds) || !tx.Replayed {
		t.Fatalf("replayed refusal: %+v %v", tx, err)
	}
	must(t)(r.Apply(ctx, pay("d", "p3", 5_750, 6)))
	if b := balance(t, r, "d"); b != 0 {
		t.Fatalf("balance %d, want exactly 0", b)
	}
	sub := wallet.Movement{DriverID: "d", Key: "sub", Kind: wallet.KindSubscription, AmountCents: 2_000, Now: at(7)}
	if _, err := r.Apply(ctx, sub); !errors.Is(err, wallet.ErrInsufficientFunds) {
		t.Fatalf("subscription on empty wallet: %v", err)
	}
}

func testPayLater(t *testing.T, r wallet.Repository) {
	ctx := context.Background()
	p1 := must(t)(r.Apply(ctx, later("d", "s1", 1_440, 1, 1)))
	if p1.Status != wallet.StatusPending || p1.CompletedAt != nil || !p1.Deferred {
		t.Fatalf("pending %+v", p1)
	}
	if _, err := r.Apply(ctx, later("d", "s2", 500, 1, 2)); !errors.Is(err, wallet.ErrPendingLimit) {
		t.Fatalf("second pending with limit 1: %v", err)
	}
	must(t)(r.Apply(ctx, later("d", "s3", 500, 3, 3))) // premium limit
	w, _ := r.Wallet(ctx, "d")
	if w.PendingCount != 2 || w.BalanceCents != 0 {
		t.Fatalf("wallet %+v", w)
	}
	st := wallet.Settlement{DriverID: "d", TransactionID: p1.ID, Method: wallet.MethodWallet, Now: at(4)}
	if tx, err := r.Settle(ctx, st); !errors.Is(err, wallet.ErrInsufficientFunds) || tx.Status != wallet.StatusPending {
		t.Fatalf("settle from empty wallet: %+v %v", tx, err)
	}
	if _, err := r.Settle(ctx, wallet.Settlement{DriverID: "other", TransactionID: p1.ID, Method: wallet.MethodWallet, Now: at(4)}); !errors.Is(err, wallet.ErrNotPending) {
		t.Fatalf("another driver settles: %v", err)
	}
	must(t)(r.Apply(ctx, topUp("d", "top", 2_000, 5)))
	done := must(t)(r.Settle(ctx, st))
	if done.Status != wallet.StatusCompleted || done.Method != wallet.MethodWallet || done.CompletedAt == nil {
		t.Fatalf("settled %+v", done)
	}
	if again := must(t)(r.Settle(ctx, st)); !again.Replayed {
		t.Fatalf("second settle %+v", again)
	}
	if b := balance(t, r, "d"); b != 560 {
		t.Fatalf("balance %d, want 2000-1440", b)
	}
	// The settled one frees a pending place.
	p4 := must(t)(r.Apply(ctx, later("d", "s4", 900, 2, 6)))
	card := must(t)(r.Settle(ctx, wallet.Settlement{DriverID: "d", TransactionID: p4.ID, Method: wallet.MethodCard, PaymentMethodID: "pm9", Now: at(7)}))
	if card.Method != wallet.MethodCard || card.PaymentMethodID != "pm9" {
		t.Fatalf("card settle %+v", card)
	}
	if b := balance(t, r, "d"); b != 560 {
		t.Fatalf("card settlement debited the wallet: %d", b)
	}
	top := wallet.TransactionID("d", "top")
	if _, err := r.Settle(ctx, wallet.Settlement{DriverID: "d", TransactionID: top, Method: wallet.MethodWallet, Now: at(8)}); !errors.Is(err, wallet.ErrNotPending) {
		t.Fatalf("settling a top-up: %v", err)
	}
	if _, err := r.Settle(ctx, wallet.Settlement{DriverID: "d", TransactionID: "tx_nope", Method: wallet.MethodWallet, Now: at(8)}); !errors.Is(err, wallet.ErrNotPending) {
		t.Fatalf("settling nothing: %v", err)
	}
	w, _ = r.Wallet(ctx, "d")
	if w.PendingCount != 1 {
		t.Fatalf("pending %d, want 1", w.PendingCount)
	}
}

func testList(t *testing.T, r wallet.Repository) {
	ctx := context.Background()
	for i := 0; i < 5; i++ {
		must(t)(r.Apply(ctx, topUp("d", fmt.Sprint("t", i), int64(100+i), i+1)))
	}
	must(t)(r.Apply(ctx, later("d", "l", 50, 1, 10)))
	must(t)(r.Apply(ctx, topUp("e", "t0", 1, 11)))
	all, err := r.Transactions(ctx, "d", wallet.Query{})
	if err != nil || len(all) != 6 {
		t.Fatalf("list %d %v", len(all), err)
	}
	if all[0].Kind != wallet.KindParking || all[1].AmountCents != 104 || all[5].AmountCents != 100 {
		t.Fatalf("not newest first: %+v", all)
	}
	pg, _ := r.Transactions(ctx, "d", wallet.Query{Limit: 2, Offset: 1})
	if len(pg) != 2 || pg[0].AmountCents != 104 || pg[1].AmountCents != 103 {
		t.Fatalf("page %+v", pg)
	}
	pend, _ := r.Transactions(ctx, "d", wallet.Query{Status: wallet.StatusPending})
	if len(pend) != 1 || pend[0].Status != wallet.StatusPending {
		t.Fatalf("pending %+v", pend)
	}
	if _, err := r.Transactions(ctx, "d", wallet.Query{Limit: 101}); !errors.Is(err, wallet.ErrInvalid) {
		t.Fatalf("limit 101: %v", err)
	}
	id := wallet.TransactionID("d", "t1")
	if _, err := r.Transaction(ctx, "e", id); !errors.Is(err, wallet.ErrNotFound) {
		t.Fatalf("another driver's transaction: %v", err)
	}
	if tx, err := r.Transaction(ctx, "d", id); err != nil || tx.AmountCents != 101 {
		t.Fatalf("own transaction %+v %v", tx, err)
	}
	if es, _ := r.Transactions(ctx, "e", wallet.Query{}); len(es) != 1 {
		t.Fatalf("e sees %d", len(es))
	}
}

func testMethods(t *testing.T, r wallet.Repository) {
	ctx := context.Background()
	mk := func(id string, def bool, i int) wallet.PaymentMethod {
		return wallet.PaymentMethod{ID: id, DriverID: "d", Type: wallet.CreditCard, Label: "card " + id,
			Card:    wallet.Card{Brand: "visa", LastFour: "1111", ExpMonth: "12", ExpYear: "2030", Holder: "A B"},
			Default: def, CreatedAt: at(i), UpdatedAt: at(i)}
	}
	for i, id := range []string{"a", "b"} {
		if err := r.AddMethod(ctx, mk(id, true, i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.AddMethod(ctx, mk("a", false, 3)); !errors.Is(err, wallet.ErrInvalid) {
		t.Fatalf("duplicate id: %v", err)
	}
	ms, err := r.Methods(ctx, "d")
	if err != nil || len(ms) != 2 || ms[0].ID != "a" || ms[0].Default || !ms[1].Default {
		t.Fatalf("methods %+v %v", ms, err)
	}
	if _, err := r.Method(ctx, "x", "a"); !errors.Is(err, wallet.ErrNotFound) {
		t.Fatalf("another driver's method: %v", err)
	}
	yes, y := true, "2031"
	pm, err := r.UpdateMethod(ctx, "d", "a", wallet.MethodUpdate{Default: &yes, ExpYear: &y}, at(5))
	if err != nil || !pm.Default || pm.Card.ExpYear != "2031" {
		t.Fatalf("update %+v %v", pm, err)
	}
	if b, _ := r.Method(ctx, "d", "b"); b.Default {
		t.Fatal("b still default")
	}
	bad := "13"
	if _, err := r.UpdateMethod(ctx, "d", "a", wallet.MethodUpdate{ExpMonth: &bad}, at(6)); !errors.Is(err, wallet.ErrCardExpired) {
		t.Fatalf("bad month: %v", err)
	}
	if _, err := r.UpdateMethod(ctx, "x", "a", wallet.MethodUpdate{Default: &yes}, at(6)); !errors.Is(err, wallet.ErrNotFound) {
		t.Fatalf("update another driver's: %v", err)
	}
	if err := r.DeleteMethod(ctx, "x", "a", at(7)); !errors.Is(err, wallet.ErrNotFound) {
		t.Fatalf("delete another driver's: %v", err)
	}
	if err := r.DeleteMethod(ctx, "d", "a", at(7)); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Method(ctx, "d", "a"); !errors.Is(err, wallet.ErrNotFound) {
		t.Fatalf("deleted method still usable: %v", err)
	}
	if ms, _ := r.Methods(ctx, "d"); len(ms) != 1 || ms[0].ID != "b" {
		t.Fatalf("after delete %+v", ms)
	}
}

func testInvalid(t *testing.T, r wallet.Repository) {
	ctx := context.Background()
	cases := map[string]wallet.Movement{
		"no driver":      topUp("", "k", 1, 1),
		"no key":         topUp("d", "", 1, 1),
		"zero":           topUp("d", "k", 0, 1),
		"negative":       pay("d", "k", -5, 1),
		"top-up too big": topUp("d", "k", wallet.MaxTopUpCents+1, 1),
		"no limit":       later("d", "k", 5, 0, 1),
		"unknown kind":   {DriverID: "d", Key: "k", Kind: "mint", AmountCents: 5, Now: at(1)},
		"control chars":  pay("d", "k\n", 5, 1),
	}
	for name, m := range cases {
		t.Run(name, func(t *testing.T) {
			if _, err := r.Apply(ctx, m); !errors.Is(err, wallet.ErrInvalid) {
				t.Fatalf("%v, want ErrInvalid", err)
			}
		})
	}
	if b := balance(t, r, "d"); b != 0 {
		t.Fatalf("balance %d", b)
	}
}

// 200 concurrent payments against one wallet: the balance ends at
// top-ups − successful payments and never goes below zero.
func testConcurrentPayments(t *testing.T, r wallet.Repository) {
	ctx := context.Background()
	const n = 200
	const topups = 3 * 5_000
	for i := 0; i < 3; i++ {
		must(t)(r.Apply(ctx, topUp("d", fmt.Sprint("top", i), 5_000, i)))
	}
	var ok, paid atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			amt := int64(100 + i%7*25) // 100..250 cents; together far more than 150.00
			_, err := r.Apply(ctx, pay("d", fmt.Sprint("pay", i), amt, 10+i))
			switch {
			case err == nil:
				ok.Add(1)
				paid.Add(amt)
			case errors.Is(err, wallet.ErrInsufficientFunds):
			default:
				errs <- err
			}
			if w, err := r.Wallet(ctx, "d"); err == nil && w.BalanceCents < 0 {
				errs <- fmt.Errorf("balance went negative: %d", w.BalanceCents)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	b := balance(t, r, "d")
	if b != topups-paid.Load() || b < 0 {
		t.Fatalf("balance %d, want %d − %d", b, topups, paid.Load())
	}
	if ok.Load() == 0 || ok.Load() == n {
		t.Fatalf("%d of %d succeeded; the test needs both outcomes", ok.Load(), n)
	}
	// Every decided payment is recorded exactly once.
	var completed, failed int64
	for off := 0; ; off += 100 {
		pg, err := r.Transactions(ctx, "d", wallet.Query{Kind: wallet.KindParking, Limit: 100, Offset: off})
		if err != nil {
			t.Fatal(err)
		}
		for _, tx := range pg {
			switch tx.Status {
			case wallet.StatusCompleted:
				completed += tx.AmountCents
			case wallet.StatusFailed:
				failed++
			}
		}
		if len(pg) < 100 {
			break
		}
	}
	if completed != paid.Load() || failed != n-ok.Load() {
		t.Fatalf("records: completed %d cents (paid %d), failed %d (want %d)", completed, paid.Load(), failed, n-ok.Load())
	}
	t.Logf("%d of %d payments succeeded; balance %d", ok.Load(), n, b)
}

// One payment retried concurrently moves money once.
func testConcurrentReplays(t *testing.T, r wallet.Repository) {
	ctx := context.Background()
	must(t)(r.Apply(ctx, topUp("d", "top", 1_000, 0)))
	var wg sync.WaitGroup
	var fresh atomic.Int64
	for i := 0; i < 32; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tx, err := r.Apply(ctx, pay("d", "same", 300, 1))
			if err != nil {
				t.Error(err)
				return
			}
			if !tx.Replayed {
				fresh.Add(1)
			}
		}()
	}
	wg.Wait()
	if b := balance(t, r, "d"); b != 700 {
		t.Fatalf("balance %d after one payment retried 32 times, want 700", b)
	}
	if fresh.Load() < 1 {
		t.Fatal("no call applied the payment")
	}
}

func testConcurrentPayLater(t *testing.T, r wallet.Repository) {
	ctx := context.Background()
	var wg sync.WaitGroup
	var ok atomic.Int64
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := r.Apply(ctx, later("d", fmt.Sprint("s", i), 100, 3, i))
			if err == nil {
				ok.Add(1)
			} else if !errors.Is(err, wallet.ErrPendingLimit) {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	w, _ := r.Wallet(ctx, "d")
	if ok.Load() != 3 || w.PendingCount != 3 {
		t.Fatalf("%d pay-laters accepted, pending %d; want 3", ok.Load(), w.PendingCount)
	}
}

func testConcurrentSettle(t *testing.T, r wallet.Repository) {
	ctx := context.Background()
	p := must(t)(r.Apply(ctx, later("d", "s", 400, 1, 0)))
	must(t)(r.Apply(ctx, topUp("d", "top", 1_000, 1)))
	var wg sync.WaitGroup
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st := wallet.Settlement{DriverID: "d", TransactionID: p.ID, Method: wallet.MethodWallet, Now: at(2)}
			if i%2 == 1 {
				st.Method, st.PaymentMethodID = wallet.MethodCard, "pm"
			}
			if _, err := r.Settle(ctx, st); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	w, _ := r.Wallet(ctx, "d")
	tx, _ := r.Transaction(ctx, "d", p.ID)
	want := int64(1_000)
	if tx.Method == wallet.MethodWallet {
		want = 600
	}
	if w.BalanceCents != want || w.PendingCount != 0 || tx.Status != wallet.StatusCompleted {
		t.Fatalf("wallet %+v, tx %+v", w, tx)
	}
}

// testForgetRefusal: a refused deferral with ForgetRefusal leaves its key
// free (nothing listed, a later Apply decides again), while a plain
// refusal is recorded and replayed.
func testForgetRefusal(t *testing.T, r wallet.Repository) {
	ctx := context.Background()
	p1 := must(t)(r.Apply(ctx, later("d", "s1", 700, 1, 1)))
	m := later("d", "session:x", 500, 1, 2)
	m.ForgetRefusal = true
	tx, err := r.Apply(ctx, m)
	if !errors.Is(err, wallet.ErrPendingLimit) || tx.Status != wallet.StatusFailed {
		t.Fatalf("over the limit: %+v %v", tx, err)
	}
	if _, err := r.Transaction(ctx, "d", wallet.TransactionID("d", "session:x")); !errors.Is(err, wallet.ErrNotFound) {
		t.Fatalf("a forgotten refusal is readable: %v", err)
	}
	if all, err := r.Transactions(ctx, "d", wallet.Query{Limit: 100}); err != nil || len(all) != 1 {
		t.Fatalf("listed %d (%v), want only the first pending", len(all), err)
	}
	// Again at the limit: refused again, not replayed.
	if tx, err := r.Apply(ctx, m); !errors.Is(err, wallet.ErrPendingLimit) || tx.Replayed {
		t.Fatalf("second refusal %+v %v", tx, err)
	}
	must(t)(r.Apply(ctx, topUp("d", "top", 1_000, 3)))
	must(t)(r.Settle(ctx, wallet.Settlement{DriverID: "d", TransactionID: p1.ID, Method: wallet.MethodWallet, Now: at(4)}))
	ok := must(t)(r.Apply(ctx, m))
	if ok.Status != wallet.StatusPending || ok.Replayed {
		t.Fatalf("after settling: %+v", ok)
	}
	if again := must(t)(r.Apply(ctx, m)); !again.Replayed || again.ID != ok.ID || again.Status != wallet.StatusPending {
		t.Fatalf("replay %+v", again)
	}
	if w, _ := r.Wallet(ctx, "d"); w.PendingCount != 1 || w.BalanceCents != 300 {
		t.Fatalf("wallet %+v, want 1 pending and 300", w)
	}
	// Without ForgetRefusal the refusal is recorded and replayed.
	plain := later("d", "session:y", 400, 1, 5)
	if _, err := r.Apply(ctx, plain); !errors.Is(err, wallet.ErrPendingLimit) {
		t.Fatal(err)
	}
	if tx, err := r.Apply(ctx, plain); !errors.Is(err, wallet.ErrPendingLimit) || !tx.Replayed {
		t.Fatalf("plain refusal not replayed: %+v %v", tx, err)
	}
}

// testConcurrentForgetRefusal: concurrent deferrals with ForgetRefusal
// (six keys, four racing calls each, limit 3) defer exactly three keys,
// each recorded once.
func testConcurrentForgetRefusal(t *testing.T, r wallet.Repository) {
	ctx := context.Background()
	var wg sync.WaitGroup
	var won sync.Map // key → transaction id
	for i := 0; i < 24; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m := later("d", fmt.Sprint("session:", i%6), 100, 3, i%6)
			m.ForgetRefusal = true
			tx, err := r.Apply(ctx, m)
			switch {
			case err == nil:
				if prev, dup := won.LoadOrStore(m.Key, tx.ID); dup && prev != tx.ID {
					t.Errorf("key %s recorded as %v and %s", m.Key, prev, tx.ID)
				}
			case !errors.Is(err, wallet.ErrPendingLimit):
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	keys := 0
	won.Range(func(_, _ any) bool { keys++; return true })
	w, _ := r.Wallet(ctx, "d")
	all, err := r.Transactions(ctx, "d", wallet.Query{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if keys != 3 || w.PendingCount != 3 || len(all) != 3 {
		t.Fatalf("%d keys deferred, pending %d, %d listed; want 3", keys, w.PendingCount, len(all))
	}
}
