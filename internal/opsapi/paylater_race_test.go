package opsapi_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/autospot/autospot/internal/opsapi"
	"github.com/autospot/autospot/internal/wallet"
)

// staleWallets answers the next armed Wallet read with one pending
// payment fewer than stored: the view of a pay-later check that ran
// before a racing deferral was recorded.
type staleWallets struct {
	wallet.Repository
	armed atomic.Bool
}

func (s *staleWallets) Wallet(ctx context.Context, driverID string) (wallet.Wallet, error) {
	w, err := s.Repository.Wallet(ctx, driverID)
	if err == nil && s.armed.CompareAndSwap(true, false) && w.PendingCount > 0 {
		w.PendingCount--
	}
	return w, err
}

// TestPayLaterLimitHoldsUnderRace: when the check before ending is passed
// by a stale count (a racing deferral not yet visible), the count read
// after recording the deferral catches it and the fare is paid from the
// wallet, so a basic driver still holds one pending payment by choice.
// Without the check after recording, the second pay-later stays pending.
func TestPayLaterLimitHoldsUnderRace(t *testing.T) {
	eachBackend(t, func(t *testing.T, h *harness) {
		sw := &staleWallets{Repository: h.deps.Wallets}
		d := h.deps
		d.Wallets = sw
		mux := http.NewServeMux()
		if err := opsapi.Register(mux, d); err != nil {
			t.Fatal(err)
		}
		h.srv = httptest.NewServer(mux)
		t.Cleanup(h.srv.Close)

		h.topUp("alice", 10_000)
		ride := func(vehicle string) map[string]any {
			h.must(h.do("alice", "POST", "/session/start", map[string]any{"building": building, "entrance_id": "E1", "vehicle_id": vehicle}), 201)
			h.clk.Add(time.Hour)
			return h.must(h.do("alice", "POST", "/session/end", map[string]any{"payment": "later"}), 200).json(t)["payment"].(map[string]any)
		}
		if p := ride("A1"); p["status"] != "pending" {
			t.Fatalf("first pay-later %v", p)
		}
		before := h.balance("alice")
		sw.armed.Store(true)
		p := ride("A2")
		if sw.armed.Load() {
			t.Fatal("the stale read was not used")
		}
		if p["status"] != "paid" {
			t.Fatalf("second pay-later over the basic limit: %v", p)
		}
		if h.balance("alice") >= before {
			t.Fatal("the fare was not paid from the wallet")
		}
		pend := h.must(h.do("alice", "GET", "/wallet/pending-payments", nil), 200).json(t)["pending_payments"].([]any)
		if len(pend) != 1 {
			t.Fatalf("%d pending payments for a basic driver", len(pend))
		}
	})
}
