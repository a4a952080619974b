package parkingapi_test

import (
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"testing"

	"github.com/autospot/autospot/internal/parking/route"
	"github.com/autospot/autospot/internal/parkingapi"
)

func pts(s ...[3]int) []route.Point {
	out := make([]route.Point, len(s))
	for i, p := range s {
		out[i] = route.Point{Level: p[0], X: p[1], Y: p[2]}
	}
	return out
}

// TestSpecReferenceValues checks the domain spec's §4 reference values of
// the example map, and its §5 worked fare examples, through HTTP over
// every backend.
func TestSpecReferenceValues(t *testing.T) {
	for _, backend := range []string{"memory", "bolt", "mongo"} {
		t.Run(backend, func(t *testing.T) {
			h := newHarness(t, harnessOpts{backend: backend})
			ex := "map_id=999999"

			t.Run("E1 to 1A is 3.2", func(t *testing.T) {
				r := h.get(driverA, "/pathfinding/shortest-path?start=1,0,3&end=1,2,2&"+ex)
				var got parkingapi.PathResponse
				mustOK(t, r, &got)
				if got.Distance != 3.2 || !reflect.DeepEqual(got.Path, pts([3]int{1, 0, 3}, [3]int{1, 1, 3}, [3]int{1, 1, 2}, [3]int{1, 2, 2})) {
					t.Fatalf("got %+v", got)
				}
				if got.MapID != "999999" || got.Building != exampleBuild || got.Version != 1 {
					t.Fatalf("map info %+v", got.MapInfo)
				}
			})
			t.Run("across the ramp 8.2", func(t *testing.T) {
				var got parkingapi.PathResponse
				mustOK(t, h.get(driverA, "/pathfinding/shortest-path?start=1,0,3&end=2,2,2&building_name=westfield%20sydney1"), &got)
				if got.Distance != 8.2 || !slices.Contains(got.Path, route.Point{Level: 1, X: 1, Y: 0}) || !slices.Contains(got.Path, route.Point{Level: 2, X: 1, Y: 1}) {
					t.Fatalf("got %+v", got)
				}
			})
			t.Run("nearest slot from E1 is 1B at 2.0", func(t *testing.T) {
				var got parkingapi.NearestSlotResponse
				mustOK(t, h.get(driverA, "/pathfinding/nearest-slot/E1?"+ex), &got)
				if got.NearestSlot.ID != "1B" || got.Distance != 2.0 || !slices.Contains(got.Path, route.Point{Level: 1, X: 1, Y: 3}) {
					t.Fatalf("got %+v", got)
				}
			})
			t.Run("nearest exit to 1A is X1 at 6.3", func(t *testing.T) {
				var got parkingapi.ExitResponse
				mustOK(t, h.get(driverA, "/pathfinding/nearest-exit-to-slot?slot_id=1A&"+ex), &got)
				if got.NearestExit != "X1" || got.Distance != 6.3 {
					t.Fatalf("got %+v", got)
				}
			})
			t.Run("nearest exit to 2C is X2 at 3.2", func(t *testing.T) {
				var got parkingapi.ExitResponse
				mustOK(t, h.get(driverA, "/pathfinding/nearest-exit-to-slot?slot_id=2C&"+ex), &got)
				if got.NearestExit != "X2" || got.Distance != 3.2 {
					t.Fatalf("got %+v", got)
				}
			})
			t.Run("route E1 to BE2 via 2C", func(t *testing.T) {
				var got parkingapi.TripResponse
				mustOK(t, h.get(driverA, "/pathfinding/route-to-nearest-slot?entrance_id=E1&target_point_id=BE2&"+ex), &got)
				if got.Slot.ID != "2C" || got.ToSlot.Distance != 9.3 || len(got.ToSlot.Points) != 9 || got.ToTarget.Distance != 2.0 ||
					!reflect.DeepEqual(got.ToTarget.Points, pts([3]int{2, 3, 2}, [3]int{2, 3, 1}, [3]int{2, 3, 0})) {
					t.Fatalf("got %+v", got)
				}
			})
			t.Run("destinations", func(t *testing.T) {
				var got struct {
					Labels []string `json:"labels"`
				}
				mustOK(t, h.get(driverA, "/pathfinding/destinations?entrance_id=E1&"+ex), &got)
				want := []string{"Westfield Sydney1", "Building Entrance (BE1)", "Exit (X1)", "Building Entrance (BE2)", "Exit (X2)"}
				if !reflect.DeepEqual(got.Labels, want) {
					t.Fatalf("got %q, want %q", got.Labels, want)
				}
			})
			for _, c := range []struct {
				name, dest, date, time string
				total                  string
				cents                  int64
			}{
				{"Sydney Monday peak", "Westfield Sydney", "2024-01-15", "08:00", "14.40", 1440},
				{"Bondi Saturday", "Westfield Bondi Junction", "2024-01-20", "10:00", "21.00", 2100},
				{"Sydney Christmas peak", "Westfield Sydney", "2025-12-25", "08:00", "24.00", 2400},
				{"unknown destination", "Nowhere Mall", "2024-01-15", "08:00", "0.00", 0},
			} {
				t.Run("fare "+c.name, func(t *testing.T) {
					var got parkingapi.FareResponse
					mustOK(t, h.sendJSON(anon, http.MethodPost, "/parking/predict-fare", fmt.Sprintf(`{"destination":%q,"date":%q,"time":%q,"duration_hours":2}`, c.dest, c.date, c.time)), &got)
					if got.Breakdown.Total != c.total || got.Breakdown.TotalCents != c.cents || got.Currency != "AUD" {
						t.Fatalf("got %+v, want %s", got, c.total)
					}
				})
			}
		})
	}
}

func mustOK(t *testing.T, r response, v any) {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	r.json(t, v)
}
