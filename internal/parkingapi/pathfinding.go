package parkingapi

import (
	"errors"
	"net/http"

	"github.com/autospot/autospot/internal/parking"
	"github.com/autospot/autospot/internal/parking/route"
)

// graphFor resolves the request's map and returns its routing graph,
// cached per map version. When Deps.Maps is a [parking.MapVersioner]
// (every repository here is), a map whose graph is cached at its current
// version is not read at all.
func (a *API) graphFor(r *http.Request) (MapInfo, *route.Graph, error) {
	if mv, ok := a.d.Maps.(parking.MapVersioner); ok {
		if g, err := a.cachedGraph(r, mv); err != nil || g != nil {
			if err != nil {
				return MapInfo{}, nil, err
			}
			return MapInfo{MapID: g.MapID(), Building: g.Building(), Version: g.Version()}, g, nil
		}
	}
	m, err := a.resolveMap(r)
	if err != nil {
		return MapInfo{}, nil, err
	}
	g, err := a.graphs.Get(m)
	if err != nil {
		return MapInfo{}, nil, err
	}
	return info(m), g, nil
}

// cachedGraph returns the cached graph of the request's map when it is
// at the map's current version, nil when the map must be read.
func (a *API) cachedGraph(r *http.Request, mv parking.MapVersioner) (*route.Graph, error) {
	q := r.URL.Query()
	id, name := q.Get("map_id"), q.Get("building_name")
	if id == "" && name != "" && parking.ValidName(name) {
		var err error
		if id, err = mv.MapIDByBuilding(r.Context(), name); err != nil {
			if errors.Is(err, parking.ErrNotFound) {
				return nil, errorf(http.StatusNotFound, CodeNotFound, "no map for building %q", name)
			}
			return nil, err
		}
	}
	if !parking.ValidID(id) {
		return nil, nil // resolveMap reports it
	}
	v, err := mv.MapVersion(r.Context(), id)
	if err != nil {
		return nil, nil // resolveMap reads (and reports) it
	}
	g := a.graphs.Peek(id, v)
	if g != nil && name != "" && parking.BuildingKey(name) != parking.BuildingKey(g.Building()) {
		return nil, errorf(http.StatusBadRequest, CodeBadRequest, "map %q is not the map of building %q", id, name)
	}
	return g, nil
}

// pointID reads a required feature id from the query or the path.
func pointID(name, v string) (string, error) {
	if v == "" {
		return "", errorf(http.StatusBadRequest, CodeInvalidPoint, "%s is required", name)
	}
	if !parking.ValidID(v) {
		return "", errorf(http.StatusBadRequest, CodeInvalidPoint, "%s must be 1-%d characters from A-Z a-z 0-9 _ -", name, parking.MaxIDLen)
	}
	return v, nil
}

func parsePoint(name, v string) (route.Point, error) {
	if v == "" {
		return route.Point{}, errorf(http.StatusBadRequest, CodeInvalidPoint, "%s is required (\"level,x,y\")", name)
	}
	p, err := route.ParsePoint(v)
	if err != nil {
		return route.Point{}, errorf(http.StatusBadRequest, CodeInvalidPoint, "%s: %s", name, trimPrefix(err))
	}
	return p, nil
}

// MapInfo names the map a route was computed on.
type MapInfo struct {
	MapID    string `json:"map_id"`
	Building string `json:"building_name"`
	Version  int64  `json:"version"`
}

func info(m *parking.Map) MapInfo {
	return MapInfo{MapID: m.ID, Building: m.Building, Version: m.Version}
}

// PathResponse answers shortest-path.
type PathResponse struct {
	MapInfo
	Start    route.Point   `json:"start"`
	End      route.Point   `json:"end"`
	Path     []route.Point `json:"path"`
	Distance float64       `json:"distance"`
}

func (a *API) shortestPath(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	from, err := parsePoint("start", q.Get("start"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	to, err := parsePoint("end", q.Get("end"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	mi, g, err := a.graphFor(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	rt, err := g.ShortestPath(from, to)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, PathResponse{MapInfo: mi, Start: from, End: to, Path: rt.Points, Distance: rt.Distance})
}

// NearestSlotResponse answers nearest-slot.
type NearestSlotResponse struct {
	MapInfo
	SourcePoint string          `json:"source_point"`
	Source      route.Point     `json:"source"`
	NearestSlot parking.SlotRef `json:"nearest_slot"`
	Distance    float64         `json:"distance"`
	Path        []route.Point   `json:"path"`
	RampUsed    string          `json:"ramp_used,omitempty"`
}

func (a *API) nearestSlot(w http.ResponseWriter, r *http.Request) {
	id, err := pointID("point_id", r.PathValue("point_id"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	mi, g, err := a.graphFor(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	sr, err := g.NearestSlot(id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, NearestSlotResponse{MapInfo: mi, SourcePoint: id, Source: sr.From, NearestSlot: sr.Slot,
		Distance: sr.Route.Distance, Path: sr.Route.Points, RampUsed: sr.RampUsed})
}

// TripResponse answers route-to-nearest-slot.
type TripResponse struct {
	MapInfo
	EntranceID string          `json:"entrance_id"`
	TargetID   string          `json:"target_point_id"`
	Slot       parking.SlotRef `json:"slot"`
	ToSlot     route.Route     `json:"route_from_entrance_to_slot"`
	ToTarget   route.Route     `json:"route_from_slot_to_target"`
	RampUsed   string          `json:"ramp_used,omitempty"`
}

func (a *API) routeToNearestSlot(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	e, err := pointID("entrance_id", q.Get("entrance_id"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	t, err := pointID("target_point_id", q.Get("target_point_id"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	mi, g, err := a.graphFor(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	trip, err := g.RouteToNearestSlot(e, t)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, TripResponse{MapInfo: mi, EntranceID: e, TargetID: t, Slot: trip.Slot, ToSlot: trip.ToSlot, ToTarget: trip.ToTarget, RampUsed: trip.RampUsed})
}

func (a *API) destinations(w http.ResponseWriter, r *http.Request) {
	e := r.URL.Query().Get("entrance_id")
	if e != "" {
		var err error
		if e, err = pointID("entrance_id", e); err != nil {
			a.fail(w, r, err)
			return
		}
	}
	mi, g, err := a.graphFor(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	ds, err := g.Destinations(e)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	labels := make([]string, len(ds))
	for i, d := range ds {
		labels[i] = d.Label
	}
	writeJSON(w, http.StatusOK, map[string]any{"map_id": mi.MapID, "building_name": mi.Building, "version": mi.Version, "destinations": ds, "labels": labels})
}

// ExitResponse answers nearest-exit-to-slot.
type ExitResponse struct {
	MapInfo
	Slot        parking.SlotRef `json:"slot"`
	NearestExit string          `json:"nearest_exit"`
	Distance    float64         `json:"distance"`
	Path        []route.Point   `json:"path"`
}

func (a *API) nearestExit(w http.ResponseWriter, r *http.Request) {
	id, err := pointID("slot_id", r.URL.Query().Get("slot_id"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	mi, g, err := a.graphFor(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	er, err := g.NearestExit(id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, ExitResponse{MapInfo: mi, Slot: er.Slot, NearestExit: er.Exit, Distance: er.Route.Distance, Path: er.Route.Points})
}
