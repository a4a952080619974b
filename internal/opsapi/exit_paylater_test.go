package opsapi_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

// startSession starts a session for who through the API and returns its
// id.
func (h *harness) startSession(t *testing.T, who, vehicle string) string {
	t.Helper()
	s := h.must(h.do(who, "POST", "/session/start", map[string]any{"building": building, "entrance_id": "E1", "vehicle_id": vehicle}), 201).json(t)
	return s["session"].(map[string]any)["session_id"].(string)
}

// interruptedEnd ends a session in the repository only, as an end that
// stopped before it recorded the fare: nothing is owed in the wallet yet.
func (h *harness) interruptedEnd(t *testing.T, subject, sid string) {
	t.Helper()
	if _, err := h.deps.Sessions.End(context.Background(), subject, sid, h.clk.Now(), ""); err != nil {
		t.Fatal(err)
	}
}

func exitOf(t *testing.T, r resp) string {
	t.Helper()
	x, _ := r.json(t)["session"].(map[string]any)["exit_id"].(string)
	return x
}

// PUT /session/update-exit works on the caller's active session only:
// explicit exits are checked against the building, none means the
// nearest, /session/end keeps it unless it names another, and an ended
// session's exit cannot change (spec §15.14).
func TestUpdateExit(t *testing.T) {
	eachBackend(t, func(t *testing.T, h *harness) {
		h.topUp("alice", 10_000)
		h.must(h.do("alice", "PUT", "/session/update-exit", map[string]any{}), 404) // no active session
		sid := h.startSession(t, "alice", "A1")
		for name, c := range map[string]struct {
			body   map[string]any
			status int
		}{
			"unknown exit":     {map[string]any{"exit_id": "X9"}, 404},
			"an entrance":      {map[string]any{"exit_id": "E1"}, 404},
			"a slot":           {map[string]any{"exit_id": "1A"}, 404},
			"empty":            {map[string]any{"exit_id": ""}, 400},
			"control":          {map[string]any{"exit_id": "X\n1"}, 400},
			"too long":         {map[string]any{"exit_id": string(make([]byte, 65))}, 400},
			"wrong type":       {map[string]any{"exit_id": 1}, 400},
			"unknown field":    {map[string]any{"exit_id": "X1", "driver": "u-bob"}, 400},
			"another session":  {map[string]any{"session_id": "session-nope", "exit_id": "X1"}, 404},
			"another's active": {map[string]any{"session_id": sid, "exit_id": "X1", "x": 1}, 400},
		} {
			t.Run(name, func(t *testing.T) { h.must(h.do("alice", "PUT", "/session/update-exit", c.body), c.status) })
		}
		// Bob cannot touch Alice's session.
		h.must(h.do("bob", "PUT", "/session/update-exit", map[string]any{"session_id": sid, "exit_id": "X2"}), 404)
		if x := exitOf(t, h.must(h.do("alice", "PUT", "/session/update-exit", map[string]any{"exit_id": "X2"}), 200)); x != "X2" {
			t.Fatalf("explicit exit: %q", x)
		}
		near := h.must(h.do("alice", "PUT", "/session/update-exit", map[string]any{}), 200)
		if j := near.json(t); j["nearest"] != true || exitOf(t, near) != "X1" || j["route"] == nil {
			t.Fatalf("nearest: %s", near.Body)
		}
		h.must(h.do("alice", "PUT", "/session/update-exit", map[string]any{"session_id": sid, "exit_id": "X2"}), 200)
		if x := exitOf(t, h.must(h.do("alice", "GET", "/session/active", nil), 200)); x != "X2" {
			t.Fatalf("active session's exit %q", x)
		}
		h.clk.Add(time.Hour)
		end := h.must(h.do("alice", "POST", "/session/end", map[string]any{}), 200)
		if x := exitOf(t, end); x != "X2" {
			t.Fatalf("end used exit %q, want the planned X2", x)
		}
		// Ended: the exit is frozen.
		r := h.do("alice", "PUT", "/session/update-exit", map[string]any{"session_id": sid, "exit_id": "X1"})
		if r.Status != 409 || r.json(t)["error_code"] != "session_ended" {
			t.Fatalf("ended session: %d %s", r.Status, r.Body)
		}
		if x := h.must(h.do("alice", "GET", "/session/"+sid, nil), 200).json(t)["exit_id"]; x != "X2" {
			t.Fatalf("ended session's exit changed to %v", x)
		}
		// End's exit_id overrides the planned one.
		h.startSession(t, "alice", "A1")
		h.must(h.do("alice", "PUT", "/session/update-exit", map[string]any{"exit_id": "X2"}), 200)
		if x := exitOf(t, h.must(h.do("alice", "POST", "/session/end", map[string]any{"exit_id": "X1"}), 200)); x != "X1" {
			t.Fatalf("end's exit_id: %q", x)
		}
	})
}

