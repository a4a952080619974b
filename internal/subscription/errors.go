package subscription

import "errors"

var (
	// ErrConflict reports a [Repository.Put] whose version is not the
	// stored one: someone else changed the subscription first.
	ErrConflict = errors.New("subscription: version conflict")
	// ErrAlreadyPremium reports an upgrade while premium is active (there
	// is no renewal while active, as the original).
	ErrAlreadyPremium = errors.New("subscription: premium is already active")
	// ErrInsufficientFunds reports a wallet below the price ("Insufficient
	// wallet balance. Need $20.00").
	ErrInsufficientFunds = errors.New("subscription: insufficient wallet balance")
	// ErrInvalid reports a malformed subscription or configuration.
	ErrInvalid = errors.New("subscription: invalid")
	// ErrBusy reports an upgrade that kept losing races to other changes
	// of the same subscription.
	ErrBusy = errors.New("subscription: too many concurrent changes")
)
