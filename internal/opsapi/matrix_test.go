package opsapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/internal/opsapi"
)

// probe sends one request and returns its status and content type
// without waiting for a streaming body.
func (h *harness) probe(who, method, path string) (int, string) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var body *strings.Reader
	if method == http.MethodGet || method == http.MethodDelete {
		body = strings.NewReader("")
	} else {
		body = strings.NewReader("{}")
	}
	req, _ := http.NewRequestWithContext(ctx, method, h.srv.URL+path, body)
	req.Header.Set("Content-Type", "application/json")
	if who != "" {
		req.Header.Set("Authorization", "Bearer "+h.tok[who])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode, res.Header.Get("Content-Type")
}

// TestAccessMatrix sends every route of the table as every kind of
// principal and checks the route's access rule: anonymous → 401 unless
// public; a role without the permission → 403; an operator only in its
// own facility; admins everywhere. A request let through reaches the
// handler (a JSON, PNG or event-stream answer, never the mux's plain 404).
func TestAccessMatrix(t *testing.T) {
	h := newHarness(t)
	rbac := auth.DefaultRBAC()
	roles := map[string]auth.Role{"alice": auth.RoleDriver, "operator": auth.RoleOperator, "otherop": auth.RoleOperator, "admin": auth.RoleAdmin}
	path := func(p string) string {
		p = strings.ReplaceAll(p, "{facility}", facSydney)
		p = strings.ReplaceAll(p, "{building}", "Westfield%20Sydney")
		p = strings.ReplaceAll(p, "{id}", "nope")
		if strings.HasPrefix(p, "/qr/entrance-code") {
			p += "?building=Westfield+Sydney&entrance_id=E1"
		}
		return p
	}
	rts := opsapi.Routes()
	if len(rts) < 30 {
		t.Fatalf("only %d routes", len(rts))
	}
	for _, rt := range rts {
		method, p, _ := strings.Cut(rt.Pattern, " ")
		for _, who := range []string{"", "alice", "operator", "otherop", "admin"} {
			name := who
			if name == "" {
				name = "anonymous"
			}
			t.Run(rt.Pattern+"/"+name, func(t *testing.T) {
				status, ct := h.probe(who, method, path(p))
				var allowed bool
				switch {
				case rt.Access == opsapi.Public:
					allowed = true
				case who == "":
					allowed = false
				case rt.Access == opsapi.Authenticated:
					allowed = rbac.RoleHas(roles[who], rt.Permission)
				case rt.Access == opsapi.FacilityScoped:
					allowed = who == "admin" || who == "operator"
				}
				switch {
				case !allowed && who == "" && status != http.StatusUnauthorized:
					t.Fatalf("anonymous got %d, want 401", status)
				case !allowed && who != "" && status != http.StatusForbidden:
					t.Fatalf("%s got %d, want 403", who, status)
				case allowed && (status == http.StatusUnauthorized || status == http.StatusForbidden):
					t.Fatalf("%s got %d, want access", who, status)
				case allowed && strings.HasPrefix(ct, "text/plain"):
					t.Fatalf("%s reached no handler (%d %s)", who, status, ct)
				}
			})
		}
	}
}

