package parkingapi

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/internal/live"
	"github.com/autospot/autospot/internal/parking"
	"github.com/autospot/autospot/internal/parking/fare"
	"github.com/autospot/autospot/internal/parking/route"
	"github.com/autospot/autospot/internal/session"
	"github.com/autospot/autospot/ratelimit"
	"github.com/autospot/autospot/upload"
)

// Defaults of [Deps].
const (
	DefaultUploadRate     = "5/5 minutes" // spec §12: 5 uploads per 5 minutes
	DefaultMaxUploadBytes = 10 << 20      // the original's 10 MiB
	DefaultMaxJSONBytes   = 64 << 10      // bodies other than maps
	DefaultGraphCacheSize = 256           // routing graphs kept (one per map)
)

// Deps are what the handlers need. Maps, Rates, Authenticate, RBAC and
// Limiter are required; every other field has the default stated on it.
type Deps struct {
	// Maps and Rates are the repositories (boltrepo, mongorepo or
	// parking.MemoryStore).
	Maps  parking.MapRepository
	Rates parking.RateRepository
	// Authenticate verifies the access token and puts its claims in the
	// context (auth.Service.Authenticate()).
	Authenticate func(http.Handler) http.Handler
	// RBAC decides permissions; operators' write permissions hold only in
	// the facility of their token's "fac" claim.
	RBAC *auth.RBAC
	// Limiter enforces UploadRate on map uploads.
	Limiter *ratelimit.Limiter
	// UploadRate is the upload policy per user (ratelimit.Parse syntax).
	// Default DefaultUploadRate.
	UploadRate string
	// MaxUploadBytes bounds an uploaded image. Default
	// DefaultMaxUploadBytes. The server's global body limit applies too.
	MaxUploadBytes int64
	// Quoter prices fares. Default fare.NewQuoter() (Australia/Sydney,
	// time.Now).
	Quoter *fare.Quoter
	// DefaultRatesFacility is the facility whose rate table prices a
	// destination that no stored map names. Default
	// parking.ExampleFacilityID (seeded with the original's table by
	// [Seed]).
	DefaultRatesFacility string
	// Now stamps UpdatedAt on written maps. Default time.Now.
	Now func() time.Time
	// Random is the source of new map ids. Default crypto/rand.
	Random io.Reader
	// Logger receives internal errors (never request bodies or tokens).
	// Default discards.
	Logger *slog.Logger
	// GraphCacheSize bounds the cached routing graphs. Default
	// DefaultGraphCacheSize.
	GraphCacheSize int
	// Sessions, when set, makes slot overrides (PUT
	// /parking/maps/{id}/slots/{slot_id}) see parking sessions as PUT
	// /operator/facilities/{facility}/slots (internal/opsapi) does: a
	// slot held by an active session cannot be set available (409; end
	// the session instead), and the status published on Hub is
	// "occupied" while a session holds the slot. Nil: the map alone.
	Sessions session.Repository
	// Hub, when set, receives a live slot event for every override (give
	// it the operations API's hub, so that live streams see part-1
	// overrides too). Nil: nothing is published.
	Hub live.Hub
}

// API serves the parking endpoints. Create it with [New] and mount it with
// [API.Register]; it is safe for concurrent use.
type API struct {
	d         Deps
	log       *slog.Logger
	validator *upload.Validator
	uploadMW  func(http.Handler) http.Handler
	graphs    *route.Cache
}

