package opsapi

import (
	"errors"
	"net/http"

	"github.com/autospot/autospot/internal/emissions"
	"github.com/autospot/autospot/internal/parking"
	"github.com/autospot/autospot/internal/parking/route"
)

type routeEstimateRequest struct {
	Building string `json:"building"`
	Start    string `json:"start"` // "level,x,y" or a feature id
	End      string `json:"end"`
	// UseDynamicBaseline defaults to true, as the original.
	UseDynamicBaseline *bool `json:"use_dynamic_baseline"`
}

// point resolves "level,x,y" or a feature id of m.
func point(m *parking.Map, s string) (route.Point, *apiError) {
	if f, ok := m.Find(s); ok {
		return route.Point{Level: f.Level, X: f.X, Y: f.Y}, nil
	}
	p, err := route.ParsePoint(s)
	if err != nil {
		return route.Point{}, badRequest("invalid_point", "a point is \"level,x,y\" (integers) or a feature id of the building")
	}
	return p, nil
}

func routeErr(err error) *apiError {
	switch {
	case errors.Is(err, route.ErrNotFound):
		return notFound("Point not found")
	case errors.Is(err, route.ErrNoPath):
		return notFound("No path between the points")
	case errors.Is(err, route.ErrInvalidPoint), errors.Is(err, route.ErrWrongKind):
		return badRequest("invalid_point", err.Error())
	}
	return nil
}

func (a *api) estimateRoute(w http.ResponseWriter, r *http.Request) {
	var req routeEstimateRequest
	if e := a.decode(w, r, &req); e != nil {
		writeErr(w, e)
		return
	}
	ctx := r.Context()
	m, ok := a.mapOf(w, r, req.Building)
	if !ok {
		return
	}
	from, e := point(m, req.Start)
	if e == nil {
		var to route.Point
		if to, e = point(m, req.End); e == nil {
			g, err := a.graphs.Get(m)
			if err != nil {
				a.internal(w, r, "graph", err)
				return
			}
			rt, err := g.ShortestPath(from, to)
			if err != nil {
				if e := routeErr(err); e != nil {
					writeErr(w, e)
					return
				}
				a.internal(w, r, "route", err)
				return
			}
			base, method := emissions.DefaultBaseline, emissions.Static
			if req.UseDynamicBaseline == nil || *req.UseDynamicBaseline {
				occ, err := a.occupancyOf(ctx, m)
				if err != nil {
					a.internal(w, r, "occupancy", err)
					return
				}
				base, method = emissions.DynamicBaseline(m, occ.free), emissions.Dynamic
			}
			a.record(w, r, "estimate-for-route", "", rt.Distance, base, method, map[string]any{"route": rt, "building": m.Building})
			return
		}
	}
	writeErr(w, e)
}

type sessionEstimateRequest struct {
	SessionID string `json:"session_id"`
}

func (a *api) estimateSession(w http.ResponseWriter, r *http.Request) {
	var req sessionEstimateRequest
	if e := a.decode(w, r, &req); e != nil {
		writeErr(w, e)
		return
	}
	ctx := r.Context()
	s, ok := a.ownSession(w, r, req.SessionID)
	if !ok {
		return
	}
	if s.EntranceID == "" {
		writeErr(w, badRequest("no_entrance", "the session has no entrance to measure the journey from"))
		return
	}
	m, err := a.sessionMap(ctx, s)
	if err != nil {
		a.internal(w, r, "map", err)
		return
	}
	rec, err := a.journeyEmissions(ctx, m, s, a.d.Now().UTC())
	if err != nil {
		if e := routeErr(err); e != nil {
			writeErr(w, e)
			return
		}
		a.internal(w, r, "journey", err)
		return
	}
	if rec == nil {
		writeErr(w, notFound("The session's building map is gone"))
		return
	}
	writeJSON(w, http.StatusOK, rec)
}

// record computes, stores and answers an estimate for the caller.
func (a *api) record(w http.ResponseWriter, r *http.Request, endpoint, sessionID string, dist, base float64, m emissions.Method, extra map[string]any) {
	est, err := emissions.Calculate(dist, base, emissions.DefaultFactor, m)
	if err != nil {
		// A zero-length route (start = end) has nothing to estimate.
		writeErr(w, badRequest("invalid_route", "the route has no length"))
		return
	}
	id, err := emissions.NewRecordID(a.d.Rand)
	if err != nil {
		a.internal(w, r, "random", err)
		return
	}
	rec := emissions.Record{ID: id, DriverID: driver(r), SessionID: sessionID, Endpoint: endpoint, Estimate: est, CreatedAt: a.d.Now().UTC()}
	if err := a.d.Emissions.Add(r.Context(), rec); err != nil {
		a.internal(w, r, "emissions add", err)
		return
	}
	out := map[string]any{"record": rec}
	for k, v := range extra {
		out[k] = v
	}
	writeJSON(w, http.StatusOK, out)
}
