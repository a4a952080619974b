package parkingapi

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/internal/parking"
)

// resolveMap finds the map a read or routing request names with
// ?map_id= or ?building_name= (exact, case-insensitive; never by
// substring, never the example in place of an unknown building).
func (a *API) resolveMap(r *http.Request) (*parking.Map, error) {
	q := r.URL.Query()
	id, name := q.Get("map_id"), q.Get("building_name")
	switch {
	case id != "":
		if !parking.ValidID(id) {
			return nil, errorf(http.StatusBadRequest, CodeBadRequest, "map_id must be 1-%d characters from A-Z a-z 0-9 _ -", parking.MaxIDLen)
		}
		m, err := a.d.Maps.GetMap(r.Context(), id)
		if errors.Is(err, parking.ErrNotFound) {
			return nil, errorf(http.StatusNotFound, CodeNotFound, "no map with id %q", id)
		}
		if err != nil {
			return nil, err
		}
		if name != "" && parking.BuildingKey(name) != parking.BuildingKey(m.Building) {
			return nil, errorf(http.StatusBadRequest, CodeBadRequest, "map %q is not the map of building %q", id, name)
		}
		return m, nil
	case name != "":
		if !parking.ValidName(name) {
			return nil, errorf(http.StatusBadRequest, CodeBadRequest, "building_name must be 1-%d bytes of printable text without surrounding spaces", parking.MaxNameLen)
		}
		m, err := a.d.Maps.GetMapByBuilding(r.Context(), name)
		if errors.Is(err, parking.ErrNotFound) {
			return nil, errorf(http.StatusNotFound, CodeNotFound, "no map for building %q", name)
		}
		return m, err
	}
	return nil, errorf(http.StatusBadRequest, CodeBadRequest, "map_id or building_name is required")
}

// mapByPath reads the map named by the {id} path value.
func (a *API) mapByPath(r *http.Request) (*parking.Map, error) {
	id := r.PathValue("id")
	if !parking.ValidID(id) {
		return nil, errorf(http.StatusBadRequest, CodeBadRequest, "map id must be 1-%d characters from A-Z a-z 0-9 _ -", parking.MaxIDLen)
	}
	m, err := a.d.Maps.GetMap(r.Context(), id)
	if errors.Is(err, parking.ErrNotFound) {
		return nil, errorf(http.StatusNotFound, CodeNotFound, "no map with id %q", id)
	}
	return m, err
}

// redact removes who holds each slot (vehicle and reservation) unless the
// caller may override slots in the map's facility: drivers see only
// statuses.
func (a *API) redact(r *http.Request, m *parking.Map) *parking.Map {
	if a.mayIn(r, auth.PermSlotOverride, m.FacilityID) {
		return m
	}
	for li := range m.Levels {
		for ci := range m.Levels[li].Cells {
			c := &m.Levels[li].Cells[ci]
			c.VehicleID, c.ReservedBy = "", ""
		}
	}
	return m
}

// MapSummary is one row of the map list.
type MapSummary struct {
	ID         string         `json:"id"`
	FacilityID string         `json:"facility_id"`
	Building   string         `json:"building"`
	Version    int64          `json:"version"`
	Levels     []int          `json:"levels"`
	Slots      map[string]int `json:"slots"` // count by status, and "total"
	UpdatedAt  time.Time      `json:"updated_at"`
}

func summarize(m *parking.Map) MapSummary {
	s := MapSummary{ID: m.ID, FacilityID: m.FacilityID, Building: m.Building, Version: m.Version, UpdatedAt: m.UpdatedAt, Levels: []int{}, Slots: slotCounts(m, nil)}
	for _, l := range m.Levels {
		s.Levels = append(s.Levels, l.Number)
	}
	return s
}

func slotCounts(m *parking.Map, level *int) map[string]int {
	out := map[string]int{"total": 0, string(parking.Available): 0, string(parking.Occupied): 0, string(parking.Allocated): 0}
	for _, f := range m.Features() {
		if f.Cell.Kind != parking.Slot || (level != nil && f.Level != *level) {
			continue
		}
		out["total"]++
		out[string(f.Cell.Status)]++
	}
	return out
}

