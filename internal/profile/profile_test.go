package profile_test

import (
	"context"
	"encoding/base64"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/autospot/autospot/cryptofield"
	"github.com/autospot/autospot/internal/profile"
)

func keyring(t *testing.T, ids ...uint32) *cryptofield.Keyring {
	t.Helper()
	var keys []cryptofield.AEADKey
	for _, id := range ids {
		k, err := cryptofield.GenerateAEADKey(id)
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k)
	}
	r, err := cryptofield.NewKeyring(keys)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func stores(t *testing.T) map[string]profile.Store {
	b, err := profile.OpenBolt(filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Close() })
	return map[string]profile.Store{"memory": profile.NewMemoryStore(), "bolt": b}
}

var alice = profile.Profile{Phone: "+61 400 000 001", Address: "1 Collins St", LicencePlate: "ABC-123"}

func TestRoundTripAndCiphertextAtRest(t *testing.T) {
	for name, st := range stores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			svc, err := profile.NewService(st, keyring(t, 1), nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			if p, err := svc.Get(ctx, "u1"); err != nil || p != (profile.Profile{}) {
				t.Fatalf("empty profile: %+v %v", p, err)
			}
			if err := svc.Put(ctx, "u1", alice); err != nil {
				t.Fatal(err)
			}
			got, err := svc.Get(ctx, "u1")
			if err != nil || got != alice {
				t.Fatalf("got %+v %v", got, err)
			}
			rec, _ := st.Get(ctx, "u1")
			for _, plain := range []string{alice.Phone, alice.Address, alice.LicencePlate} {
				if strings.Contains(rec.Phone+rec.Address+rec.LicencePlate, plain) {
					t.Errorf("%q stored in plaintext", plain)
				}
			}
			if err := svc.Delete(ctx, "u1"); err != nil {
				t.Fatal(err)
			}
			if _, err := st.Get(ctx, "u1"); !errors.Is(err, profile.ErrNotFound) {
				t.Errorf("after delete: %v", err)
			}
		})
	}
}

// TestAssociatedDataBindsUserAndField: a ciphertext moved to another user
// or another field does not decrypt.
func TestAssociatedDataBindsUserAndField(t *testing.T) {
	ctx := context.Background()
	st := profile.NewMemoryStore()
	svc, _ := profile.NewService(st, keyring(t, 1), nil, nil)
	_ = svc.Put(ctx, "alice", alice)
	_ = svc.Put(ctx, "mallory", profile.Profile{LicencePlate: "MAL-001"})
	a, _ := st.Get(ctx, "alice")
	m, _ := st.Get(ctx, "mallory")

	m.LicencePlate = a.LicencePlate // another user's ciphertext
	_ = st.Put(ctx, m)
	if _, err := svc.Get(ctx, "mallory"); !errors.Is(err, cryptofield.ErrDecrypt) {
		t.Errorf("cross-user ciphertext: %v", err)
	}
	a.Address = a.Phone // another field's ciphertext
	_ = st.Put(ctx, a)
	if _, err := svc.Get(ctx, "alice"); !errors.Is(err, cryptofield.ErrDecrypt) {
		t.Errorf("cross-field ciphertext: %v", err)
	}
}

// TestKeyRotation: records written under an old key read after a new key
// is put first, and are rewritten under it.
func TestKeyRotation(t *testing.T) {
	ctx := context.Background()
	st := profile.NewMemoryStore()
	k1, _ := cryptofield.GenerateAEADKey(1)
	k2, _ := cryptofield.GenerateAEADKey(2)
	old, _ := cryptofield.NewKeyring([]cryptofield.AEADKey{k1})
	both, _ := cryptofield.NewKeyring([]cryptofield.AEADKey{k2, k1})
	s1, _ := profile.NewService(st, old, nil, nil)
	_ = s1.Put(ctx, "u", alice)
	s2, _ := profile.NewService(st, both, nil, nil)
	p, err := s2.Get(ctx, "u")
	if err != nil || p != alice {
		t.Fatalf("%+v %v", p, err)
	}
	_ = s2.Put(ctx, "u", p)
	rec, _ := st.Get(ctx, "u")
	ct, _ := decodeText(rec.LicencePlate)
	if id, err := both.KeyID(ct); err != nil || id != 2 {
		t.Errorf("rewritten under key %d (%v)", id, err)
	}
}

// TestLegacyFernet: a field stored by the seed's Python FieldEncryption
// (a Fernet token) reads, and is stored under AEAD on the next Put.
func TestLegacyFernet(t *testing.T) {
	ctx := context.Background()
	fk, _ := cryptofield.GenerateFernetKey()
	f, _ := cryptofield.NewFernet([]cryptofield.FernetKey{fk})
	token, _ := f.EncryptString("XYZ-999")
	st := profile.NewMemoryStore()
	_ = st.Put(ctx, profile.Record{UserID: "u", LicencePlate: token, UpdatedAt: time.Now()})
	svc, _ := profile.NewService(st, keyring(t, 1), nil, nil)
	if _, err := svc.Get(ctx, "u"); err == nil {
		t.Error("Fernet token read without the legacy key")
	}
	svc.WithLegacyFernet(f)
	p, err := svc.Get(ctx, "u")
	if err != nil || p.LicencePlate != "XYZ-999" {
		t.Fatalf("%+v %v", p, err)
	}
	_ = svc.Put(ctx, "u", p)
	rec, _ := st.Get(ctx, "u")
	if cryptofield.IsFernetToken(rec.LicencePlate) {
		t.Error("still Fernet after Put")
	}
}

func TestPhoneBlindIndex(t *testing.T) {
	ctx := context.Background()
	key, _ := cryptofield.GenerateBlindIndexKey()
	bi, err := cryptofield.ParseBlindIndex(key)
	if err != nil {
		t.Fatal(err)
	}
	st := profile.NewMemoryStore()
	svc, _ := profile.NewService(st, keyring(t, 1), bi, nil)
	_ = svc.Put(ctx, "u", alice)
	rec, _ := st.Get(ctx, "u")
	if rec.PhoneIndex == "" || rec.PhoneIndex != bi.Phone("+61400000001") {
		t.Errorf("index %q", rec.PhoneIndex)
	}
}

func TestNewServiceRequiresParts(t *testing.T) {
	if _, err := profile.NewService(nil, nil, nil, nil); err == nil {
		t.Error("nil store accepted")
	}
}

func decodeText(s string) ([]byte, error) { return base64.RawURLEncoding.DecodeString(s) }
