package subscription

import (
	"context"
	"fmt"
	"time"
)

// Plan is a subscription plan.
type Plan string

// Plans.
const (
	Basic   Plan = "basic"
	Premium Plan = "premium"
)

// Pricing of the premium plan (domain spec §8).
const (
	PriceCents = 2_000               // $20.00 AUD
	Period     = 30 * 24 * time.Hour // per 30 days
	Currency   = "AUD"
)

// Pending-payment limits (domain spec §7).
const (
	BasicPendingLimit   = 1
	PremiumPendingLimit = 3
)

// Benefits lists what premium adds, as the original's pricing endpoint.
func Benefits() []string {
	return []string{
		"3 pending payments instead of 1",
		"choose any available slot on the map",
		"custom pathfinding to the chosen slot",
	}
}

// Subscription is a driver's stored plan. The zero value (version 0) is
// the basic plan of a driver with nothing stored.
type Subscription struct {
	DriverID  string    `json:"-" bson:"driver"`
	Plan      Plan      `json:"subscription_plan" bson:"plan"`
	ExpiresAt time.Time `json:"expires_at,omitzero" bson:"expires_at"` // premium end; kept after a downgrade
	// Upgrade is the idempotency key of an upgrade in progress (its
	// wallet debit), "" when none.
	Upgrade string `json:"-" bson:"upgrade,omitempty"`
	// Version is the optimistic-concurrency counter: 0 before the first
	// Put, then 1, 2, …
	Version int64 `json:"-" bson:"n"`
}

// PremiumAt reports whether premium is active at now.
func (s Subscription) PremiumAt(now time.Time) bool {
	return s.Plan == Premium && now.Before(s.ExpiresAt)
}

func (s *Subscription) check() error {
	if s.DriverID == "" || len(s.DriverID) > 256 || (s.Plan != Basic && s.Plan != Premium) || len(s.Upgrade) > 128 || s.Version < 0 {
		return fmt.Errorf("%w: subscription", ErrInvalid)
	}
	return nil
}

// Repository stores subscriptions. Implementations are safe for
// concurrent use and pass subscriptiontest.Run.
type Repository interface {
	// Get returns the driver's subscription; a driver with none stored
	// gets {Plan: Basic, Version: 0}.
	Get(ctx context.Context, driverID string) (Subscription, error)
	// Put stores s if the stored version equals s.Version (0: nothing
	// stored) and returns the new version; otherwise [ErrConflict]. Of
	// concurrent Puts from one version exactly one succeeds.
	Put(ctx context.Context, s Subscription) (int64, error)
	// Delete removes the driver's subscription (account deletion).
	Delete(ctx context.Context, driverID string) error
}

func basic(driver string) Subscription { return Subscription{DriverID: driver, Plan: Basic} }
