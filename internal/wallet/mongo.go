package wallet

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Collection names of [Mongo].
const (
	CollWalletVersions = "wallet_versions"
	CollTransactions   = "wallet_transactions"
	CollMethods        = "payment_methods"
)

// MaxAttempts bounds how often [Mongo] retries a decision that lost a race
// for the next wallet version before it returns [ErrContention].
const MaxAttempts = 10_000

// Mongo is a [Repository] on MongoDB that needs neither multi-document
// transactions nor atomic updates, so it is correct on MongoDB and on
// FerretDB v1 (whose updates are read-modify-write in the proxy). Create it
// with [NewMongo]; it is safe for concurrent use.
//
// # Design
//
// A wallet is a chain of immutable versions {_id: "<driver>/<n>", driver,
// n, balance, pending, did, outcome}; the newest n is the wallet. The only
// writes whose atomicity the design relies on are inserts checked by
// unique indexes: _id (one writer wins version n+1) and did (a movement is
// decided once, ever).
//
//  1. Ledger entry first: the transaction document is inserted with _id =
//     [TransactionID] (driver, key) and status "applying". A duplicate
//     means the movement was seen before: a decided one is returned as a
//     replay; an undecided one (an earlier call died) is decided now.
//  2. Decision: read the newest version n; if a version already carries
//     did = the transaction id, that is the outcome; otherwise compute the
//     outcome (debit only if balance ≥ amount, pay-later only under the
//     limit) and insert version n+1 with did. A refusal changes nothing
//     and is inserted beside the chain ({_id: "rejected/<did>", n: -1})
//     under the same unique did, so it is decided once too. A duplicate
//     _id (another writer took n+1) re-reads and tries again with
//     jittered backoff; a duplicate did means a concurrent call decided.
//  3. The transaction document is set to its outcome (completed, pending
//     or failed). Every caller derives it from the one decision, so
//     concurrent writers write the same thing.
//
// A settlement is decided the same way with did "<tx id>:settle" and the
// outcome naming the means (wallet or card), so a pending payment is paid
// once, by one means.
type Mongo struct {
	versions, txs, methods *mongo.Collection
}

var _ Repository = (*Mongo)(nil)

// NewMongo returns a repository in db and creates its indexes.
func NewMongo(ctx context.Context, db *mongo.Database) (*Mongo, error) {
	if db == nil {
		return nil, fmt.Errorf("%w: nil database", ErrInvalid)
	}
	s := &Mongo{versions: db.Collection(CollWalletVersions), txs: db.Collection(CollTransactions), methods: db.Collection(CollMethods)}
	for _, ix := range []struct {
		c *mongo.Collection
		m mongo.IndexModel
	}{
		{s.versions, mongo.IndexModel{Keys: bson.D{{Key: "driver", Value: 1}, {Key: "n", Value: -1}}}},
		{s.versions, mongo.IndexModel{Keys: bson.D{{Key: "did", Value: 1}}, Options: options.Index().SetUnique(true)}},
		{s.txs, mongo.IndexModel{Keys: bson.D{{Key: "driver", Value: 1}, {Key: "created_at", Value: -1}}}},
		{s.methods, mongo.IndexModel{Keys: bson.D{{Key: "driver", Value: 1}}}},
	} {
		if _, err := ix.c.Indexes().CreateOne(ctx, ix.m); err != nil {
			return nil, fmt.Errorf("wallet: index: %w", err)
		}
	}
	return s, nil
}

type mongoVersion struct {
	ID      string    `bson:"_id"`
	Driver  string    `bson:"driver"`
	N       int64     `bson:"n"`
	Balance int64     `bson:"balance"`
	Pending int64     `bson:"pending"`
	Did     string    `bson:"did"`
	Outcome string    `bson:"outcome"`
	At      time.Time `bson:"at"`
}

