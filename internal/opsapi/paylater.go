package opsapi

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/autospot/autospot/audit"
	"github.com/autospot/autospot/internal/parking/fare"
	"github.com/autospot/autospot/internal/session"
	"github.com/autospot/autospot/internal/wallet"
)

type payLaterResponse struct {
	Success     bool               `json:"success"`
	Message     string             `json:"message"`
	Transaction wallet.Transaction `json:"transaction"`
	SessionID   string             `json:"session_id"`
	AmountCents int64              `json:"amount_cents"`
	Amount      string             `json:"amount"`
	Building    string             `json:"building_name"`
	SlotID      string             `json:"slot_id"`
}

// payLater defers the fare of one of the caller's ended sessions: the
// amount is the server's (the one recorded when the session ended, else
// computed from its stored times), the plan's limit (1 basic, 3 premium)
// is decided in the wallet's atomic step, and the deferral is keyed by
// the session, so a retry or a second call returns the one pending
// record. The original took the amount and times from the client
// (spec §15.8).
func (a *api) payLater(w http.ResponseWriter, r *http.Request) {
	var req sessionPayRequest
	if e := a.decode(w, r, &req); e != nil {
		writeErr(w, e)
		return
	}
	if req.SessionID == "" {
		writeErr(w, badRequest("invalid_session", "session_id is required"))
		return
	}
	ctx, me := r.Context(), driver(r)
	s, ok := a.ownSession(w, r, req.SessionID)
	if !ok {
		return
	}
	if s.Status != session.StatusEnded {
		writeErr(w, conflict("session_active", `End the session first (POST /session/end, or end it with "payment": "later")`))
		return
	}
	if s.Payment == session.PaymentPaid {
		writeErr(w, conflict("already_paid", "Session is already paid"))
		return
	}
	total := s.FareCents
	if s.Payment == session.PaymentNone {
		// Ending stopped before it recorded the fare: price it from the
		// stored times, as pay-parking does.
		m, err := a.sessionMap(ctx, s)
		if err != nil {
			a.internal(w, r, "load map", err)
			return
		}
		if total, _, err = a.fareOf(ctx, m, s.StartedAt, *s.EndedAt); err != nil {
			a.internal(w, r, "fare", err)
			return
		}
	}
	if total == 0 {
		writeErr(w, conflict("already_paid", "Nothing to pay for this session"))
		return
	}
	limit, err := a.subs.PendingLimit(ctx, me)
	if err != nil {
		a.internal(w, r, "subscription", err)
		return
	}
	tx, err := a.d.Wallets.Apply(ctx, wallet.Movement{
		DriverID: me, Key: sessionKey(s.ID), Kind: wallet.KindParking, AmountCents: total,
		Deferred: true, PendingLimit: limit, ForgetRefusal: true, Description: "Parking at " + s.Slot.Building,
		SessionID: s.ID, Building: s.Slot.Building, SlotID: s.Slot.ID, Now: a.d.Now().UTC(),
	})
	switch {
	case errors.Is(err, wallet.ErrPendingLimit):
		a.audit(r, "wallet.pay_later", "session:"+s.ID, audit.OutcomeDenied, "pending_limit")
		writeErr(w, pendingLimitErr(limit))
		return
	case errors.Is(err, wallet.ErrKeyConflict):
		// The recorded obligation has another amount (the rates changed
		// since it was recorded): it stands as recorded.
		writeErr(w, conflict("fare_recorded", "This session's fare is already recorded; see GET /wallet/pending-payments"))
		return
	case err != nil:
		a.walletFail(w, r, "pay later", err)
		return
	case tx.Status == wallet.StatusCompleted:
		writeErr(w, conflict("already_paid", "Session is already paid"))
		return
	}
	out := payLaterResponse{Success: true, Message: "payment saved to wallet", Transaction: tx, SessionID: s.ID,
		AmountCents: tx.AmountCents, Amount: fare.FormatCents(tx.AmountCents), Building: s.Slot.Building, SlotID: s.Slot.ID}
	if tx.Replayed {
		out.Message = "payment already deferred"
	}
	if s.Payment != session.PaymentPending || s.TransactionID != tx.ID || s.FareCents != tx.AmountCents {
		o := s.Outcome
		o.FareCents, o.Payment, o.TransactionID = tx.AmountCents, session.PaymentPending, tx.ID
		if _, err := a.d.Sessions.SetOutcome(ctx, me, s.ID, o); err != nil {
			a.internal(w, r, "session outcome", err)
			return
		}
	}
	a.audit(r, "wallet.pay_later", "session:"+s.ID, audit.OutcomeSuccess, "", slog.Int64("amount_cents", tx.AmountCents), slog.Bool("replayed", tx.Replayed))
	writeJSON(w, http.StatusOK, out)
}
