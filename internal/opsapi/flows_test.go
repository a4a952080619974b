package opsapi_test

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/autospot/autospot/internal/opsapi"
)

// The server computes the fare from the session's times and the
// facility's rates: Westfield Sydney, Monday 2024-01-15 08:00, 2 h →
// 12.00 + 2.40 peak = 14.40 (domain spec §5), paid from the wallet.
func TestEndComputesFareAndPays(t *testing.T) {
	eachBackend(t, func(t *testing.T, h *harness) {
		h.topUp("alice", 5000)
		s := h.must(h.do("alice", "POST", "/session/start", map[string]any{"qr_code": h.code("E1"), "vehicle_id": "ABC-123"}), 201).json(t)
		sess := s["session"].(map[string]any)
		if sess["slot"].(map[string]any)["slot_id"] != "1B" || s["route"].(map[string]any)["distance"].(float64) != 2.0 {
			t.Fatalf("start %v", s)
		}
		h.must(h.do("alice", "POST", "/session/start", map[string]any{"qr_code": h.code("E1"), "vehicle_id": "XYZ"}), 409)
		active := h.must(h.do("alice", "GET", "/session/active", nil), 200).json(t)
		if active["session"].(map[string]any)["vehicle_id"] != "ABC123" {
			t.Fatalf("active %v", active)
		}
		h.clk.Add(2 * time.Hour)
		// The client cannot name an amount: unknown fields are refused.
		h.must(h.do("alice", "POST", "/session/end", map[string]any{"amount": 1}), 400)
		end := h.must(h.do("alice", "POST", "/session/end", map[string]any{"exit_id": "X1"}), 200).json(t)
		fare := end["fare"].(map[string]any)
		if fare["total_cents"].(float64) != 1440 || fare["total"] != "14.40" {
			t.Fatalf("fare %v", fare)
		}
		if p := end["payment"].(map[string]any); p["status"] != "paid" {
			t.Fatalf("payment %v", p)
		}
		if b := h.balance("alice"); b != 5000-1440 {
			t.Fatalf("balance %d", b)
		}
		// Journey E1 → 1B (2.0) → X1, against the dynamic baseline.
		em := end["emissions"].(map[string]any)
		est := em["estimate"].(map[string]any)
		if est["calculation_method"] != "dynamic" || est["route_distance"].(float64) <= 2.0 {
			t.Fatalf("emissions %v", em)
		}
		h.must(h.do("alice", "POST", "/session/end", map[string]any{}), 404)
		// Paying again is refused; the one obligation is paid.
		sid := end["session"].(map[string]any)["session_id"].(string)
		h.must(h.do("alice", "POST", "/wallet/pay-parking", map[string]any{"session_id": sid}), 409)
		hist := h.must(h.do("alice", "GET", "/session/history?limit=5", nil), 200).json(t)
		if hist["total_sessions"].(float64) != 1 {
			t.Fatalf("history %v", hist)
		}
		got := hist["sessions"].([]any)[0].(map[string]any)
		if got["payment_status"] != "paid" || got["fare_cents"].(float64) != 1440 || got["exit_id"] != "X1" {
			t.Fatalf("stored session %v", got)
		}
		h.must(h.do("alice", "GET", "/session/history?limit=101", nil), 422)
	})
}

