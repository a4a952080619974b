package opsapi

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/autospot/autospot/audit"
	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/internal/emissions"
	"github.com/autospot/autospot/internal/entryqr"
	"github.com/autospot/autospot/internal/live"
	"github.com/autospot/autospot/internal/parking"
	"github.com/autospot/autospot/internal/parking/fare"
	"github.com/autospot/autospot/internal/parking/route"
	"github.com/autospot/autospot/internal/qrscan"
	"github.com/autospot/autospot/internal/session"
	"github.com/autospot/autospot/internal/subscription"
	"github.com/autospot/autospot/internal/wallet"
)

// DefaultMaxBodyBytes bounds a JSON request body.
const DefaultMaxBodyBytes = 64 << 10

// Deps are what the handlers need. Required: Auth, Maps, Sessions,
// Wallets, Subscriptions, Emissions, QR. The rest have defaults.
type Deps struct {
	// Auth verifies access tokens ([auth.Service.Authenticate]).
	Auth *auth.Service
	// AuthOptions are passed to Authenticate (e.g. auth.WithCookie).
	AuthOptions []auth.AuthOption
	// RBAC decides permissions (default auth.DefaultRBAC()).
	RBAC *auth.RBAC

	Maps parking.MapRepository
	// Rates holds each facility's rate table; a facility without one (or
	// a nil Rates) is priced with fare.OriginalTable().
	Rates         parking.RateRepository
	Sessions      session.Repository
	Wallets       wallet.Repository
	Subscriptions subscription.Repository
	Emissions     emissions.Repository
	// QR signs and verifies entrance codes (key from configuration).
	QR *entryqr.Signer
	// Scans stores the codes each driver scanned (POST /qr/scan), listed
	// by GET /qr/list and erased by [DeleteDriverData]. Optional: nil
	// means an in-process qrscan.Memory shared by every Register and
	// DeleteDriverData call given the same Auth (lost on restart; use
	// qrscan.NewBolt or qrscan.NewMongo to keep them).
	Scans qrscan.Repository
	// Hub carries live slot updates (default: an in-process live.Local;
	// use live.NewRedis when several replicas run).
	Hub live.Hub

	// Now is the clock (default time.Now); Rand the source of ids
	// (default crypto/rand).
	Now  func() time.Time
	Rand io.Reader
	// Logger receives failures of the stores (default: discard). Nothing
	// secret is logged.
	Logger *slog.Logger
	// Audit, when set, records every money movement, session start and
	// end, card change, plan upgrade, slot override, QR issue and
	// emissions wipe (who, what, target, outcome).
	Audit *audit.Logger
	// MaxBodyBytes bounds JSON bodies (default [DefaultMaxBodyBytes]).
	MaxBodyBytes int64
	// SSEHeartbeat is the keep-alive period of live streams (default
	// live.DefaultHeartbeat).
	SSEHeartbeat time.Duration
}

// ErrInvalidDeps reports missing or invalid [Deps].
var ErrInvalidDeps = errors.New("opsapi: invalid dependencies")

type api struct {
	d      Deps
	subs   *subscription.Service
	quoter *fare.Quoter
	graphs *route.Cache
	sydney *time.Location
}

func newAPI(d Deps) (*api, error) {
	switch {
	case d.Auth == nil, d.Maps == nil, d.Sessions == nil, d.Wallets == nil, d.Subscriptions == nil, d.Emissions == nil, d.QR == nil:
		return nil, fmt.Errorf("%w: Auth, Maps, Sessions, Wallets, Subscriptions, Emissions and QR are required", ErrInvalidDeps)
	}
	if d.RBAC == nil {
		d.RBAC = auth.DefaultRBAC()
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Rand == nil {
		d.Rand = rand.Reader
	}
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if d.MaxBodyBytes <= 0 {
		d.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if d.Scans == nil {
		d.Scans = defaultScans(d.Auth)
	}
	if d.Hub == nil {
		h, err := live.NewLocal()
		if err != nil {
			return nil, err
		}
		d.Hub = h
	}
	subs, err := subscription.New(d.Subscriptions, d.Wallets, subscription.WithClock(d.Now))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidDeps, err)
	}
	q, err := fare.NewQuoter(fare.WithClock(d.Now))
	if err != nil {
		return nil, err
	}
	loc, err := time.LoadLocation(fare.DefaultLocation)
	if err != nil {
		return nil, err
	}
	return &api{d: d, subs: subs, quoter: q, graphs: route.NewCache(64), sydney: loc}, nil
}

