package opsapi

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"regexp"

	"github.com/autospot/autospot/audit"
	"github.com/autospot/autospot/internal/parking/fare"
	"github.com/autospot/autospot/internal/session"
	"github.com/autospot/autospot/internal/wallet"
)

type balanceView struct {
	BalanceCents    int64  `json:"balance_cents"`
	Balance         string `json:"balance"`
	Currency        string `json:"currency"`
	PendingPayments int    `json:"pending_payments"`
}

func (a *api) balance(w http.ResponseWriter, r *http.Request) {
	wl, err := a.d.Wallets.Wallet(r.Context(), driver(r))
	if err != nil {
		a.internal(w, r, "wallet", err)
		return
	}
	writeJSON(w, http.StatusOK, balanceView{wl.BalanceCents, fare.FormatCents(wl.BalanceCents), wl.Currency, wl.PendingCount})
}

var idemKey = regexp.MustCompile(`^[A-Za-z0-9_\-:.]{8,128}$`)

// idempotencyKey is the client's Idempotency-Key header (8–128 of
// [A-Za-z0-9_-:.]); without one a random key is used, so the request is
// applied once per call.
func (a *api) idempotencyKey(r *http.Request) (string, *apiError) {
	k := r.Header.Get("Idempotency-Key")
	if k == "" {
		var b [16]byte
		rnd := a.d.Rand
		if rnd == nil {
			rnd = rand.Reader
		}
		if _, err := io.ReadFull(rnd, b[:]); err != nil {
			return "", errInternal
		}
		return "auto:" + hex.EncodeToString(b[:]), nil
	}
	if !idemKey.MatchString(k) {
		return "", badRequest("invalid_idempotency_key", "Idempotency-Key must be 8 to 128 characters of A-Z a-z 0-9 _ - : .")
	}
	return "client:" + k, nil
}

func walletErr(err error) *apiError {
	switch {
	case errors.Is(err, wallet.ErrInsufficientFunds):
		return badRequest("insufficient_balance", "Insufficient balance")
	case errors.Is(err, wallet.ErrPendingLimit):
		return conflict("pending_limit", "Too many pending payments")
	case errors.Is(err, wallet.ErrKeyConflict):
		return &apiError{Status: http.StatusUnprocessableEntity, Code: "idempotency_key_reused", Detail: "Idempotency-Key was used for a different request"}
	case errors.Is(err, wallet.ErrNotPending):
		return notFound("Pending transaction not found")
	case errors.Is(err, wallet.ErrNotFound):
		return notFound("Not found")
	case errors.Is(err, wallet.ErrInvalid):
		return badRequest("invalid_request", err.Error())
	}
	if msg := wallet.CardMessage(err); msg != "" {
		return badRequest("invalid_card", msg)
	}
	return nil
}

func (a *api) walletFail(w http.ResponseWriter, r *http.Request, op string, err error) {
	if e := walletErr(err); e != nil {
		writeErr(w, e)
		return
	}
	a.internal(w, r, op, err)
}

type addMoneyRequest struct {
	AmountCents     int64  `json:"amount_cents"`
	PaymentMethodID string `json:"payment_method_id"`
}