// New checks d, fills in the defaults and returns the API.
func New(d Deps) (*API, error) {
	switch {
	case d.Maps == nil || d.Rates == nil:
		return nil, fmt.Errorf("%w: Maps and Rates are required", ErrInvalidDeps)
	case d.Authenticate == nil || d.RBAC == nil:
		return nil, fmt.Errorf("%w: Authenticate and RBAC are required", ErrInvalidDeps)
	case d.Limiter == nil:
		return nil, fmt.Errorf("%w: Limiter is required (map uploads are rate limited)", ErrInvalidDeps)
	}
	if d.UploadRate == "" {
		d.UploadRate = DefaultUploadRate
	}
	if d.MaxUploadBytes <= 0 {
		d.MaxUploadBytes = DefaultMaxUploadBytes
	}
	if d.Quoter == nil {
		q, err := fare.NewQuoter()
		if err != nil {
			return nil, err
		}
		d.Quoter = q
	}
	if d.DefaultRatesFacility == "" {
		d.DefaultRatesFacility = parking.ExampleFacilityID
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Random == nil {
		d.Random = rand.Reader
	}
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if d.GraphCacheSize <= 0 {
		d.GraphCacheSize = DefaultGraphCacheSize
	}
	policy, err := ratelimit.Parse(d.UploadRate)
	if err != nil {
		return nil, fmt.Errorf("%w: UploadRate: %w", ErrInvalidDeps, err)
	}
	mw, err := d.Limiter.Middleware(ratelimit.Rule{
		Name:   "map-upload",
		Policy: policy,
		Key: ratelimit.ByUser(func(r *http.Request) string {
			if c, ok := auth.ClaimsFrom(r.Context()); ok {
				return c.Subject
			}
			return ""
		}),
	})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidDeps, err)
	}
	// The converter decodes PNG, JPEG and GIF; BMP is refused until it
	// can decode it (mapimage has no BMP decoder).
	v, err := upload.NewValidator(upload.Config{MaxSize: d.MaxUploadBytes, Extensions: upload.DefaultExtensions()})
	if err != nil {
		return nil, err
	}
	return &API{d: d, log: d.Logger, validator: v, uploadMW: mw, graphs: route.NewCache(d.GraphCacheSize)}, nil
}

// Register mounts every route of [API.Routes] on mux. It is New followed
// by [API.Register].
func Register(mux *http.ServeMux, d Deps) (*API, error) {
	a, err := New(d)
	if err != nil {
		return nil, err
	}
	a.Register(mux)
	return a, nil
}

// Access says who may call a route.
type Access string

// Access levels.
const (
	// Public routes need no token (fares and published rates).
	Public Access = "public"
	// Read routes need a token granting auth.PermParkingRead (drivers,
	// operators, admins).
	Read Access = "parking:read"
	// Route routes need auth.PermRoute or auth.PermParkingRead.
	Route Access = "route"
	// Facility routes need a token and the named permission in the
	// facility the request acts on (the stored map's, or the path's):
	// operators of that facility and admins. The handler checks it once
	// it knows the facility.
	Facility Access = "facility"
)

// RouteInfo is one row of the route table.
type RouteInfo struct {
	Pattern     string
	Access      Access
	Permission  auth.Permission // for Facility routes
	RateLimited bool
	Description string
	handler     http.HandlerFunc
}

