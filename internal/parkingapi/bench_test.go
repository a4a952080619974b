package parkingapi_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/autospot/autospot/internal/parking/parkingtest"
)

// BenchmarkHTTP times whole requests through the mux (token check, map
// read from the repository, cached graph, JSON): nearest slot on the
// example map and on a generated 20×20×5 map, and a fare quote, over the
// memory, bolt and (when AUTOSPOT_TEST_MONGODB_URI is set) Mongo
// repositories.
func BenchmarkHTTP(b *testing.B) {
	grid, err := parkingtest.GenerateMap(5, 20, 20, 70, 42)
	if err != nil {
		b.Fatal(err)
	}
	grid.ID, grid.FacilityID, grid.Building, grid.Version = "grid", facA, "Grid Park", 0
	for _, backend := range []string{"memory", "bolt", "mongo"} {
		b.Run(backend, func(b *testing.B) {
			h := newHarness(b, harnessOpts{backend: backend})
			if _, err := h.store.CreateMap(b.Context(), grid); err != nil {
				b.Fatal(err)
			}
			for _, c := range []struct{ name, method, target, body string }{
				{"nearest-slot/example", "GET", "/pathfinding/nearest-slot/E1?map_id=999999", ""},
				{"nearest-slot/grid20x20x5", "GET", "/pathfinding/nearest-slot/E1?map_id=grid", ""},
				{"predict-fare", "POST", "/parking/predict-fare", `{"destination":"Westfield Sydney","date":"2024-01-15","time":"08:00","duration_hours":2}`},
			} {
				b.Run(c.name, func(b *testing.B) {
					for b.Loop() {
						req := httptest.NewRequest(c.method, c.target, strings.NewReader(c.body))
						req.Header.Set("Authorization", "Bearer "+h.tokens[driverA])
						if c.body != "" {
							req.Header.Set("Content-Type", "application/json")
						}
						rec := httptest.NewRecorder()
						h.h.ServeHTTP(rec, req)
						if rec.Code != http.StatusOK {
							b.Fatalf("status %d: %s", rec.Code, rec.Body)
						}
					}
				})
			}
		})
	}
}
