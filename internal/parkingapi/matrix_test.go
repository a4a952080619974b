package parkingapi_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/autospot/autospot/internal/parking"
)

type matrixCase struct {
	method, target string
	body           func(h *harness) (io.Reader, string)
	ok             int    // the success status
	access         string // "public", "read", "facilityA"
}

func jsonBody(v any) func(h *harness) (io.Reader, string) {
	return func(h *harness) (io.Reader, string) {
		b, _ := json.Marshal(v)
		return strings.NewReader(string(b)), "application/json"
	}
}

func storedMapA(mut func(m *parking.Map)) func(h *harness) (io.Reader, string) {
	return func(h *harness) (io.Reader, string) {
		m, err := h.store.GetMap(h.t.Context(), mapA)
		if err != nil {
			h.t.Fatal(err)
		}
		mut(m)
		b, _ := json.Marshal(m)
		return strings.NewReader(string(b)), "application/json"
	}
}

// TestAccessMatrix runs every route as each actor: anonymous, a driver,
// the operator of facility A, the operator of facility B, and an admin.
// Every write acts on facility A's map or rates, so operator B must be
// refused exactly where operator A succeeds.
func TestAccessMatrix(t *testing.T) {
	newA := parking.ExampleMap()
	newA.ID, newA.FacilityID, newA.Building = "", facA, "New Alpha"
	cases := []matrixCase{
		{method: "GET", target: "/parking/maps", ok: 200, access: "read"},
		{method: "GET", target: "/parking/maps/mapA", ok: 200, access: "read"},
		{method: "GET", target: "/parking/maps/building/alpha%20centre", ok: 200, access: "read"},
		{method: "GET", target: "/parking/slots?map_id=mapA", ok: 200, access: "read"},
		{method: "GET", target: "/parking/slots/summary?map_id=mapA", ok: 200, access: "read"},
		{method: "GET", target: "/parking/entrances?map_id=mapA", ok: 200, access: "read"},
		{method: "GET", target: "/parking/exits?map_id=mapA", ok: 200, access: "read"},
		{method: "GET", target: "/pathfinding/shortest-path?start=1,0,3&end=1,2,2&map_id=mapA", ok: 200, access: "read"},
		{method: "GET", target: "/pathfinding/nearest-slot/E1?map_id=mapA", ok: 200, access: "read"},
		{method: "GET", target: "/pathfinding/route-to-nearest-slot?entrance_id=E1&target_point_id=BE2&map_id=mapA", ok: 200, access: "read"},
		{method: "GET", target: "/pathfinding/destinations?map_id=mapA", ok: 200, access: "read"},
		{method: "GET", target: "/pathfinding/nearest-exit-to-slot?slot_id=1A&map_id=mapA", ok: 200, access: "read"},
		{method: "POST", target: "/parking/predict-fare", body: jsonBody(map[string]any{"destination": buildingA, "duration_hours": 1}), ok: 200, access: "public"},
		{method: "GET", target: "/parking/destination-parking-rate?destination=Alpha%20Centre", ok: 200, access: "public"},
		{method: "POST", target: "/parking/maps", body: jsonBody(newA), ok: 201, access: "facilityA"},
		{method: "PUT", target: "/parking/maps/mapA", body: storedMapA(func(m *parking.Map) { m.Building = "Alpha Renamed" }), ok: 200, access: "facilityA"},
		{method: "DELETE", target: "/parking/maps/mapA?version=1", ok: 204, access: "facilityA"},
		{method: "POST", target: "/parking/upload-map?building_name=Alpha%20Centre&level=3&grid_rows=6&grid_cols=6", ok: 200, access: "facilityA",
			body: func(h *harness) (io.Reader, string) {
				return multipartBody(h.t, "level3.png", drawMap(h.t, plainLevel...), nil)
			}},
		{method: "PUT", target: "/parking/maps/mapA/slots/1A", body: jsonBody(map[string]any{"level": 1, "status": "allocated", "reserved_by": "dave"}), ok: 200, access: "facilityA"},
		{method: "GET", target: "/parking/rates/facA", ok: 200, access: "facilityA"},
		{method: "PUT", target: "/parking/rates/facA", ok: 200, access: "facilityA",
			body: func(h *harness) (io.Reader, string) {
				tab, err := h.store.GetRates(h.t.Context(), facA)
				if err != nil {
					h.t.Fatal(err)
				}
				b, _ := json.Marshal(tab)
				return strings.NewReader(string(b)), "application/json"
			}},
		{method: "PUT", target: "/parking/rates/facA/destinations/Alpha%20Centre", body: jsonBody(map[string]string{"base_rate_per_hour": "5.00"}), ok: 200, access: "facilityA"},
	}
	want := func(c matrixCase, actor string) int {
		switch {
		case c.access == "public":
			return c.ok
		case actor == anon:
			return http.StatusUnauthorized
		case c.access == "read", actor == opA, actor == admin:
			return c.ok
		}
		return http.StatusForbidden
	}
	for _, c := range cases {
		for _, actor := range actors {
			t.Run(c.method+" "+c.target+" as "+actor, func(t *testing.T) {
				h := newHarness(t, harnessOpts{})
				var body io.Reader
				ct := ""
				if c.body != nil {
					body, ct = c.body(h)
				}
				r := h.do(actor, c.method, c.target, body, ct)
				if w := want(c, actor); r.status != w {
					t.Fatalf("status %d, want %d: %s", r.status, w, r.body)
				}
				if r.status == http.StatusForbidden {
					if e := r.errorBody(t); e.ErrorCode != "forbidden" {
						t.Fatalf("403 body %+v", e)
					}
				}
			})
		}
	}
	// Every route of the table is in the matrix.
	if len(cases) != len(routeTable(t)) {
		t.Fatalf("the matrix has %d cases for %d routes", len(cases), len(routeTable(t)))
	}
}
