package opsapi_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"image"
	"image/color"
	"image/gif"
	"image/png"
	"math"
	"net/http"
	"strings"
	"testing"

	"github.com/autospot/autospot/internal/parking"
)

func pngOf(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for x := 0; x < w; x++ {
		img.Set(x, x%h, color.NRGBA{R: 200, A: 255})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestBase64ToImage: a PNG comes back as a PNG re-encoded by the server
// (same pixels); anything that is not strict base64 of a bounded PNG is
// refused before it is decompressed.
func TestBase64ToImage(t *testing.T) {
	h := newHarness(t)
	src := pngOf(t, 21, 21)
	b64 := base64.StdEncoding.EncodeToString(src)
	for _, in := range []string{b64, "data:image/png;base64," + b64} {
		res := h.must(h.do("alice", "POST", "/qr/base64-to-image", map[string]any{"image_base64": in}), 200)
		if ct := res.Header.Get("Content-Type"); ct != "image/png" || res.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Fatalf("headers %v", res.Header)
		}
		got, err := png.Decode(bytes.NewReader(res.Body))
		if err != nil {
			t.Fatalf("answer is not a PNG: %v", err)
		}
		want, _ := png.Decode(bytes.NewReader(src))
		if got.Bounds() != want.Bounds() {
			t.Fatalf("bounds %v want %v", got.Bounds(), want.Bounds())
		}
		for x := 0; x < 21; x++ {
			r1, g1, b1, a1 := got.At(x, x%21).RGBA()
			r2, g2, b2, a2 := want.At(x, x%21).RGBA()
			if r1 != r2 || g1 != g2 || b1 != b2 || a1 != a2 {
				t.Fatalf("pixel %d differs", x)
			}
		}
	}
	var gifBuf bytes.Buffer
	_ = gif.Encode(&gifBuf, image.NewPaletted(image.Rect(0, 0, 4, 4), color.Palette{color.Black, color.White}), nil)
	// A PNG whose trailer bytes are appended junk: must not be echoed.
	withJunk := append(append([]byte{}, src...), []byte("<script>alert(1)</script>")...)
	truncated := src[:len(src)/2]
	for _, tc := range []struct {
		name, in string
		status   int
	}{
		{"empty", "", 400},
		{"not base64", "!!!!", 400},
		{"unpadded", strings.TrimRight(base64.StdEncoding.EncodeToString(src[:len(src)-1]), "="), 400},
		{"URL alphabet", strings.NewReplacer("+", "-", "/", "_").Replace(base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{0xfb, 0xff}, 30))), 400},
		{"embedded newline", b64[:10] + "\n" + b64[10:], 400},
		{"GIF", base64.StdEncoding.EncodeToString(gifBuf.Bytes()), 400},
		{"HTML", base64.StdEncoding.EncodeToString([]byte("<html><script>alert(1)</script></html>")), 400},
		{"truncated PNG", base64.StdEncoding.EncodeToString(truncated), 400},
		{"too wide", base64.StdEncoding.EncodeToString(pngOf(t, 2000, 1)), 413},
		{"too long", strings.Repeat("A", 50<<10), 413},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := h.must(h.do("alice", "POST", "/qr/base64-to-image", map[string]any{"image_base64": tc.in}), tc.status)
			if !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
				t.Fatalf("error answer is %q", res.Header.Get("Content-Type"))
			}
		})
	}
	res := h.must(h.do("alice", "POST", "/qr/base64-to-image", map[string]any{"image_base64": base64.StdEncoding.EncodeToString(withJunk)}), 200)
	if bytes.Contains(res.Body, []byte("script")) {
		t.Fatal("trailing bytes of the input were echoed")
	}
	h.must(h.do("alice", "POST", "/qr/base64-to-image", `{"image_base64":"`+b64+`","extra":1}`), 400)
	h.must(h.do("", "POST", "/qr/base64-to-image", map[string]any{"image_base64": b64}), http.StatusUnauthorized)
}

func num(t *testing.T, m map[string]any, path ...string) float64 {
	t.Helper()
	var v any = m
	for _, k := range path {
		mm, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("%v: no %s", m, k)
		}
		v = mm[k]
	}
	f, ok := v.(float64)
	if !ok {
		t.Fatalf("%v: %v is not a number", m, path)
	}
	return f
}

