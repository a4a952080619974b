package wallet

import (
	"context"
	"time"
)

// Repository stores wallets, transactions and payment methods. Every
// implementation is safe for concurrent use and passes
// wallettest.Run. Atomicity guarantees:
//
//   - [Repository.Apply] decides and records a movement in one atomic
//     step: a debit never takes the balance below zero, a deferred
//     payment never exceeds the pending limit, and a (driver, key) pair
//     moves money at most once however often and however concurrently it
//     is applied.
//   - [Repository.Settle] pays a pending payment at most once.
type Repository interface {
	// Wallet returns the driver's wallet; a driver without one has a zero
	// balance in [Currency].
	Wallet(ctx context.Context, driverID string) (Wallet, error)
	// Apply applies and records a movement. The returned transaction is
	// completed, pending (deferred) or failed; a failed one comes with
	// [ErrInsufficientFunds] or [ErrPendingLimit]. Applying a movement
	// whose (driver, key) is already recorded returns the stored record
	// with Replayed set (and its original error), or [ErrKeyConflict]
	// when the kind, amount or deferral differ. Invalid movements are
	// [ErrInvalid].
	Apply(ctx context.Context, m Movement) (Transaction, error)
	// Settle completes one of the driver's pending payments from the
	// wallet (a conditional debit: [ErrInsufficientFunds] leaves it
	// pending) or by card. A transaction that is not the driver's, or not
	// a payment that was deferred, is [ErrNotPending]; one already settled
	// is returned with Replayed set.
	Settle(ctx context.Context, s Settlement) (Transaction, error)
	// Transaction returns one of the driver's transactions, or
	// [ErrNotFound] (also when it belongs to another driver).
	Transaction(ctx context.Context, driverID, id string) (Transaction, error)
	// Transactions lists the driver's transactions newest first.
	Transactions(ctx context.Context, driverID string, q Query) ([]Transaction, error)

	// AddMethod saves a payment method; when it is the default, the
	// driver's other methods stop being default.
	AddMethod(ctx context.Context, pm PaymentMethod) error
	// Methods lists the driver's active methods, oldest first.
	Methods(ctx context.Context, driverID string) ([]PaymentMethod, error)
	// Method returns one of the driver's active methods, or [ErrNotFound].
	Method(ctx context.Context, driverID, id string) (PaymentMethod, error)
	// UpdateMethod changes one of the driver's active methods.
	UpdateMethod(ctx context.Context, driverID, id string, u MethodUpdate, now time.Time) (PaymentMethod, error)
	// DeleteMethod deactivates one of the driver's methods (soft delete).
	DeleteMethod(ctx context.Context, driverID, id string, now time.Time) error
	// DeleteDriver removes the driver's wallet, transactions and payment
	// methods (account deletion).
	DeleteDriver(ctx context.Context, driverID string) error
}
