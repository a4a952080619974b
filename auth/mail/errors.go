package mail

import "errors"

var (
	// ErrHeaderInjection is returned for an address or subject containing
	// CR, LF or another control character, or an address that does not
	// parse as one RFC 5322 address.
	ErrHeaderInjection = errors.New("mail: invalid address or header value")

	// ErrNoStartTLS is returned when the server does not offer STARTTLS:
	// the message is not sent in clear.
	ErrNoStartTLS = errors.New("mail: server does not offer STARTTLS")

	// ErrInvalidConfig is returned by [NewSMTP] and [NewOutbox] for
	// unusable settings.
	ErrInvalidConfig = errors.New("mail: invalid configuration")
)
