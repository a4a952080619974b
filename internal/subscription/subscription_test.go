package subscription_test

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/autospot/autospot/internal/subscription"
	"github.com/autospot/autospot/internal/subscription/subscriptiontest"
	"github.com/autospot/autospot/internal/testenv"
	"github.com/autospot/autospot/internal/wallet"
)

func TestMemory(t *testing.T) {
	subscriptiontest.Run(t, func(*testing.T) subscription.Repository { return subscription.NewMemory() })
}

func TestBolt(t *testing.T) {
	subscriptiontest.Run(t, func(t *testing.T) subscription.Repository {
		db, err := bbolt.Open(filepath.Join(t.TempDir(), "s.db"), 0o600, &bbolt.Options{Timeout: time.Second})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		r, err := subscription.NewBolt(db)
		if err != nil {
			t.Fatal(err)
		}
		return r
	})
}

func TestMongo(t *testing.T) {
	testenv.MongoURI(t)
	subscriptiontest.Run(t, func(t *testing.T) subscription.Repository {
		db := testenv.MongoDB(t, "subtest")
		r, err := subscription.NewMongo(context.Background(), db)
		if err != nil {
			t.Fatal(err)
		}
		return r
	})
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newService(t *testing.T) (*subscription.Service, *wallet.Memory, *clock) {
	t.Helper()
	clk := &clock{t: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)}
	w := wallet.NewMemory()
	s, err := subscription.New(subscription.NewMemory(), w, subscription.WithClock(clk.now))
	if err != nil {
		t.Fatal(err)
	}
	return s, w, clk
}

func fund(t *testing.T, w wallet.Repository, cents int64, key string, now time.Time) {
	t.Helper()
	if _, err := w.Apply(context.Background(), wallet.Movement{DriverID: "d", Key: key, Kind: wallet.KindTopUp, AmountCents: cents, Now: now}); err != nil {
		t.Fatal(err)
	}
}

// The original's test_subscription.py behaviours with the spec's numbers.
func TestUpgradeSpec(t *testing.T) {
	ctx := context.Background()
	t.Run("price", func(t *testing.T) {
		if subscription.PriceCents != 2000 || len(subscription.Benefits()) < 3 || subscription.Period != 30*24*time.Hour {
			t.Fatal("pricing differs from the spec: $20.00 per 30 days, ≥ 3 benefits")
		}
	})
	t.Run("insufficient", func(t *testing.T) {
		s, w, clk := newService(t)
		fund(t, w, 1999, "t", clk.now())
		if _, _, err := s.Upgrade(ctx, "d"); !errors.Is(err, subscription.ErrInsufficientFunds) {
			t.Fatalf("%v", err)
		}
		// After a top-up the next upgrade goes through (the failed key is not reused).
		fund(t, w, 1, "t2", clk.now())
		if _, _, err := s.Upgrade(ctx, "d"); err != nil {
			t.Fatalf("upgrade after top-up: %v", err)
		}
	})
	t.Run("deducts 20 and records it, then downgrades on expiry", func(t *testing.T) {
		s, w, clk := newService(t)
		fund(t, w, 5000, "t", clk.now())
		sub, tx, err := s.Upgrade(ctx, "d")
		if err != nil || sub.Plan != subscription.Premium || tx.AmountCents != 2000 || tx.Kind != wallet.KindSubscription {
			t.Fatalf("%+v %+v %v", sub, tx, err)
		}
		if wl, _ := w.Wallet(ctx, "d"); wl.BalanceCents != 3000 {
			t.Fatalf("balance %d, want 3000", wl.BalanceCents)
		}
		if _, _, err := s.Upgrade(ctx, "d"); !errors.Is(err, subscription.ErrAlreadyPremium) {
			t.Fatalf("second upgrade: %v", err)
		}
		st, _ := s.Status(ctx, "d")
		if st.Plan != subscription.Premium || st.Status != "active" || *st.DaysRemaining != 30 {
			t.Fatalf("status %+v (days %d)", st, *st.DaysRemaining)
		}
		if n, _ := s.PendingLimit(ctx, "d"); n != 3 {
			t.Fatalf("premium pending limit %d", n)
		}
		clk.add(30*24*time.Hour + time.Second)
		st, _ = s.Status(ctx, "d")
		if st.Plan != subscription.Basic || st.Status != "expired" {
			t.Fatalf("after expiry %+v", st)
		}
		st, _ = s.Status(ctx, "d")
		if st.Status != "active" || st.Plan != subscription.Basic || st.ExpiresAt != nil {
			t.Fatalf("stored plan not downgraded: %+v", st)
		}
		if n, _ := s.PendingLimit(ctx, "d"); n != 1 {
			t.Fatalf("basic pending limit %d", n)
		}
		// Renewal after expiry is a new purchase.
		if _, _, err := s.Upgrade(ctx, "d"); err != nil {
			t.Fatal(err)
		}
		if wl, _ := w.Wallet(ctx, "d"); wl.BalanceCents != 1000 {
			t.Fatalf("balance %d after two upgrades, want 1000", wl.BalanceCents)
		}
	})
	t.Run("concurrent upgrades pay once", func(t *testing.T) {
		s, w, clk := newService(t)
		fund(t, w, 10_000, "t", clk.now())
		var wg sync.WaitGroup
		for i := 0; i < 16; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, _, err := s.Upgrade(ctx, "d"); err != nil && !errors.Is(err, subscription.ErrAlreadyPremium) {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if wl, _ := w.Wallet(ctx, "d"); wl.BalanceCents != 8000 {
			t.Fatalf("balance %d after 16 concurrent upgrades, want 8000", wl.BalanceCents)
		}
	})
}
