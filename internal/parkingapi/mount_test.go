package parkingapi_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/internal/app"
	"github.com/autospot/autospot/internal/config"
	"github.com/autospot/autospot/internal/parkingapi"
)

// TestMountedInReferenceServer opens the reference server (internal/app,
// which mounts this API over the embedded bolt store and seeds the example
// map) and checks the API behind
// the server's whole chain: its tokens, its error envelope (request_id on
// the auth middleware's 401 and on the mux's 404), its body limit.
func TestMountedInReferenceServer(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{
		"AUTOSPOT_DATA_DIR":    dir,
		"AUTOSPOT_BCRYPT_COST": "4",
		"AUTOSPOT_PUBLIC_URL":  "https://autospot.example",
	}
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	a, err := app.Open(ctx, cfg, app.Options{Stdout: &strings.Builder{}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.Close() })
	h := a.Server.Handler()
	pair, err := a.Tokens.IssuePair(ctx, auth.Subject{ID: "driver-1", Roles: []auth.Role{auth.RoleDriver}})
	if err != nil {
		t.Fatal(err)
	}
	do := func(target, token string) response {
		req := httptest.NewRequest(http.MethodGet, target, nil)
		req.RemoteAddr = "192.0.2.10:1234"
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return response{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
	}
	var ex parkingapi.ExitResponse
	mustOK(t, do("/pathfinding/nearest-exit-to-slot?slot_id=1A&map_id=999999", pair.AccessToken), &ex)
	if ex.NearestExit != "X1" || ex.Distance != 6.3 {
		t.Fatalf("through the server: %+v", ex)
	}
	for target, want := range map[string]int{
		"/pathfinding/nearest-exit-to-slot?slot_id=1A&map_id=999999": http.StatusUnauthorized, // no token
		"/parking/no-such-route":                                     http.StatusNotFound,
	} {
		r := do(target, "")
		if r.status != want {
			t.Fatalf("%s: %d %s", target, r.status, r.body)
		}
		r.errorBody(t) // request_id added by the server's envelope
	}
	// Mounting must not turn wrong-method requests into 404s, neither on
	// the mounted routes nor on the server's own.
	for _, target := range []string{"/pathfinding/nearest-exit-to-slot", "/api/health"} {
		req := httptest.NewRequest(http.MethodDelete, target, nil)
		req.RemoteAddr = "192.0.2.10:1234"
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") == "" {
			t.Fatalf("DELETE %s: %d (Allow %q) %s", target, rec.Code, rec.Header().Get("Allow"), rec.Body)
		}
		response{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}.errorBody(t)
	}
}
