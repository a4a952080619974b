package wallet

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"
	"unicode"
	"unicode/utf8"
)

// Currency is the only currency AutoSpot handles.
const Currency = "AUD"

// Limits on amounts, in cents.
const (
	MaxTopUpCents   = 100_000        // $1,000 per top-up, as the original
	MaxAmountCents  = 10_000_000     // $100,000, any single movement
	MaxBalanceCents = 10_000_000_000 // $100M, far from int64 overflow
	MaxKeyLen       = 128            // idempotency key bytes
	MaxTextLen      = 200            // description, ids carried as metadata
)

// Kind is what a movement is for.
type Kind string

// Movement kinds.
const (
	KindTopUp        Kind = "top_up"          // card → wallet (credit)
	KindParking      Kind = "parking_payment" // a parking fee (debit, or pending when deferred)
	KindSubscription Kind = "subscription"    // premium plan (debit)
)

// Status is a transaction's state.
type Status string

// Transaction states. A deferred parking payment is [StatusPending] until
// it is settled; a refused movement is [StatusFailed] (and stays so: a
// retry with the same key returns the same refusal).
const (
	StatusPending   Status = "pending"
	StatusCompleted Status = "completed"
	StatusFailed    Status = "failed"
	statusApplying  Status = "applying" // MongoDB only: recorded, not yet decided
)

// Method is how a movement was paid.
type Method string

// Payment means.
const (
	MethodWallet Method = "wallet"
	MethodCard   Method = "card"
)