// Register mounts every route of [Routes] on mux, each behind its access
// rule. It returns an error (and mounts nothing) when deps are
// incomplete.
func Register(mux *http.ServeMux, deps Deps) error {
	if mux == nil {
		return fmt.Errorf("%w: nil mux", ErrInvalidDeps)
	}
	a, err := newAPI(deps)
	if err != nil {
		return err
	}
	authn := a.d.Auth.Authenticate(a.d.AuthOptions...)
	for _, rt := range a.routes() {
		var h http.Handler = rt.h
		switch rt.Access {
		case Authenticated:
			h = authn(auth.RequirePermission(a.d.RBAC, rt.Permission)(h))
		case FacilityScoped:
			h = authn(a.requireFacility(rt.Permission, rt.facility)(h))
		}
		mux.Handle(rt.Pattern, noStore(h))
	}
	return nil
}

// noStore marks every response of these routes private and uncacheable:
// they carry balances, sessions and codes.
func noStore(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

// requireFacility authorises a facility-scoped route: the facility is
// found from the request (path, or the facility of the building named),
// and the token must hold perm there (operators of that facility) or
// everywhere (admins).
func (a *api) requireFacility(perm auth.Permission, facilityOf func(*api, *http.Request) (string, *apiError)) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			c, ok := auth.ClaimsFrom(r.Context())
			if !ok {
				auth.WriteError(w, http.StatusUnauthorized, "not_authenticated", "Not authenticated")
				return
			}
			// A token that holds perm nowhere learns nothing about
			// facilities or buildings.
			if !a.d.RBAC.Allowed(c, perm, c.Facility) && !a.d.RBAC.Allowed(c, perm, "") {
				forbidden(w)
				return
			}
			fac, e := facilityOf(a, r)
			if e != nil {
				writeErr(w, e)
				return
			}
			if !a.d.RBAC.Allowed(c, perm, fac) {
				forbidden(w)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

func pathFacility(_ *api, r *http.Request) (string, *apiError) {
	f := r.PathValue("facility")
	if f == "" || len(f) > 200 {
		return "", badRequest("invalid_facility", "facility id is required")
	}
	return f, nil
}

// Access says who may call a route.
type Access string

// Access levels of [Routes].
const (
	Public         Access = "public"        // anyone
	Authenticated  Access = "authenticated" // a token holding Permission globally
	FacilityScoped Access = "facility"      // Permission in the facility the request names (operators of it; admins)
)

// Route describes one endpoint.
type Route struct {
	Pattern     string
	Access      Access
	Permission  auth.Permission
	Description string
	h           http.HandlerFunc
	facility    func(*api, *http.Request) (string, *apiError)
}

// Routes returns the route table that [Register] mounts (for
// documentation and access-control tests).
func Routes() []Route {
	a := &api{}
	rts := a.routes()
	for i := range rts {
		rts[i].h, rts[i].facility = nil, nil
	}
	return rts
}

func (a *api) routes() []Route {
	pa, au, fs := Public, Authenticated, FacilityScoped
	return []Route{
		// Sessions (domain spec §6).
		{Pattern: "POST /session/start", Access: au, Permission: auth.PermSessionOwn, Description: "start a parking session from an entrance QR code or an entrance id; basic drivers get the nearest free slot, premium drivers may choose", h: a.startSession},
		{Pattern: "POST /session/end", Access: au, Permission: auth.PermSessionOwn, Description: "end the active session: fare computed on the server, journey emissions recorded, paid from the wallet or left pending", h: a.endSession},
		{Pattern: "GET /session/active", Access: au, Permission: auth.PermSessionOwn, Description: "the caller's active session", h: a.activeSession},
		{Pattern: "GET /session/history", Access: au, Permission: auth.PermSessionOwn, Description: "the caller's sessions, newest first (?limit=1..100&offset=)", h: a.sessionHistory},
		{Pattern: "PUT /session/update-exit", Access: au, Permission: auth.PermSessionOwn, Description: "set the planned exit of the caller's active session: an exit of its building ({\"exit_id\"}) or, without one, the nearest to its slot; /session/end uses it unless it names another; an ended session is 409", h: a.updateExit},
		{Pattern: "GET /session/{id}", Access: au, Permission: auth.PermSessionOwn, Description: "one of the caller's sessions", h: a.getSession},
		// Wallet and payments (§7).
		{Pattern: "GET /wallet/balance", Access: au, Permission: auth.PermWalletOwn, Description: "balance in cents", h: a.balance},
		{Pattern: "POST /wallet/add-money", Access: au, Permission: auth.PermWalletOwn, Description: "top up from a saved card (Idempotency-Key header)", h: a.addMoney},
		{Pattern: "POST /wallet/pay-parking", Access: au, Permission: auth.PermWalletOwn, Description: "pay an ended session's pending, server-computed fare from the wallet", h: a.payParking},
		{Pattern: "POST /wallet/pay-later", Access: au, Permission: auth.PermWalletOwn, Description: "defer an ended session's server-computed fare ({\"session_id\"}) within the plan's limit (1 basic, 3 premium); once per session: a retry returns the same pending payment, a paid session is 409", h: a.payLater},
		{Pattern: "GET /wallet/pending-payments", Access: au, Permission: auth.PermWalletOwn, Description: "pending payments, newest first", h: a.pendingPayments},
		{Pattern: "POST /wallet/pending-payments/{id}/pay", Access: au, Permission: auth.PermWalletOwn, Description: "settle a pending payment from the wallet or by card (card data in the body)", h: a.payPending},
		{Pattern: "GET /wallet/transactions", Access: au, Permission: auth.PermWalletOwn, Description: "transactions, newest first (?limit&offset&status&type)", h: a.transactions},
		{Pattern: "GET /wallet/transactions/{id}", Access: au, Permission: auth.PermWalletOwn, Description: "one transaction", h: a.transaction},
		{Pattern: "GET /wallet/payment-methods", Access: au, Permission: auth.PermWalletOwn, Description: "saved cards (last four digits only)", h: a.listMethods},
		{Pattern: "POST /wallet/payment-methods", Access: au, Permission: auth.PermWalletOwn, Description: "save a card (Luhn, brand, expiry checked; number and CVV never stored)", h: a.addMethod},
		{Pattern: "PUT /wallet/payment-methods/{id}", Access: au, Permission: auth.PermWalletOwn, Description: "change expiry, label or default", h: a.updateMethod},
		{Pattern: "DELETE /wallet/payment-methods/{id}", Access: au, Permission: auth.PermWalletOwn, Description: "remove a saved card", h: a.deleteMethod},
		// Subscription (§8).
		{Pattern: "GET /subscription/pricing", Access: pa, Description: "premium price and benefits", h: a.pricing},
		{Pattern: "GET /subscription/status", Access: au, Permission: auth.PermSubscription, Description: "plan, expiry and days left (expired premium is downgraded)", h: a.subscriptionStatus},
		{Pattern: "POST /subscription/upgrade", Access: au, Permission: auth.PermSubscription, Description: "buy 30 days of premium from the wallet", h: a.upgrade},
		// QR codes (§9).
		{Pattern: "GET /qr/entrance-code", Access: fs, Permission: auth.PermQRGenerate, Description: "signed entrance code as PNG or JSON (?building&entrance_id&format=png|json&ttl_hours)", h: a.entranceCode, facility: buildingFacility},
		{Pattern: "GET /qr/entrance-codes", Access: fs, Permission: auth.PermQRGenerate, Description: "signed codes of every entrance of a building (?building)", h: a.entranceCodes, facility: buildingFacility},
		{Pattern: "POST /qr/scan", Access: au, Permission: auth.PermQRScan, Description: "validate a scanned entrance code (signature and expiry); a valid one is recorded once for the caller (GET /qr/list)", h: a.scan},
		{Pattern: "GET /qr/list", Access: au, Permission: auth.PermQRScan, Description: "the entrance codes the caller scanned (POST /qr/scan), newest first, one per code, each \"valid\" or \"expired\" now (?limit=1..100, default 50; no username: a username parameter is 400)", h: a.qrList},
		{Pattern: "POST /qr/base64-to-image", Access: au, Permission: auth.PermQRScan, Description: "base64 PNG (≤ 48 KiB encoded, ≤ 1024×1024) → a PNG re-encoded by the server; anything else is 400", h: a.base64ToImage},
		// Emissions (§10).
		{Pattern: "GET /emissions/factors", Access: pa, Description: "emission constants", h: a.factors},
		{Pattern: "POST /emissions/estimate", Access: au, Permission: auth.PermEmissionsOwn, Description: "estimate and record a saving for the caller", h: a.estimate},
		{Pattern: "POST /emissions/estimate-for-route", Access: au, Permission: auth.PermEmissionsOwn, Description: "route between two points of a building (\"level,x,y\" or a feature id) against the dynamic baseline; recorded for the caller", h: a.estimateRoute},
		{Pattern: "POST /emissions/estimate-for-parking-search", Access: au, Permission: auth.PermEmissionsOwn, Description: "entrance → the nearest slot free now (by route); recorded for the caller", h: a.estimateParkingSearch},
		{Pattern: "POST /emissions/estimate_full_parking_journey", Access: au, Permission: auth.PermEmissionsOwn, Description: "start → slot → exit (points or feature ids; nearest exit when none); both legs and the total; recorded for the caller", h: a.estimateFullJourney},
		{Pattern: "POST /emissions/estimate-session-journey", Access: au, Permission: auth.PermEmissionsOwn, Description: "entrance → slot → exit of one of the caller's sessions; recorded for the caller", h: a.estimateSession},
		{Pattern: "GET /emissions/history", Access: au, Permission: auth.PermEmissionsOwn, Description: "the caller's records (?session_id&calculation_method&limit)", h: a.emissionHistory},
		{Pattern: "GET /emissions/records/{id}", Access: au, Permission: auth.PermEmissionsOwn, Description: "one of the caller's records", h: a.emissionRecord},
		{Pattern: "DELETE /emissions/clear", Access: au, Permission: auth.PermEmissionsWipe, Description: "delete a driver's records (?driver_id&session_id&confirm=true)", h: a.clearEmissions},
		// Operators (§11) and live availability.
		{Pattern: "GET /operator/facilities/{facility}/occupancy", Access: fs, Permission: auth.PermStats, Description: "slot counts per building of the facility", h: a.occupancy, facility: pathFacility},
		{Pattern: "PUT /operator/facilities/{facility}/slots", Access: fs, Permission: auth.PermSlotOverride, Description: "override a slot's status", h: a.overrideSlot, facility: pathFacility},
		{Pattern: "GET /operator/facilities/{facility}/sessions", Access: fs, Permission: auth.PermSessionsView, Description: "active sessions of the facility (?building)", h: a.facilitySessions, facility: pathFacility},
		{Pattern: "GET /operator/facilities/{facility}/stats", Access: fs, Permission: auth.PermStats, Description: "session counts and occupancy", h: a.facilityStats, facility: pathFacility},
		{Pattern: "GET /admin/platform-stats", Access: au, Permission: auth.PermStats, Description: "platform-wide session and map counts (admin)", h: a.platformStats},
		{Pattern: "GET /live/buildings/{building}/slots", Access: au, Permission: auth.PermParkingRead, Description: "server-sent events: slot availability of a building", h: a.liveSlots},
	}
}
