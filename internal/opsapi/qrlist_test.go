package opsapi_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/internal/emissions"
	"github.com/autospot/autospot/internal/entryqr"
	"github.com/autospot/autospot/internal/opsapi"
	"github.com/autospot/autospot/internal/parking"
	"github.com/autospot/autospot/internal/session"
	"github.com/autospot/autospot/internal/subscription"
	"github.com/autospot/autospot/internal/wallet"
	"github.com/autospot/autospot/store/memory"
)

func qrList(t *testing.T, h *harness, who, query string) []map[string]any {
	t.Helper()
	body := h.must(h.do(who, "GET", "/qr/list"+query, nil), 200).json(t)
	raw := body["qr_codes"].([]any)
	if int(body["count"].(float64)) != len(raw) {
		t.Fatalf("count %v for %d codes", body["count"], len(raw))
	}
	out := make([]map[string]any, len(raw))
	for i, r := range raw {
		out[i] = r.(map[string]any)
	}
	return out
}

func qrCode(t *testing.T, h *harness, entrance string, ttlHours int) string {
	t.Helper()
	r := h.must(h.do("operator", "GET", "/qr/entrance-code?format=json&building=Westfield+Sydney&entrance_id="+entrance+"&ttl_hours="+strconv.Itoa(ttlHours), nil), 200)
	return r.json(t)["qr_content"].(string)
}

// GET /qr/list: the caller's successful scans, one per code, newest first,
// valid or expired by the server's clock; never another driver's.
func TestQRList(t *testing.T) {
	eachBackend(t, func(t *testing.T, h *harness) {
		if l := qrList(t, h, "alice", ""); len(l) != 0 {
			t.Fatalf("empty list %v", l)
		}
		short := qrCode(t, h, "E1", 1) // expires in 1 h
		long := qrCode(t, h, "BE1", 48)
		h.must(h.do("alice", "POST", "/qr/scan", map[string]any{"qr_content": short}), 200)
		h.clk.Add(time.Minute)
		h.must(h.do("alice", "POST", "/qr/scan", map[string]any{"qr_content": long}), 200)
		h.clk.Add(time.Minute)
		// Rescanning a code adds nothing (the original duplicated records).
		for i := 0; i < 3; i++ {
			h.must(h.do("alice", "POST", "/qr/scan", map[string]any{"qr_content": short}), 200)
		}
		// Failed scans are not recorded.
		h.must(h.do("alice", "POST", "/qr/scan", map[string]any{"qr_content": short[:len(short)-2] + "AA"}), 400)

		l := qrList(t, h, "alice", "")
		if len(l) != 2 || l[0]["entrance_id"] != "BE1" || l[1]["entrance_id"] != "E1" {
			t.Fatalf("list %v", l)
		}
		for _, c := range l {
			if c["status"] != "valid" || c["building"] != building || c["scan_id"] == "" || c["expires_at"] == nil || c["scanned_at"] == nil {
				t.Fatalf("entry %v", c)
			}
			if _, leaked := c["driver"]; leaked {
				t.Fatalf("driver id in %v", c)
			}
		}
		if l[1]["scanned_at"] != t0.Format(time.RFC3339) {
			t.Fatalf("first scan time %v, want %v", l[1]["scanned_at"], t0.Format(time.RFC3339))
		}
		// Past the short code's expiry: expired, the other still valid.
		h.clk.Add(time.Hour)
		body := h.must(h.do("alice", "GET", "/qr/list", nil), 200).json(t)
		l = qrList(t, h, "alice", "")
		if l[0]["status"] != "valid" || l[1]["status"] != "expired" || body["valid"].(float64) != 1 || body["expired"].(float64) != 1 {
			t.Fatalf("after 1 h: %v", body)
		}
		// Limit.
		if l := qrList(t, h, "alice", "?limit=1"); len(l) != 1 || l[0]["entrance_id"] != "BE1" {
			t.Fatalf("limit 1: %v", l)
		}
		for _, q := range []string{"?limit=0", "?limit=101", "?limit=x"} {
			h.must(h.do("alice", "GET", "/qr/list"+q, nil), http.StatusUnprocessableEntity)
		}
		// Isolation: Bob sees none of Alice's scans, and cannot ask for them.
		if l := qrList(t, h, "bob", ""); len(l) != 0 {
			t.Fatalf("bob sees %v", l)
		}
		h.must(h.do("bob", "GET", "/qr/list?username=u-alice", nil), 400)
		h.must(h.do("alice", "GET", "/qr/list?username=u-alice", nil), 400)
		// Bob's scan of the same code is his own record.
		h.must(h.do("bob", "POST", "/qr/scan", map[string]any{"qr_content": long}), 200)
		if l := qrList(t, h, "bob", ""); len(l) != 1 || l[0]["scan_id"] == qrList(t, h, "alice", "")[0]["scan_id"] {
			t.Fatalf("bob's list %v", l)
		}
		if l := qrList(t, h, "alice", ""); len(l) != 2 {
			t.Fatalf("alice's list changed: %v", l)
		}
		h.must(h.do("", "GET", "/qr/list", nil), http.StatusUnauthorized)

		// Account deletion erases the scans; Bob's stay.
		if err := opsapi.DeleteDriverData(context.Background(), h.deps, "u-alice"); err != nil {
			t.Fatal(err)
		}
		if l := qrList(t, h, "alice", ""); len(l) != 0 {
			t.Fatalf("after deletion %v", l)
		}
		if l := qrList(t, h, "bob", ""); len(l) != 1 {
			t.Fatalf("bob's scans after alice's deletion %v", l)
		}
	})
}

// Without Deps.Scans the route still works, on an in-process repository
// that DeleteDriverData given the same Deps also reaches.
func TestQRListDefaultRepository(t *testing.T) {
	clk := &clock{t: t0}
	key, _ := auth.NewHMACKey("k1", bytes.Repeat([]byte("s"), 32))
	ring, _ := auth.NewKeyRing(key)
	tokens, err := auth.NewService(ring, memory.NewRefreshStore(), memory.NewRevocationStore(), auth.WithClock(clk.Now))
	if err != nil {
		t.Fatal(err)
	}
	qr, _ := entryqr.New(bytes.Repeat([]byte("q"), 32), entryqr.WithClock(clk.Now))
	deps := opsapi.Deps{Auth: tokens, Maps: parking.NewMemoryStore(), Sessions: session.NewMemory(), Wallets: wallet.NewMemory(),
		Subscriptions: subscription.NewMemory(), Emissions: emissions.NewMemory(), QR: qr, Now: clk.Now}
	mux := http.NewServeMux()
	if err := opsapi.Register(mux, deps); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(mux)
	defer srv.Close()
	h := &harness{t: t, srv: srv, clk: clk, tokens: tokens, qr: qr, tok: map[string]string{}}
	h.tok["alice"] = h.driverToken("u-alice")
	code, err := qr.Sign(entryqr.Entrance{Building: "B", Entrance: "E1", Level: 1})
	if err != nil {
		t.Fatal(err)
	}
	h.must(h.do("alice", "POST", "/qr/scan", map[string]any{"qr_content": code}), 200)
	if l := qrList(t, h, "alice", ""); len(l) != 1 || l[0]["status"] != "valid" {
		t.Fatalf("list %v", l)
	}
	if err := opsapi.DeleteDriverData(context.Background(), deps, "u-alice"); err != nil {
		t.Fatal(err)
	}
	if l := qrList(t, h, "alice", ""); len(l) != 0 {
		t.Fatalf("after deletion %v", l)
	}
}
