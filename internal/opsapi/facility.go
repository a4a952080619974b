package opsapi

import (
	"context"
	"errors"
	"net/http"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/autospot/autospot/internal/live"
	"github.com/autospot/autospot/internal/parking"
	"github.com/autospot/autospot/internal/parking/fare"
	"github.com/autospot/autospot/internal/session"
)

func validText(s string, max int) bool {
	if s == "" || len(s) > max || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}

// building loads the map of a building name (exact, case-insensitive).
func (a *api) building(ctx context.Context, name string) (*parking.Map, *apiError, error) {
	if !validText(name, 200) {
		return nil, badRequest("invalid_building", "building name is required (at most 200 characters)"), nil
	}
	m, err := a.d.Maps.GetMapByBuilding(ctx, name)
	if errors.Is(err, parking.ErrNotFound) {
		return nil, notFound("Building not found"), nil
	}
	if err != nil {
		return nil, nil, err
	}
	return m, nil, nil
}

// mapOf is [api.building] for a handler: on failure it writes the
// response (4xx, or a logged 500) and reports false.
func (a *api) mapOf(w http.ResponseWriter, r *http.Request, name string) (*parking.Map, bool) {
	m, e, err := a.building(r.Context(), name)
	if err != nil {
		a.internal(w, r, "map", err)
		return nil, false
	}
	if e != nil {
		writeErr(w, e)
		return nil, false
	}
	return m, true
}

// buildingFacility is the facility of the building named by ?building.
func buildingFacility(a *api, r *http.Request) (string, *apiError) {
	m, e, err := a.building(r.Context(), r.URL.Query().Get("building"))
	if err != nil {
		a.d.Logger.ErrorContext(r.Context(), "opsapi: store failure", "op", "facility of building", "error", err.Error())
		return "", errInternal
	}
	if e != nil {
		return "", e
	}
	return m.FacilityID, nil
}

// occupancy is the live state of a building: the slots its active
// sessions hold, and the map's own statuses (operator overrides).
type occupancy struct {
	m    *parking.Map
	held map[string]bool // session.SlotKey → held by an active session
}

func (a *api) occupancyOf(ctx context.Context, m *parking.Map) (*occupancy, error) {
	held, err := session.HeldSlots(ctx, a.d.Sessions, m.FacilityID, m.Building)
	if err != nil {
		return nil, err
	}
	return &occupancy{m: m, held: held}, nil
}

// status is the effective status of a slot: occupied while a session
// holds it, else the map's status.
func (o *occupancy) status(level int, c parking.Cell) parking.SlotStatus {
	if o.held[session.SlotKey(parking.SlotRef{Building: o.m.Building, Level: level, ID: c.ID})] {
		return parking.Occupied
	}
	if c.Status == "" {
		return parking.Available
	}
	return c.Status
}

// free reports whether a slot may be assigned now.
func (o *occupancy) free(ref parking.SlotRef) bool {
	if o.held[session.SlotKey(ref)] {
		return false
	}
	f, ok := o.m.Find(ref.ID)
	return ok && f.Level == ref.Level && f.Cell.Kind == parking.Slot && (f.Cell.Status == parking.Available || f.Cell.Status == "")
}

type slotState struct {
	Level  int                `json:"level"`
	SlotID string             `json:"slot_id"`
	Status parking.SlotStatus `json:"status"`
}

type summary struct {
	Building  string `json:"building"`
	Total     int    `json:"total"`
	Available int    `json:"available"`
	Occupied  int    `json:"occupied"`
	Allocated int    `json:"allocated"`
}

func (o *occupancy) slots() ([]slotState, summary) {
	sum := summary{Building: o.m.Building}
	out := []slotState{}
	for _, f := range o.m.Features() {
		if f.Cell.Kind != parking.Slot {
			continue
		}
		st := o.status(f.Level, f.Cell)
		out = append(out, slotState{Level: f.Level, SlotID: f.Cell.ID, Status: st})
		sum.Total++
		switch st {
		case parking.Available:
			sum.Available++
		case parking.Occupied:
			sum.Occupied++
		case parking.Allocated:
			sum.Allocated++
		}
	}
	return out, sum
}

// publish announces a slot change; a failure is logged, never fatal (the
// change itself is stored).
func (a *api) publish(ctx context.Context, ref parking.SlotRef, st parking.SlotStatus) {
	err := a.d.Hub.Publish(context.WithoutCancel(ctx), live.Event{Building: ref.Building, Level: ref.Level, Slot: ref.ID, Status: string(st), At: a.d.Now().UTC()})
	if err != nil {
		a.d.Logger.WarnContext(ctx, "opsapi: live publish failed", "error", err.Error())
	}
}

// fareOf prices a stay from start to end with the facility's rates, in
// Australia/Sydney time, one quote per started 24 hours (a quote covers at
// most 24 h); a stay of no time costs nothing.
func (a *api) fareOf(ctx context.Context, m *parking.Map, start, end time.Time) (int64, []fare.Quote, error) {
	var table *fare.Table
	if a.d.Rates != nil {
		t, err := a.d.Rates.GetRates(ctx, m.FacilityID)
		switch {
		case err == nil:
			table = t
		case !errors.Is(err, parking.ErrNotFound):
			return 0, nil, err
		}
	}
	if table == nil {
		table = fare.OriginalTable()
	}
	var total int64
	var quotes []fare.Quote
	for cur := start; end.Sub(cur) > 0; {
		chunk := min(end.Sub(cur), 24*time.Hour)
		st := cur.In(a.sydney)
		q, err := a.quoter.Quote(table, fare.Request{Destination: m.Building, Date: st.Format("2006-01-02"), Time: st.Format("15:04"), Duration: chunk})
		if err != nil {
			return 0, nil, err
		}
		total += q.TotalCents
		quotes = append(quotes, q)
		cur = cur.Add(chunk)
	}
	return total, quotes, nil
}
