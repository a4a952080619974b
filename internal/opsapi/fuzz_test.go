package opsapi_test

import (
	"net/http"
	"testing"
)

// FuzzBodies: request bodies are untrusted. Whatever a driver sends to
// the JSON endpoints, the answer is never a 5xx (no panic, no store
// error leaking from bad input).
func FuzzBodies(f *testing.F) {
	for _, s := range []string{
		`{}`, `{"qr_code":"AS1.x.y","vehicle_id":"A"}`, `{"building":"Westfield Sydney","entrance_id":"E1","vehicle_id":"abc"}`,
		`{"session_id":{"$ne":""}}`, `{"amount_cents":1e30}`, `{"route_distance":-1}`, `[]`, `null`, `{"payment":"later"}`,
	} {
		f.Add(uint8(0), s)
	}
	h := newHarness(f)
	paths := []string{"/session/start", "/session/end", "/wallet/add-money", "/wallet/pay-parking", "/wallet/payment-methods",
		"/qr/scan", "/emissions/estimate", "/wallet/pending-payments/tx_x/pay"}
	f.Fuzz(func(t *testing.T, which uint8, body string) {
		h.t = t
		r := h.do("alice", http.MethodPost, paths[int(which)%len(paths)], body)
		if r.Status >= 500 {
			t.Fatalf("%d for %q: %s", r.Status, body, r.Body)
		}
	})
}