// TestEstimateFullJourney: the total is start → slot plus slot → exit
// (each leg the same as estimate-for-route's), recorded for the caller,
// with the spec's arithmetic on the total.
func TestEstimateFullJourney(t *testing.T) {
	h := newHarness(t)
	leg := func(from, to string) float64 {
		m := h.must(h.do("alice", "POST", "/emissions/estimate-for-route", map[string]any{"building": building, "start": from, "end": to}), 200).json(t)
		return num(t, m, "record", "estimate", "route_distance")
	}
	a, b := leg("E1", "1A"), leg("1A", "X1")
	j := h.must(h.do("alice", "POST", "/emissions/estimate_full_parking_journey", map[string]any{"building": building, "start": "E1", "slot_id": "1A", "exit": "X1"}), 200).json(t)
	total := num(t, j, "total_distance")
	if math.Abs(num(t, j, "start_to_slot", "distance")-a) > 1e-9 || math.Abs(num(t, j, "slot_to_exit", "distance")-b) > 1e-9 || math.Abs(total-(a+b)) > 1e-9 {
		t.Fatalf("journey %v, legs %v + %v", j, a, b)
	}
	est := j["record"].(map[string]any)["estimate"].(map[string]any)
	base := est["baseline_distance"].(float64)
	factor := est["emissions_factor"].(float64)
	if math.Abs(est["route_distance"].(float64)-math.Round(total*100)/100) > 1e-9 ||
		math.Abs(est["emissions_saved"].(float64)-math.Round((base-total)*factor*100)/100) > 0.011 {
		t.Fatalf("estimate %v for total %v", est, total)
	}
	// No exit: the slot's nearest exit; coordinates work as points.
	n := h.must(h.do("alice", "POST", "/emissions/estimate_full_parking_journey", map[string]any{"building": building, "start": "E1", "slot_id": "1A"}), 200).json(t)
	if num(t, n, "total_distance") > total+1e-9 || n["journey_details"].(map[string]any)["exit"] == "" {
		t.Fatalf("nearest exit journey %v", n)
	}
	h.must(h.do("alice", "POST", "/emissions/estimate_full_parking_journey", map[string]any{"building": building, "start": "1,x,1", "slot_id": "1A", "exit": "X1"}), 400)
	h.must(h.do("alice", "POST", "/emissions/estimate_full_parking_journey", map[string]any{"building": building, "start": "E1", "slot_id": "nope", "exit": "X1"}), 400)
	h.must(h.do("alice", "POST", "/emissions/estimate_full_parking_journey", map[string]any{"building": "Nowhere", "start": "E1", "slot_id": "1A"}), 404)
	// Recorded for alice only.
	if hist := h.must(h.do("bob", "GET", "/emissions/history", nil), 200).json(t); hist["count"].(float64) != 0 {
		t.Fatalf("bob sees %v", hist)
	}
}

// TestEstimateParkingSearch: the slot searched for is the nearest one
// free now; a slot taken by a session is skipped.
func TestEstimateParkingSearch(t *testing.T) {
	h := newHarness(t)
	first := h.must(h.do("alice", "POST", "/emissions/estimate-for-parking-search", map[string]any{"building": building, "entrance_id": "E1"}), 200).json(t)
	slot := first["nearest_slot"].(map[string]any)["slot_id"]
	if slot == nil || num(t, first, "record", "estimate", "route_distance") <= 0 {
		t.Fatalf("search %v", first)
	}
	s := h.must(h.do("alice", "POST", "/session/start", map[string]any{"building": building, "entrance_id": "E1", "vehicle_id": "A1"}), 201).json(t)
	if got := s["session"].(map[string]any)["slot"].(map[string]any)["slot_id"]; got != slot {
		t.Fatalf("session took %v, the search found %v", got, slot)
	}
	second := h.must(h.do("bob", "POST", "/emissions/estimate-for-parking-search", map[string]any{"building": building, "entrance_id": "E1"}), 200).json(t)
	if second["nearest_slot"].(map[string]any)["slot_id"] == slot {
		t.Fatalf("search still finds the held slot %v", slot)
	}
	static := h.must(h.do("bob", "POST", "/emissions/estimate-for-parking-search", map[string]any{"building": building, "entrance_id": "E1", "use_dynamic_baseline": false}), 200).json(t)
	if num(t, static, "record", "estimate", "baseline_distance") != 100 {
		t.Fatalf("static baseline %v", static)
	}
	h.must(h.do("bob", "POST", "/emissions/estimate-for-parking-search", map[string]any{"building": building, "entrance_id": ""}), 400)
	h.must(h.do("bob", "POST", "/emissions/estimate-for-parking-search", map[string]any{"building": building, "entrance_id": "nope"}), 404)
}

// TestFullJourneySpecNumbers: the spec's journey (§13: 15 + 12 = 27) on a
// straight lane: entrance, 14 corridor cells, slot, 11 corridor cells,
// exit. With the static baseline (100 m, 0.194 g/m) the saving follows
// §10's arithmetic: actual 5.24 g, baseline 19.4 g, saved 14.16 g, 73%.
func TestFullJourneySpecNumbers(t *testing.T) {
	h := newHarness(t)
	lane := []string{"E:E1"}
	for i := 0; i < 14; i++ {
		lane = append(lane, "C")
	}
	lane = append(lane, "S:L15")
	for i := 0; i < 11; i++ {
		lane = append(lane, "C")
	}
	lane = append(lane, "X:X27")
	walls := strings.TrimSpace(strings.Repeat("W ", len(lane)))
	lvl, err := parking.LevelFromText(1, walls, strings.Join(lane, " "), walls)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.maps.CreateMap(context.Background(), &parking.Map{ID: "m-lane", FacilityID: facSydney, Building: "Lane", Levels: []parking.Level{lvl}}); err != nil {
		t.Fatal(err)
	}
	j := h.must(h.do("alice", "POST", "/emissions/estimate_full_parking_journey", map[string]any{
		"building": "Lane", "start": "E1", "slot_id": "L15", "exit": "X27", "use_dynamic_baseline": false}), 200).json(t)
	if num(t, j, "start_to_slot", "distance") != 15 || num(t, j, "slot_to_exit", "distance") != 12 || num(t, j, "total_distance") != 27 {
		t.Fatalf("journey %v", j)
	}
	est := j["record"].(map[string]any)["estimate"].(map[string]any)
	for k, want := range map[string]float64{"route_distance": 27, "baseline_distance": 100, "actual_emissions": 5.24, "baseline_emissions": 19.4, "emissions_saved": 14.16, "percentage_saved": 73} {
		if got, _ := est[k].(float64); got != want {
			t.Errorf("%s = %v, want %v", k, est[k], want)
		}
	}
}
