package wallet

import "errors"

var (
	// ErrInvalid reports a malformed movement, settlement or payment
	// method (empty driver or key, amount out of range, unknown kind).
	ErrInvalid = errors.New("wallet: invalid request")
	// ErrInsufficientFunds reports a debit larger than the balance. The
	// balance is unchanged.
	ErrInsufficientFunds = errors.New("wallet: insufficient balance")
	// ErrPendingLimit reports a pay-later over the driver's limit of
	// pending payments (1 basic, 3 premium).
	ErrPendingLimit = errors.New("wallet: too many pending payments")
	// ErrKeyConflict reports an idempotency key reused for a different
	// movement (other kind, amount or deferral).
	ErrKeyConflict = errors.New("wallet: idempotency key reused for a different movement")
	// ErrNotFound reports an unknown transaction or payment method, or one
	// that belongs to another driver (the two are not told apart).
	ErrNotFound = errors.New("wallet: not found")
	// ErrNotPending reports a settlement of a transaction that is not a
	// pending payment ("Pending transaction not found").
	ErrNotPending = errors.New("wallet: pending transaction not found")
	// ErrCardDetails reports a card without number, expiry, CVV or holder.
	ErrCardDetails = errors.New("wallet: card details required")
	// ErrCardDigits reports a card number with characters other than
	// digits, spaces and hyphens.
	ErrCardDigits = errors.New("wallet: card number must contain only digits")
	// ErrCardInvalid reports a card failing the length, brand or Luhn
	// checks.
	ErrCardInvalid = errors.New("wallet: invalid card")
	// ErrCardExpired reports a malformed or past expiry.
	ErrCardExpired = errors.New("wallet: card has expired")
	// ErrCVV reports a CVV that is not 3 or 4 digits.
	ErrCVV = errors.New("wallet: CVV must be 3 or 4 digits")
	// ErrHolder reports a cardholder name that is empty, longer than 100
	// characters or holds control characters.
	ErrHolder = errors.New("wallet: cardholder name must be 1 to 100 characters")
)

// ErrContention reports a MongoDB decision that lost the race for the
// next wallet version [MaxAttempts] times.
var ErrContention = errors.New("wallet: too much contention on one wallet")

// CardMessage returns the original application's user-facing message for
// a card validation error (domain spec §7), or "" for other errors.
func CardMessage(err error) string {
	switch {
	case errors.Is(err, ErrCardDetails):
		return "Card details required: card number, expiry month, expiry year, CVV and cardholder name"
	case errors.Is(err, ErrCardDigits):
		return "Card number must contain only digits"
	case errors.Is(err, ErrCardInvalid):
		return "Invalid card, please check you have entered the correct details."
	case errors.Is(err, ErrCardExpired):
		return "Card has expired. Please use a valid card."
	case errors.Is(err, ErrCVV):
		return "CVV must be 3 or 4 digits"
	case errors.Is(err, ErrHolder):
		return "Cardholder name must be 1 to 100 characters"
	}
	return ""
}
