package app

import (
	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/cryptofield"
)

// emailProtector is the server's [auth.EmailProtector]: the cryptofield
// blind index ("email" field, its email normaliser) is the lookup key,
// and the AEAD key ring seals the address bound to the user id and the
// field, so a sealed address copied to another user's record does not
// open. Both are safe for concurrent use, and so is it.
type emailProtector struct {
	ring  *cryptofield.Keyring
	index *cryptofield.BlindIndex
}

var _ auth.EmailProtector = emailProtector{}

func emailAD(userID string) []byte {
	return cryptofield.AssociatedData("user", userID, "email")
}

// Index implements [auth.EmailProtector].
func (p emailProtector) Index(email string) string { return p.index.Email(email) }

// Seal implements [auth.EmailProtector].
func (p emailProtector) Seal(userID, email string) (string, error) {
	return p.ring.EncryptString(email, emailAD(userID))
}

// Open implements [auth.EmailProtector].
func (p emailProtector) Open(userID, sealed string) (string, error) {
	return p.ring.DecryptString(sealed, emailAD(userID))
}
