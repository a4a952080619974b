package opsapi

import (
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/autospot/autospot/audit"
	"github.com/autospot/autospot/internal/live"
	"github.com/autospot/autospot/internal/parking"
	"github.com/autospot/autospot/internal/session"
)

// facilityMaps lists the facility's maps.
func (a *api) facilityMaps(w http.ResponseWriter, r *http.Request) ([]*parking.Map, bool) {
	ms, err := a.d.Maps.ListMaps(r.Context(), r.PathValue("facility"))
	if err != nil {
		a.internal(w, r, "list maps", err)
		return nil, false
	}
	return ms, true
}

func (a *api) summaries(w http.ResponseWriter, r *http.Request) ([]summary, bool) {
	ms, ok := a.facilityMaps(w, r)
	if !ok {
		return nil, false
	}
	out := []summary{}
	for _, m := range ms {
		occ, err := a.occupancyOf(r.Context(), m)
		if err != nil {
			a.internal(w, r, "occupancy", err)
			return nil, false
		}
		_, s := occ.slots()
		out = append(out, s)
	}
	return out, true
}

func (a *api) occupancy(w http.ResponseWriter, r *http.Request) {
	if sums, ok := a.summaries(w, r); ok {
		writeJSON(w, http.StatusOK, map[string]any{"facility_id": r.PathValue("facility"), "buildings": sums})
	}
}

func (a *api) facilityStats(w http.ResponseWriter, r *http.Request) {
	c, err := a.d.Sessions.Count(r.Context(), r.PathValue("facility"))
	if err != nil {
		a.internal(w, r, "count", err)
		return
	}
	if sums, ok := a.summaries(w, r); ok {
		writeJSON(w, http.StatusOK, map[string]any{"facility_id": r.PathValue("facility"), "sessions": c, "buildings": sums})
	}
}

func (a *api) facilitySessions(w http.ResponseWriter, r *http.Request) {
	b := r.URL.Query().Get("building")
	if b != "" && !validText(b, 200) {
		writeErr(w, badRequest("invalid_building", "invalid building name"))
		return
	}
	ss, err := a.d.Sessions.ActiveInFacility(r.Context(), r.PathValue("facility"), b)
	if err != nil {
		a.internal(w, r, "facility sessions", err)
		return
	}
	type view struct {
		session.Session
		DriverID string `json:"driver_id"`
	}
	out := make([]view, len(ss))
	for i, s := range ss {
		out[i] = view{s, s.DriverID}
	}
	writeJSON(w, http.StatusOK, map[string]any{"facility_id": r.PathValue("facility"), "active_sessions": out, "count": len(out)})
}

type overrideRequest struct {
	Building   string `json:"building"`
	Level      int    `json:"level"`
	SlotID     string `json:"slot_id"`
	Status     string `json:"new_status"`
	ReservedBy string `json:"reserved_by"`
	VehicleID  string `json:"vehicle_id"`
}

// overrideSlot sets a slot's status in the facility's own map (a
// building of another facility is not found). A slot held by an active
// session cannot be made available: end the session instead.
func (a *api) overrideSlot(w http.ResponseWriter, r *http.Request) {
	var req overrideRequest
	if e := a.decode(w, r, &req); e != nil {
		writeErr(w, e)
		return
	}
	st, ok := parking.ParseSlotStatus(req.Status)
	if !ok {
		writeErr(w, &apiError{Status: http.StatusUnprocessableEntity, Code: "invalid_status", Detail: "new_status must be available, occupied or allocated"})
		return
	}
	if st != parking.Available && !validText(req.ReservedBy, 256) {
		writeErr(w, badRequest("reserved_by_required", "occupied and allocated slots need reserved_by"))
		return
	}
	if req.VehicleID != "" && !validText(req.VehicleID, 32) {
		writeErr(w, badRequest("invalid_vehicle", "invalid vehicle_id"))
		return
	}
	ctx := r.Context()
	for try := 0; try < 4; try++ {
		m, e, err := a.building(ctx, req.Building)
		if err != nil {
			a.internal(w, r, "map", err)
			return
		}
		if e != nil || m.FacilityID != r.PathValue("facility") {
			writeErr(w, notFound("Building not found"))
			return
		}
		f, ok := m.Find(req.SlotID)
		if !ok || f.Cell.Kind != parking.Slot || f.Level != req.Level {
			writeErr(w, notFound("Slot not found"))
			return
		}
		ref := parking.SlotRef{Building: m.Building, Level: f.Level, ID: f.Cell.ID}
		occ, err := a.occupancyOf(ctx, m)
		if err != nil {
			a.internal(w, r, "occupancy", err)
			return
		}
		if occ.held[session.SlotKey(ref)] && st == parking.Available {
			writeErr(w, conflict("slot_in_session", "Slot is held by an active session; end the session instead"))
			return
		}
		old := f.Cell.Status
		m.SetSlotStatus(f.Level, f.Cell.ID, st, strings.ToUpper(req.VehicleID), req.ReservedBy)
		if _, err := a.d.Maps.UpdateMap(ctx, m); err != nil {
			if errors.Is(err, parking.ErrVersionConflict) {
				continue
			}
			a.internal(w, r, "update map", err)
			return
		}
		a.publish(ctx, ref, occ.status(f.Level, parking.Cell{Kind: parking.Slot, ID: f.Cell.ID, Status: st}))
		a.audit(r, "slot.override", "slot:"+slotTarget(ref), audit.OutcomeSuccess, "", slog.String("old", string(old)), slog.String("new", string(st)))
		writeJSON(w, http.StatusOK, map[string]any{"success": true, "slot": ref, "old_status": old, "new_status": st})
		return
	}
	writeErr(w, conflict("busy", "The map is being changed; try again"))
}

func (a *api) platformStats(w http.ResponseWriter, r *http.Request) {
	c, err := a.d.Sessions.Count(r.Context(), "")
	if err != nil {
		a.internal(w, r, "count", err)
		return
	}
	ms, err := a.d.Maps.ListMaps(r.Context(), "")
	if err != nil {
		a.internal(w, r, "maps", err)
		return
	}
	fac := map[string]bool{}
	for _, m := range ms {
		fac[m.FacilityID] = true
	}
	writeJSON(w, http.StatusOK, map[string]any{"sessions": c, "maps": len(ms), "facilities": len(fac)})
}

// liveSlots streams a building's slot availability: a snapshot, then each
// change as it is published on any replica.
func (a *api) liveSlots(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	m, ok := a.mapOf(w, r, r.PathValue("building"))
	if !ok {
		return
	}
	sub, err := a.d.Hub.Subscribe(ctx, m.Building)
	if errors.Is(err, live.ErrTooManySubscribers) {
		w.Header().Set("Retry-After", "5")
		writeErr(w, &apiError{Status: http.StatusServiceUnavailable, Code: "too_many_streams", Detail: "Too many live streams; try again later"})
		return
	}
	if err != nil {
		a.internal(w, r, "subscribe", err)
		return
	}
	defer sub.Close()
	// Subscribed first, then the snapshot: no change falls between them.
	occ, err := a.occupancyOf(ctx, m)
	if err != nil {
		a.internal(w, r, "occupancy", err)
		return
	}
	slots, sum := occ.slots()
	_ = live.Stream(w, r, sub, map[string]any{"building": m.Building, "slots": slots, "summary": sum}, a.d.SSEHeartbeat)
}