// A short balance leaves the fare pending; basic drivers may have one
// pending payment, premium three.
func TestPayLaterLimits(t *testing.T) {
	eachBackend(t, func(t *testing.T, h *harness) {
		h.topUp("alice", 100)
		ride := func(vehicle, payment string) (int, map[string]any) {
			h.must(h.do("alice", "POST", "/session/start", map[string]any{"building": building, "entrance_id": "E1", "vehicle_id": vehicle}), 201)
			h.clk.Add(time.Hour)
			r := h.do("alice", "POST", "/session/end", map[string]any{"payment": payment})
			if r.Status == 200 {
				return 200, r.json(t)
			}
			// Not ended: end it paying from the wallet.
			h.must(h.do("alice", "POST", "/session/end", map[string]any{}), 200)
			return r.Status, nil
		}
		st, end := ride("A1", "wallet")
		if st != 200 || end["payment"].(map[string]any)["status"] != "pending" {
			t.Fatalf("short balance: %v", end)
		}
		if b := h.balance("alice"); b != 100 {
			t.Fatalf("balance moved: %d", b)
		}
		if st, _ := ride("A2", "later"); st != 409 {
			t.Fatalf("second pending for a basic driver: %d", st)
		}
		pend := h.must(h.do("alice", "GET", "/wallet/pending-payments", nil), 200).json(t)["pending_payments"].([]any)
		if len(pend) != 2 { // the first, and the refused pay-later's session paid-or-pending from the wallet
			t.Fatalf("pending %d", len(pend))
		}
		// Settle one by a one-off card (card data in the body, never stored).
		id := pend[0].(map[string]any)["transaction_id"].(string)
		bad := h.do("alice", "POST", "/wallet/pending-payments/"+id+"/pay", map[string]any{"method": "card", "card": map[string]any{"card_number": "4111 1111 1111 1112", "expiry_month": "12", "expiry_year": "2030", "cvv": "123", "cardholder_name": "A"}})
		if bad.Status != 400 || !strings.Contains(string(bad.Body), "Invalid card") {
			t.Fatalf("Luhn failure: %d %s", bad.Status, bad.Body)
		}
		ok := h.must(h.do("alice", "POST", "/wallet/pending-payments/"+id+"/pay", map[string]any{"method": "card", "card": map[string]any{"card_number": visa, "expiry_month": "12", "expiry_year": "2030", "cvv": "123", "cardholder_name": "A"}}), 200)
		if strings.Contains(string(ok.Body), "4111111111111111") || strings.Contains(string(ok.Body), "123\"") {
			t.Fatalf("card data echoed: %s", ok.Body)
		}
		// Premium allows three.
		h.topUp("alice", 10_000)
		for _, p := range pend[1:] {
			h.must(h.do("alice", "POST", "/wallet/pending-payments/"+p.(map[string]any)["transaction_id"].(string)+"/pay", map[string]any{"method": "wallet"}), 200)
		}
		h.must(h.do("alice", "POST", "/subscription/upgrade", nil), 200)
		for i := 0; i < 3; i++ {
			if st, _ := ride(fmt.Sprint("P", i), "later"); st != 200 {
				t.Fatalf("premium pay-later %d: %d", i, st)
			}
		}
		if st, _ := ride("P9", "later"); st != 409 {
			t.Fatalf("fourth pending for premium: %d", st)
		}
	})
}

func TestPremiumChoosesSlot(t *testing.T) {
	eachBackend(t, func(t *testing.T, h *harness) {
		choose := map[string]any{"building": building, "entrance_id": "E1", "slot_id": "2C", "vehicle_id": "C1"}
		r := h.must(h.do("alice", "POST", "/session/start", choose), 403)
		if !strings.Contains(string(r.Body), "premium") {
			t.Fatalf("%s", r.Body)
		}
		h.topUp("alice", 1999)
		h.must(h.do("alice", "POST", "/subscription/upgrade", nil), 400)
		h.topUp("alice", 1)
		h.must(h.do("alice", "POST", "/subscription/upgrade", nil), 200)
		h.must(h.do("alice", "POST", "/subscription/upgrade", nil), 400)
		st := h.must(h.do("alice", "GET", "/subscription/status", nil), 200).json(t)
		if st["subscription_plan"] != "premium" || st["days_remaining"].(float64) != 30 {
			t.Fatalf("status %v", st)
		}
		s := h.must(h.do("alice", "POST", "/session/start", choose), 201).json(t)
		if s["session"].(map[string]any)["slot"].(map[string]any)["level"].(float64) != 2 || s["route"] == nil {
			t.Fatalf("chosen %v", s)
		}
		h.clk.Add(31 * 24 * time.Hour)
		h.tok["alice"] = h.driverToken("u-alice") // the first token has expired
		st = h.must(h.do("alice", "GET", "/subscription/status", nil), 200).json(t)
		if st["status"] != "expired" || st["subscription_plan"] != "basic" {
			t.Fatalf("after 31 days %v", st)
		}
	})
}

