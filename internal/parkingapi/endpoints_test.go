package parkingapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/autospot/autospot/internal/parking"
	"github.com/autospot/autospot/internal/parking/fare"
	"github.com/autospot/autospot/internal/parkingapi"
)

// TestPointInput: malformed points and ids are 400, unknown ones 404,
// ids of the wrong kind 400, each with a clear message in the envelope.
func TestPointInput(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	for _, c := range []struct {
		name, target string
		status       int
		code, detail string
	}{
		{"two parts", "/pathfinding/shortest-path?start=1,0&end=1,2,2&map_id=999999", 400, "invalid_point", "level,x,y"},
		{"float", "/pathfinding/shortest-path?start=1,0.5,3&end=1,2,2&map_id=999999", 400, "invalid_point", "integer"},
		{"negative x", "/pathfinding/shortest-path?start=1,-1,3&end=1,2,2&map_id=999999", 400, "invalid_point", "integer"},
		{"huge", "/pathfinding/shortest-path?start=1,0,3&end=1,99999999999999999999,2&map_id=999999", 400, "invalid_point", ""},
		{"level out of range", "/pathfinding/shortest-path?start=999,0,3&end=1,2,2&map_id=999999", 400, "invalid_point", "level"},
		{"missing end", "/pathfinding/shortest-path?start=1,0,3&map_id=999999", 400, "invalid_point", "end is required"},
		{"no such level", "/pathfinding/shortest-path?start=7,0,3&end=1,2,2&map_id=999999", 404, "not_found", ""},
		{"outside the grid", "/pathfinding/shortest-path?start=1,6,3&end=1,2,2&map_id=999999", 404, "not_found", ""},
		{"no map named", "/pathfinding/shortest-path?start=1,0,3&end=1,2,2", 400, "bad_request", "map_id or building_name"},
		{"unknown map", "/pathfinding/shortest-path?start=1,0,3&end=1,2,2&map_id=nope", 404, "not_found", "nope"},
		{"malformed map id", "/pathfinding/shortest-path?start=1,0,3&end=1,2,2&map_id=a/b", 400, "bad_request", "map_id"},
		{"substring building", "/pathfinding/nearest-slot/E1?building_name=Westfield", 404, "not_found", "Westfield"},
		{"regex building", "/pathfinding/nearest-slot/E1?building_name=.*", 404, "not_found", ""},
		{"unknown point id", "/pathfinding/nearest-slot/E9?map_id=999999", 404, "not_found", "E9"},
		{"malformed point id", "/pathfinding/nearest-slot/E1$?map_id=999999", 400, "invalid_point", "point_id"},
		{"slot as start", "/pathfinding/nearest-slot/1A?map_id=999999", 400, "wrong_kind", "1A"},
		{"exit as slot", "/pathfinding/nearest-exit-to-slot?slot_id=X1&map_id=999999", 400, "wrong_kind", ""},
		{"unknown slot", "/pathfinding/nearest-exit-to-slot?slot_id=9Z&map_id=999999", 404, "not_found", ""},
		{"no slot id", "/pathfinding/nearest-exit-to-slot?map_id=999999", 400, "invalid_point", "slot_id"},
		{"unknown target", "/pathfinding/route-to-nearest-slot?entrance_id=E1&target_point_id=BE7&map_id=999999", 404, "not_found", ""},
		{"unknown entrance", "/pathfinding/destinations?entrance_id=E5&map_id=999999", 404, "not_found", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := h.get(driverA, c.target)
			if r.status != c.status {
				t.Fatalf("status %d, want %d: %s", r.status, c.status, r.body)
			}
			e := r.errorBody(t)
			if e.ErrorCode != c.code || !strings.Contains(e.Detail, c.detail) {
				t.Fatalf("body %+v, want code %s and %q in the detail", e, c.code, c.detail)
			}
		})
	}
}

