package opsapi

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/autospot/autospot/audit"
	"github.com/autospot/autospot/internal/emissions"
	"github.com/autospot/autospot/internal/entryqr"
	"github.com/autospot/autospot/internal/parking"
	"github.com/autospot/autospot/internal/parking/fare"
	"github.com/autospot/autospot/internal/parking/route"
	"github.com/autospot/autospot/internal/session"
	"github.com/autospot/autospot/internal/subscription"
	"github.com/autospot/autospot/internal/wallet"
)

type startRequest struct {
	// QRCode is a scanned entrance code; it names the building and
	// entrance (and then Building/EntranceID must be empty or equal).
	QRCode     string `json:"qr_code"`
	Building   string `json:"building"`
	EntranceID string `json:"entrance_id"`
	// SlotID chooses a slot: premium drivers only.
	SlotID    string `json:"slot_id"`
	VehicleID string `json:"vehicle_id"`
}

type startResponse struct {
	Success bool            `json:"success"`
	Message string          `json:"message"`
	Session session.Session `json:"session"`
	Route   *route.Route    `json:"route,omitempty"`
}

func sessionErr(err error) *apiError {
	switch {
	case errors.Is(err, session.ErrDriverActive):
		return conflict("active_session", "User already has an active parking session")
	case errors.Is(err, session.ErrVehicleActive):
		return conflict("vehicle_active", "Vehicle already has an active parking session")
	case errors.Is(err, session.ErrSlotTaken):
		return conflict("slot_not_available", "Slot is not available")
	case errors.Is(err, session.ErrNotFound):
		return notFound("Session not found")
	case errors.Is(err, session.ErrNotActive):
		return conflict("session_ended", "Session has already ended")
	case errors.Is(err, session.ErrInvalid):
		return badRequest("invalid_session", err.Error())
	case errors.Is(err, session.ErrContention):
		return conflict("busy", "The session is being changed; try again")
	}
	return nil
}