// Two drivers claiming one slot at once: one wins. Ten basic drivers at
// one entrance at once get distinct slots until the park is full.
func TestConcurrentStarts(t *testing.T) {
	eachBackend(t, func(t *testing.T, h *harness) {
		var wg sync.WaitGroup
		statuses := make([]int, 10)
		slots := make([]string, 10)
		for i := range 10 {
			tok := "tok:" + h.driverToken(fmt.Sprint("d", i))
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := h.do(tok, "POST", "/session/start", map[string]any{"building": building, "entrance_id": "E1", "vehicle_id": fmt.Sprint("V", i)})
				statuses[i] = r.Status
				if r.Status == 201 {
					slots[i] = r.json(t)["session"].(map[string]any)["slot"].(map[string]any)["slot_id"].(string)
				}
			}()
		}
		wg.Wait()
		seen := map[string]bool{}
		won := 0
		for i, st := range statuses {
			switch st {
			case 201:
				won++
				if seen[slots[i]] {
					t.Fatalf("slot %s given twice", slots[i])
				}
				seen[slots[i]] = true
			case 409:
			default:
				t.Fatalf("status %d", st)
			}
		}
		if won != 8 {
			t.Fatalf("%d sessions on 8 slots", won)
		}
	})
}

func TestQRCodes(t *testing.T) {
	h := newHarness(t)
	png := h.must(h.do("operator", "GET", "/qr/entrance-code?building=Westfield+Sydney&entrance_id=E1", nil), 200)
	if png.Header.Get("Content-Type") != "image/png" || !strings.HasPrefix(string(png.Body), "\x89PNG") {
		t.Fatalf("not a PNG: %v", png.Header)
	}
	all := h.must(h.do("operator", "GET", "/qr/entrance-codes?building=Westfield+Sydney", nil), 200).json(t)["codes"].([]any)
	if len(all) != 3 { // E1, BE1, BE2
		t.Fatalf("%d codes", len(all))
	}
	code := h.code("E1")
	ok := h.must(h.do("alice", "POST", "/qr/scan", map[string]any{"qr_content": code}), 200).json(t)
	if ok["valid"] != true || ok["entrance_id"] != "E1" || ok["building"] != building {
		t.Fatalf("scan %v", ok)
	}
	tampered := strings.Replace(code, code[10:14], "AAAA", 1)
	bad := h.must(h.do("alice", "POST", "/qr/scan", map[string]any{"qr_content": tampered}), 400).json(t)
	if bad["valid"] != false {
		t.Fatalf("tampered %v", bad)
	}
	h.must(h.do("alice", "POST", "/qr/scan", map[string]any{"qr_content": `{"entrance_id":"E1","building":"Westfield Sydney","level":1}`}), 400)
	h.must(h.do("alice", "POST", "/session/start", map[string]any{"qr_code": tampered, "vehicle_id": "A"}), 400)
	short := h.must(h.do("operator", "GET", "/qr/entrance-code?format=json&ttl_hours=1&building=Westfield+Sydney&entrance_id=E1", nil), 200).json(t)["qr_content"].(string)
	h.clk.Add(time.Hour)
	exp := h.must(h.do("alice", "POST", "/qr/scan", map[string]any{"qr_content": short}), 400).json(t)
	if exp["reason"] != "QR code has expired." {
		t.Fatalf("expired %v", exp)
	}
	h.must(h.do("alice", "GET", "/qr/entrance-code?building=Westfield+Sydney&entrance_id=E1", nil), 403)
	h.must(h.do("operator", "GET", "/qr/entrance-code?building=Westfield+Sydney&entrance_id=1A", nil), 404)
}