// POST /wallet/pay-later defers an ended session's server-computed fare,
// once per session, within the plan's limit; a refusal at the limit does
// not burn the session (it can be deferred or paid later).
func TestPayLaterEndpoint(t *testing.T) {
	eachBackend(t, func(t *testing.T, h *harness) {
		s1 := h.startSession(t, "bob", "B1")
		h.must(h.do("bob", "POST", "/wallet/pay-later", map[string]any{"session_id": s1}), 409) // still active
		h.clk.Add(2 * time.Hour)
		h.interruptedEnd(t, "u-bob", s1)
		h.must(h.do("bob", "POST", "/wallet/pay-later", map[string]any{"session_id": s1, "amount_cents": 1}), 400)
		h.must(h.do("bob", "POST", "/wallet/pay-later", map[string]any{}), 400)
		h.must(h.do("alice", "POST", "/wallet/pay-later", map[string]any{"session_id": s1}), 404) // not Alice's
		first := h.must(h.do("bob", "POST", "/wallet/pay-later", map[string]any{"session_id": s1}), 200).json(t)
		tx := first["transaction"].(map[string]any)
		if first["amount_cents"].(float64) != 1440 || tx["status"] != "pending" || first["message"] != "payment saved to wallet" {
			t.Fatalf("first: %v", first)
		}
		again := h.must(h.do("bob", "POST", "/wallet/pay-later", map[string]any{"session_id": s1}), 200).json(t)
		if again["transaction"].(map[string]any)["transaction_id"] != tx["transaction_id"] || again["message"] != "payment already deferred" {
			t.Fatalf("retry: %v", again)
		}
		if got := h.must(h.do("bob", "GET", "/session/"+s1, nil), 200).json(t); got["payment_status"] != "pending" || got["fare_cents"].(float64) != 1440 {
			t.Fatalf("session after pay-later: %v", got)
		}
		// Basic: a second deferral is refused, and the refusal is not
		// recorded against the session.
		s2 := h.startSession(t, "bob", "B1")
		h.clk.Add(time.Hour)
		h.interruptedEnd(t, "u-bob", s2)
		for i := 0; i < 2; i++ {
			r := h.do("bob", "POST", "/wallet/pay-later", map[string]any{"session_id": s2})
			if r.Status != 409 || r.json(t)["error_code"] != "pending_limit" {
				t.Fatalf("second pending for basic: %d %s", r.Status, r.Body)
			}
		}
		if pend := h.must(h.do("bob", "GET", "/wallet/pending-payments", nil), 200).json(t)["pending_payments"].([]any); len(pend) != 1 {
			t.Fatalf("%d pending", len(pend))
		}
		h.topUp("bob", 5000)
		h.must(h.do("bob", "POST", "/wallet/pending-payments/"+tx["transaction_id"].(string)+"/pay", map[string]any{"method": "wallet"}), 200)
		h.must(h.do("bob", "POST", "/wallet/pay-later", map[string]any{"session_id": s1}), 409) // paid
		fare2 := h.must(h.do("bob", "POST", "/wallet/pay-later", map[string]any{"session_id": s2}), 200).json(t)["amount_cents"].(float64)
		h.must(h.do("bob", "POST", "/wallet/pay-parking", map[string]any{"session_id": s2}), 200)
		h.must(h.do("bob", "POST", "/wallet/pay-later", map[string]any{"session_id": s2}), 409)
		if b := h.balance("bob"); fare2 <= 0 || b != 5000-1440-int64(fare2) {
			t.Fatalf("balance %d", b)
		}
		// A session ended and paid normally is 409.
		h.startSession(t, "alice", "A1")
		h.topUp("alice", 5000)
		h.clk.Add(time.Hour)
		end := h.must(h.do("alice", "POST", "/session/end", map[string]any{}), 200).json(t)
		sid := end["session"].(map[string]any)["session_id"].(string)
		h.must(h.do("alice", "POST", "/wallet/pay-later", map[string]any{"session_id": sid}), 409)
	})
}

// Concurrent pay-laters of one basic driver over several ended sessions
// (each also retried) defer exactly one: the limit is decided in the
// wallet's atomic step, not by a read before it.
func TestPayLaterEndpointRace(t *testing.T) {
	eachBackend(t, func(t *testing.T, h *harness) {
		var ids []string
		for i := 0; i < 4; i++ {
			sid := h.startSession(t, "bob", "B1")
			h.clk.Add(time.Hour)
			h.interruptedEnd(t, "u-bob", sid)
			ids = append(ids, sid)
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		status := map[int]int{}
		for i := 0; i < 12; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := h.do("bob", "POST", "/wallet/pay-later", map[string]any{"session_id": ids[i%4]})
				mu.Lock()
				status[r.Status]++
				mu.Unlock()
			}()
		}
		wg.Wait()
		if status[200] < 1 || status[200]+status[409] != 12 {
			t.Fatalf("statuses %v", status)
		}
		pend := h.must(h.do("bob", "GET", "/wallet/pending-payments", nil), 200).json(t)["pending_payments"].([]any)
		if len(pend) != 1 {
			t.Fatalf("%d pending payments for a basic driver: %v", len(pend), fmt.Sprint(status))
		}
		if w := h.must(h.do("bob", "GET", "/wallet/balance", nil), 200).json(t); w["pending_payments"].(float64) != 1 {
			t.Fatalf("wallet %v", w)
		}
	})
}