// TestNoSlotAndNoPath: a full car park is 404 no_slot.
func TestNoSlotAndNoPath(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	m, _ := h.store.GetMap(t.Context(), mapA)
	for _, f := range m.Features() {
		if f.Cell.Kind == parking.Slot {
			m.SetSlotStatus(f.Level, f.Cell.ID, parking.Occupied, "", "x")
		}
	}
	if _, err := h.store.UpdateMap(t.Context(), m); err != nil {
		t.Fatal(err)
	}
	r := h.get(driverA, "/pathfinding/nearest-slot/E1?map_id=mapA")
	if r.status != 404 || r.errorBody(t).ErrorCode != "no_slot" {
		t.Fatalf("full car park: %d %s", r.status, r.body)
	}
	// The cached graph was rebuilt for the new version: map A is full,
	// the example is not.
	var ok parkingapi.NearestSlotResponse
	mustOK(t, h.get(driverA, "/pathfinding/nearest-slot/E1?map_id=999999"), &ok)
}

// TestMapCRUD: create, read, update at the read version (a stale version
// is 409), rename, delete.
func TestMapCRUD(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	m := parking.ExampleMap()
	m.ID, m.FacilityID, m.Building = "", facA, "Kappa Court"
	r := h.sendJSON(opA, http.MethodPost, "/parking/maps", m)
	if r.status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	var sum parkingapi.MapSummary
	r.json(t, &sum)
	if !parking.ValidID(sum.ID) || sum.Version != 1 || r.header.Get("Location") != "/parking/maps/"+sum.ID || sum.Slots["total"] != 8 {
		t.Fatalf("created %+v", sum)
	}
	var got parking.Map
	mustOK(t, h.get(driverA, "/parking/maps/"+sum.ID), &got)
	got.Building = "Kappa Court East"
	r = h.sendJSON(opA, http.MethodPut, "/parking/maps/"+sum.ID, got)
	if r.status != http.StatusOK {
		t.Fatalf("update: %d %s", r.status, r.body)
	}
	if r := h.sendJSON(opA, http.MethodPut, "/parking/maps/"+sum.ID, got); r.status != http.StatusConflict || r.errorBody(t).ErrorCode != "conflict" {
		t.Fatalf("stale update: %d %s", r.status, r.body)
	}
	mustOK(t, h.get(driverA, "/parking/maps/building/KAPPA%20COURT%20EAST"), &got)
	if got.Version != 2 {
		t.Fatalf("after rename: %+v", got)
	}
	// Same name as another building: 409.
	dup := parking.ExampleMap()
	dup.ID, dup.FacilityID, dup.Building = "", facA, "kappa court east"
	if r := h.sendJSON(opA, http.MethodPost, "/parking/maps", dup); r.status != http.StatusConflict {
		t.Fatalf("duplicate building: %d %s", r.status, r.body)
	}
	if r := h.do(opA, http.MethodDelete, "/parking/maps/"+sum.ID+"?version=1", nil, ""); r.status != http.StatusConflict {
		t.Fatalf("delete at a stale version: %d %s", r.status, r.body)
	}
	if r := h.do(opA, http.MethodDelete, "/parking/maps/"+sum.ID, nil, ""); r.status != http.StatusBadRequest {
		t.Fatalf("delete without version: %d %s", r.status, r.body)
	}
	if r := h.do(opA, http.MethodDelete, "/parking/maps/"+sum.ID+"?version=2", nil, ""); r.status != http.StatusNoContent {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}
	if r := h.get(driverA, "/parking/maps/"+sum.ID); r.status != http.StatusNotFound {
		t.Fatalf("after delete: %d %s", r.status, r.body)
	}
	var list struct {
		Maps []parkingapi.MapSummary `json:"maps"`
	}
	mustOK(t, h.get(driverA, "/parking/maps"), &list)
	if len(list.Maps) != 3 || list.Maps[0].ID != mapA || list.Maps[2].ID != parking.ExampleMapID {
		t.Fatalf("list: %+v", list.Maps)
	}
	mustOK(t, h.get(driverA, "/parking/maps?facility_id=facB"), &list)
	if len(list.Maps) != 1 || list.Maps[0].ID != mapB {
		t.Fatalf("list facB: %+v", list.Maps)
	}
}

