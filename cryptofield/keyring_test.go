package cryptofield_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"testing"

	"github.com/autospot/autospot/cryptofield"
)

func mustAEADKey(t testing.TB, id uint32) cryptofield.AEADKey {
	t.Helper()
	k, err := cryptofield.GenerateAEADKey(id)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func mustKeyring(t testing.TB, keys ...cryptofield.AEADKey) *cryptofield.Keyring {
	t.Helper()
	r, err := cryptofield.NewKeyring(keys)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestKeyringRoundTrip(t *testing.T) {
	r := mustKeyring(t, mustAEADKey(t, 7))
	for _, pt := range [][]byte{{}, []byte("a"), []byte("alice@example.com"), bytes.Repeat([]byte{0}, 4096)} {
		ad := cryptofield.AssociatedData("users", "u1", "email")
		ct, err := r.Encrypt(pt, ad)
		if err != nil {
			t.Fatal(err)
		}
		if len(ct) != len(pt)+33 {
			t.Fatalf("len(ct) = %d, want %d", len(ct), len(pt)+33)
		}
		if id, _ := r.KeyID(ct); id != 7 {
			t.Fatalf("KeyID = %d", id)
		}
		got, err := r.Decrypt(ct, ad)
		if err != nil || !bytes.Equal(got, pt) || got == nil {
			t.Fatalf("Decrypt = %q, %v", got, err)
		}
	}
}

// A ciphertext copied to another user's record, or to another field of the
// same record, does not decrypt.
func TestKeyringAssociatedDataBindsRecordAndField(t *testing.T) {
	r := mustKeyring(t, mustAEADKey(t, 1))
	alice := cryptofield.AssociatedData("users", "alice-id", "phone_number")
	ct, err := r.EncryptString("0412 345 678", alice)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		ad   []byte
	}{
		{"another user's record", cryptofield.AssociatedData("users", "mallory-id", "phone_number")},
		{"another field", cryptofield.AssociatedData("users", "alice-id", "license_plate")},
		{"another collection", cryptofield.AssociatedData("admins", "alice-id", "phone_number")},
		{"no associated data", nil},
		{"parts re-split", cryptofield.AssociatedData("users", "alice-idphone_number")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got, err := r.DecryptString(ct, tc.ad); !errors.Is(err, cryptofield.ErrDecrypt) {
				t.Fatalf("DecryptString = %q, %v; want ErrDecrypt", got, err)
			}
		})
	}
	if got, err := r.DecryptString(ct, alice); err != nil || got != "0412 345 678" {
		t.Fatalf("right record: %q, %v", got, err)
	}
}

func TestKeyringRejectsTampering(t *testing.T) {
	r := mustKeyring(t, mustAEADKey(t, 1), mustAEADKey(t, 2))
	ct, _ := r.Encrypt([]byte("secret"), nil)
	for i := range ct {
		bad := bytes.Clone(ct)
		bad[i] ^= 0x01
		if _, err := r.Decrypt(bad, nil); !errors.Is(err, cryptofield.ErrDecrypt) {
			t.Fatalf("byte %d flipped: err = %v", i, err)
		}
	}
	for n := range aeadMin() {
		if _, err := r.Decrypt(ct[:n], nil); !errors.Is(err, cryptofield.ErrDecrypt) {
			t.Fatalf("truncated to %d: err = %v", n, err)
		}
	}
	other := mustKeyring(t, mustAEADKey(t, 3))
	if _, err := other.Decrypt(ct, nil); !errors.Is(err, cryptofield.ErrUnknownKey) || !errors.Is(err, cryptofield.ErrDecrypt) {
		t.Fatalf("unknown key id: err = %v", err)
	}
	if _, err := r.DecryptString("not base64!", nil); !errors.Is(err, cryptofield.ErrDecrypt) {
		t.Fatalf("bad base64: err = %v", err)
	}
}

func aeadMin() int { return 33 }