func (v mongoVersion) wallet(driver string) Wallet {
	return Wallet{DriverID: driver, BalanceCents: v.Balance, PendingCount: int(v.Pending), Currency: Currency, UpdatedAt: v.At}
}

func (s *Mongo) latest(ctx context.Context, driver string) (mongoVersion, error) {
	var v mongoVersion
	err := s.versions.FindOne(ctx, bson.D{{Key: "driver", Value: driver}, {Key: "n", Value: bson.D{{Key: "$gte", Value: 1}}}},
		options.FindOne().SetSort(bson.D{{Key: "driver", Value: 1}, {Key: "n", Value: -1}})).Decode(&v)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return mongoVersion{Driver: driver}, nil
	}
	if err != nil {
		return v, fmt.Errorf("wallet: read: %w", err)
	}
	return v, nil
}

// Wallet implements [Repository].
func (s *Mongo) Wallet(ctx context.Context, driverID string) (Wallet, error) {
	v, err := s.latest(ctx, driverID)
	if err != nil {
		return Wallet{}, err
	}
	return v.wallet(driverID), nil
}

// decision returns the outcome recorded for did, or "".
func (s *Mongo) decision(ctx context.Context, did string) (string, error) {
	var v mongoVersion
	err := s.versions.FindOne(ctx, bson.D{{Key: "did", Value: did}}).Decode(&v)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("wallet: read decision: %w", err)
	}
	return v.Outcome, nil
}

// decide records the one decision for did. next computes it from the
// newest version: the new balance and pending count and the outcome, or
// ok=false to record nothing (the state does not allow it and the caller
// may try again later). It returns the outcome, "" when nothing was
// recorded.
func (s *Mongo) decide(ctx context.Context, driver, did string, at time.Time,
	next func(v mongoVersion) (balance, pending int64, outcome string, ok bool)) (string, error) {
	backoff := time.Millisecond
	for attempt := 0; attempt < MaxAttempts; attempt++ {
		// No pre-check of did is needed: the unique did index refuses a
		// second decision, and the duplicate path below reads the first.
		v, err := s.latest(ctx, driver)
		if err != nil {
			return "", err
		}
		bal, pend, out, ok := next(v)
		if !ok {
			// Not applicable now — unless it was decided before.
			return s.decision(ctx, did)
		}
		nv := mongoVersion{ID: fmt.Sprintf("%s/%d", driver, v.N+1), Driver: driver, N: v.N + 1,
			Balance: bal, Pending: pend, Did: did, Outcome: out, At: at.UTC()}
		if out == outRejected {
			// A refusal changes no state: it is recorded beside the chain
			// (n = -1), still under the unique did, so it takes no
			// version and does not contend with movements.
			nv = mongoVersion{ID: "rejected/" + did, Driver: driver, N: -1, Balance: bal, Pending: pend, Did: did, Outcome: out, At: at.UTC()}
		}
		_, err = s.versions.InsertOne(ctx, nv)
		if err == nil {
			return out, nil
		}
		if !mongo.IsDuplicateKeyError(err) {
			return "", fmt.Errorf("wallet: decide: %w", err)
		}
		// Either did is decided already (return that decision) or another
		// writer took version n+1 (try again).
		if out, err := s.decision(ctx, did); err != nil || out != "" {
			return out, err
		}
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-time.After(time.Duration(rand.Int64N(int64(backoff))) + backoff/2):
		}
		if backoff < 16*time.Millisecond {
			backoff *= 2
		}
	}
	return "", ErrContention
}

const (
	outApplied  = "applied"
	outRejected = "rejected"
)