// Wallet is a driver's balance. A driver without a stored wallet has the
// zero balance.
type Wallet struct {
	DriverID     string    `json:"driver_id"`
	BalanceCents int64     `json:"balance_cents"`
	PendingCount int       `json:"pending_payments"`
	Currency     string    `json:"currency"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// Transaction is one recorded movement.
type Transaction struct {
	ID              string     `json:"transaction_id" bson:"_id"`
	DriverID        string     `json:"-" bson:"driver"`
	Key             string     `json:"-" bson:"key"`
	Kind            Kind       `json:"transaction_type" bson:"kind"`
	AmountCents     int64      `json:"amount_cents" bson:"amount"`
	Currency        string     `json:"currency" bson:"currency"`
	Deferred        bool       `json:"pay_later,omitempty" bson:"deferred"`
	Status          Status     `json:"status" bson:"status"`
	Method          Method     `json:"payment_method,omitempty" bson:"method,omitempty"`
	PaymentMethodID string     `json:"payment_method_id,omitempty" bson:"pm,omitempty"`
	Description     string     `json:"description,omitempty" bson:"desc,omitempty"`
	SessionID       string     `json:"session_id,omitempty" bson:"session,omitempty"`
	Building        string     `json:"building,omitempty" bson:"building,omitempty"`
	SlotID          string     `json:"slot_id,omitempty" bson:"slot,omitempty"`
	FailureReason   string     `json:"failure_reason,omitempty" bson:"failure,omitempty"`
	CreatedAt       time.Time  `json:"created_at" bson:"created_at"`
	CompletedAt     *time.Time `json:"completed_at" bson:"completed_at,omitempty"`
	// Replayed is set (never stored) when the call returned the record of
	// an earlier call with the same idempotency key or settlement.
	Replayed bool `json:"replayed,omitempty" bson:"-"`
}

// Movement asks for a new money movement. (DriverID, Key) identifies it:
// applying the same movement twice records and moves it once.
type Movement struct {
	DriverID string
	// Key is the idempotency key (1..[MaxKeyLen] bytes): the client's
	// Idempotency-Key header, or a key the server derives ("session:<id>")
	// so that one session can be paid once.
	Key         string
	Kind        Kind
	AmountCents int64
	// Deferred records a pending parking payment ("pay later") instead of
	// debiting; PendingLimit (≥1) caps the driver's pending payments.
	Deferred     bool
	PendingLimit int
	// ForgetRefusal leaves a refused movement (insufficient funds, pending
	// limit) unrecorded: the failed transaction is returned with its
	// error but not stored, so the key stays free and a later Apply with
	// it decides again (a pay-later refused at the limit may succeed
	// once a pending payment is settled). Without it a refusal is
	// recorded and replayed.
	ForgetRefusal bool
	// Method and PaymentMethodID say what paid a top-up (card) or a debit
	// (wallet; the default).
	Method          Method
	PaymentMethodID string
	Description     string
	SessionID       string
	Building        string
	SlotID          string
	Now             time.Time
}

// Settlement pays a pending payment, from the wallet (a conditional
// debit) or by card (no debit).
type Settlement struct {
	DriverID        string
	TransactionID   string
	Method          Method
	PaymentMethodID string
	Now             time.Time
}

// Query selects a driver's transactions, newest first.
type Query struct {
	Status Status // "" for all
	Kind   Kind   // "" for all
	Limit  int    // 1..100; 0 means 50
	Offset int    // ≥ 0
}

func (q Query) norm() (Query, error) {
	if q.Limit == 0 {
		q.Limit = 50
	}
	if q.Limit < 1 || q.Limit > 100 || q.Offset < 0 || q.Offset > 1_000_000 {
		return q, fmt.Errorf("%w: limit 1..100, offset ≥ 0", ErrInvalid)
	}
	return q, nil
}

// TransactionID is the id of the transaction of (driverID, key): a hash,
// so the id reveals neither and equal keys of different drivers never
// collide.
func TransactionID(driverID, key string) string {
	h := sha256.New()
	h.Write([]byte("autospot-wallet-tx\x00"))
	h.Write([]byte(driverID))
	h.Write([]byte{0})
	h.Write([]byte(key))
	return "tx_" + hex.EncodeToString(h.Sum(nil)[:16])
}

func okText(s string, max int) bool {
	if len(s) > max || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}

// check validates m and returns the transaction it records (status not
// yet decided).
func (m Movement) check() (Transaction, error) {
	bad := func(what string) (Transaction, error) {
		return Transaction{}, fmt.Errorf("%w: %s", ErrInvalid, what)
	}
	switch {
	case m.DriverID == "" || !okText(m.DriverID, 256):
		return bad("driver id")
	case m.Key == "" || !okText(m.Key, MaxKeyLen):
		return bad("idempotency key")
	case m.AmountCents <= 0 || m.AmountCents > MaxAmountCents:
		return bad("amount")
	case m.Now.IsZero():
		return bad("time")
	case !okText(m.Description, MaxTextLen) || !okText(m.SessionID, MaxTextLen) ||
		!okText(m.Building, MaxTextLen) || !okText(m.SlotID, MaxTextLen) || !okText(m.PaymentMethodID, MaxTextLen):
		return bad("metadata")
	}
	method := m.Method
	switch m.Kind {
	case KindTopUp:
		if m.Deferred || m.AmountCents > MaxTopUpCents {
			return bad("top-up amount")
		}
		if method == "" {
			method = MethodCard
		}
	case KindParking, KindSubscription:
		if m.Deferred && (m.Kind != KindParking || m.PendingLimit < 1) {
			return bad("only parking payments may be deferred, with a limit ≥ 1")
		}
		if m.Deferred {
			method = ""
		} else if method == "" {
			method = MethodWallet
		}
		if !m.Deferred && method != MethodWallet {
			return bad("debits are paid from the wallet")
		}
	default:
		return bad("kind")
	}
	return Transaction{
		ID: TransactionID(m.DriverID, m.Key), DriverID: m.DriverID, Key: m.Key, Kind: m.Kind,
		AmountCents: m.AmountCents, Currency: Currency, Deferred: m.Deferred, Method: method,
		PaymentMethodID: m.PaymentMethodID, Description: m.Description, SessionID: m.SessionID,
		Building: m.Building, SlotID: m.SlotID, CreatedAt: m.Now.UTC(),
	}, nil
}

// delta is the balance change of a movement when it is applied.
func (t *Transaction) delta() int64 {
	switch {
	case t.Deferred:
		return 0
	case t.Kind == KindTopUp:
		return t.AmountCents
	}
	return -t.AmountCents
}

// sameRequest reports whether a stored transaction was made by the same
// movement as t (a replay) rather than a conflicting reuse of its key.
func (t *Transaction) sameRequest(o *Transaction) bool {
	return t.Kind == o.Kind && t.AmountCents == o.AmountCents && t.Deferred == o.Deferred
}

// replayResult returns a stored transaction for a replayed movement, with
// the error the first call returned.
func replayResult(stored Transaction) (Transaction, error) {
	stored.Replayed = true
	if stored.Status == StatusFailed {
		return stored, failureErr(stored.FailureReason)
	}
	return stored, nil
}

const (
	reasonFunds   = "insufficient_balance"
	reasonPending = "pending_limit"
)

func failureErr(reason string) error {
	if reason == reasonPending {
		return ErrPendingLimit
	}
	return ErrInsufficientFunds
}

func (s Settlement) check() error {
	switch {
	case s.DriverID == "" || s.TransactionID == "" || len(s.TransactionID) > 64 || s.Now.IsZero():
		return fmt.Errorf("%w: settlement", ErrInvalid)
	case s.Method != MethodWallet && s.Method != MethodCard:
		return fmt.Errorf("%w: settlement method", ErrInvalid)
	case s.Method == MethodCard && (s.PaymentMethodID == "" || !okText(s.PaymentMethodID, MaxTextLen)):
		return fmt.Errorf("%w: a card settlement names its payment method", ErrInvalid)
	}
	return nil
}

// settle returns the completed form of a pending transaction.
func settled(t Transaction, s Settlement) Transaction {
	t.Status = StatusCompleted
	t.Method = s.Method
	if s.Method == MethodCard {
		t.PaymentMethodID = s.PaymentMethodID
	}
	now := s.Now.UTC()
	t.CompletedAt = &now
	return t
}

// decided returns t with the outcome of its movement.
func decided(t Transaction, err error) Transaction {
	now := t.CreatedAt
	switch {
	case err == nil && t.Deferred:
		t.Status = StatusPending
	case err == nil:
		t.Status = StatusCompleted
		t.CompletedAt = &now
	default:
		t.Status = StatusFailed
		t.FailureReason = reasonFunds
		if err == ErrPendingLimit {
			t.FailureReason = reasonPending
		}
	}
	return t
}
