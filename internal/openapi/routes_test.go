package openapi_test

import (
	"context"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"

	"github.com/autospot/autospot/internal/app"
	"github.com/autospot/autospot/internal/config"
	"github.com/autospot/autospot/internal/openapi"
	"github.com/autospot/autospot/internal/opsapi"
	"github.com/autospot/autospot/internal/parking"
	"github.com/autospot/autospot/internal/parkingapi"
	"github.com/autospot/autospot/internal/server"
)

// route is one registered endpoint, whichever table it comes from.
type route struct {
	Method, Path string
	Source       string // "server", "parkingapi", "opsapi", "openapi"
	Access       string // public, authenticated, admin, facility, parking:read, route
	Permission   string
	RateLimited  bool // a per-route rule beyond the global one
	Description  string
}

func (r route) key() string { return r.Method + " " + normalise(r.Path) }

// normalise replaces every {name} (and {name...}) of a path by {}, so
// that documents and tables may name parameters differently.
func normalise(p string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(p, '{')
		if i < 0 {
			b.WriteString(p)
			return b.String()
		}
		j := strings.IndexByte(p[i:], '}')
		if j < 0 {
			b.WriteString(p)
			return b.String()
		}
		b.WriteString(p[:i] + "{}")
		p = p[i+j+1:]
	}
}

func split(pattern string) (string, string) {
	m, p, _ := strings.Cut(pattern, " ")
	return m, p
}

// registeredRoutes builds the reference server the way the app does
// (temp data dir, bcrypt cost 4, EdDSA so that the JWKS route exists,
// /metrics on the main listener) and gathers every route it serves: the
// server's own table, /metrics, the parking API's table (read from a
// mount, as the app mounts it), opsapi's table and this package's route.
func registeredRoutes(t testing.TB) []route {
	t.Helper()
	rts, _ := openServer(t)
	return rts
}

// openServer builds the app with the document mounted and returns its
// routes and handler.
func openServer(t testing.TB) ([]route, http.Handler) {
	t.Helper()
	seed := base64.StdEncoding.EncodeToString([]byte(strings.Repeat("s", 32)))
	env := map[string]string{
		"AUTOSPOT_DATA_DIR": t.TempDir(), "AUTOSPOT_BCRYPT_COST": "4",
		"AUTOSPOT_JWT_ALG": "EdDSA", "AUTOSPOT_JWT_ED25519_KEY": seed,
	}
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	var parkingRoutes []parkingapi.RouteInfo
	capture := func(_ *http.ServeMux, e server.MountEnv) error {
		store := parking.NewMemoryStore()
		api, err := parkingapi.New(parkingapi.Deps{Maps: store, Rates: store, Authenticate: e.Authenticate, RBAC: e.RBAC, Limiter: e.Limiter})
		if err != nil {
			return err
		}
		parkingRoutes = api.Routes()
		return nil
	}
	a, err := app.Open(context.Background(), cfg, app.Options{Stdout: &strings.Builder{}, Mounts: []server.Mount{capture}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.Close() })
	if len(parkingRoutes) == 0 {
		t.Fatal("the parking API mount was not called")
	}
	var out []route
	for _, rt := range a.Server.Routes() {
		m, p := split(rt.Pattern)
		out = append(out, route{Method: m, Path: p, Source: "server", Access: string(rt.Access), Permission: string(rt.Permission), RateLimited: rt.Rate != "", Description: rt.Description})
	}
	if cfg.MetricsAddr == "" {
		out = append(out, route{Method: "GET", Path: "/metrics", Source: "server", Access: "admin", Description: "Prometheus metrics (admin; on its own listener when AUTOSPOT_METRICS_ADDR is set)"})
	}
	for _, rt := range parkingRoutes {
		m, p := split(rt.Pattern)
		out = append(out, route{Method: m, Path: p, Source: "parkingapi", Access: string(rt.Access), Permission: string(rt.Permission), RateLimited: rt.RateLimited, Description: rt.Description})
	}
	for _, rt := range opsapi.Routes() {
		m, p := split(rt.Pattern)
		out = append(out, route{Method: m, Path: p, Source: "opsapi", Access: string(rt.Access), Permission: string(rt.Permission), Description: rt.Description})
	}
	// The document's own route, unless the server's table already has it.
	m, p := split(openapi.Pattern)
	for _, rt := range out {
		if rt.Method == m && rt.Path == p {
			return out, a.Server.Handler()
		}
	}
	out = append(out, route{Method: m, Path: p, Source: "openapi", Access: "public", Description: "this OpenAPI 3.1 document"})
	return out, a.Server.Handler()
}