// Apply implements [Repository].
func (s *Mongo) Apply(ctx context.Context, m Movement) (Transaction, error) {
	t, err := m.check()
	if err != nil {
		return Transaction{}, err
	}
	rec := t
	rec.Status = statusApplying
	if _, err := s.txs.InsertOne(ctx, rec); err != nil {
		if !mongo.IsDuplicateKeyError(err) {
			return Transaction{}, fmt.Errorf("wallet: record: %w", err)
		}
		old, err := s.getTx(ctx, t.ID)
		if err != nil {
			return Transaction{}, err
		}
		if old.DriverID != t.DriverID || !old.sameRequest(&t) {
			return Transaction{}, ErrKeyConflict
		}
		if old.Status != statusApplying {
			return replayResult(old)
		}
		t = old // decide the earlier call's movement, as it recorded it
	}
	var refusal error
	outcome, err := s.decide(ctx, t.DriverID, t.ID, t.CreatedAt, func(v mongoVersion) (int64, int64, string, bool) {
		bal, pend := v.Balance, v.Pending
		switch d := t.delta(); {
		case t.Deferred:
			if pend >= int64(m.PendingLimit) {
				refusal = ErrPendingLimit
				return bal, pend, outRejected, !m.ForgetRefusal
			}
			pend++
		case d < 0 && bal < -d:
			refusal = ErrInsufficientFunds
			return bal, pend, outRejected, !m.ForgetRefusal
		case d > 0 && bal > MaxBalanceCents-d:
			refusal = fmt.Errorf("%w: balance would exceed the maximum", ErrInvalid)
			return bal, pend, outRejected, true
		default:
			bal += d
		}
		return bal, pend, outApplied, true
	})
	if err != nil {
		return Transaction{}, err
	}
	if outcome == "" {
		// A forgotten refusal: nothing was decided, and the ledger entry
		// stays "applying" (hidden from reads), so a later Apply with the
		// key decides again. A concurrent Apply that decided meanwhile
		// would have been returned by decide.
		if refusal == nil {
			refusal = ErrPendingLimit
		}
		return decided(t, refusal), refusal
	}
	var derr error
	if outcome == outRejected {
		derr = refusal
		if derr == nil { // decided by an earlier call: say why as it would
			derr = ErrInsufficientFunds
			if t.Deferred {
				derr = ErrPendingLimit
			}
		}
		if !errors.Is(derr, ErrInsufficientFunds) && !errors.Is(derr, ErrPendingLimit) {
			return Transaction{}, derr
		}
	}
	final := decided(t, derr)
	set := bson.D{{Key: "status", Value: final.Status}}
	if final.CompletedAt != nil {
		set = append(set, bson.E{Key: "completed_at", Value: *final.CompletedAt})
	}
	if final.FailureReason != "" {
		set = append(set, bson.E{Key: "failure", Value: final.FailureReason})
	}
	if _, err := s.txs.UpdateOne(ctx, bson.D{{Key: "_id", Value: t.ID}, {Key: "status", Value: statusApplying}},
		bson.D{{Key: "$set", Value: set}}); err != nil {
		return Transaction{}, fmt.Errorf("wallet: finalise: %w", err)
	}
	return final, derr
}

func (s *Mongo) getTx(ctx context.Context, id string) (Transaction, error) {
	var t Transaction
	err := s.txs.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&t)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return Transaction{}, ErrNotFound
	}
	if err != nil {
		return Transaction{}, fmt.Errorf("wallet: read transaction: %w", err)
	}
	return t, nil
}

