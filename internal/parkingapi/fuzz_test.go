package parkingapi_test

import (
	"bytes"
	"net/http"
	"net/url"
	"testing"
)

// checkReply fails on a 5xx and on an error without the envelope.
func checkReply(t *testing.T, r response) {
	t.Helper()
	if r.status >= 500 {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	if r.status >= 400 {
		r.errorBody(t)
	}
}

// FuzzPredictFare: no body makes the public fare endpoint fail with a 5xx
// or without the error envelope.
func FuzzPredictFare(f *testing.F) {
	for _, s := range []string{
		`{"destination":"Westfield Sydney","date":"2024-01-15","time":"08:00","duration_hours":2}`,
		`{"destination":"x","duration_hours":24.000001}`,
		`{"destination":"x","duration_hours":1e400}`,
		`{"destination":{"$ne":""}}`,
		`{"destination":"x","date":"0000-00-00","time":"23:59"}`,
		`[]`, `null`, ``,
	} {
		f.Add(s)
	}
	h := newHarness(f, harnessOpts{})
	f.Fuzz(func(t *testing.T, body string) {
		h.t = t
		checkReply(t, h.sendJSON(anon, http.MethodPost, "/parking/predict-fare", body))
	})
}

// FuzzPathfindingQuery: any start, end and map parameter is answered with
// a route, a 4xx with the envelope, never a 5xx.
func FuzzPathfindingQuery(f *testing.F) {
	f.Add("1,0,3", "1,2,2", "999999", "E1")
	f.Add("1, 0 ,3", "2,2,2", "mapA", "BE2")
	f.Add("-20,0,0", "200,99,99", "", "1A")
	f.Add("1,0,3,4", "a,b,c", "../x", "E1$")
	h := newHarness(f, harnessOpts{})
	f.Fuzz(func(t *testing.T, start, end, mapID, id string) {
		h.t = t
		q := url.Values{"start": {start}, "end": {end}, "map_id": {mapID}}
		checkReply(t, h.get(driverA, "/pathfinding/shortest-path?"+q.Encode()))
		q = url.Values{"entrance_id": {id}, "target_point_id": {id}, "slot_id": {id}, "map_id": {mapID}}
		checkReply(t, h.get(driverA, "/pathfinding/route-to-nearest-slot?"+q.Encode()))
		checkReply(t, h.get(driverA, "/pathfinding/nearest-exit-to-slot?"+q.Encode()))
		checkReply(t, h.get(driverA, "/pathfinding/destinations?"+url.Values{"entrance_id": {id}, "map_id": {mapID}}.Encode()))
		r := h.get(driverA, "/pathfinding/nearest-slot/"+url.PathEscape(id)+"?map_id="+url.QueryEscape(mapID))
		if r.status == http.StatusNotFound && string(r.body) == "404 page not found\n" {
			return // "" or "/" matches no route: the mux's own 404, enveloped by the server
		}
		checkReply(t, r)
	})
}

// FuzzCreateMap: any map document posted by an operator is stored only if
// it is valid, and never causes a 5xx.
func FuzzCreateMap(f *testing.F) {
	// Small seeds: the fuzzer mutates large inputs very slowly.
	seed := []byte(`{"facility_id":"facA","building":"Fuzz","levels":[` +
		`{"level":1,"rows":2,"cols":2,"cells":[{"kind":"car_entrance","id":"E1"},{"kind":"corridor","direction":"east"},{"kind":"ramp","id":"R1","ramp":{"to_level":2,"to_x":0,"to_y":0,"direction":"up"}},{"kind":"slot","id":"S1","status":"occupied","reserved_by":"bob"}]},` +
		`{"level":2,"rows":1,"cols":2,"cells":[{"kind":"corridor"},{"kind":"exit","id":"X1"}]}]}`)
	f.Add(seed)
	f.Add(bytes.Replace(seed, []byte(`"to_level":2`), []byte(`"to_level":7`), 1))
	f.Add(bytes.Replace(seed, []byte(`"rows":2`), []byte(`"rows":600000`), 1))
	f.Add([]byte(`{"facility_id":"facA","building":"x","levels":[{"level":1,"rows":1,"cols":1,"cells":[{"kind":"slot","id":"A","status":"free"}]}]}`))
	h := newHarness(f, harnessOpts{})
	f.Fuzz(func(t *testing.T, body []byte) {
		h.t = t
		r := h.sendJSON(opA, http.MethodPost, "/parking/maps", body)
		checkReply(t, r)
		if r.status == http.StatusCreated {
			var s struct {
				ID string `json:"id"`
			}
			r.json(t, &s)
			got, err := h.store.GetMap(t.Context(), s.ID)
			if err != nil || got.Validate() != nil || got.FacilityID != facA {
				t.Fatalf("stored %+v, %v", got, err)
			}
		}
	})
}
