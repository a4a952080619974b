package wallet

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
	"time"
)

// Memory is an in-process [Repository] for tests and single-process use.
// Create it with [NewMemory]; it is safe for concurrent use.
type Memory struct {
	mu      sync.Mutex
	wallets map[string]*Wallet
	txs     map[string]*Transaction // by id
	order   map[string][]string     // driver → tx ids, oldest first
	methods map[string][]*PaymentMethod
}

var _ Repository = (*Memory)(nil)

// NewMemory returns an empty repository.
func NewMemory() *Memory {
	return &Memory{
		wallets: map[string]*Wallet{}, txs: map[string]*Transaction{},
		order: map[string][]string{}, methods: map[string][]*PaymentMethod{},
	}
}

func (s *Memory) wallet(driver string) *Wallet {
	w := s.wallets[driver]
	if w == nil {
		w = &Wallet{DriverID: driver, Currency: Currency}
		s.wallets[driver] = w
	}
	return w
}

// Wallet implements [Repository].
func (s *Memory) Wallet(ctx context.Context, driverID string) (Wallet, error) {
	if err := ctx.Err(); err != nil {
		return Wallet{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if w := s.wallets[driverID]; w != nil {
		return *w, nil
	}
	return Wallet{DriverID: driverID, Currency: Currency}, nil
}

// decide applies t's movement to w, or says why it cannot.
func decide(w *Wallet, t *Transaction, limit int) error {
	switch d := t.delta(); {
	case t.Deferred:
		if w.PendingCount >= limit {
			return ErrPendingLimit
		}
		w.PendingCount++
	case d < 0 && w.BalanceCents < -d:
		return ErrInsufficientFunds
	case d > 0 && w.BalanceCents+d > MaxBalanceCents:
		return fmt.Errorf("%w: balance would exceed the maximum", ErrInvalid)
	default:
		w.BalanceCents += d
	}
	w.UpdatedAt = t.CreatedAt
	return nil
}

// Apply implements [Repository].
func (s *Memory) Apply(ctx context.Context, m Movement) (Transaction, error) {
	t, err := m.check()
	if err != nil {
		return Transaction{}, err
	}
	if err := ctx.Err(); err != nil {
		return Transaction{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.txs[t.ID]; ok {
		if !old.sameRequest(&t) {
			return Transaction{}, ErrKeyConflict
		}
		return replayResult(*old)
	}
	derr := decide(s.wallet(m.DriverID), &t, m.PendingLimit)
	if derr != nil && derr != ErrInsufficientFunds && derr != ErrPendingLimit {
		return Transaction{}, derr
	}
	t = decided(t, derr)
	if derr != nil && m.ForgetRefusal {
		return t, derr
	}
	s.txs[t.ID] = &t
	s.order[t.DriverID] = append(s.order[t.DriverID], t.ID)
	return t, derr
}

// Settle implements [Repository].
func (s *Memory) Settle(ctx context.Context, st Settlement) (Transaction, error) {
	if err := st.check(); err != nil {
		return Transaction{}, err
	}
	if err := ctx.Err(); err != nil {
		return Transaction{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.txs[st.TransactionID]
	if !ok || t.DriverID != st.DriverID || !t.Deferred {
		return Transaction{}, ErrNotPending
	}
	switch t.Status {
	case StatusCompleted:
		r := *t
		r.Replayed = true
		return r, nil
	case StatusPending:
	default:
		return Transaction{}, ErrNotPending
	}
	w := s.wallet(st.DriverID)
	if st.Method == MethodWallet {
		if w.BalanceCents < t.AmountCents {
			return *t, ErrInsufficientFunds
		}
		w.BalanceCents -= t.AmountCents
	}
	w.PendingCount--
	w.UpdatedAt = st.Now.UTC()
	*t = settled(*t, st)
	return *t, nil
}

// Transaction implements [Repository].
func (s *Memory) Transaction(ctx context.Context, driverID, id string) (Transaction, error) {
	if err := ctx.Err(); err != nil {
		return Transaction{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.txs[id]
	if !ok || t.DriverID != driverID {
		return Transaction{}, ErrNotFound
	}
	return *t, nil
}

// Transactions implements [Repository].
func (s *Memory) Transactions(ctx context.Context, driverID string, q Query) ([]Transaction, error) {
	q, err := q.norm()
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var all []Transaction
	for _, id := range s.order[driverID] {
		if t := s.txs[id]; q.match(t) {
			all = append(all, *t)
		}
	}
	sortNewest(all)
	return page(all, q), nil
}

func (q Query) match(t *Transaction) bool {
	return (q.Status == "" || t.Status == q.Status) && (q.Kind == "" || t.Kind == q.Kind)
}

func sortNewest(ts []Transaction) {
	slices.SortStableFunc(ts, func(a, b Transaction) int {
		if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
			return c
		}
		return cmp.Compare(b.ID, a.ID)
	})
}

func page(ts []Transaction, q Query) []Transaction {
	if q.Offset >= len(ts) {
		return []Transaction{}
	}
	ts = ts[q.Offset:]
	if len(ts) > q.Limit {
		ts = ts[:q.Limit]
	}
	return ts
}

// AddMethod implements [Repository].
func (s *Memory) AddMethod(ctx context.Context, pm PaymentMethod) error {
	if err := pm.check(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, o := range s.methods[pm.DriverID] {
		if o.ID == pm.ID {
			return fmt.Errorf("%w: duplicate payment method id", ErrInvalid)
		}
		if pm.Default {
			o.Default = false
		}
	}
	pm.Active = true
	s.methods[pm.DriverID] = append(s.methods[pm.DriverID], &pm)
	return nil
}

// Methods implements [Repository].
func (s *Memory) Methods(ctx context.Context, driverID string) ([]PaymentMethod, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []PaymentMethod{}
	for _, pm := range s.methods[driverID] {
		if pm.Active {
			out = append(out, *pm)
		}
	}
	return out, nil
}

func (s *Memory) find(driverID, id string) *PaymentMethod {
	for _, pm := range s.methods[driverID] {
		if pm.ID == id && pm.Active {
			return pm
		}
	}
	return nil
}

// Method implements [Repository].
func (s *Memory) Method(ctx context.Context, driverID, id string) (PaymentMethod, error) {
	if err := ctx.Err(); err != nil {
		return PaymentMethod{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if pm := s.find(driverID, id); pm != nil {
		return *pm, nil
	}
	return PaymentMethod{}, ErrNotFound
}

// UpdateMethod implements [Repository].
func (s *Memory) UpdateMethod(ctx context.Context, driverID, id string, u MethodUpdate, now time.Time) (PaymentMethod, error) {
	if err := ctx.Err(); err != nil {
		return PaymentMethod{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	pm := s.find(driverID, id)
	if pm == nil {
		return PaymentMethod{}, ErrNotFound
	}
	c := *pm
	if err := u.apply(&c, now); err != nil {
		return PaymentMethod{}, err
	}
	if c.Default {
		for _, o := range s.methods[driverID] {
			o.Default = false
		}
	}
	*pm = c
	return c, nil
}

// DeleteMethod implements [Repository].
func (s *Memory) DeleteMethod(ctx context.Context, driverID, id string, now time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	pm := s.find(driverID, id)
	if pm == nil {
		return ErrNotFound
	}
	pm.Active, pm.Default, pm.UpdatedAt = false, false, now.UTC()
	return nil
}

func sortMethods(ms []PaymentMethod) {
	slices.SortStableFunc(ms, func(a, b PaymentMethod) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
}

// DeleteDriver implements [Repository].
func (s *Memory) DeleteDriver(ctx context.Context, driverID string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range s.order[driverID] {
		delete(s.txs, id)
	}
	delete(s.order, driverID)
	delete(s.wallets, driverID)
	delete(s.methods, driverID)
	return nil
}
