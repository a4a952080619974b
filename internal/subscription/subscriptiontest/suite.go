// Package subscriptiontest is the conformance suite of
// [subscription.Repository]: every backend runs [Run].
package subscriptiontest

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/autospot/autospot/internal/subscription"
)

// Run runs the suite; newRepo returns an empty repository per call.
func Run(t *testing.T, newRepo func(t *testing.T) subscription.Repository) {
	t.Run("DefaultBasic", func(t *testing.T) {
		s, err := newRepo(t).Get(context.Background(), "d")
		if err != nil || s.Plan != subscription.Basic || s.Version != 0 || s.DriverID != "d" {
			t.Fatalf("%+v %v", s, err)
		}
	})
	t.Run("CompareAndSet", func(t *testing.T) {
		r := newRepo(t)
		ctx := context.Background()
		exp := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
		v, err := r.Put(ctx, subscription.Subscription{DriverID: "d", Plan: subscription.Premium, ExpiresAt: exp, Upgrade: "k1"})
		if err != nil || v != 1 {
			t.Fatalf("first put %d %v", v, err)
		}
		if _, err := r.Put(ctx, subscription.Subscription{DriverID: "d", Plan: subscription.Basic}); !errors.Is(err, subscription.ErrConflict) {
			t.Fatalf("stale put: %v", err)
		}
		s, _ := r.Get(ctx, "d")
		if s.Plan != subscription.Premium || !s.ExpiresAt.Equal(exp) || s.Upgrade != "k1" || s.Version != 1 {
			t.Fatalf("read back %+v", s)
		}
		s.Plan, s.Upgrade = subscription.Basic, ""
		if v, err := r.Put(ctx, s); err != nil || v != 2 {
			t.Fatalf("second put %d %v", v, err)
		}
		if o, _ := r.Get(ctx, "other"); o.Version != 0 {
			t.Fatalf("drivers share state: %+v", o)
		}
		if _, err := r.Put(ctx, subscription.Subscription{DriverID: "", Plan: subscription.Basic}); !errors.Is(err, subscription.ErrInvalid) {
			t.Fatalf("no driver: %v", err)
		}
	})
	t.Run("Delete", func(t *testing.T) {
		r := newRepo(t)
		ctx := context.Background()
		for _, d := range []string{"d", "e"} {
			if _, err := r.Put(ctx, subscription.Subscription{DriverID: d, Plan: subscription.Premium}); err != nil {
				t.Fatal(err)
			}
		}
		if err := r.Delete(ctx, "d"); err != nil {
			t.Fatal(err)
		}
		if s, _ := r.Get(ctx, "d"); s.Plan != subscription.Basic || s.Version != 0 {
			t.Fatalf("left behind %+v", s)
		}
		if s, _ := r.Get(ctx, "e"); s.Plan != subscription.Premium {
			t.Fatalf("another driver touched %+v", s)
		}
	})
	t.Run("ConcurrentPuts", func(t *testing.T) {
		r := newRepo(t)
		var wins atomic.Int64
		var wg sync.WaitGroup
		for i := 0; i < 16; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := r.Put(context.Background(), subscription.Subscription{DriverID: "d", Plan: subscription.Premium})
				if err == nil {
					wins.Add(1)
				} else if !errors.Is(err, subscription.ErrConflict) {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if wins.Load() != 1 {
			t.Fatalf("%d puts from version 0 succeeded", wins.Load())
		}
	})
}
