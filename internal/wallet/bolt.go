package wallet

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	bbolt "go.etcd.io/bbolt"
)

// Bucket names of [Bolt].
const (
	boltWallets  = "wallet.accounts"   // driver id → Wallet
	boltTx       = "wallet.tx"         // tx id → Transaction
	boltTxDriver = "wallet.txbydriver" // lp(driver) + u64 seq → tx id
	boltMethods  = "wallet.methods"    // lp(driver) + method id → PaymentMethod
)

// Bolt is a [Repository] in a bbolt file. Every movement is decided and
// recorded in one read-write transaction, so it is atomic and durable.
// Create it with [NewBolt]; it is safe for concurrent use.
type Bolt struct{ db *bbolt.DB }

var _ Repository = (*Bolt)(nil)

// NewBolt returns a repository in db, creating its buckets. The caller
// keeps ownership of db.
func NewBolt(db *bbolt.DB) (*Bolt, error) {
	if db == nil {
		return nil, fmt.Errorf("%w: nil bolt database", ErrInvalid)
	}
	err := db.Update(func(tx *bbolt.Tx) error {
		for _, b := range []string{boltWallets, boltTx, boltTxDriver, boltMethods} {
			if _, err := tx.CreateBucketIfNotExists([]byte(b)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("wallet: bolt buckets: %w", err)
	}
	return &Bolt{db: db}, nil
}

// lp is a length-prefixed key part, so that prefixes never collide.
func lp(s string) []byte {
	b := binary.AppendUvarint(nil, uint64(len(s)))
	return append(b, s...)
}

func getJSON(b *bbolt.Bucket, k []byte, v any) (bool, error) {
	raw := b.Get(k)
	if raw == nil {
		return false, nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return false, fmt.Errorf("wallet: corrupt record: %w", err)
	}
	return true, nil
}

func putJSON(b *bbolt.Bucket, k []byte, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(k, raw)
}

// boltTxRec is a Transaction with its stored-only fields.
type boltTxRec struct {
	Transaction
	Driver string `json:"driver"`
	Key    string `json:"key"`
}

func (s *Bolt) update(ctx context.Context, fn func(*bbolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.Update(func(tx *bbolt.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		return ctx.Err() // never commit for a cancelled caller
	})
}

func (s *Bolt) view(ctx context.Context, fn func(*bbolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.View(fn)
}

func loadWallet(tx *bbolt.Tx, driver string) (Wallet, error) {
	w := Wallet{DriverID: driver, Currency: Currency}
	_, err := getJSON(tx.Bucket([]byte(boltWallets)), []byte(driver), &w)
	return w, err
}

func loadTx(tx *bbolt.Tx, id string) (Transaction, bool, error) {
	var r boltTxRec
	ok, err := getJSON(tx.Bucket([]byte(boltTx)), []byte(id), &r)
	t := r.Transaction
	t.DriverID, t.Key = r.Driver, r.Key
	return t, ok, err
}

func saveTx(tx *bbolt.Tx, t Transaction) error {
	return putJSON(tx.Bucket([]byte(boltTx)), []byte(t.ID), boltTxRec{Transaction: t, Driver: t.DriverID, Key: t.Key})
}

// Wallet implements [Repository].
func (s *Bolt) Wallet(ctx context.Context, driverID string) (w Wallet, err error) {
	err = s.view(ctx, func(tx *bbolt.Tx) error {
		w, err = loadWallet(tx, driverID)
		return err
	})
	return w, err
}

// Apply implements [Repository].
func (s *Bolt) Apply(ctx context.Context, m Movement) (Transaction, error) {
	t, err := m.check()
	if err != nil {
		return Transaction{}, err
	}
	var out Transaction
	var result error
	err = s.update(ctx, func(tx *bbolt.Tx) error {
		old, ok, err := loadTx(tx, t.ID)
		if err != nil {
			return err
		}
		if ok {
			if !old.sameRequest(&t) {
				return ErrKeyConflict
			}
			out, result = replayResult(old)
			return nil
		}
		w, err := loadWallet(tx, m.DriverID)
		if err != nil {
			return err
		}
		derr := decide(&w, &t, m.PendingLimit)
		if derr != nil && derr != ErrInsufficientFunds && derr != ErrPendingLimit {
			return derr
		}
		if derr == nil {
			if err := putJSON(tx.Bucket([]byte(boltWallets)), []byte(w.DriverID), w); err != nil {
				return err
			}
		}
		out, result = decided(t, derr), derr
		if derr != nil && m.ForgetRefusal {
			return nil
		}
		if err := saveTx(tx, out); err != nil {
			return err
		}
		idx := tx.Bucket([]byte(boltTxDriver))
		seq, err := idx.NextSequence()
		if err != nil {
			return err
		}
		return idx.Put(binary.BigEndian.AppendUint64(lp(t.DriverID), seq), []byte(t.ID))
	})
	if err != nil {
		return Transaction{}, err
	}
	return out, result
}

// Settle implements [Repository].
func (s *Bolt) Settle(ctx context.Context, st Settlement) (Transaction, error) {
	if err := st.check(); err != nil {
		return Transaction{}, err
	}
	var out Transaction
	var result error
	err := s.update(ctx, func(tx *bbolt.Tx) error {
		t, ok, err := loadTx(tx, st.TransactionID)
		if err != nil {
			return err
		}
		if !ok || t.DriverID != st.DriverID || !t.Deferred {
			return ErrNotPending
		}
		switch t.Status {
		case StatusCompleted:
			out = t
			out.Replayed = true
			return nil
		case StatusPending:
		default:
			return ErrNotPending
		}
		w, err := loadWallet(tx, st.DriverID)
		if err != nil {
			return err
		}
		if st.Method == MethodWallet {
			if w.BalanceCents < t.AmountCents {
				out, result = t, ErrInsufficientFunds
				return nil
			}
			w.BalanceCents -= t.AmountCents
		}
		w.PendingCount--
		w.UpdatedAt = st.Now.UTC()
		if err := putJSON(tx.Bucket([]byte(boltWallets)), []byte(w.DriverID), w); err != nil {
			return err
		}
		out = settled(t, st)
		return saveTx(tx, out)
	})
	if err != nil {
		return Transaction{}, err
	}
	return out, result
}

// Transaction implements [Repository].
func (s *Bolt) Transaction(ctx context.Context, driverID, id string) (out Transaction, err error) {
	err = s.view(ctx, func(tx *bbolt.Tx) error {
		t, ok, err := loadTx(tx, id)
		if err != nil {
			return err
		}
		if !ok || t.DriverID != driverID {
			return ErrNotFound
		}
		out = t
		return nil
	})
	return out, err
}

// Transactions implements [Repository].
func (s *Bolt) Transactions(ctx context.Context, driverID string, q Query) ([]Transaction, error) {
	q, err := q.norm()
	if err != nil {
		return nil, err
	}
	var all []Transaction
	err = s.view(ctx, func(tx *bbolt.Tx) error {
		prefix := lp(driverID)
		c := tx.Bucket([]byte(boltTxDriver)).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			t, ok, err := loadTx(tx, string(v))
			if err != nil {
				return err
			}
			if ok && q.match(&t) {
				all = append(all, t)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sortNewest(all)
	return page(all, q), nil
}

func methodKey(driver, id string) []byte { return append(lp(driver), id...) }

func (s *Bolt) methods(tx *bbolt.Tx, driver string) ([]PaymentMethod, error) {
	var out []PaymentMethod
	prefix := lp(driver)
	c := tx.Bucket([]byte(boltMethods)).Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		var pm PaymentMethod
		if err := json.Unmarshal(v, &pm); err != nil {
			return nil, fmt.Errorf("wallet: corrupt payment method: %w", err)
		}
		pm.DriverID = driver
		out = append(out, pm)
	}
	return out, nil
}

func putMethod(tx *bbolt.Tx, pm PaymentMethod) error {
	return putJSON(tx.Bucket([]byte(boltMethods)), methodKey(pm.DriverID, pm.ID), pm)
}

// AddMethod implements [Repository].
func (s *Bolt) AddMethod(ctx context.Context, pm PaymentMethod) error {
	if err := pm.check(); err != nil {
		return err
	}
	pm.Active = true
	return s.update(ctx, func(tx *bbolt.Tx) error {
		if tx.Bucket([]byte(boltMethods)).Get(methodKey(pm.DriverID, pm.ID)) != nil {
			return fmt.Errorf("%w: duplicate payment method id", ErrInvalid)
		}
		if pm.Default {
			if err := s.clearDefault(tx, pm.DriverID); err != nil {
				return err
			}
		}
		return putMethod(tx, pm)
	})
}

func (s *Bolt) clearDefault(tx *bbolt.Tx, driver string) error {
	all, err := s.methods(tx, driver)
	if err != nil {
		return err
	}
	for _, o := range all {
		if o.Default {
			o.Default = false
			if err := putMethod(tx, o); err != nil {
				return err
			}
		}
	}
	return nil
}

// Methods implements [Repository].
func (s *Bolt) Methods(ctx context.Context, driverID string) ([]PaymentMethod, error) {
	out := []PaymentMethod{}
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		all, err := s.methods(tx, driverID)
		for _, pm := range all {
			if pm.Active {
				out = append(out, pm)
			}
		}
		return err
	})
	sortMethods(out)
	return out, err
}

func (s *Bolt) method(tx *bbolt.Tx, driverID, id string) (PaymentMethod, error) {
	var pm PaymentMethod
	ok, err := getJSON(tx.Bucket([]byte(boltMethods)), methodKey(driverID, id), &pm)
	if err != nil {
		return pm, err
	}
	if !ok || !pm.Active {
		return pm, ErrNotFound
	}
	pm.DriverID = driverID
	return pm, nil
}

// Method implements [Repository].
func (s *Bolt) Method(ctx context.Context, driverID, id string) (pm PaymentMethod, err error) {
	err = s.view(ctx, func(tx *bbolt.Tx) error {
		pm, err = s.method(tx, driverID, id)
		return err
	})
	return pm, err
}

// UpdateMethod implements [Repository].
func (s *Bolt) UpdateMethod(ctx context.Context, driverID, id string, u MethodUpdate, now time.Time) (pm PaymentMethod, err error) {
	err = s.update(ctx, func(tx *bbolt.Tx) error {
		pm, err = s.method(tx, driverID, id)
		if err != nil {
			return err
		}
		if err := u.apply(&pm, now); err != nil {
			return err
		}
		if pm.Default {
			if err := s.clearDefault(tx, driverID); err != nil {
				return err
			}
		}
		return putMethod(tx, pm)
	})
	return pm, err
}

// DeleteMethod implements [Repository].
func (s *Bolt) DeleteMethod(ctx context.Context, driverID, id string, now time.Time) error {
	return s.update(ctx, func(tx *bbolt.Tx) error {
		pm, err := s.method(tx, driverID, id)
		if err != nil {
			return err
		}
		pm.Active, pm.Default, pm.UpdatedAt = false, false, now.UTC()
		return putMethod(tx, pm)
	})
}

// DeleteDriver implements [Repository].
func (s *Bolt) DeleteDriver(ctx context.Context, driverID string) error {
	return s.update(ctx, func(tx *bbolt.Tx) error {
		prefix := lp(driverID)
		for _, name := range []string{boltTxDriver, boltMethods} {
			b := tx.Bucket([]byte(name))
			var keys, vals [][]byte
			c := b.Cursor()
			for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
				keys, vals = append(keys, bytes.Clone(k)), append(vals, bytes.Clone(v))
			}
			for i, k := range keys {
				if name == boltTxDriver {
					if err := tx.Bucket([]byte(boltTx)).Delete(vals[i]); err != nil {
						return err
					}
				}
				if err := b.Delete(k); err != nil {
					return err
				}
			}
		}
		return tx.Bucket([]byte(boltWallets)).Delete([]byte(driverID))
	})
}