// TestMapWriteValidation: strict JSON and model validation on write;
// operators cannot create maps for another facility or move one.
func TestMapWriteValidation(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	valid := func() *parking.Map {
		m := parking.ExampleMap()
		m.ID, m.FacilityID, m.Building = "", facA, "Lambda"
		return m
	}
	raw := func(mut func(m map[string]any)) []byte {
		b, _ := json.Marshal(valid())
		var m map[string]any
		_ = json.Unmarshal(b, &m)
		mut(m)
		b, _ = json.Marshal(m)
		return b
	}
	for _, c := range []struct {
		name   string
		actor  string
		body   any
		ct     string
		status int
		code   string
	}{
		{"unknown field", opA, raw(func(m map[string]any) { m["owner"] = "x" }), "application/json", 400, "validation_error"},
		{"trailing data", opA, append(raw(func(map[string]any) {}), []byte(" {}")...), "application/json", 400, "validation_error"},
		{"wrong type", opA, raw(func(m map[string]any) { m["building"] = map[string]any{"$ne": ""} }), "application/json", 400, "validation_error"},
		{"ramp without target", opA, raw(func(m map[string]any) {
			m["levels"].([]any)[0].(map[string]any)["cells"].([]any)[1].(map[string]any)["ramp"] = nil
		}), "application/json", 400, "validation_error"},
		{"not JSON content type", opA, raw(func(map[string]any) {}), "text/plain", 415, "unsupported_media_type"},
		{"other facility", opA, raw(func(m map[string]any) { m["facility_id"] = facB }), "application/json", 403, "forbidden"},
		{"client-chosen id", opA, raw(func(m map[string]any) { m["id"] = "mine" }), "application/json", 400, "validation_error"},
		{"nonzero version", opA, raw(func(m map[string]any) { m["version"] = 4 }), "application/json", 400, "validation_error"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := h.do(c.actor, http.MethodPost, "/parking/maps", strings.NewReader(string(c.body.([]byte))), c.ct)
			if r.status != c.status {
				t.Fatalf("status %d, want %d: %s", r.status, c.status, r.body)
			}
			if e := r.errorBody(t); e.ErrorCode != c.code {
				t.Fatalf("code %s, want %s", e.ErrorCode, c.code)
			}
		})
	}
	m, _ := h.store.GetMap(t.Context(), mapA)
	m.FacilityID = facB
	if r := h.sendJSON(admin, http.MethodPut, "/parking/maps/mapA", m); r.status != http.StatusBadRequest {
		t.Fatalf("moving a map to another facility: %d %s", r.status, r.body)
	}
	big := strings.Repeat(" ", parking.MaxMapJSONBytes+1)
	if r := h.do(opA, http.MethodPost, "/parking/maps", strings.NewReader(big), "application/json"); r.status != http.StatusRequestEntityTooLarge {
		t.Fatalf("oversized: %d %s", r.status, r.body)
	}
}