func (a *api) startSession(w http.ResponseWriter, r *http.Request) {
	var req startRequest
	if e := a.decode(w, r, &req); e != nil {
		writeErr(w, e)
		return
	}
	ctx, me := r.Context(), driver(r)
	plate, err := session.NormalizePlate(req.VehicleID)
	if err != nil {
		writeErr(w, badRequest("invalid_vehicle", err.Error()))
		return
	}
	if req.QRCode != "" {
		e, err := a.d.QR.Verify(req.QRCode)
		if err != nil {
			writeErr(w, qrErr(err))
			return
		}
		if (req.Building != "" && req.Building != e.Building) || (req.EntranceID != "" && req.EntranceID != e.Entrance) {
			writeErr(w, badRequest("qr_mismatch", "the QR code names another building or entrance"))
			return
		}
		req.Building, req.EntranceID = e.Building, e.Entrance
	}
	m, e, err := a.building(ctx, req.Building)
	if err != nil {
		a.internal(w, r, "load map", err)
		return
	}
	if e != nil {
		writeErr(w, e)
		return
	}
	if req.EntranceID != "" {
		f, ok := m.Find(req.EntranceID)
		if !ok || (f.Cell.Kind != parking.CarEntrance && f.Cell.Kind != parking.BuildingEntrance) {
			writeErr(w, notFound("Entrance not found"))
			return
		}
	}
	premium, err := a.subs.Premium(ctx, me)
	if err != nil {
		a.internal(w, r, "subscription", err)
		return
	}
	now := a.d.Now().UTC()
	newSession := func(ref parking.SlotRef) (session.Session, error) {
		id, err := session.NewID(a.d.Rand)
		return session.Session{ID: id, DriverID: me, Vehicle: plate, FacilityID: m.FacilityID, MapID: m.ID,
			Slot: ref, EntranceID: req.EntranceID, Status: session.StatusActive, StartedAt: now}, err
	}
	var s session.Session
	var rt *route.Route
	if req.SlotID != "" {
		// Choosing a slot is a premium benefit, enforced here (spec §8).
		if !premium {
			writeErr(w, &apiError{Status: http.StatusForbidden, Code: "premium_required", Detail: "Choosing a slot requires a premium subscription"})
			return
		}
		f, ok := m.Find(req.SlotID)
		if !ok || f.Cell.Kind != parking.Slot {
			writeErr(w, notFound("Slot not found"))
			return
		}
		ref := parking.SlotRef{Building: m.Building, Level: f.Level, ID: f.Cell.ID}
		occ, err := a.occupancyOf(ctx, m)
		if err != nil {
			a.internal(w, r, "occupancy", err)
			return
		}
		if f.Cell.Status == parking.Allocated && f.Cell.ReservedBy != me {
			writeErr(w, &apiError{Status: http.StatusForbidden, Code: "slot_allocated", Detail: "Slot is allocated to a different user"})
			return
		}
		if !occ.free(ref) && !(f.Cell.Status == parking.Allocated && f.Cell.ReservedBy == me && !occ.held[session.SlotKey(ref)]) {
			writeErr(w, conflict("slot_not_available", "Slot is not available"))
			return
		}
		if s, err = newSession(ref); err == nil {
			err = a.d.Sessions.Start(ctx, s)
		}
		if err != nil {
			if e := sessionErr(err); e != nil {
				writeErr(w, e)
				return
			}
			a.internal(w, r, "start session", err)
			return
		}
		if req.EntranceID != "" {
			if g, err := a.graphs.Get(m); err == nil {
				if ef, ok := m.Find(req.EntranceID); ok {
					if p, err := g.ShortestPath(route.Point{Level: ef.Level, X: ef.X, Y: ef.Y}, route.Point{Level: f.Level, X: f.X, Y: f.Y}); err == nil {
						rt = &p
					}
				}
			}
		}
	} else {
		if req.EntranceID == "" {
			writeErr(w, badRequest("entrance_required", "entrance_id or qr_code is required to assign a slot"))
			return
		}
		g, err := a.graphs.Get(m)
		if err != nil {
			a.internal(w, r, "route graph", err)
			return
		}
		// The nearest free slot; a slot lost to a concurrent start is
		// excluded and the next one tried (each start is one atomic claim).
		lost := map[string]bool{}
		for try := 0; ; try++ {
			occ, err := a.occupancyOf(ctx, m)
			if err != nil {
				a.internal(w, r, "occupancy", err)
				return
			}
			sr, err := g.NearestSlotWhere(req.EntranceID, func(ref parking.SlotRef) bool {
				return occ.free(ref) && !lost[session.SlotKey(ref)]
			})
			if errors.Is(err, route.ErrNoSlot) || try >= 8 {
				writeErr(w, conflict("no_slot", "No available slot"))
				return
			}
			if err != nil {
				writeErr(w, badRequest("invalid_entrance", err.Error()))
				return
			}
			if s, err = newSession(sr.Slot); err == nil {
				err = a.d.Sessions.Start(ctx, s)
			}
			if errors.Is(err, session.ErrSlotTaken) {
				lost[session.SlotKey(sr.Slot)] = true
				continue
			}
			if err != nil {
				if e := sessionErr(err); e != nil {
					writeErr(w, e)
					return
				}
				a.internal(w, r, "start session", err)
				return
			}
			rt = &sr.Route
			break
		}
	}
	a.publish(ctx, s.Slot, parking.Occupied)
	a.audit(r, "session.start", "session:"+s.ID, audit.OutcomeSuccess, "", slog.String("slot", slotTarget(s.Slot)))
	writeJSON(w, http.StatusCreated, startResponse{Success: true, Message: "Parking session started", Session: s, Route: rt})
}

type endRequest struct {
	SessionID string `json:"session_id"`
	ExitID    string `json:"exit_id"`
	// Payment is "wallet" (default: pay now, or leave pending when the
	// balance is short) or "later" (within the plan's pending limit).
	Payment string `json:"payment"`
}

type fareView struct {
	TotalCents int64        `json:"total_cents"`
	Total      string       `json:"total"`
	Currency   string       `json:"currency"`
	Quotes     []fare.Quote `json:"quotes"`
}

type paymentView struct {
	Status      session.Payment     `json:"status"`
	Message     string              `json:"message,omitempty"`
	Transaction *wallet.Transaction `json:"transaction,omitempty"`
}

type endResponse struct {
	Success   bool              `json:"success"`
	Session   session.Session   `json:"session"`
	Fare      fareView          `json:"fare"`
	Payment   paymentView       `json:"payment"`
	Emissions *emissions.Record `json:"emissions,omitempty"`
}

// maxPending is the pending-payment limit of the obligation a session end
// records (the fare is owed whatever the count); the driver's plan limit
// on choosing to pay later is checked before ending and again after the
// deferral is recorded ([api.holdPendingLimit]).
const maxPending = 1 << 20

