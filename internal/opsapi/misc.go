package opsapi

import (
	"encoding/base64"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/autospot/autospot/audit"
	"github.com/autospot/autospot/internal/emissions"
	"github.com/autospot/autospot/internal/entryqr"
	"github.com/autospot/autospot/internal/parking"
	"github.com/autospot/autospot/internal/subscription"
)

func (a *api) pricing(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"premium_monthly_price_cents": subscription.PriceCents, "premium_monthly_price": "20.00",
		"period_days": 30, "currency": subscription.Currency, "benefits": subscription.Benefits(),
	})
}

func (a *api) subscriptionStatus(w http.ResponseWriter, r *http.Request) {
	st, err := a.subs.Status(r.Context(), driver(r))
	if err != nil {
		a.internal(w, r, "subscription status", err)
		return
	}
	writeJSON(w, http.StatusOK, st)
}

func (a *api) upgrade(w http.ResponseWriter, r *http.Request) {
	sub, tx, err := a.subs.Upgrade(r.Context(), driver(r))
	if err == nil {
		a.audit(r, "subscription.upgrade", "subscription:"+driver(r), audit.OutcomeSuccess, "", slog.String("transaction", tx.ID))
	} else {
		a.audit(r, "subscription.upgrade", "subscription:"+driver(r), audit.OutcomeFailure, "refused")
	}
	switch {
	case errors.Is(err, subscription.ErrAlreadyPremium):
		writeErr(w, badRequest("already_premium", "Premium subscription is already active"))
	case errors.Is(err, subscription.ErrInsufficientFunds):
		writeErr(w, badRequest("insufficient_balance", "Insufficient wallet balance. Need $20.00"))
	case errors.Is(err, subscription.ErrBusy):
		writeErr(w, conflict("busy", "Subscription is being changed; try again"))
	case err != nil:
		a.walletFail(w, r, "upgrade", err)
	default:
		writeJSON(w, http.StatusOK, map[string]any{"success": true, "subscription_plan": sub.Plan, "expires_at": sub.ExpiresAt, "transaction": tx})
	}
}

type codeView struct {
	Building   string    `json:"building"`
	EntranceID string    `json:"entrance_id"`
	Level      int       `json:"level"`
	X          int       `json:"x"`
	Y          int       `json:"y"`
	Code       string    `json:"qr_content"`
	ExpiresAt  time.Time `json:"expires_at"`
	PNG        string    `json:"qr_image_base64,omitempty"`
}

func (a *api) codeFor(m *parking.Map, f parking.Feature, ttl time.Duration, withPNG bool) (codeView, error) {
	exp := a.d.Now().Add(ttl).UTC().Truncate(time.Second)
	code, err := a.d.QR.Sign(entryqr.Entrance{Building: m.Building, Entrance: f.Cell.ID, Level: f.Level, Expires: exp})
	if err != nil {
		return codeView{}, err
	}
	v := codeView{Building: m.Building, EntranceID: f.Cell.ID, Level: f.Level, X: f.X, Y: f.Y, Code: code, ExpiresAt: exp}
	if withPNG {
		png, err := entryqr.PNG(code, 256)
		if err != nil {
			return codeView{}, err
		}
		v.PNG = base64.StdEncoding.EncodeToString(png)
	}
	return v, nil
}

func ttlParam(r *http.Request) (time.Duration, *apiError) {
	h, e := intParam(r, "ttl_hours", int(entryqr.DefaultTTL/time.Hour), 1, int(entryqr.MaxTTL/time.Hour))
	return time.Duration(h) * time.Hour, e
}

func (a *api) entranceCode(w http.ResponseWriter, r *http.Request) {
	m, ok := a.mapOf(w, r, r.URL.Query().Get("building"))
	if !ok {
		return
	}
	ttl, e := ttlParam(r)
	if e != nil {
		writeErr(w, e)
		return
	}
	f, ok := m.Find(r.URL.Query().Get("entrance_id"))
	if !ok || (f.Cell.Kind != parking.CarEntrance && f.Cell.Kind != parking.BuildingEntrance) {
		writeErr(w, notFound("Entrance not found"))
		return
	}
	format := r.URL.Query().Get("format")
	if format != "" && format != "png" && format != "json" {
		writeErr(w, badRequest("invalid_format", `format must be "png" or "json"`))
		return
	}
	v, err := a.codeFor(m, f, ttl, format == "json")
	if err != nil {
		a.internal(w, r, "sign", err)
		return
	}
	a.audit(r, "qr.issue", "entrance:"+m.Building+"/"+f.Cell.ID, audit.OutcomeSuccess, "", slog.Time("expires_at", v.ExpiresAt))
	if format == "json" {
		writeJSON(w, http.StatusOK, v)
		return
	}
	png, err := entryqr.PNG(v.Code, 512)
	if err != nil {
		a.internal(w, r, "png", err)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Length", strconv.Itoa(len(png)))
	_, _ = w.Write(png)
}

func (a *api) entranceCodes(w http.ResponseWriter, r *http.Request) {
	m, ok := a.mapOf(w, r, r.URL.Query().Get("building"))
	if !ok {
		return
	}
	ttl, e := ttlParam(r)
	if e != nil {
		writeErr(w, e)
		return
	}
	out := []codeView{}
	for _, f := range m.Features() {
		if f.Cell.Kind == parking.CarEntrance || f.Cell.Kind == parking.BuildingEntrance {
			v, err := a.codeFor(m, f, ttl, true)
			if err != nil {
				a.internal(w, r, "sign", err)
				return
			}
			out = append(out, v)
		}
	}
	a.audit(r, "qr.issue", "building:"+m.Building, audit.OutcomeSuccess, "", slog.Int("codes", len(out)))
	writeJSON(w, http.StatusOK, map[string]any{"building": m.Building, "codes": out})
}

type scanRequest struct {
	Code string `json:"qr_content"`
}

func (a *api) scan(w http.ResponseWriter, r *http.Request) {
	var req scanRequest
	if e := a.decode(w, r, &req); e != nil {
		writeErr(w, e)
		return
	}
	e, err := a.d.QR.Verify(req.Code)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"valid": false, "reason": qrErr(err).Detail, "error_code": qrErr(err).Code, "detail": qrErr(err).Detail})
		return
	}
	a.recordScan(r, req.Code, e)
	writeJSON(w, http.StatusOK, map[string]any{"valid": true, "building": e.Building, "entrance_id": e.Entrance, "level": e.Level, "expires_at": e.Expires})
}

