package parkingapi_test

import (
	"net/http"
	"testing"

	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/internal/parking"
	"github.com/autospot/autospot/internal/parkingapi"
	"github.com/autospot/autospot/ratelimit"
)

func routeTable(t *testing.T) []parkingapi.RouteInfo {
	t.Helper()
	rs, _ := ratelimit.NewMemoryStore()
	t.Cleanup(func() { _ = rs.Close() })
	lim, _ := ratelimit.New(rs)
	st := parking.NewMemoryStore()
	a, err := parkingapi.New(parkingapi.Deps{Maps: st, Rates: st, Authenticate: func(h http.Handler) http.Handler { return h }, RBAC: auth.DefaultRBAC(), Limiter: lim})
	if err != nil {
		t.Fatal(err)
	}
	return a.Routes()
}

func TestNewRejectsMissingDeps(t *testing.T) {
	st := parking.NewMemoryStore()
	rs, _ := ratelimit.NewMemoryStore()
	defer rs.Close()
	lim, _ := ratelimit.New(rs)
	id := func(h http.Handler) http.Handler { return h }
	full := parkingapi.Deps{Maps: st, Rates: st, Authenticate: id, RBAC: auth.DefaultRBAC(), Limiter: lim}
	for name, mut := range map[string]func(d *parkingapi.Deps){
		"no maps":    func(d *parkingapi.Deps) { d.Maps = nil },
		"no rates":   func(d *parkingapi.Deps) { d.Rates = nil },
		"no authn":   func(d *parkingapi.Deps) { d.Authenticate = nil },
		"no rbac":    func(d *parkingapi.Deps) { d.RBAC = nil },
		"no limiter": func(d *parkingapi.Deps) { d.Limiter = nil },
		"bad rate":   func(d *parkingapi.Deps) { d.UploadRate = "lots" },
	} {
		t.Run(name, func(t *testing.T) {
			d := full
			mut(&d)
			if _, err := parkingapi.New(d); err == nil {
				t.Fatal("New accepted it")
			}
		})
	}
	if _, err := parkingapi.New(full); err != nil {
		t.Fatal(err)
	}
}