func (a *api) addMoney(w http.ResponseWriter, r *http.Request) {
	var req addMoneyRequest
	if e := a.decode(w, r, &req); e != nil {
		writeErr(w, e)
		return
	}
	if req.AmountCents <= 0 || req.AmountCents > wallet.MaxTopUpCents {
		writeErr(w, badRequest("invalid_amount", "amount_cents must be from 1 to 100000"))
		return
	}
	key, e := a.idempotencyKey(r)
	if e != nil {
		writeErr(w, e)
		return
	}
	ctx, me := r.Context(), driver(r)
	// Only an active card of the caller's own can pay (no test-only money).
	if _, err := a.d.Wallets.Method(ctx, me, req.PaymentMethodID); err != nil {
		if errors.Is(err, wallet.ErrNotFound) {
			writeErr(w, badRequest("invalid_payment_method", "Payment method not found or inactive"))
			return
		}
		a.internal(w, r, "payment method", err)
		return
	}
	tx, err := a.d.Wallets.Apply(ctx, wallet.Movement{DriverID: me, Key: key, Kind: wallet.KindTopUp, AmountCents: req.AmountCents,
		Method: wallet.MethodCard, PaymentMethodID: req.PaymentMethodID, Description: "Wallet top-up", Now: a.d.Now().UTC()})
	if err != nil {
		a.audit(r, "wallet.top_up", "wallet:"+me, audit.OutcomeFailure, "refused")
		a.walletFail(w, r, "top up", err)
		return
	}
	a.audit(r, "wallet.top_up", "transaction:"+tx.ID, audit.OutcomeSuccess, "", slog.Int64("amount_cents", tx.AmountCents), slog.Bool("replayed", tx.Replayed))
	wl, err := a.d.Wallets.Wallet(ctx, me)
	if err != nil {
		a.internal(w, r, "wallet", err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "transaction": tx,
		"balance": balanceView{wl.BalanceCents, fare.FormatCents(wl.BalanceCents), wl.Currency, wl.PendingCount}})
}

type sessionPayRequest struct {
	SessionID string `json:"session_id"`
}

// payParking settles an ended session's pending fare from the wallet. The
// amount is the one computed when the session ended.
func (a *api) payParking(w http.ResponseWriter, r *http.Request) {
	var req sessionPayRequest
	if e := a.decode(w, r, &req); e != nil {
		writeErr(w, e)
		return
	}
	ctx, me := r.Context(), driver(r)
	s, ok := a.ownSession(w, r, req.SessionID)
	if !ok {
		return
	}
	if s.Status != session.StatusEnded {
		writeErr(w, conflict("session_active", "End the session first"))
		return
	}
	if s.Payment == session.PaymentPaid {
		writeErr(w, conflict("already_paid", "Session is already paid"))
		return
	}
	if s.Payment == session.PaymentNone {
		// Ending stopped before it recorded the fare: record it now (the
		// same idempotent obligation, priced from the stored times).
		m, err := a.sessionMap(ctx, s)
		if err != nil {
			a.internal(w, r, "load map", err)
			return
		}
		total, _, err := a.fareOf(ctx, m, s.StartedAt, *s.EndedAt)
		if err != nil {
			a.internal(w, r, "fare", err)
			return
		}
		pay, err := a.chargeSession(ctx, me, s, total, false)
		if err != nil {
			a.walletFail(w, r, "charge session", err)
			return
		}
		o := s.Outcome
		o.FareCents, o.Payment = total, pay.Status
		if pay.Transaction != nil {
			o.TransactionID = pay.Transaction.ID
		}
		if _, err := a.d.Sessions.SetOutcome(ctx, me, s.ID, o); err != nil {
			a.internal(w, r, "session outcome", err)
			return
		}
		if pay.Status == session.PaymentPaid {
			writeJSON(w, http.StatusOK, map[string]any{"success": true, "transaction": pay.Transaction})
			return
		}
	}
	a.settle(w, r, wallet.TransactionID(me, sessionKey(s.ID)), wallet.MethodWallet, "")
}

type payPendingRequest struct {
	Method          string            `json:"method"` // "wallet" or "card"
	PaymentMethodID string            `json:"payment_method_id"`
	Card            *wallet.CardInput `json:"card"`
}

