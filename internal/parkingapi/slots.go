package parkingapi

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/internal/live"
	"github.com/autospot/autospot/internal/parking"
	"github.com/autospot/autospot/internal/session"
)

// SlotInfo is one slot in a listing, keyed by building + level + id.
type SlotInfo struct {
	MapID      string             `json:"map_id"`
	Building   string             `json:"building"`
	Level      int                `json:"level"`
	ID         string             `json:"slot_id"`
	X          int                `json:"x"`
	Y          int                `json:"y"`
	Status     parking.SlotStatus `json:"status"`
	VehicleID  string             `json:"vehicle_id,omitempty"`  // operators of the facility only
	ReservedBy string             `json:"reserved_by,omitempty"` // operators of the facility only
}

// PointInfo is an entrance or exit in a listing.
type PointInfo struct {
	ID    string       `json:"id"`
	Kind  parking.Kind `json:"kind"`
	Level int          `json:"level"`
	X     int          `json:"x"`
	Y     int          `json:"y"`
}

// levelFilter reads ?level= (optional).
func levelFilter(r *http.Request) (*int, error) {
	s := r.URL.Query().Get("level")
	if s == "" {
		return nil, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < parking.MinLevelNumber || n > parking.MaxLevelNumber {
		return nil, errorf(http.StatusBadRequest, CodeBadRequest, "level must be an integer %d..%d", parking.MinLevelNumber, parking.MaxLevelNumber)
	}
	return &n, nil
}

func (a *API) listSlots(w http.ResponseWriter, r *http.Request) {
	m, err := a.resolveMap(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	level, err := levelFilter(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	var status parking.SlotStatus
	if s := r.URL.Query().Get("status"); s != "" {
		st, ok := parking.ParseSlotStatus(s)
		if !ok {
			a.fail(w, r, errorf(http.StatusBadRequest, CodeBadRequest, "status must be available, occupied or allocated"))
			return
		}
		status = st
	}
	m = a.redact(r, m)
	out := []SlotInfo{}
	for _, f := range m.Features() {
		if f.Cell.Kind != parking.Slot || (level != nil && f.Level != *level) || (status != "" && f.Cell.Status != status) {
			continue
		}
		out = append(out, SlotInfo{MapID: m.ID, Building: m.Building, Level: f.Level, ID: f.Cell.ID, X: f.X, Y: f.Y,
			Status: f.Cell.Status, VehicleID: f.Cell.VehicleID, ReservedBy: f.Cell.ReservedBy})
	}
	writeJSON(w, http.StatusOK, map[string]any{"map_id": m.ID, "building": m.Building, "version": m.Version, "slots": out})
}

func (a *API) slotSummary(w http.ResponseWriter, r *http.Request) {
	m, err := a.resolveMap(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	level, err := levelFilter(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"map_id": m.ID, "building": m.Building, "version": m.Version, "summary": slotCounts(m, level)})
}

func (a *API) listPoints(w http.ResponseWriter, r *http.Request, kinds ...parking.Kind) {
	m, err := a.resolveMap(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	level, err := levelFilter(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := []PointInfo{}
	for _, f := range m.Features() {
		if level != nil && f.Level != *level {
			continue
		}
		for _, k := range kinds {
			if f.Cell.Kind == k {
				out = append(out, PointInfo{ID: f.Cell.ID, Kind: k, Level: f.Level, X: f.X, Y: f.Y})
			}
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"map_id": m.ID, "building": m.Building, "version": m.Version, "points": out})
}

func (a *API) listEntrances(w http.ResponseWriter, r *http.Request) {
	a.listPoints(w, r, parking.CarEntrance, parking.BuildingEntrance)
}

func (a *API) listExits(w http.ResponseWriter, r *http.Request) {
	a.listPoints(w, r, parking.Exit)
}

// SlotUpdate is the body of a slot override.
type SlotUpdate struct {
	Level      int    `json:"level"`
	Status     string `json:"status"`
	VehicleID  string `json:"vehicle_id,omitempty"`
	ReservedBy string `json:"reserved_by,omitempty"`
}

// maxSlotRetries bounds the re-reads of a slot override that lost a race
// with another write of the map.
const maxSlotRetries = 3

func (a *API) setSlot(w http.ResponseWriter, r *http.Request) {
	m, err := a.mapByPath(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if err := a.requireIn(r, auth.PermSlotOverride, m.FacilityID); err != nil {
		a.fail(w, r, err)
		return
	}
	slotID := r.PathValue("slot_id")
	if !parking.ValidID(slotID) {
		a.fail(w, r, errorf(http.StatusBadRequest, CodeBadRequest, "slot id must be 1-%d characters from A-Z a-z 0-9 _ -", parking.MaxIDLen))
		return
	}
	var in SlotUpdate
	if err := decodeJSON(w, r, &in, DefaultMaxJSONBytes); err != nil {
		a.fail(w, r, err)
		return
	}
	st, ok := parking.ParseSlotStatus(in.Status)
	if !ok {
		a.fail(w, r, errorf(http.StatusBadRequest, CodeValidation, "status must be available, occupied or allocated"))
		return
	}
	if st != parking.Available && in.ReservedBy == "" {
		a.fail(w, r, errorf(http.StatusBadRequest, CodeValidation, "an %s slot needs reserved_by (the driver)", st))
		return
	}
	for attempt := 0; ; attempt++ {
		old, _ := m.Find(slotID)
		held, err := a.slotHeld(r.Context(), m, in.Level, slotID)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		if held && st == parking.Available {
			a.fail(w, r, errorf(http.StatusConflict, CodeConflict, "slot %q is held by an active parking session; end the session instead", slotID))
			return
		}
		if !m.SetSlotStatus(in.Level, slotID, st, in.VehicleID, in.ReservedBy) {
			a.fail(w, r, errorf(http.StatusNotFound, CodeNotFound, "no slot %q on level %d of %s", slotID, in.Level, m.Building))
			return
		}
		m.UpdatedAt = a.d.Now().UTC()
		v, err := a.d.Maps.UpdateMap(r.Context(), m)
		if errors.Is(err, parking.ErrVersionConflict) && attempt < maxSlotRetries {
			if m, err = a.d.Maps.GetMap(r.Context(), m.ID); err != nil {
				a.fail(w, r, err)
				return
			}
			continue
		}
		if err != nil {
			a.fail(w, r, err)
			return
		}
		effective := st
		if held {
			effective = parking.Occupied
		}
		a.publishSlot(r.Context(), m.Building, in.Level, slotID, effective)
		writeJSON(w, http.StatusOK, map[string]any{
			"map_id": m.ID, "building": m.Building, "level": in.Level, "slot_id": slotID,
			"old_status": old.Cell.Status, "new_status": st, "version": v,
		})
		return
	}
}

// slotHeld reports whether an active parking session holds the slot
// (always false without [Deps.Sessions]).
func (a *API) slotHeld(ctx context.Context, m *parking.Map, level int, slotID string) (bool, error) {
	if a.d.Sessions == nil {
		return false, nil
	}
	held, err := session.HeldSlots(ctx, a.d.Sessions, m.FacilityID, m.Building)
	if err != nil {
		return false, err
	}
	return held[session.SlotKey(parking.SlotRef{Building: m.Building, Level: level, ID: slotID})], nil
}

// publishSlot sends a live event for an override (nothing without
// [Deps.Hub]); a failure is logged, the override stands.
func (a *API) publishSlot(ctx context.Context, building string, level int, slotID string, st parking.SlotStatus) {
	if a.d.Hub == nil {
		return
	}
	e := live.Event{Building: building, Level: level, Slot: slotID, Status: string(st), At: a.d.Now().UTC()}
	if err := a.d.Hub.Publish(context.WithoutCancel(ctx), e); err != nil {
		a.log.WarnContext(ctx, "parkingapi: live publish failed", "error", err.Error())
	}
}