// TestSlots: listing, filters, summary, redaction of who holds a slot, and
// the operator's override.
func TestSlots(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	type slots struct {
		Slots []parkingapi.SlotInfo `json:"slots"`
	}
	var s slots
	mustOK(t, h.get(driverA, "/parking/slots?map_id=mapA&level=1"), &s)
	if len(s.Slots) != 4 {
		t.Fatalf("level 1 slots: %+v", s.Slots)
	}
	for _, sl := range s.Slots {
		if sl.VehicleID != "" || sl.ReservedBy != "" {
			t.Fatalf("a driver sees who holds slot %s: %+v", sl.ID, sl)
		}
	}
	mustOK(t, h.get(opB, "/parking/slots?map_id=mapA&status=occupied"), &s)
	if len(s.Slots) != 1 || s.Slots[0].ID != "1C" || s.Slots[0].ReservedBy != "" {
		t.Fatalf("operator B on map A: %+v", s.Slots)
	}
	mustOK(t, h.get(opA, "/parking/slots?map_id=mapA&status=occupied"), &s)
	if len(s.Slots) != 1 || s.Slots[0].ReservedBy != "carol" || s.Slots[0].VehicleID != "ABC123" {
		t.Fatalf("operator A on map A: %+v", s.Slots)
	}
	var m parking.Map
	mustOK(t, h.get(driverA, "/parking/maps/mapA"), &m)
	if f, _ := m.Find("1C"); f.Cell.ReservedBy != "" || f.Cell.Status != parking.Occupied {
		t.Fatalf("map read by a driver: %+v", f.Cell)
	}
	var sum struct {
		Summary map[string]int `json:"summary"`
	}
	mustOK(t, h.get(driverA, "/parking/slots/summary?building_name=alpha%20centre"), &sum)
	if sum.Summary["total"] != 8 || sum.Summary["occupied"] != 1 || sum.Summary["available"] != 7 {
		t.Fatalf("summary %+v", sum.Summary)
	}
	var pts struct {
		Points []parkingapi.PointInfo `json:"points"`
	}
	mustOK(t, h.get(driverA, "/parking/entrances?map_id=mapA"), &pts)
	if len(pts.Points) != 3 || pts.Points[1].ID != "E1" || pts.Points[1].Kind != parking.CarEntrance {
		t.Fatalf("entrances %+v", pts.Points)
	}
	mustOK(t, h.get(driverA, "/parking/exits?map_id=mapA&level=2"), &pts)
	if len(pts.Points) != 1 || pts.Points[0].ID != "X2" {
		t.Fatalf("exits %+v", pts.Points)
	}
	for _, bad := range []string{"level=x", "status=free-ish"} {
		if r := h.get(driverA, "/parking/slots?map_id=mapA&"+bad); r.status != 400 {
			t.Fatalf("%s: %d", bad, r.status)
		}
	}
	// Override: allocated needs a driver; available clears it.
	if r := h.sendJSON(opA, http.MethodPut, "/parking/maps/mapA/slots/1A", `{"level":1,"status":"allocated"}`); r.status != 400 {
		t.Fatalf("allocated without reserved_by: %d %s", r.status, r.body)
	}
	if r := h.sendJSON(opA, http.MethodPut, "/parking/maps/mapA/slots/1A", `{"level":2,"status":"available"}`); r.status != 404 {
		t.Fatalf("slot on the wrong level: %d %s", r.status, r.body)
	}
	if r := h.sendJSON(opA, http.MethodPut, "/parking/maps/mapA/slots/1C", `{"level":1,"status":"free"}`); r.status != 200 {
		t.Fatalf("free: %d %s", r.status, r.body)
	}
	got, _ := h.store.GetMap(t.Context(), mapA)
	if f, _ := got.Find("1C"); f.Cell.Status != parking.Available || f.Cell.ReservedBy != "" {
		t.Fatalf("after override %+v", f.Cell)
	}
	// The nearest slot from E1 follows the status change (graph rebuilt).
	mustOK(t, h.get(opA, "/parking/maps/mapA"), &m)
	if r := h.sendJSON(opA, http.MethodPut, "/parking/maps/mapA/slots/1B", `{"level":1,"status":"occupied","reserved_by":"erin"}`); r.status != 200 {
		t.Fatalf("occupy 1B: %d %s", r.status, r.body)
	}
	var ns parkingapi.NearestSlotResponse
	mustOK(t, h.get(driverA, "/pathfinding/nearest-slot/E1?map_id=mapA"), &ns)
	if ns.NearestSlot.ID == "1B" || ns.Version != 3 {
		t.Fatalf("nearest slot after 1B was taken: %+v", ns)
	}
}