func (a *api) factors(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"emissions_factor_g_per_m": emissions.DefaultFactor, "default_baseline_m": emissions.DefaultBaseline,
		"dynamic_baseline_range_m": []float64{emissions.MinBaseline, emissions.MaxBaseline},
		"source":                   "NTC Australia average passenger vehicle",
	})
}

type estimateRequest struct {
	RouteDistance    float64  `json:"route_distance"`
	BaselineDistance *float64 `json:"baseline_distance"`
	Factor           *float64 `json:"emissions_factor"`
	SessionID        string   `json:"session_id"`
}

func (a *api) estimate(w http.ResponseWriter, r *http.Request) {
	var req estimateRequest
	if e := a.decode(w, r, &req); e != nil {
		writeErr(w, e)
		return
	}
	ctx, me := r.Context(), driver(r)
	base, f := emissions.DefaultBaseline, emissions.DefaultFactor
	if req.BaselineDistance != nil {
		base = *req.BaselineDistance
	}
	if req.Factor != nil {
		f = *req.Factor
	}
	est, err := emissions.Calculate(req.RouteDistance, base, f, emissions.Static)
	if err != nil {
		writeErr(w, &apiError{Status: http.StatusUnprocessableEntity, Code: "invalid_input", Detail: "route_distance must be > 0; baseline_distance ≥ 0; emissions_factor > 0"})
		return
	}
	if req.SessionID != "" {
		// A record may name only one of the caller's sessions.
		if _, ok := a.ownSession(w, r, req.SessionID); !ok {
			return
		}
	}
	id, err := emissions.NewRecordID(a.d.Rand)
	if err != nil {
		a.internal(w, r, "random", err)
		return
	}
	rec := emissions.Record{ID: id, DriverID: me, SessionID: req.SessionID, Endpoint: "estimate", Estimate: est, CreatedAt: a.d.Now().UTC()}
	if err := a.d.Emissions.Add(ctx, rec); err != nil {
		a.internal(w, r, "emissions add", err)
		return
	}
	writeJSON(w, http.StatusOK, rec)
}

func (a *api) emissionHistory(w http.ResponseWriter, r *http.Request) {
	limit, e := intParam(r, "limit", 10, 1, 100)
	if e != nil {
		writeErr(w, e)
		return
	}
	f := emissions.Filter{Limit: limit, SessionID: r.URL.Query().Get("session_id"), Method: emissions.Method(r.URL.Query().Get("calculation_method"))}
	recs, err := a.d.Emissions.List(r.Context(), driver(r), f)
	if errors.Is(err, emissions.ErrInvalid) {
		writeErr(w, badRequest("invalid_parameter", "calculation_method must be static or dynamic"))
		return
	}
	if err != nil {
		a.internal(w, r, "emissions list", err)
		return
	}
	var saved float64
	for _, rec := range recs {
		saved += rec.Estimate.Saved
	}
	writeJSON(w, http.StatusOK, map[string]any{"records": recs, "count": len(recs), "total_emissions_saved": saved})
}

func (a *api) emissionRecord(w http.ResponseWriter, r *http.Request) {
	rec, err := a.d.Emissions.Get(r.Context(), driver(r), r.PathValue("id"))
	if errors.Is(err, emissions.ErrNotFound) {
		writeErr(w, notFound("Record not found"))
		return
	}
	if err != nil {
		a.internal(w, r, "emissions get", err)
		return
	}
	writeJSON(w, http.StatusOK, rec)
}

func (a *api) clearEmissions(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("confirm") != "true" || !validText(q.Get("driver_id"), 256) {
		writeErr(w, badRequest("confirmation_required", "confirm=true and driver_id are required"))
		return
	}
	n, err := a.d.Emissions.Delete(r.Context(), q.Get("driver_id"), q.Get("session_id"))
	if err != nil {
		a.internal(w, r, "emissions delete", err)
		return
	}
	a.audit(r, "emissions.clear", "driver:"+q.Get("driver_id"), audit.OutcomeSuccess, "", slog.Int("deleted", n))
	writeJSON(w, http.StatusOK, map[string]any{"deleted_count": n})
}