func TestCardRules(t *testing.T) {
	h := newHarness(t)
	base := map[string]any{"card_number": visa, "expiry_month": "12", "expiry_year": "2030", "cvv": "123", "cardholder_name": "A"}
	with := func(k string, v any) map[string]any {
		m := map[string]any{}
		for a, b := range base {
			m[a] = b
		}
		m[k] = v
		return m
	}
	for _, c := range []struct {
		name string
		body map[string]any
		msg  string
	}{
		{"letters", with("card_number", "4111-1111-1111-111a"), "only digits"},
		{"luhn", with("card_number", "4111111111111112"), "Invalid card"},
		{"amex length", with("card_number", "3782822463100051"), "Invalid card"},
		{"expired", with("expiry_year", "2023"), "expired"},
		{"month 13", with("expiry_month", "13"), "expired"},
		{"cvv", with("cvv", "12"), "CVV"},
		{"missing", with("cardholder_name", ""), "Card details required"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := h.must(h.do("alice", "POST", "/wallet/payment-methods", c.body), 422)
			if !strings.Contains(string(r.Body), c.msg) {
				t.Fatalf("%s", r.Body)
			}
		})
	}
	r := h.must(h.do("alice", "POST", "/wallet/payment-methods", with("card_number", "3782 822463 10005")), 201).json(t)
	card := r["card"].(map[string]any)
	if card["brand"] != "amex" || card["last_four_digits"] != "0005" {
		t.Fatalf("card %v", r)
	}
	raw := h.do("alice", "GET", "/wallet/payment-methods", nil)
	if strings.Contains(string(raw.Body), "378282246310005") || strings.Contains(string(raw.Body), "cvv") {
		t.Fatalf("stored card data leaks: %s", raw.Body)
	}
}

// Top-ups retried with one Idempotency-Key move money once; no endpoint
// mints money without a card of the caller's.
func TestTopUpIdempotent(t *testing.T) {
	h := newHarness(t)
	pm := h.addCard("alice")
	body := map[string]any{"amount_cents": 2500, "payment_method_id": pm}
	for range 3 {
		h.must(h.do("alice", "POST", "/wallet/add-money", body, "Idempotency-Key", "topup-0001"), 200)
	}
	if b := h.balance("alice"); b != 2500 {
		t.Fatalf("balance %d after 3 retries", b)
	}
	h.must(h.do("alice", "POST", "/wallet/add-money", map[string]any{"amount_cents": 100, "payment_method_id": pm}, "Idempotency-Key", "topup-0001"), 422)
	h.must(h.do("alice", "POST", "/wallet/add-money", map[string]any{"amount_cents": 100_001, "payment_method_id": pm}), 400)
	h.must(h.do("alice", "POST", "/wallet/add-money", map[string]any{"amount_cents": 100}), 400)
	h.must(h.do("alice", "POST", "/wallet/test-add-money", map[string]any{"amount_cents": 100}), 404)
}

// Mongo-style operators in JSON never reach a query: a typed field refuses them.
func TestFilterInjection(t *testing.T) {
	h := newHarness(t)
	for _, body := range []string{
		`{"session_id": {"$ne": ""}}`,
		`{"qr_content": {"$gt": ""}}`,
	} {
		path := "/wallet/pay-parking"
		if strings.Contains(body, "qr_content") {
			path = "/qr/scan"
		}
		h.must(h.do("alice", "POST", path, body), 400)
	}
	h.must(h.do("alice", "POST", "/session/start", `{"vehicle_id":"A"} {"x":1}`), 400)
	h.must(h.do("alice", "POST", "/session/start", strings.Repeat(" ", 70<<10)+"{}"), 413)
	r := h.do("alice", "POST", "/session/start", "{}", "Content-Type", "text/plain")
	if r.Status != 415 {
		t.Fatalf("text/plain: %d", r.Status)
	}
}