// A driver can never read or spend another driver's wallet, sessions or
// emissions: every object lookup is scoped to the token's subject.
func TestDriversIsolated(t *testing.T) {
	eachBackend(t, func(t *testing.T, h *harness) {
		h.topUp("alice", 5000)
		h.topUp("bob", 100)
		code := h.code("E1")
		s := h.must(h.do("alice", "POST", "/session/start", map[string]any{"qr_code": code, "vehicle_id": "ali-123"}), 201).json(t)
		sid := s["session"].(map[string]any)["session_id"].(string)
		h.clk.Add(2 * time.Hour)
		end := h.must(h.do("alice", "POST", "/session/end", map[string]any{"payment": "later"}), 200).json(t)
		txID := end["payment"].(map[string]any)["transaction"].(map[string]any)["transaction_id"].(string)
		recID := end["emissions"].(map[string]any)["record_id"].(string)
		txs := h.must(h.do("alice", "GET", "/wallet/transactions", nil), 200).json(t)["transactions"].([]any)
		topupID := txs[len(txs)-1].(map[string]any)["transaction_id"].(string)
		pms := h.must(h.do("alice", "GET", "/wallet/payment-methods", nil), 200).json(t)["payment_methods"].([]any)
		pmID := pms[0].(map[string]any)["payment_method_id"].(string)

		for _, c := range []struct {
			name, method, path string
			body               any
			want               int
		}{
			{"read session", "GET", "/session/" + sid, nil, 404},
			{"end session", "POST", "/session/end", map[string]any{"session_id": sid}, 404},
			{"pay session", "POST", "/wallet/pay-parking", map[string]any{"session_id": sid}, 404},
			{"read transaction", "GET", "/wallet/transactions/" + topupID, nil, 404},
			{"settle pending from own wallet", "POST", "/wallet/pending-payments/" + txID + "/pay", map[string]any{"method": "wallet"}, 404},
			{"settle pending by card", "POST", "/wallet/pending-payments/" + txID + "/pay", map[string]any{"method": "card", "card": map[string]any{"card_number": visa, "expiry_month": "12", "expiry_year": "2030", "cvv": "123", "cardholder_name": "B"}}, 404},
			{"top up with her card", "POST", "/wallet/add-money", map[string]any{"amount_cents": 100, "payment_method_id": pmID}, 400},
			{"change her card", "PUT", "/wallet/payment-methods/" + pmID, map[string]any{"is_default": false}, 404},
			{"delete her card", "DELETE", "/wallet/payment-methods/" + pmID, nil, 404},
			{"read emission record", "GET", "/emissions/records/" + recID, nil, 404},
			{"record against her session", "POST", "/emissions/estimate", map[string]any{"route_distance": 10, "session_id": sid}, 404},
		} {
			t.Run(c.name, func(t *testing.T) {
				h.must(h.do("bob", c.method, c.path, c.body), c.want)
			})
		}
		// Bob's own views show none of Alice's data.
		if n := h.must(h.do("bob", "GET", "/session/history", nil), 200).json(t)["total_sessions"].(float64); n != 0 {
			t.Fatalf("bob sees %v sessions", n)
		}
		if recs := h.must(h.do("bob", "GET", "/emissions/history", nil), 200).json(t)["records"].([]any); len(recs) != 0 {
			t.Fatalf("bob sees %d records", len(recs))
		}
		if b := h.balance("bob"); b != 100 {
			t.Fatalf("bob's balance %d", b)
		}
		// Alice's objects are untouched.
		if b := h.balance("alice"); b != 5000 {
			t.Fatalf("alice's balance %d", b)
		}
		h.must(h.do("alice", "GET", "/wallet/payment-methods/"+pmID, nil), 405)
		h.must(h.do("alice", "POST", "/wallet/pending-payments/"+txID+"/pay", map[string]any{"method": "wallet"}), 200)
	})
}

// Operators act only on their facility.
func TestOperatorScope(t *testing.T) {
	h := newHarness(t)
	override := map[string]any{"building": building, "level": 1, "slot_id": "1A", "new_status": "occupied", "reserved_by": "u-x"}
	h.must(h.do("otherop", "PUT", "/operator/facilities/"+facSydney+"/slots", override), 403)
	// An operator naming its own facility cannot reach another's building.
	h.must(h.do("otherop", "PUT", "/operator/facilities/"+facOther+"/slots", override), 404)
	h.must(h.do("otherop", "GET", "/qr/entrance-code?building=Westfield+Sydney&entrance_id=E1", nil), 403)
	h.must(h.do("otherop", "GET", "/operator/facilities/"+facSydney+"/sessions", nil), 403)
	h.must(h.do("operator", "PUT", "/operator/facilities/"+facSydney+"/slots", override), 200)
	occ := h.must(h.do("operator", "GET", "/operator/facilities/"+facSydney+"/occupancy", nil), 200).json(t)
	b := occ["buildings"].([]any)[0].(map[string]any)
	if b["occupied"].(float64) != 1 || b["available"].(float64) != 7 {
		t.Fatalf("occupancy %v", b)
	}
	// The overridden slot is no longer assigned: the nearest from E1 after 1B.
	s := h.must(h.do("alice", "POST", "/session/start", map[string]any{"building": building, "entrance_id": "E1", "vehicle_id": "A1"}), 201).json(t)
	if got := s["session"].(map[string]any)["slot"].(map[string]any)["slot_id"]; got != "1B" {
		t.Fatalf("assigned %v", got)
	}
	s = h.must(h.do("bob", "POST", "/session/start", map[string]any{"building": building, "entrance_id": "E1", "vehicle_id": "B1"}), 201).json(t)
	if got := s["session"].(map[string]any)["slot"].(map[string]any)["slot_id"]; got != "1D" {
		t.Fatalf("assigned %v, want 1D (1B taken, 1A overridden)", got)
	}
	// A slot held by a session cannot be overridden to available.
	h.must(h.do("operator", "PUT", "/operator/facilities/"+facSydney+"/slots",
		map[string]any{"building": building, "level": 1, "slot_id": "1B", "new_status": "available"}), 409)
	ss := h.must(h.do("operator", "GET", "/operator/facilities/"+facSydney+"/sessions", nil), 200).json(t)
	if ss["count"].(float64) != 2 {
		t.Fatalf("sessions %v", ss)
	}
	if st := h.must(h.do("otherop", "GET", "/operator/facilities/"+facOther+"/sessions", nil), 200).json(t); st["count"].(float64) != 0 {
		t.Fatalf("other facility sees %v", st)
	}
	h.must(h.do("operator", "GET", "/admin/platform-stats", nil), 403)
	ps := h.must(h.do("admin", "GET", "/admin/platform-stats", nil), 200).json(t)
	if ps["maps"].(float64) != 2 || ps["sessions"].(map[string]any)["active_sessions"].(float64) != 2 {
		t.Fatalf("platform stats %v", ps)
	}
}
