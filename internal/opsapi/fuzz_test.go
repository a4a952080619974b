package opsapi_test

import (
	"bytes"
	"encoding/base64"
	"image/png"
	"net/http"
	"strings"
	"testing"
)

// FuzzBodies: request bodies are untrusted. Whatever a driver sends to
// the JSON endpoints, the answer is never a 5xx (no panic, no store
// error leaking from bad input).
func FuzzBodies(f *testing.F) {
	for _, s := range []string{
		`{}`, `{"qr_code":"AS1.x.y","vehicle_id":"A"}`, `{"building":"Westfield Sydney","entrance_id":"E1","vehicle_id":"abc"}`,
		`{"session_id":{"$ne":""}}`, `{"amount_cents":1e30}`, `{"route_distance":-1}`, `[]`, `null`, `{"payment":"later"}`,
		`{"image_base64":"iVBORw0KGgo="}`, `{"building":"Westfield Sydney","start":"E1","slot_id":"1A","exit":"X1"}`,
		`{"exit_id":"X1"}`, `{"exit_id":null,"session_id":""}`,
	} {
		f.Add(uint8(0), s)
	}
	h := newHarness(f)
	paths := []string{"/session/start", "/session/end", "/wallet/add-money", "/wallet/pay-parking", "/wallet/payment-methods",
		"/qr/scan", "/emissions/estimate", "/wallet/pending-payments/tx_x/pay",
		"/qr/base64-to-image", "/emissions/estimate-for-parking-search", "/emissions/estimate_full_parking_journey",
		"/wallet/pay-later", "PUT /session/update-exit"}
	f.Fuzz(func(t *testing.T, which uint8, body string) {
		h.t = t
		method, path := http.MethodPost, paths[int(which)%len(paths)]
		if m, p, ok := strings.Cut(path, " "); ok {
			method, path = m, p
		}
		r := h.do("alice", method, path, body)
		if r.Status >= 500 {
			t.Fatalf("%d for %q: %s", r.Status, body, r.Body)
		}
	})
}

// FuzzBase64ToImage: any bytes, base64-encoded, give either 200 with a
// PNG that decodes, or a 4xx JSON error; never a 5xx, never the input
// echoed.
func FuzzBase64ToImage(f *testing.F) {
	f.Add(pngOf(f, 3, 3))
	f.Add([]byte("\x89PNG\r\n\x1a\n"))
	f.Add([]byte("GIF89a"))
	h := newHarness(f)
	f.Fuzz(func(t *testing.T, raw []byte) {
		h.t = t
		r := h.do("alice", http.MethodPost, "/qr/base64-to-image", map[string]any{"image_base64": base64.StdEncoding.EncodeToString(raw)})
		switch {
		case r.Status == 200:
			if _, err := png.Decode(bytes.NewReader(r.Body)); err != nil {
				t.Fatalf("200 without a PNG: %v", err)
			}
		case r.Status >= 500 || r.Status < 400:
			t.Fatalf("%d: %s", r.Status, r.Body)
		}
	})
}