// The live stream sends a snapshot, then every slot change as sessions
// start and end.
func TestLiveStream(t *testing.T) {
	h := newHarness(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", h.srv.URL+"/live/buildings/westfield%20sydney/slots", nil)
	req.Header.Set("Authorization", "Bearer "+h.tok["bob"])
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	rd := bufio.NewReader(res.Body)
	next := func() (string, string) {
		var ev, data string
		for {
			line, err := rd.ReadString('\n')
			if err != nil {
				t.Fatal(err)
			}
			line = strings.TrimSpace(line)
			if line == "" && ev != "" {
				return ev, data
			}
			if v, ok := strings.CutPrefix(line, "event: "); ok {
				ev = v
			}
			if v, ok := strings.CutPrefix(line, "data: "); ok {
				data = v
			}
		}
	}
	if ev, data := next(); ev != "snapshot" || !strings.Contains(data, `"available":8`) {
		t.Fatalf("%s %s", ev, data)
	}
	h.must(h.do("alice", "POST", "/session/start", map[string]any{"building": building, "entrance_id": "E1", "vehicle_id": "A"}), 201)
	if ev, data := next(); ev != "slot" || !strings.Contains(data, `"slot_id":"1B","status":"occupied"`) {
		t.Fatalf("%s %s", ev, data)
	}
	h.must(h.do("alice", "POST", "/session/end", map[string]any{}), 200)
	if ev, data := next(); ev != "slot" || !strings.Contains(data, `"status":"available"`) {
		t.Fatalf("%s %s", ev, data)
	}
}

// Money movements, sessions and card changes are audited; card numbers,
// CVVs and tokens never reach the audit log.
func TestAudited(t *testing.T) {
	h := newHarness(t)
	h.topUp("alice", 5000)
	h.must(h.do("alice", "POST", "/session/start", map[string]any{"qr_code": h.code("E1"), "vehicle_id": "A1"}), 201)
	h.clk.Add(time.Hour)
	h.must(h.do("alice", "POST", "/session/end", map[string]any{}), 200)
	log := h.auditLog.String()
	for _, action := range []string{"wallet.card_add", "wallet.top_up", "session.start", "session.end", "qr.issue"} {
		if !strings.Contains(log, `"`+action+`"`) {
			t.Errorf("no %s record in %s", action, log)
		}
	}
	for _, secret := range []string{"4111111111111111", "4111 1111 1111 1111", `"123"`, h.tok["alice"][:20]} {
		if strings.Contains(log, secret) {
			t.Errorf("audit log holds %q", secret)
		}
	}
	if !strings.Contains(log, `"u-alice"`) {
		t.Errorf("actor missing: %s", log)
	}
}

// Account deletion erases the driver's parking data and frees the slot.
func TestDeleteDriverData(t *testing.T) {
	eachBackend(t, func(t *testing.T, h *harness) {
		h.topUp("alice", 5000)
		h.must(h.do("alice", "POST", "/session/start", map[string]any{"building": building, "entrance_id": "E1", "vehicle_id": "A1"}), 201)
		h.clk.Add(time.Hour)
		h.must(h.do("alice", "POST", "/session/end", map[string]any{}), 200)
		h.must(h.do("alice", "POST", "/session/start", map[string]any{"building": building, "entrance_id": "E1", "vehicle_id": "A1"}), 201)
		h.topUp("bob", 700)
		if err := opsapi.DeleteDriverData(context.Background(), h.deps, "u-alice"); err != nil {
			t.Fatal(err)
		}
		if n := h.must(h.do("alice", "GET", "/session/history", nil), 200).json(t)["total_sessions"].(float64); n != 0 {
			t.Fatalf("%v sessions left", n)
		}
		if b := h.balance("alice"); b != 0 {
			t.Fatalf("balance %d left", b)
		}
		for _, path := range []string{"/wallet/transactions", "/wallet/payment-methods", "/emissions/history"} {
			body := string(h.must(h.do("alice", "GET", path, nil), 200).Body)
			if strings.Contains(body, "transaction_id") || strings.Contains(body, "payment_method_id") || strings.Contains(body, "record_id") {
				t.Fatalf("%s left: %s", path, body)
			}
		}
		// The slot she held is free again; Bob is untouched.
		s := h.must(h.do("bob", "POST", "/session/start", map[string]any{"building": building, "entrance_id": "E1", "vehicle_id": "B1"}), 201).json(t)
		if got := s["session"].(map[string]any)["slot"].(map[string]any)["slot_id"]; got != "1B" {
			t.Fatalf("bob got %v", got)
		}
		if b := h.balance("bob"); b != 700 {
			t.Fatalf("bob's balance %d", b)
		}
	})
}

// An end interrupted before it recorded the fare (here: the outcome is
// wiped as a crash would leave it) can still be paid, once, at the fare
// of the stored times; a deleted map does not strand a session.
func TestPayAfterInterruptedEnd(t *testing.T) {
	h := newHarness(t)
	h.topUp("alice", 5000)
	s := h.must(h.do("alice", "POST", "/session/start", map[string]any{"building": building, "entrance_id": "E1", "vehicle_id": "A1"}), 201).json(t)
	sid := s["session"].(map[string]any)["session_id"].(string)
	h.clk.Add(2 * time.Hour)
	if _, err := h.deps.Sessions.End(context.Background(), "u-alice", sid, h.clk.Now(), ""); err != nil {
		t.Fatal(err)
	}
	h.must(h.do("alice", "POST", "/wallet/pay-parking", map[string]any{"session_id": sid}), 200)
	h.must(h.do("alice", "POST", "/wallet/pay-parking", map[string]any{"session_id": sid}), 409)
	if b := h.balance("alice"); b != 5000-1440 {
		t.Fatalf("balance %d", b)
	}
	// The map goes away while Bob parks: he can still end and pay.
	h.topUp("bob", 5000)
	h.must(h.do("bob", "POST", "/session/start", map[string]any{"building": building, "entrance_id": "E1", "vehicle_id": "B1"}), 201)
	m, _ := h.maps.GetMap(context.Background(), "m-sydney")
	if err := h.maps.DeleteMap(context.Background(), m.ID, m.Version); err != nil {
		t.Fatal(err)
	}
	h.clk.Add(2 * time.Hour)
	end := h.must(h.do("bob", "POST", "/session/end", map[string]any{}), 200).json(t)
	if end["fare"].(map[string]any)["total_cents"].(float64) <= 0 || end["payment"].(map[string]any)["status"] != "paid" {
		t.Fatalf("end without map %v", end)
	}
}

func TestEmissionEstimates(t *testing.T) {
	h := newHarness(t)
	// The spec's static numbers through the API, recorded for the caller.
	est := h.must(h.do("alice", "POST", "/emissions/estimate", map[string]any{"route_distance": 15, "baseline_distance": 60, "emissions_factor": 0.25}), 200).json(t)
	e := est["estimate"].(map[string]any)
	if e["actual_emissions"].(float64) != 3.75 || e["emissions_saved"].(float64) != 11.25 || e["percentage_saved"].(float64) != 75 {
		t.Fatalf("estimate %v", est)
	}
	h.must(h.do("alice", "POST", "/emissions/estimate", map[string]any{"route_distance": 0}), 422)
	// E1 → 1A is 3.2 cells (spec §4) against the dynamic baseline (20 on the example).
	rt := h.must(h.do("alice", "POST", "/emissions/estimate-for-route", map[string]any{"building": building, "start": "E1", "end": "1,2,2"}), 200).json(t)
	re := rt["record"].(map[string]any)["estimate"].(map[string]any)
	if re["route_distance"].(float64) != 3.2 || re["baseline_distance"].(float64) != 20 || re["calculation_method"] != "dynamic" {
		t.Fatalf("route estimate %v", rt)
	}
	h.must(h.do("alice", "POST", "/emissions/estimate-for-route", map[string]any{"building": building, "start": "1,x,2", "end": "E1"}), 400)
	h.must(h.do("alice", "POST", "/emissions/estimate-for-route", map[string]any{"building": building, "start": "9,1,1", "end": "E1"}), 404)
	s := h.must(h.do("alice", "POST", "/session/start", map[string]any{"building": building, "entrance_id": "E1", "vehicle_id": "A"}), 201).json(t)
	sid := s["session"].(map[string]any)["session_id"].(string)
	j := h.must(h.do("alice", "POST", "/emissions/estimate-session-journey", map[string]any{"session_id": sid}), 200).json(t)
	if j["session_id"] != sid || j["estimate"].(map[string]any)["route_distance"].(float64) <= 2 {
		t.Fatalf("journey %v", j)
	}
	h.must(h.do("bob", "POST", "/emissions/estimate-session-journey", map[string]any{"session_id": sid}), 404)
	hist := h.must(h.do("alice", "GET", "/emissions/history?limit=10", nil), 200).json(t)
	if hist["count"].(float64) != 3 {
		t.Fatalf("history %v", hist)
	}
	h.must(h.do("alice", "GET", "/emissions/history?calculation_method=magic", nil), 400)
	// Wipes are admin-only and need confirmation.
	h.must(h.do("alice", "DELETE", "/emissions/clear?confirm=true&driver_id=u-alice", nil), 403)
	h.must(h.do("admin", "DELETE", "/emissions/clear?driver_id=u-alice", nil), 400)
	if n := h.must(h.do("admin", "DELETE", "/emissions/clear?confirm=true&driver_id=u-alice", nil), 200).json(t)["deleted_count"].(float64); n != 3 {
		t.Fatalf("deleted %v", n)
	}
}