func (a *api) payPending(w http.ResponseWriter, r *http.Request) {
	var req payPendingRequest
	if e := a.decode(w, r, &req); e != nil {
		writeErr(w, e)
		return
	}
	ctx, me := r.Context(), driver(r)
	switch req.Method {
	case "wallet":
		a.settle(w, r, r.PathValue("id"), wallet.MethodWallet, "")
	case "card":
		var ref string
		switch {
		case req.PaymentMethodID != "" && req.Card == nil:
			if _, err := a.d.Wallets.Method(ctx, me, req.PaymentMethodID); err != nil {
				if errors.Is(err, wallet.ErrNotFound) {
					writeErr(w, notFound("Payment method not found"))
					return
				}
				a.internal(w, r, "payment method", err)
				return
			}
			ref = req.PaymentMethodID
		case req.Card != nil && req.PaymentMethodID == "":
			// One-off card: validated, never stored; only brand and last
			// four digits are kept on the transaction.
			c, err := wallet.ValidateCard(*req.Card, a.d.Now())
			if err != nil {
				writeErr(w, walletErr(err))
				return
			}
			ref = "card:" + c.Brand + ":" + c.LastFour
		default:
			writeErr(w, badRequest("invalid_request", "give either payment_method_id or card"))
			return
		}
		a.settle(w, r, r.PathValue("id"), wallet.MethodCard, ref)
	default:
		writeErr(w, badRequest("invalid_method", `method must be "wallet" or "card"`))
	}
}

// settle pays one of the caller's pending payments and marks its session
// paid.
func (a *api) settle(w http.ResponseWriter, r *http.Request, txID string, m wallet.Method, pmID string) {
	ctx, me := r.Context(), driver(r)
	tx, err := a.d.Wallets.Settle(ctx, wallet.Settlement{DriverID: me, TransactionID: txID, Method: m, PaymentMethodID: pmID, Now: a.d.Now().UTC()})
	if errors.Is(err, wallet.ErrInsufficientFunds) {
		a.audit(r, "wallet.settle", "transaction:"+txID, audit.OutcomeFailure, "insufficient_balance")
		wl, _ := a.d.Wallets.Wallet(ctx, me)
		writeErr(w, badRequest("insufficient_balance", "Insufficient balance. Current: $"+fare.FormatCents(wl.BalanceCents)+", Required: $"+fare.FormatCents(tx.AmountCents)))
		return
	}
	if err != nil {
		a.audit(r, "wallet.settle", "transaction:"+txID, audit.OutcomeDenied, "not_pending")
		a.walletFail(w, r, "settle", err)
		return
	}
	a.audit(r, "wallet.settle", "transaction:"+tx.ID, audit.OutcomeSuccess, "", slog.String("method", string(tx.Method)), slog.Int64("amount_cents", tx.AmountCents))
	if tx.SessionID != "" {
		if s, err := a.d.Sessions.Get(ctx, me, tx.SessionID); err == nil && s.Payment != session.PaymentPaid {
			o := s.Outcome
			o.Payment, o.TransactionID = session.PaymentPaid, tx.ID
			if _, err := a.d.Sessions.SetOutcome(ctx, me, s.ID, o); err != nil {
				a.d.Logger.WarnContext(ctx, "opsapi: session payment state not updated", "error", err.Error())
			}
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "transaction": tx})
}

func (a *api) pendingPayments(w http.ResponseWriter, r *http.Request) {
	limit, e := intParam(r, "limit", 50, 1, 100)
	if e != nil {
		writeErr(w, e)
		return
	}
	txs, err := a.d.Wallets.Transactions(r.Context(), driver(r), wallet.Query{Status: wallet.StatusPending, Kind: wallet.KindParking, Limit: limit})
	if err != nil {
		a.walletFail(w, r, "pending", err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"pending_payments": txs, "count": len(txs)})
}

func (a *api) transactions(w http.ResponseWriter, r *http.Request) {
	limit, e := intParam(r, "limit", 50, 1, 100)
	if e != nil {
		writeErr(w, e)
		return
	}
	off, e := intParam(r, "offset", 0, 0, 1_000_000)
	if e != nil {
		writeErr(w, e)
		return
	}
	q := wallet.Query{Limit: limit, Offset: off}
	switch st := wallet.Status(r.URL.Query().Get("status")); st {
	case "", wallet.StatusPending, wallet.StatusCompleted, wallet.StatusFailed:
		q.Status = st
	default:
		writeErr(w, badRequest("invalid_parameter", "unknown status"))
		return
	}
	switch k := wallet.Kind(r.URL.Query().Get("type")); k {
	case "", wallet.KindTopUp, wallet.KindParking, wallet.KindSubscription:
		q.Kind = k
	default:
		writeErr(w, badRequest("invalid_parameter", "unknown type"))
		return
	}
	txs, err := a.d.Wallets.Transactions(r.Context(), driver(r), q)
	if err != nil {
		a.walletFail(w, r, "transactions", err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"transactions": txs, "limit": limit, "offset": off})
}

