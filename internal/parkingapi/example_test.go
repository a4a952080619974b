package parkingapi_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/internal/parking"
	"github.com/autospot/autospot/internal/parkingapi"
	"github.com/autospot/autospot/ratelimit"
	"github.com/autospot/autospot/store/memory"
)

// exampleServer mounts the API on a mux with in-memory stores and returns
// it with a driver's access token.
func exampleServer() (http.Handler, string) {
	ctx := context.Background()
	key, _ := auth.NewHMACKey("k1", []byte("example-secret-example-secret-32"))
	ring, _ := auth.NewKeyRing(key)
	tokens, _ := auth.NewService(ring, memory.NewRefreshStore(), memory.NewRevocationStore())
	pair, _ := tokens.IssuePair(ctx, auth.Subject{ID: "driver-1", Roles: []auth.Role{auth.RoleDriver}})
	rs, _ := ratelimit.NewMemoryStore()
	limiter, _ := ratelimit.New(rs)

	store := parking.NewMemoryStore()
	if err := parkingapi.Seed(ctx, store, store); err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	if _, err := parkingapi.Register(mux, parkingapi.Deps{
		Maps: store, Rates: store,
		Authenticate: tokens.Authenticate(), RBAC: auth.DefaultRBAC(), Limiter: limiter,
	}); err != nil {
		panic(err)
	}
	return mux, pair.AccessToken
}

func Example() {
	h, token := exampleServer()
	req := httptest.NewRequest("GET", "/pathfinding/nearest-exit-to-slot?slot_id=1A&map_id=999999", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	fmt.Println(rec.Code, strings.Contains(rec.Body.String(), `"nearest_exit":"X1","distance":6.3`))

	req = httptest.NewRequest("POST", "/parking/predict-fare", strings.NewReader(
		`{"destination":"Westfield Sydney","date":"2024-01-15","time":"08:00","duration_hours":2}`))
	req.Header.Set("Content-Type", "application/json")
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	fmt.Println(rec.Code, strings.Contains(rec.Body.String(), `"total_cents":1440`))
	// Output:
	// 200 true
	// 200 true
}

// Errors carry {"detail", "error_code", "request_id"}: a malformed point
// is a 400, an unknown one a 404.
func Example_errors() {
	h, token := exampleServer()
	for _, q := range []string{"start=1,0.5,3&end=1,2,2", "start=1,0,3&end=1,9,2"} {
		req := httptest.NewRequest("GET", "/pathfinding/shortest-path?map_id=999999&"+q, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		fmt.Print(rec.Code, " ", rec.Body.String())
	}
	// Output:
	// 400 {"detail":"start: invalid point: want \"level,x,y\" with integer parts","error_code":"invalid_point","request_id":""}
	// 404 {"detail":"not found: point 1,9,2 is outside level 1 (6×6)","error_code":"not_found","request_id":""}
}