// Routes returns the route table.
func (a *API) Routes() []RouteInfo {
	return []RouteInfo{
		{Pattern: "GET /parking/maps", Access: Read, Description: "list maps (?facility_id=)", handler: a.listMaps},
		{Pattern: "GET /parking/maps/{id}", Access: Read, Description: "one map, every level", handler: a.getMap},
		{Pattern: "GET /parking/maps/building/{name}", Access: Read, Description: "the map of a building (exact, case-insensitive)", handler: a.getMapByBuilding},
		{Pattern: "POST /parking/maps", Access: Facility, Permission: auth.PermMapWrite, Description: "create a map (strict JSON, validated)", handler: a.createMap},
		{Pattern: "PUT /parking/maps/{id}", Access: Facility, Permission: auth.PermMapWrite, Description: "replace a map at the version read", handler: a.updateMap},
		{Pattern: "DELETE /parking/maps/{id}", Access: Facility, Permission: auth.PermMapWrite, Description: "delete a map (?version=)", handler: a.deleteMap},
		{Pattern: "POST /parking/upload-map", Access: Facility, Permission: auth.PermMapWrite, RateLimited: true, Description: "image of a grid → level (multipart file; ?building_name&level&grid_rows&grid_cols&replace&dry_run&facility_id)", handler: a.uploadMap},
		{Pattern: "GET /parking/slots", Access: Read, Description: "slots of a map (?map_id|building_name&level&status)", handler: a.listSlots},
		{Pattern: "GET /parking/slots/summary", Access: Read, Description: "slot counts by status", handler: a.slotSummary},
		{Pattern: "PUT /parking/maps/{id}/slots/{slot_id}", Access: Facility, Permission: auth.PermSlotOverride, Description: "override a slot's status; a slot held by an active parking session cannot be set available (409); the change is published on the live stream", handler: a.setSlot},
		{Pattern: "GET /parking/entrances", Access: Read, Description: "entrances of a map", handler: a.listEntrances},
		{Pattern: "GET /parking/exits", Access: Read, Description: "exits of a map", handler: a.listExits},
		{Pattern: "GET /pathfinding/shortest-path", Access: Route, Description: "?start=level,x,y&end=level,x,y&map_id|building_name", handler: a.shortestPath},
		{Pattern: "GET /pathfinding/nearest-slot/{point_id}", Access: Route, Description: "nearest available slot from an entrance, exit or ramp", handler: a.nearestSlot},
		{Pattern: "GET /pathfinding/route-to-nearest-slot", Access: Route, Description: "?entrance_id&target_point_id: slot nearest the target, both legs", handler: a.routeToNearestSlot},
		{Pattern: "GET /pathfinding/destinations", Access: Route, Description: "building, building entrances and exits (?entrance_id)", handler: a.destinations},
		{Pattern: "GET /pathfinding/nearest-exit-to-slot", Access: Route, Description: "?slot_id: nearest exit on any level", handler: a.nearestExit},
		{Pattern: "POST /parking/predict-fare", Access: Public, Description: "fare in integer cents; date/time default to now in Australia/Sydney", handler: a.predictFare},
		{Pattern: "GET /parking/destination-parking-rate", Access: Public, Description: "?destination: the rates that price it", handler: a.destinationRate},
		{Pattern: "GET /parking/rates/{facility}", Access: Facility, Permission: auth.PermRatesWrite, Description: "a facility's whole rate table", handler: a.getRates},
		{Pattern: "PUT /parking/rates/{facility}", Access: Facility, Permission: auth.PermRatesWrite, Description: "replace the rate table at the version read (validated)", handler: a.putRates},
		{Pattern: "PUT /parking/rates/{facility}/destinations/{destination}", Access: Facility, Permission: auth.PermRatesWrite, Description: "set one destination's rates (decimal strings, \"-\" keeps)", handler: a.putDestinationRates},
	}
}

// Register mounts the routes on mux, each behind its access check.
func (a *API) Register(mux *http.ServeMux) {
	for _, rt := range a.Routes() {
		var h http.Handler = rt.handler
		if rt.RateLimited {
			h = a.uploadMW(h)
		}
		switch rt.Access {
		case Read:
			h = a.d.Authenticate(auth.RequirePermission(a.d.RBAC, auth.PermParkingRead)(h))
		case Route:
			h = a.d.Authenticate(a.requireAny(auth.PermRoute, auth.PermParkingRead)(h))
		case Facility:
			h = a.d.Authenticate(a.requireAuthenticated(h))
		}
		mux.Handle(rt.Pattern, h)
	}
}

func (a *API) requireAny(perms ...auth.Permission) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			c, ok := auth.ClaimsFrom(r.Context())
			if !ok {
				a.fail(w, r, errorf(http.StatusUnauthorized, "not_authenticated", "Not authenticated"))
				return
			}
			for _, p := range perms {
				if a.d.RBAC.Allowed(c, p, "") {
					next.ServeHTTP(w, r)
					return
				}
			}
			a.fail(w, r, errorf(http.StatusForbidden, CodeForbidden, "Insufficient permissions"))
		})
	}
}

func (a *API) requireAuthenticated(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := auth.ClaimsFrom(r.Context()); !ok {
			a.fail(w, r, errorf(http.StatusUnauthorized, "not_authenticated", "Not authenticated"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// mayIn reports whether the caller holds perm in facility.
func (a *API) mayIn(r *http.Request, perm auth.Permission, facility string) bool {
	c, ok := auth.ClaimsFrom(r.Context())
	return ok && facility != "" && a.d.RBAC.Allowed(c, perm, facility)
}

// requireIn returns a 403 error unless the caller holds perm in facility.
func (a *API) requireIn(r *http.Request, perm auth.Permission, facility string) error {
	if !a.mayIn(r, perm, facility) {
		return errorf(http.StatusForbidden, CodeForbidden, "this action is reserved to the operators of facility %q", facility)
	}
	return nil
}

func (a *API) newID() (string, error) {
	b := make([]byte, 16)
	if _, err := io.ReadFull(a.d.Random, b); err != nil {
		return "", fmt.Errorf("parkingapi: map id: %w", err)
	}
	return hex.EncodeToString(b), nil
}