func (a *api) transaction(w http.ResponseWriter, r *http.Request) {
	tx, err := a.d.Wallets.Transaction(r.Context(), driver(r), r.PathValue("id"))
	if err != nil {
		a.walletFail(w, r, "transaction", err)
		return
	}
	writeJSON(w, http.StatusOK, tx)
}

func (a *api) listMethods(w http.ResponseWriter, r *http.Request) {
	ms, err := a.d.Wallets.Methods(r.Context(), driver(r))
	if err != nil {
		a.internal(w, r, "methods", err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"payment_methods": ms})
}

type addMethodRequest struct {
	wallet.CardInput
	MethodType string `json:"method_type"`
	Label      string `json:"label"`
	Default    bool   `json:"is_default"`
}

func (a *api) addMethod(w http.ResponseWriter, r *http.Request) {
	var req addMethodRequest
	if e := a.decode(w, r, &req); e != nil {
		writeErr(w, e)
		return
	}
	now := a.d.Now().UTC()
	card, err := wallet.ValidateCard(req.CardInput, now)
	if err != nil {
		e := walletErr(err)
		e.Status = http.StatusUnprocessableEntity // as the original's add-card
		writeErr(w, e)
		return
	}
	mt := wallet.MethodType(req.MethodType)
	if mt == "" {
		mt = wallet.CreditCard
	}
	if mt != wallet.CreditCard && mt != wallet.DebitCard {
		writeErr(w, badRequest("invalid_method_type", "method_type must be credit_card or debit_card"))
		return
	}
	var b [16]byte
	if _, err := io.ReadFull(a.d.Rand, b[:]); err != nil {
		a.internal(w, r, "random", err)
		return
	}
	pm := wallet.PaymentMethod{ID: "pm_" + hex.EncodeToString(b[:]), DriverID: driver(r), Type: mt, Label: req.Label,
		Card: card, Default: req.Default, Active: true, CreatedAt: now, UpdatedAt: now}
	if err := a.d.Wallets.AddMethod(r.Context(), pm); err != nil {
		a.walletFail(w, r, "add method", err)
		return
	}
	a.audit(r, "wallet.card_add", "payment_method:"+pm.ID, audit.OutcomeSuccess, "", slog.String("brand", card.Brand))
	writeJSON(w, http.StatusCreated, pm)
}

type updateMethodRequest struct {
	ExpMonth *string `json:"expiry_month"`
	ExpYear  *string `json:"expiry_year"`
	Default  *bool   `json:"is_default"`
	Label    *string `json:"label"`
}

func (a *api) updateMethod(w http.ResponseWriter, r *http.Request) {
	var req updateMethodRequest
	if e := a.decode(w, r, &req); e != nil {
		writeErr(w, e)
		return
	}
	pm, err := a.d.Wallets.UpdateMethod(r.Context(), driver(r), r.PathValue("id"),
		wallet.MethodUpdate{ExpMonth: req.ExpMonth, ExpYear: req.ExpYear, Default: req.Default, Label: req.Label}, a.d.Now())
	if err != nil {
		a.walletFail(w, r, "update method", err)
		return
	}
	writeJSON(w, http.StatusOK, pm)
}

func (a *api) deleteMethod(w http.ResponseWriter, r *http.Request) {
	if err := a.d.Wallets.DeleteMethod(r.Context(), driver(r), r.PathValue("id"), a.d.Now()); err != nil {
		a.walletFail(w, r, "delete method", err)
		return
	}
	a.audit(r, "wallet.card_delete", "payment_method:"+r.PathValue("id"), audit.OutcomeSuccess, "")
	writeJSON(w, http.StatusOK, map[string]any{"success": true})
}