// Settle implements [Repository].
func (s *Mongo) Settle(ctx context.Context, st Settlement) (Transaction, error) {
	if err := st.check(); err != nil {
		return Transaction{}, err
	}
	t, err := s.getTx(ctx, st.TransactionID)
	if errors.Is(err, ErrNotFound) || err == nil && (t.DriverID != st.DriverID || !t.Deferred) {
		return Transaction{}, ErrNotPending
	}
	if err != nil {
		return Transaction{}, err
	}
	switch t.Status {
	case StatusCompleted:
		t.Replayed = true
		return t, nil
	case StatusPending:
	default:
		return Transaction{}, ErrNotPending
	}
	want := string(st.Method)
	outcome, err := s.decide(ctx, st.DriverID, t.ID+":settle", st.Now, func(v mongoVersion) (int64, int64, string, bool) {
		bal := v.Balance
		if st.Method == MethodWallet {
			if bal < t.AmountCents {
				return 0, 0, "", false
			}
			bal -= t.AmountCents
		}
		return bal, v.Pending - 1, want, true
	})
	if err != nil {
		return Transaction{}, err
	}
	switch outcome {
	case "":
		return t, ErrInsufficientFunds
	case want:
	case string(MethodWallet):
		st.Method, st.PaymentMethodID = MethodWallet, ""
	default: // settled by card by a concurrent call
		st.Method, st.PaymentMethodID = MethodCard, ""
	}
	final := settled(t, st)
	set := bson.D{{Key: "status", Value: final.Status}, {Key: "method", Value: final.Method}, {Key: "completed_at", Value: *final.CompletedAt}}
	if final.PaymentMethodID != "" {
		set = append(set, bson.E{Key: "pm", Value: final.PaymentMethodID})
	}
	if _, err := s.txs.UpdateOne(ctx, bson.D{{Key: "_id", Value: t.ID}, {Key: "status", Value: StatusPending}},
		bson.D{{Key: "$set", Value: set}}); err != nil {
		return Transaction{}, fmt.Errorf("wallet: finalise: %w", err)
	}
	return s.getTx(ctx, t.ID)
}

// Transaction implements [Repository].
func (s *Mongo) Transaction(ctx context.Context, driverID, id string) (Transaction, error) {
	t, err := s.getTx(ctx, id)
	if err != nil {
		return Transaction{}, err
	}
	if t.DriverID != driverID || t.Status == statusApplying {
		return Transaction{}, ErrNotFound
	}
	return t, nil
}

// Transactions implements [Repository].
func (s *Mongo) Transactions(ctx context.Context, driverID string, q Query) ([]Transaction, error) {
	q, err := q.norm()
	if err != nil {
		return nil, err
	}
	filter := bson.D{{Key: "driver", Value: driverID}}
	if q.Status != "" {
		filter = append(filter, bson.E{Key: "status", Value: string(q.Status)})
	} else {
		filter = append(filter, bson.E{Key: "status", Value: bson.D{{Key: "$ne", Value: string(statusApplying)}}})
	}
	if q.Kind != "" {
		filter = append(filter, bson.E{Key: "kind", Value: string(q.Kind)})
	}
	cur, err := s.txs.Find(ctx, filter, options.Find().
		SetSort(bson.D{{Key: "created_at", Value: -1}, {Key: "_id", Value: -1}}).
		SetSkip(int64(q.Offset)).SetLimit(int64(q.Limit)))
	if err != nil {
		return nil, fmt.Errorf("wallet: list: %w", err)
	}
	out := []Transaction{}
	if err := cur.All(ctx, &out); err != nil {
		return nil, fmt.Errorf("wallet: list: %w", err)
	}
	return out, nil
}

// AddMethod implements [Repository].
func (s *Mongo) AddMethod(ctx context.Context, pm PaymentMethod) error {
	if err := pm.check(); err != nil {
		return err
	}
	pm.Active = true
	if pm.Default {
		if err := s.clearDefault(ctx, pm.DriverID, ""); err != nil {
			return err
		}
	}
	if _, err := s.methods.InsertOne(ctx, mongoMethod{Key: methodDocID(pm.DriverID, pm.ID), PaymentMethod: pm}); err != nil {
		if mongo.IsDuplicateKeyError(err) {
			return fmt.Errorf("%w: duplicate payment method id", ErrInvalid)
		}
		return fmt.Errorf("wallet: add method: %w", err)
	}
	return nil
}

func (s *Mongo) clearDefault(ctx context.Context, driver, except string) error {
	_, err := s.methods.UpdateMany(ctx, bson.D{{Key: "driver", Value: driver}, {Key: "id", Value: bson.D{{Key: "$ne", Value: except}}}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "default", Value: false}}}})
	if err != nil {
		return fmt.Errorf("wallet: clear default: %w", err)
	}
	return nil
}

