package opsapi

import (
	"bytes"
	"encoding/base64"
	"image/png"
	"net/http"
	"strings"

	"github.com/autospot/autospot/internal/emissions"
	"github.com/autospot/autospot/internal/parking/route"
)

// Limits of POST /qr/base64-to-image: the encoded text, and the decoded
// image's dimensions (checked from the header before any pixel is
// decompressed, so a small "PNG bomb" cannot allocate much).
const (
	maxImageBase64Len = 48 << 10
	maxImageSide      = 1024
)

var pngSignature = []byte("\x89PNG\r\n\x1a\n")

type base64ImageRequest struct {
	// ImageBase64 is standard, padded base64 of a PNG; a leading
	// "data:image/png;base64," is accepted.
	ImageBase64 string `json:"image_base64"`
}

// base64ToImage turns base64 text into a PNG answer. The input is
// decoded strictly (standard alphabet, padding, no stray bytes), must be
// a PNG within maxImageSide pixels a side, is fully decoded, and is
// re-encoded by image/png: what goes back is always a well-formed PNG
// made by this server, never the caller's bytes.
func (a *api) base64ToImage(w http.ResponseWriter, r *http.Request) {
	var req base64ImageRequest
	if e := a.decode(w, r, &req); e != nil {
		writeErr(w, e)
		return
	}
	s := strings.TrimPrefix(req.ImageBase64, "data:image/png;base64,")
	switch {
	case s == "":
		writeErr(w, badRequest("invalid_image", "image_base64 is required"))
		return
	case len(s) > maxImageBase64Len:
		writeErr(w, &apiError{Status: http.StatusRequestEntityTooLarge, Code: "image_too_large", Detail: "the image is too large"})
		return
	}
	// Strict() still skips CR and LF; they are refused here too.
	raw, err := base64.StdEncoding.Strict().DecodeString(s)
	if err != nil || strings.ContainsAny(s, "\r\n") {
		writeErr(w, badRequest("invalid_base64", "image_base64 is not valid standard base64"))
		return
	}
	if !bytes.HasPrefix(raw, pngSignature) {
		writeErr(w, badRequest("not_png", "the image must be a PNG"))
		return
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(raw))
	if err != nil {
		writeErr(w, badRequest("not_png", "the image is not a valid PNG"))
		return
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > maxImageSide || cfg.Height > maxImageSide {
		writeErr(w, &apiError{Status: http.StatusRequestEntityTooLarge, Code: "image_too_large", Detail: "the image is larger than 1024×1024"})
		return
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		writeErr(w, badRequest("not_png", "the image is not a valid PNG"))
		return
	}
	var out bytes.Buffer
	if err := png.Encode(&out, img); err != nil {
		a.internal(w, r, "png encode", err)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Security-Policy", "default-src 'none'")
	w.Header().Set("Content-Disposition", `inline; filename="image.png"`)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(out.Bytes())
}

type parkingSearchRequest struct {
	Building   string `json:"building"`
	EntranceID string `json:"entrance_id"`
	// UseDynamicBaseline defaults to true.
	UseDynamicBaseline *bool `json:"use_dynamic_baseline"`
}

// baseline is the dynamic baseline of the building (or the static
// default when dynamic is false).
func baseline(o *occupancy, dynamic *bool) (float64, emissions.Method) {
	if dynamic != nil && !*dynamic {
		return emissions.DefaultBaseline, emissions.Static
	}
	return emissions.DynamicBaseline(o.m, o.free), emissions.Dynamic
}

// estimateParkingSearch estimates the search from an entrance to the
// slot the driver would be given: the nearest slot by route that is free
// now (map status available and held by no active session). The original
// took the Euclidean-nearest slot whose stored status was "available",
// which may be unreachable or already held; this is the slot a basic
// driver is actually assigned.
func (a *api) estimateParkingSearch(w http.ResponseWriter, r *http.Request) {
	var req parkingSearchRequest
	if e := a.decode(w, r, &req); e != nil {
		writeErr(w, e)
		return
	}
	if !validText(req.EntranceID, 100) {
		writeErr(w, badRequest("invalid_entrance", "entrance_id is required"))
		return
	}
	ctx := r.Context()
	m, ok := a.mapOf(w, r, req.Building)
	if !ok {
		return
	}
	g, err := a.graphs.Get(m)
	if err != nil {
		a.internal(w, r, "graph", err)
		return
	}
	occ, err := a.occupancyOf(ctx, m)
	if err != nil {
		a.internal(w, r, "occupancy", err)
		return
	}
	sr, err := g.NearestSlotWhere(req.EntranceID, occ.free)
	if err != nil {
		if e := routeErr(err); e != nil {
			writeErr(w, e)
			return
		}
		a.internal(w, r, "nearest slot", err)
		return
	}
	base, method := baseline(occ, req.UseDynamicBaseline)
	a.record(w, r, "estimate-for-parking-search", "", sr.Route.Distance, base, method,
		map[string]any{"building": m.Building, "entrance_id": req.EntranceID, "nearest_slot": sr.Slot, "route": sr.Route})
}

type fullJourneyRequest struct {
	Building string `json:"building"`
	// Start, Slot and Exit are each "level,x,y" or a feature id of the
	// building; Exit may be empty when Slot is a slot id (the nearest
	// exit is taken).
	Start              string `json:"start"`
	Slot               string `json:"slot_id"`
	Exit               string `json:"exit"`
	UseDynamicBaseline *bool  `json:"use_dynamic_baseline"`
}

// estimateFullJourney estimates start → slot → exit, recorded for the
// caller, with both legs and their total.
func (a *api) estimateFullJourney(w http.ResponseWriter, r *http.Request) {
	var req fullJourneyRequest
	if e := a.decode(w, r, &req); e != nil {
		writeErr(w, e)
		return
	}
	ctx := r.Context()
	m, ok := a.mapOf(w, r, req.Building)
	if !ok {
		return
	}
	start, e := point(m, req.Start)
	if e != nil {
		writeErr(w, e)
		return
	}
	slot, e := point(m, req.Slot)
	if e != nil {
		writeErr(w, e)
		return
	}
	g, err := a.graphs.Get(m)
	if err != nil {
		a.internal(w, r, "graph", err)
		return
	}
	fail := func(op string, err error) {
		if e := routeErr(err); e != nil {
			writeErr(w, e)
			return
		}
		a.internal(w, r, op, err)
	}
	toSlot, err := g.ShortestPath(start, slot)
	if err != nil {
		fail("route to slot", err)
		return
	}
	var toExit route.Route
	exitID := req.Exit
	if req.Exit == "" {
		x, err := g.NearestExit(req.Slot)
		if err != nil {
			fail("nearest exit", err)
			return
		}
		toExit, exitID = x.Route, x.Exit
	} else {
		exit, e := point(m, req.Exit)
		if e != nil {
			writeErr(w, e)
			return
		}
		if toExit, err = g.ShortestPath(slot, exit); err != nil {
			fail("route to exit", err)
			return
		}
	}
	occ, err := a.occupancyOf(ctx, m)
	if err != nil {
		a.internal(w, r, "occupancy", err)
		return
	}
	base, method := baseline(occ, req.UseDynamicBaseline)
	total := toSlot.Distance + toExit.Distance
	a.record(w, r, "estimate_full_parking_journey", "", total, base, method, map[string]any{
		"building":       m.Building,
		"start_to_slot":  toSlot,
		"slot_to_exit":   toExit,
		"total_distance": total,
		"journey_details": map[string]any{
			"start": req.Start, "slot": req.Slot, "exit": exitID,
		},
	})
}