// TestFares: validation of predict-fare, defaults to now in Sydney, the
// facility's own table for its buildings, and rate edits.
func TestFares(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	post := func(body string) response {
		return h.sendJSON(anon, http.MethodPost, "/parking/predict-fare", body)
	}
	for _, c := range []struct {
		name, body string
		status     int
	}{
		{"duration 0", `{"destination":"Westfield Sydney","duration_hours":0}`, 422},
		{"duration negative", `{"destination":"Westfield Sydney","duration_hours":-1}`, 422},
		{"duration 24.01", `{"destination":"Westfield Sydney","duration_hours":24.01}`, 422},
		{"duration exponent", `{"destination":"Westfield Sydney","duration_hours":2e0}`, 422},
		{"time 25:00", `{"destination":"Westfield Sydney","time":"25:00"}`, 400},
		{"date 2024-02-30", `{"destination":"Westfield Sydney","date":"2024-02-30"}`, 400},
		{"date pattern", `{"destination":"Westfield Sydney","date":"15/01/2024"}`, 422},
		{"time pattern", `{"destination":"Westfield Sydney","time":"8am"}`, 422},
		{"no destination", `{"duration_hours":2}`, 422},
		{"unknown field", `{"destination":"Westfield Sydney","discount":50}`, 400},
		{"destination object", `{"destination":{"$ne":""}}`, 400},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := post(c.body)
			if r.status != c.status {
				t.Fatalf("status %d, want %d: %s", r.status, c.status, r.body)
			}
			r.errorBody(t)
		})
	}
	for _, d := range []string{"0.5", "2.75", "24"} {
		var got parkingapi.FareResponse
		mustOK(t, post(`{"destination":"Westfield Sydney","date":"2024-01-17","time":"14:00","duration_hours":`+d+`}`), &got)
		if fmt.Sprint(got.DurationHours) != d || got.Breakdown.PeakCents != 0 {
			t.Fatalf("duration %s: %+v", d, got)
		}
	}
	// Defaults: now is Monday 2024-01-15 19:00 in Sydney (peak, ends
	// included) and 2 hours.
	var now parkingapi.FareResponse
	mustOK(t, post(`{"destination":"Westfield Sydney"}`), &now)
	if now.Date != "2024-01-15" || now.StartTime != "19:00" || now.EndTime != "21:00" || now.Breakdown.Total != "14.40" {
		t.Fatalf("defaults: %+v", now)
	}
	// A building with a map is priced by its facility's table.
	var a parkingapi.FareResponse
	mustOK(t, post(`{"destination":"Alpha Centre","date":"2024-01-15","time":"08:00"}`), &a)
	if a.FacilityID != facA || a.Breakdown.TotalCents != 880 {
		t.Fatalf("Alpha Centre: %+v", a)
	}
	var rate map[string]any
	mustOK(t, h.get(anon, "/parking/destination-parking-rate?destination=Westfield%20Sydney"), &rate)
	if rate["uses_default_rates"] != false || rate["currency"] != "AUD" {
		t.Fatalf("destination rate %+v", rate)
	}

	// Operator A edits one destination of its table: exact name, decimal
	// strings, "-" keeps.
	r := h.sendJSON(opA, http.MethodPut, "/parking/rates/facA/destinations/Alpha%20Centre", `{"base_rate_per_hour":"5.50","peak_hour_surcharge_rate":"-"}`)
	if r.status != 200 {
		t.Fatalf("edit: %d %s", r.status, r.body)
	}
	tab, _ := h.store.GetRates(t.Context(), facA)
	if got := tab.Destinations[buildingA]; got.BaseCentsPerHour != 550 || got.PeakBP != 1000 {
		t.Fatalf("after edit %+v", got)
	}
	for _, bad := range []string{`{"base_rate_per_hour":"-1"}`, `{"weekend_surcharge_rate":"abc"}`, `{"base_rate_per_hour":"1e3"}`} {
		if r := h.sendJSON(opA, http.MethodPut, "/parking/rates/facA/destinations/Alpha%20Centre", bad); r.status != 400 {
			t.Fatalf("%s: %d %s", bad, r.status, r.body)
		}
	}
	// Whole-table write: validated, versioned.
	tab.Destinations["Bad"] = fare.Rates{BaseCentsPerHour: -5}
	if r := h.sendJSON(opA, http.MethodPut, "/parking/rates/facA", tab); r.status != 400 || r.errorBody(t).ErrorCode != "validation_error" {
		t.Fatalf("negative rate: %d %s", r.status, r.body)
	}
	delete(tab.Destinations, "Bad")
	if r := h.sendJSON(opA, http.MethodPut, "/parking/rates/facA", tab); r.status != 200 {
		t.Fatalf("put: %d %s", r.status, r.body)
	}
	if r := h.sendJSON(opA, http.MethodPut, "/parking/rates/facA", tab); r.status != 409 {
		t.Fatalf("stale put: %d %s", r.status, r.body)
	}
	// A new facility's first table is version 0 → 1.
	fresh := fare.OriginalTable()
	if r := h.sendJSON(admin, http.MethodPut, "/parking/rates/facC", fresh); r.status != 200 {
		t.Fatalf("create table: %d %s", r.status, r.body)
	}
	if r := h.get(admin, "/parking/rates/facD"); r.status != 404 {
		t.Fatalf("missing table: %d", r.status)
	}
	// No substring authorisation: operator of "facA" cannot edit "facA2".
	if r := h.sendJSON(opA, http.MethodPut, "/parking/rates/facA2/destinations/Alpha%20Centre", `{"base_rate_per_hour":"1"}`); r.status != 403 {
		t.Fatalf("substring facility: %d %s", r.status, r.body)
	}
}