func (a *api) endSession(w http.ResponseWriter, r *http.Request) {
	var req endRequest
	if e := a.decode(w, r, &req); e != nil {
		writeErr(w, e)
		return
	}
	if req.Payment == "" {
		req.Payment = "wallet"
	}
	if req.Payment != "wallet" && req.Payment != "later" {
		writeErr(w, badRequest("invalid_payment", `payment must be "wallet" or "later"`))
		return
	}
	ctx, me := r.Context(), driver(r)
	s, ok := a.callerSession(w, r, me, req.SessionID)
	if !ok {
		return
	}
	if s.Status != session.StatusActive {
		writeErr(w, conflict("session_ended", "Session has already ended"))
		return
	}
	m, err := a.sessionMap(ctx, s)
	if err != nil {
		a.internal(w, r, "load map", err)
		return
	}
	if req.ExitID != "" {
		if f, ok := m.Find(req.ExitID); !ok || f.Cell.Kind != parking.Exit {
			writeErr(w, badRequest("invalid_exit", "exit_id names no exit of this building"))
			return
		}
	}
	var limit int
	if req.Payment == "later" {
		limit, err = a.subs.PendingLimit(ctx, me)
		if err != nil {
			a.internal(w, r, "subscription", err)
			return
		}
		wl, err := a.d.Wallets.Wallet(ctx, me)
		if err != nil {
			a.internal(w, r, "wallet", err)
			return
		}
		if wl.PendingCount >= limit {
			writeErr(w, pendingLimitErr(limit))
			return
		}
	}
	now := a.d.Now().UTC()
	// The fare is computed before ending so that a failure leaves the
	// session active; the client never supplies an amount.
	total, quotes, err := a.fareOf(ctx, m, s.StartedAt, now)
	if err != nil {
		a.internal(w, r, "fare", err)
		return
	}
	ended, err := a.d.Sessions.End(ctx, me, s.ID, now, req.ExitID)
	if err != nil {
		if e := sessionErr(err); e != nil {
			writeErr(w, e)
			return
		}
		a.internal(w, r, "end session", err)
		return
	}
	a.publish(ctx, ended.Slot, parking.Available)
	out := endResponse{Success: true, Fare: fareView{TotalCents: total, Total: fare.FormatCents(total), Currency: wallet.Currency, Quotes: quotes}}
	outcome := session.Outcome{FareCents: total}
	if rec, err := a.journeyEmissions(ctx, m, ended, now); err != nil {
		a.d.Logger.WarnContext(ctx, "opsapi: journey emissions not recorded", "error", err.Error())
	} else if rec != nil {
		outcome.EmissionRecordID = rec.ID
		out.Emissions = rec
	}
	pay, err := a.chargeSession(ctx, me, ended, total, req.Payment == "wallet")
	if err != nil {
		a.internal(w, r, "charge session", err)
		return
	}
	if req.Payment == "later" && pay.Status == session.PaymentPending {
		if pay, err = a.holdPendingLimit(ctx, me, limit, pay); err != nil {
			a.internal(w, r, "pending limit", err)
			return
		}
	}
	outcome.Payment = pay.Status
	if pay.Transaction != nil {
		outcome.TransactionID = pay.Transaction.ID
	}
	out.Payment = pay
	a.audit(r, "session.end", "session:"+ended.ID, audit.OutcomeSuccess, "", slog.Int64("fare_cents", total), slog.String("payment", string(pay.Status)))
	if out.Session, err = a.d.Sessions.SetOutcome(ctx, me, ended.ID, outcome); err != nil {
		a.internal(w, r, "session outcome", err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// pendingLimitErr is the refusal of a pay-later over the plan's limit.
func pendingLimitErr(limit int) *apiError {
	msg := "Basic subscription users can only have one pending payment. Please pay your pending payment first or upgrade to premium."
	if limit == subscription.PremiumPendingLimit {
		msg = "Premium users can have at most 3 pending payments. Please pay a pending payment first."
	}
	return conflict("pending_limit", msg)
}

// holdPendingLimit makes the plan's pending-payment limit hold for a
// pay-later whose check before ending raced with another deferral (the
// check reads the count, the deferral is recorded after the session
// ends). The deferral is recorded first and the count read after it:
// a deferral that finds more pending payments than the limit allows is
// settled from the wallet at once. Of racing deferrals the k-th recorded
// reads a count of at least k, so every one past the limit settles: the
// limit is never exceeded by choice. (Only a short balance can still
// leave it pending — the fare is owed either way.)
func (a *api) holdPendingLimit(ctx context.Context, me string, limit int, pay paymentView) (paymentView, error) {
	wl, err := a.d.Wallets.Wallet(ctx, me)
	if err != nil {
		return paymentView{}, err
	}
	if wl.PendingCount <= limit || pay.Transaction == nil {
		return pay, nil
	}
	paid, err := a.d.Wallets.Settle(ctx, wallet.Settlement{DriverID: me, TransactionID: pay.Transaction.ID, Method: wallet.MethodWallet, Now: a.d.Now().UTC()})
	if errors.Is(err, wallet.ErrInsufficientFunds) {
		pay.Message = "Pending-payment limit reached and the balance is short; the payment is pending"
		return pay, nil
	}
	if err != nil {
		return paymentView{}, err
	}
	return paymentView{Status: session.PaymentPaid, Message: "Pending-payment limit reached: paid from the wallet", Transaction: &paid}, nil
}

// sessionKey is the idempotency key of a session's fare: one obligation
// per session, however often ending or paying is retried.
func sessionKey(id string) string { return "session:" + id }

// chargeSession records the fare as a pending payment (idempotent, keyed
// by the session) and, when payNow, settles it from the wallet; a short
// balance leaves it pending.
func (a *api) chargeSession(ctx context.Context, me string, s session.Session, cents int64, payNow bool) (paymentView, error) {
	if cents == 0 {
		return paymentView{Status: session.PaymentPaid, Message: "Nothing to pay"}, nil
	}
	tx, err := a.d.Wallets.Apply(ctx, wallet.Movement{
		DriverID: me, Key: sessionKey(s.ID), Kind: wallet.KindParking, AmountCents: cents,
		Deferred: true, PendingLimit: maxPending, Description: "Parking at " + s.Slot.Building,
		SessionID: s.ID, Building: s.Slot.Building, SlotID: s.Slot.ID, Now: a.d.Now().UTC(),
	})
	if err != nil {
		return paymentView{}, err
	}
	if tx.Status == wallet.StatusCompleted {
		return paymentView{Status: session.PaymentPaid, Transaction: &tx}, nil
	}
	if !payNow {
		return paymentView{Status: session.PaymentPending, Message: "payment saved to wallet", Transaction: &tx}, nil
	}
	paid, err := a.d.Wallets.Settle(ctx, wallet.Settlement{DriverID: me, TransactionID: tx.ID, Method: wallet.MethodWallet, Now: a.d.Now().UTC()})
	if errors.Is(err, wallet.ErrInsufficientFunds) {
		wl, _ := a.d.Wallets.Wallet(ctx, me)
		return paymentView{Status: session.PaymentPending, Transaction: &tx,
			Message: "Insufficient balance. Current: $" + fare.FormatCents(wl.BalanceCents) + ", Required: $" + fare.FormatCents(cents) + "; the payment is pending"}, nil
	}
	if err != nil {
		return paymentView{}, err
	}
	return paymentView{Status: session.PaymentPaid, Transaction: &paid}, nil
}

// journeyEmissions records the saving of the session's journey: entrance
// → slot → exit (the chosen one, else the nearest), against the dynamic
// baseline of the building. Sessions without an entrance record nothing.
func (a *api) journeyEmissions(ctx context.Context, m *parking.Map, s session.Session, now time.Time) (*emissions.Record, error) {
	if s.EntranceID == "" {
		return nil, nil
	}
	if len(m.Levels) == 0 {
		return nil, nil
	}
	g, err := a.graphs.Get(m)
	if err != nil {
		return nil, err
	}
	ef, ok1 := m.Find(s.EntranceID)
	sf, ok2 := m.Find(s.Slot.ID)
	if !ok1 || !ok2 {
		return nil, nil
	}
	to, err := g.ShortestPath(route.Point{Level: ef.Level, X: ef.X, Y: ef.Y}, route.Point{Level: sf.Level, X: sf.X, Y: sf.Y})
	if err != nil {
		return nil, err
	}
	var out float64
	if xf, ok := m.Find(s.ExitID); s.ExitID != "" && ok && xf.Cell.Kind == parking.Exit {
		r, err := g.ShortestPath(route.Point{Level: sf.Level, X: sf.X, Y: sf.Y}, route.Point{Level: xf.Level, X: xf.X, Y: xf.Y})
		if err != nil {
			return nil, err
		}
		out = r.Distance
	} else if x, err := g.NearestExit(s.Slot.ID); err == nil {
		out = x.Route.Distance
	}
	occ, err := a.occupancyOf(ctx, m)
	if err != nil {
		return nil, err
	}
	est, err := emissions.Calculate(to.Distance+out, emissions.DynamicBaseline(m, occ.free), emissions.DefaultFactor, emissions.Dynamic)
	if err != nil {
		return nil, err
	}
	id, err := emissions.NewRecordID(a.d.Rand)
	if err != nil {
		return nil, err
	}
	rec := emissions.Record{ID: id, DriverID: s.DriverID, SessionID: s.ID, Endpoint: "session_end", Estimate: est, CreatedAt: now}
	if err := a.d.Emissions.Add(ctx, rec); err != nil {
		return nil, err
	}
	return &rec, nil
}

func (a *api) activeSession(w http.ResponseWriter, r *http.Request) {
	s, err := a.d.Sessions.Active(r.Context(), driver(r))
	if errors.Is(err, session.ErrNotFound) {
		writeErr(w, notFound("No active parking session found"))
		return
	}
	if err != nil {
		a.internal(w, r, "active session", err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "session": s})
}

func (a *api) sessionHistory(w http.ResponseWriter, r *http.Request) {
	limit, e := intParam(r, "limit", 10, 1, 100)
	if e == nil {
		var off int
		off, e = intParam(r, "offset", 0, 0, 1_000_000)
		if e == nil {
			ss, n, err := a.d.Sessions.History(r.Context(), driver(r), limit, off)
			if err != nil {
				a.internal(w, r, "history", err)
				return
			}
			writeJSON(w, http.StatusOK, map[string]any{"sessions": ss, "total_sessions": n})
			return
		}
	}
	writeErr(w, e)
}

// ownSession reads the caller's session id; on failure it writes the
// response (404 when the caller has no such session, or a logged 500) and
// reports false.
func (a *api) ownSession(w http.ResponseWriter, r *http.Request, id string) (session.Session, bool) {
	s, err := a.d.Sessions.Get(r.Context(), driver(r), id)
	if errors.Is(err, session.ErrNotFound) {
		writeErr(w, notFound("Session not found"))
		return session.Session{}, false
	}
	if err != nil {
		a.internal(w, r, "session", err)
		return session.Session{}, false
	}
	return s, true
}

func (a *api) getSession(w http.ResponseWriter, r *http.Request) {
	s, ok := a.ownSession(w, r, r.PathValue("id"))
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, s)
}

func qrErr(err error) *apiError {
	switch {
	case errors.Is(err, entryqr.ErrExpired):
		return badRequest("qr_expired", "QR code has expired.")
	case errors.Is(err, entryqr.ErrBadSignature):
		return badRequest("qr_invalid", "QR code signature is invalid.")
	}
	return badRequest("qr_malformed", "Invalid QR code format.")
}

// sessionMap returns the map of a session's building; a map deleted since
// the session started is stood in for by its building and facility, so
// the session can still be ended and priced (without journey emissions).
func (a *api) sessionMap(ctx context.Context, s session.Session) (*parking.Map, error) {
	m, err := a.d.Maps.GetMap(ctx, s.MapID)
	if errors.Is(err, parking.ErrNotFound) {
		return &parking.Map{ID: s.MapID, FacilityID: s.FacilityID, Building: s.Slot.Building}, nil
	}
	return m, err
}

// callerSession loads the caller's session: the one named by id (looked up
// by (driver, id), so another driver's is not found), or the active one
// when id is empty. On failure it writes the error (404, or 500 for a
// store failure) and reports false.
func (a *api) callerSession(w http.ResponseWriter, r *http.Request, me, id string) (session.Session, bool) {
	var s session.Session
	var err error
	if id == "" {
		s, err = a.d.Sessions.Active(r.Context(), me)
	} else {
		s, err = a.d.Sessions.Get(r.Context(), me, id)
	}
	if errors.Is(err, session.ErrNotFound) {
		writeErr(w, notFound("No active parking session found"))
		return session.Session{}, false
	}
	if err != nil {
		a.internal(w, r, "load session", err)
		return session.Session{}, false
	}
	return s, true
}