func TestKeyringRotationAndReencrypt(t *testing.T) {
	k1, k2 := mustAEADKey(t, 1), mustAEADKey(t, 2)
	before := mustKeyring(t, k1)
	during := mustKeyring(t, k2, k1)
	after := mustKeyring(t, k2)
	ad := cryptofield.AssociatedData("users", "u1", "email")

	old, _ := before.EncryptString("alice@example.com", ad)
	if got, err := during.DecryptString(old, ad); err != nil || got != "alice@example.com" {
		t.Fatalf("old value with both keys: %q, %v", got, err)
	}
	if _, err := after.DecryptString(old, ad); !errors.Is(err, cryptofield.ErrUnknownKey) {
		t.Fatalf("old value after the old key is gone: %v", err)
	}
	moved, rotated, err := during.ReencryptString(old, ad)
	if err != nil || !rotated {
		t.Fatalf("ReencryptString = %v, %v", rotated, err)
	}
	if got, err := after.DecryptString(moved, ad); err != nil || got != "alice@example.com" {
		t.Fatalf("re-encrypted value with the new key only: %q, %v", got, err)
	}
	same, rotated, err := during.ReencryptString(moved, ad)
	if err != nil || rotated || same != moved {
		t.Fatalf("second ReencryptString = %v, %v (changed=%v)", rotated, err, same != moved)
	}
	if _, _, err := during.ReencryptString(old, cryptofield.AssociatedData("users", "u2", "email")); !errors.Is(err, cryptofield.ErrDecrypt) {
		t.Fatalf("Reencrypt with the wrong record: %v", err)
	}
	if during.PrimaryID() != 2 {
		t.Fatalf("PrimaryID = %d", during.PrimaryID())
	}
}

// Every message gets its own nonce: 50 000 encryptions of one value under
// one key give 50 000 different nonces.
func TestKeyringNonceUniqueness(t *testing.T) {
	r := mustKeyring(t, mustAEADKey(t, 1))
	seen := make(map[[12]byte]bool, 50000)
	for range 50000 {
		ct, err := r.Encrypt([]byte("same"), nil)
		if err != nil {
			t.Fatal(err)
		}
		var n [12]byte
		copy(n[:], ct[5:17])
		if seen[n] {
			t.Fatal("nonce repeated")
		}
		seen[n] = true
	}
}

func TestNewKeyringErrors(t *testing.T) {
	k := mustAEADKey(t, 1)
	tests := []struct {
		name string
		keys []cryptofield.AEADKey
	}{
		{"empty", nil},
		{"duplicate id", []cryptofield.AEADKey{k, mustAEADKey(t, 1)}},
		{"zero-value key", []cryptofield.AEADKey{{}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := cryptofield.NewKeyring(tc.keys); !errors.Is(err, cryptofield.ErrInvalidKey) {
				t.Fatalf("err = %v, want ErrInvalidKey", err)
			}
		})
	}
}

func TestKeyringDeterministicWithInjectedRandom(t *testing.T) {
	k, _ := cryptofield.NewAEADKey(9, bytes.Repeat([]byte{1}, 32))
	nonce := bytes.Repeat([]byte{2}, 12)
	r, err := cryptofield.NewKeyring([]cryptofield.AEADKey{k}, cryptofield.WithRandom(bytes.NewReader(nonce)))
	if err != nil {
		t.Fatal(err)
	}
	ct, err := r.Encrypt([]byte("x"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(ct[:17], append([]byte{1, 0, 0, 0, 9}, nonce...)) {
		t.Fatalf("header = %x", ct[:17])
	}
	if _, err := r.Encrypt([]byte("x"), nil); err == nil {
		t.Fatal("Encrypt succeeded with an exhausted random source")
	}
}

func TestMigrateFernet(t *testing.T) {
	fk, _ := cryptofield.GenerateFernetKey()
	f := mustFernet(t, []cryptofield.FernetKey{fk})
	r := mustKeyring(t, mustAEADKey(t, 1))
	ad := cryptofield.AssociatedData("users", "u1", "phone_number")
	legacy, _ := f.EncryptString("0412 345 678")
	if !cryptofield.IsFernetToken(legacy) {
		t.Fatal("IsFernetToken(legacy) = false")
	}
	migrated, err := cryptofield.MigrateFernet(f, r, legacy, ad)
	if err != nil {
		t.Fatal(err)
	}
	if cryptofield.IsFernetToken(migrated) {
		t.Fatal("migrated value still looks like Fernet")
	}
	if got, err := r.DecryptString(migrated, ad); err != nil || got != "0412 345 678" {
		t.Fatalf("migrated: %q, %v", got, err)
	}
	again, err := cryptofield.MigrateFernet(f, r, migrated, ad)
	if err != nil || again != migrated {
		t.Fatalf("second migration changed the value or failed: %v", err)
	}
	if _, err := cryptofield.MigrateFernet(f, r, migrated, nil); !errors.Is(err, cryptofield.ErrDecrypt) {
		t.Fatalf("migration with wrong ad: %v", err)
	}
	raw, _ := base64.URLEncoding.DecodeString(legacy)
	raw[len(raw)-1] ^= 1
	if _, err := cryptofield.MigrateFernet(f, r, base64.URLEncoding.EncodeToString(raw), ad); !errors.Is(err, cryptofield.ErrInvalidToken) {
		t.Fatalf("migration of a forged token: %v", err)
	}
}