func (a *API) listMaps(w http.ResponseWriter, r *http.Request) {
	fac := r.URL.Query().Get("facility_id")
	if fac != "" && !parking.ValidID(fac) {
		a.fail(w, r, errorf(http.StatusBadRequest, CodeBadRequest, "facility_id must be 1-%d characters from A-Z a-z 0-9 _ -", parking.MaxIDLen))
		return
	}
	maps, err := a.d.Maps.ListMaps(r.Context(), fac)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := make([]MapSummary, 0, len(maps))
	for _, m := range maps {
		out = append(out, summarize(m))
	}
	writeJSON(w, http.StatusOK, map[string]any{"maps": out})
}

func (a *API) getMap(w http.ResponseWriter, r *http.Request) {
	m, err := a.mapByPath(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, a.redact(r, m))
}

func (a *API) getMapByBuilding(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if !parking.ValidName(name) {
		a.fail(w, r, errorf(http.StatusBadRequest, CodeBadRequest, "building name must be 1-%d bytes of printable text without surrounding spaces", parking.MaxNameLen))
		return
	}
	m, err := a.d.Maps.GetMapByBuilding(r.Context(), name)
	if errors.Is(err, parking.ErrNotFound) {
		err = errorf(http.StatusNotFound, CodeNotFound, "no map for building %q", name)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, a.redact(r, m))
}

// readMap decodes a map document strictly (unknown fields refused, the
// legacy status "free" read as available) and validates it.
func (a *API) readMap(w http.ResponseWriter, r *http.Request) (*parking.Map, error) {
	body, err := readJSONBody(w, r, parking.MaxMapJSONBytes)
	if err != nil {
		return nil, err
	}
	return parking.ParseMap(body)
}

func (a *API) createMap(w http.ResponseWriter, r *http.Request) {
	m, err := a.readMap(w, r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if err := a.requireIn(r, auth.PermMapWrite, m.FacilityID); err != nil {
		a.fail(w, r, err)
		return
	}
	if m.Version != 0 {
		a.fail(w, r, errorf(http.StatusBadRequest, CodeValidation, "a new map has version 0"))
		return
	}
	// Ids are always the server's (128 random bits), never reused: a
	// cached routing graph is keyed by id and version.
	if m.ID != "" {
		a.fail(w, r, errorf(http.StatusBadRequest, CodeValidation, "id is assigned by the server; leave it out"))
		return
	}
	if m.ID, err = a.newID(); err != nil {
		a.fail(w, r, err)
		return
	}
	m.UpdatedAt = a.d.Now().UTC()
	v, err := a.d.Maps.CreateMap(r.Context(), m)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	m.Version = v
	w.Header().Set("Location", "/parking/maps/"+m.ID)
	writeJSON(w, http.StatusCreated, summarize(m))
}

func (a *API) updateMap(w http.ResponseWriter, r *http.Request) {
	old, err := a.mapByPath(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	// Authorise on the stored map's facility before reading the body.
	if err := a.requireIn(r, auth.PermMapWrite, old.FacilityID); err != nil {
		a.fail(w, r, err)
		return
	}
	m, err := a.readMap(w, r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	switch {
	case m.ID != "" && m.ID != old.ID:
		err = errorf(http.StatusBadRequest, CodeValidation, "the body's id %q differs from the path's %q", m.ID, old.ID)
	case m.FacilityID != old.FacilityID:
		err = errorf(http.StatusBadRequest, CodeValidation, "the facility of a map cannot change")
	case m.Version == 0:
		err = errorf(http.StatusBadRequest, CodeValidation, "version is required: send the version you read")
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	m.ID = old.ID
	m.UpdatedAt = a.d.Now().UTC()
	v, err := a.d.Maps.UpdateMap(r.Context(), m)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	m.Version = v
	writeJSON(w, http.StatusOK, summarize(m))
}

func (a *API) deleteMap(w http.ResponseWriter, r *http.Request) {
	m, err := a.mapByPath(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if err := a.requireIn(r, auth.PermMapWrite, m.FacilityID); err != nil {
		a.fail(w, r, err)
		return
	}
	v, err := strconv.ParseInt(r.URL.Query().Get("version"), 10, 64)
	if err != nil || v < 1 {
		a.fail(w, r, errorf(http.StatusBadRequest, CodeBadRequest, "?version= (the version you read, ≥ 1) is required"))
		return
	}
	if err := a.d.Maps.DeleteMap(r.Context(), m.ID, v); err != nil {
		a.fail(w, r, err)
		return
	}
	a.graphs.Drop(m.ID)
	w.WriteHeader(http.StatusNoContent)
}
