package subscription

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/autospot/autospot/internal/wallet"
)

// Service applies the plan rules: status with downgrade on expiry, the
// pending-payment limit, and upgrades paid from the wallet. Create it
// with [New]; it is safe for concurrent use.
type Service struct {
	subs    Repository
	wallets wallet.Repository
	now     func() time.Time
}

// Option configures a [Service].
type Option func(*Service) error

// WithClock sets the clock (default time.Now).
func WithClock(now func() time.Time) Option {
	return func(s *Service) error {
		if now == nil {
			return fmt.Errorf("%w: nil clock", ErrInvalid)
		}
		s.now = now
		return nil
	}
}

// New returns a Service over the two repositories.
func New(subs Repository, wallets wallet.Repository, opts ...Option) (*Service, error) {
	if subs == nil || wallets == nil {
		return nil, fmt.Errorf("%w: nil repository", ErrInvalid)
	}
	s := &Service{subs: subs, wallets: wallets, now: time.Now}
	for _, o := range opts {
		if err := o(s); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Status is a driver's plan as the status endpoint reports it.
type Status struct {
	Plan          Plan       `json:"subscription_plan"`
	Status        string     `json:"status"` // "active" or "expired"
	ExpiresAt     *time.Time `json:"expires_at"`
	DaysRemaining *int       `json:"days_remaining"`
}

const maxTries = 8

// Status returns the driver's plan. An expired premium is reported as
// expired once and stored as basic (domain spec §8).
func (s *Service) Status(ctx context.Context, driverID string) (Status, error) {
	now := s.now()
	sub, err := s.subs.Get(ctx, driverID)
	if err != nil {
		return Status{}, err
	}
	switch {
	case sub.PremiumAt(now):
		exp := sub.ExpiresAt
		days := int(exp.Sub(now) / (24 * time.Hour))
		return Status{Plan: Premium, Status: "active", ExpiresAt: &exp, DaysRemaining: &days}, nil
	case sub.Plan == Premium:
		sub.Plan = Basic
		if _, err := s.subs.Put(ctx, sub); err != nil && !errors.Is(err, ErrConflict) {
			return Status{}, err
		}
		exp := sub.ExpiresAt
		return Status{Plan: Basic, Status: "expired", ExpiresAt: &exp}, nil
	}
	return Status{Plan: Basic, Status: "active"}, nil
}

// Premium reports whether the driver's premium plan is active now.
func (s *Service) Premium(ctx context.Context, driverID string) (bool, error) {
	sub, err := s.subs.Get(ctx, driverID)
	if err != nil {
		return false, err
	}
	return sub.PremiumAt(s.now()), nil
}

// PendingLimit is the driver's limit of pending payments: 3 with active
// premium, else 1.
func (s *Service) PendingLimit(ctx context.Context, driverID string) (int, error) {
	p, err := s.Premium(ctx, driverID)
	if err != nil {
		return 0, err
	}
	if p {
		return PremiumPendingLimit, nil
	}
	return BasicPendingLimit, nil
}

// Upgrade buys 30 days of premium for [PriceCents] from the wallet.
//
// The upgrade is first reserved in the subscription (a compare-and-set
// that stores a fresh idempotency key), then paid through the wallet's
// atomic, idempotent debit with that key, then completed (another
// compare-and-set). Concurrent upgrades of one driver adopt the same
// reservation, so the wallet is debited once; a process that dies between
// the steps leaves a reservation that the next upgrade completes with the
// same key, never paying twice. Errors: [ErrAlreadyPremium],
// [ErrInsufficientFunds] (the reservation is released), [ErrBusy].
func (s *Service) Upgrade(ctx context.Context, driverID string) (Subscription, wallet.Transaction, error) {
	for try := 0; try < maxTries; try++ {
		now := s.now()
		sub, err := s.subs.Get(ctx, driverID)
		if err != nil {
			return Subscription{}, wallet.Transaction{}, err
		}
		if sub.PremiumAt(now) {
			return sub, wallet.Transaction{}, ErrAlreadyPremium
		}
		if sub.Upgrade == "" {
			sub.Upgrade = fmt.Sprintf("subscription-upgrade-%d", sub.Version+1)
			v, err := s.subs.Put(ctx, sub)
			if errors.Is(err, ErrConflict) {
				continue
			}
			if err != nil {
				return Subscription{}, wallet.Transaction{}, err
			}
			sub.Version = v
		}
		tx, err := s.wallets.Apply(ctx, wallet.Movement{
			DriverID: driverID, Key: sub.Upgrade, Kind: wallet.KindSubscription, AmountCents: PriceCents,
			Description: "Premium subscription (30 days)", Now: now,
		})
		if errors.Is(err, wallet.ErrInsufficientFunds) {
			sub.Upgrade = ""
			if _, perr := s.subs.Put(ctx, sub); perr != nil && !errors.Is(perr, ErrConflict) {
				return Subscription{}, tx, perr
			}
			return Subscription{}, tx, ErrInsufficientFunds
		}
		if err != nil {
			return Subscription{}, tx, err
		}
		paidAt := tx.CreatedAt
		next := Subscription{DriverID: driverID, Plan: Premium, ExpiresAt: paidAt.Add(Period), Version: sub.Version}
		v, err := s.subs.Put(ctx, next)
		if errors.Is(err, ErrConflict) {
			// A concurrent upgrade with the same reservation completed it.
			cur, gerr := s.subs.Get(ctx, driverID)
			if gerr == nil && cur.PremiumAt(now) {
				tx.Replayed = true
				return cur, tx, nil
			}
			continue
		}
		if err != nil {
			return Subscription{}, tx, err
		}
		next.Version = v
		return next, tx, nil
	}
	return Subscription{}, wallet.Transaction{}, ErrBusy
}