// Methods implements [Repository].
func (s *Mongo) Methods(ctx context.Context, driverID string) ([]PaymentMethod, error) {
	cur, err := s.methods.Find(ctx, bson.D{{Key: "driver", Value: driverID}, {Key: "active", Value: true}})
	if err != nil {
		return nil, fmt.Errorf("wallet: methods: %w", err)
	}
	out := []PaymentMethod{}
	if err := cur.All(ctx, &out); err != nil {
		return nil, fmt.Errorf("wallet: methods: %w", err)
	}
	sortMethods(out)
	return out, nil
}

// Method implements [Repository].
func (s *Mongo) Method(ctx context.Context, driverID, id string) (PaymentMethod, error) {
	var pm PaymentMethod
	err := s.methods.FindOne(ctx, bson.D{{Key: "_id", Value: methodDocID(driverID, id)}, {Key: "active", Value: true}}).Decode(&pm)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return pm, ErrNotFound
	}
	if err != nil {
		return pm, fmt.Errorf("wallet: method: %w", err)
	}
	return pm, nil
}

// UpdateMethod implements [Repository]. The update is a compare-and-set
// on the fields it read.
func (s *Mongo) UpdateMethod(ctx context.Context, driverID, id string, u MethodUpdate, now time.Time) (PaymentMethod, error) {
	pm, err := s.Method(ctx, driverID, id)
	if err != nil {
		return pm, err
	}
	if err := u.apply(&pm, now); err != nil {
		return PaymentMethod{}, err
	}
	if pm.Default {
		if err := s.clearDefault(ctx, driverID, id); err != nil {
			return PaymentMethod{}, err
		}
	}
	res, err := s.methods.UpdateOne(ctx, bson.D{{Key: "_id", Value: methodDocID(driverID, id)}, {Key: "active", Value: true}},
		bson.D{{Key: "$set", Value: bson.D{
			{Key: "card.exp_month", Value: pm.Card.ExpMonth}, {Key: "card.exp_year", Value: pm.Card.ExpYear},
			{Key: "label", Value: pm.Label}, {Key: "default", Value: pm.Default}, {Key: "updated_at", Value: pm.UpdatedAt},
		}}})
	if err != nil {
		return PaymentMethod{}, fmt.Errorf("wallet: update method: %w", err)
	}
	if res.MatchedCount == 0 {
		return PaymentMethod{}, ErrNotFound
	}
	return pm, nil
}

// DeleteMethod implements [Repository].
func (s *Mongo) DeleteMethod(ctx context.Context, driverID, id string, now time.Time) error {
	res, err := s.methods.UpdateOne(ctx, bson.D{{Key: "_id", Value: methodDocID(driverID, id)}, {Key: "active", Value: true}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "active", Value: false}, {Key: "default", Value: false}, {Key: "updated_at", Value: now.UTC()}}}})
	if err != nil {
		return fmt.Errorf("wallet: delete method: %w", err)
	}
	if res.MatchedCount == 0 {
		return ErrNotFound
	}
	return nil
}

// DeleteDriver implements [Repository].
func (s *Mongo) DeleteDriver(ctx context.Context, driverID string) error {
	f := bson.D{{Key: "driver", Value: driverID}}
	for _, c := range []*mongo.Collection{s.txs, s.methods, s.versions} {
		if _, err := c.DeleteMany(ctx, f); err != nil {
			return fmt.Errorf("wallet: delete: %w", err)
		}
	}
	return nil
}

// mongoMethod stores a payment method under a key of its own driver, so
// method ids are per driver as in the other backends.
type mongoMethod struct {
	Key           string `bson:"_id"`
	PaymentMethod `bson:",inline"`
}

func methodDocID(driver, id string) string { return driver + "\x00" + id }
