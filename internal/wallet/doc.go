// Package wallet keeps AutoSpot drivers' money: balances, top-ups,
// parking and subscription payments, pay-later (pending) payments and
// saved cards. Every amount is an integer number of cents.
//
// # Movements
//
// A [Movement] is identified by (driver, idempotency key). [Repository.Apply]
// decides and records it in one atomic step: a debit never takes a
// balance below zero ([ErrInsufficientFunds]), a deferred payment never
// exceeds the pending limit ([ErrPendingLimit]), and applying the same
// movement again — a client retry, or concurrent duplicates — returns the
// first record ([Transaction.Replayed]) without moving money twice. The
// transaction id is [TransactionID] (a hash of driver and key). A refused
// movement is recorded as failed and stays refused on replay, unless
// [Movement.ForgetRefusal] is set: then the refusal is returned but not
// recorded, and the key may be applied again later (a pay-later refused
// at the limit may succeed once a pending payment is settled).
// [Repository.Settle] pays a pending payment once, from the wallet (a
// conditional debit) or by card.
//
// # Backends
//
// [Memory] (tests, one process), [Bolt] (bbolt: one read-write
// transaction per movement) and [Mongo] (MongoDB or FerretDB v1: a chain
// of immutable wallet versions, ledger entry first; see [Mongo] for the
// design) all pass wallettest.Run, which includes 200 concurrent payments
// against one wallet.
//
// # Cards
//
// [ValidateCard] applies the original's rules (Luhn, brand prefixes and
// lengths, CVV, expiry) and returns only what may be stored ([Card]: brand,
// last four digits, expiry, holder). Card numbers and CVVs are never
// stored and belong in request bodies, never in URLs. [CardMessage] gives
// the original's user-facing messages.
//
// All types are safe for concurrent use.
package wallet
