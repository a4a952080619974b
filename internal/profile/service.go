package profile

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/autospot/autospot/cryptofield"
)

// Field names used in associated data.
const (
	FieldPhone        = "phone"
	FieldAddress      = "address"
	FieldLicencePlate = "licence_plate"
)

// Service encrypts and decrypts profiles around a [Store]. It is safe for
// concurrent use once configured.
type Service struct {
	store  Store
	ring   *cryptofield.Keyring
	index  *cryptofield.BlindIndex
	legacy *cryptofield.Fernet
	now    func() time.Time
}

// WithLegacyFernet lets Get read fields the seed's Python stack stored as
// Fernet tokens (its FieldEncryption); the next Put stores them under the
// AEAD key ring. It returns s.
func (s *Service) WithLegacyFernet(f *cryptofield.Fernet) *Service {
	s.legacy = f
	return s
}

// NewService returns a Service. store and ring are required; index may be
// nil (no phone index); now defaults to time.Now.
func NewService(store Store, ring *cryptofield.Keyring, index *cryptofield.BlindIndex, now func() time.Time) (*Service, error) {
	if store == nil || ring == nil {
		return nil, errors.New("profile: store and keyring are required")
	}
	if now == nil {
		now = time.Now
	}
	return &Service{store: store, ring: ring, index: index, now: now}, nil
}

func ad(userID, field string) []byte {
	return cryptofield.AssociatedData("profile", userID, field)
}

// Get returns the decrypted profile of userID; a user without a record
// has an empty profile.
func (s *Service) Get(ctx context.Context, userID string) (Profile, error) {
	r, err := s.store.Get(ctx, userID)
	if errors.Is(err, ErrNotFound) {
		return Profile{}, nil
	}
	if err != nil {
		return Profile{}, err
	}
	var p Profile
	for _, f := range []struct {
		name string
		ct   string
		dst  *string
	}{{FieldPhone, r.Phone, &p.Phone}, {FieldAddress, r.Address, &p.Address}, {FieldLicencePlate, r.LicencePlate, &p.LicencePlate}} {
		if f.ct == "" {
			continue
		}
		var (
			v   string
			err error
		)
		if s.legacy != nil && cryptofield.IsFernetToken(f.ct) {
			v, err = s.legacy.DecryptString(f.ct)
		} else {
			v, err = s.ring.DecryptString(f.ct, ad(userID, f.name))
		}
		if err != nil {
			return Profile{}, fmt.Errorf("profile: decrypt %s: %w", f.name, err)
		}
		*f.dst = v
	}
	return p, nil
}

// Put encrypts p and stores it as the profile of userID.
func (s *Service) Put(ctx context.Context, userID string, p Profile) error {
	r := Record{UserID: userID, UpdatedAt: s.now().UTC()}
	for _, f := range []struct {
		name string
		pt   string
		dst  *string
	}{{FieldPhone, p.Phone, &r.Phone}, {FieldAddress, p.Address, &r.Address}, {FieldLicencePlate, p.LicencePlate, &r.LicencePlate}} {
		if f.pt == "" {
			continue
		}
		ct, err := s.ring.EncryptString(f.pt, ad(userID, f.name))
		if err != nil {
			return fmt.Errorf("profile: encrypt %s: %w", f.name, err)
		}
		*f.dst = ct
	}
	if p.Phone != "" && s.index != nil {
		r.PhoneIndex = s.index.Phone(p.Phone)
	}
	return s.store.Put(ctx, r)
}

// Delete removes the profile of userID.
func (s *Service) Delete(ctx context.Context, userID string) error {
	return s.store.Delete(ctx, userID)
}
