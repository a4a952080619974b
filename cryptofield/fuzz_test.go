package cryptofield_test

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/autospot/autospot/cryptofield"
)

// Decrypting arbitrary input never panics and never succeeds unless the
// input is an authentic token.
func FuzzFernetDecrypt(f *testing.F) {
	key, _ := cryptofield.NewFernetKey(bytes.Repeat([]byte{3}, 32))
	fe, _ := cryptofield.NewFernet([]cryptofield.FernetKey{key}, cryptofield.WithTTL(time.Hour),
		cryptofield.WithClock(func() time.Time { return time.Unix(1_700_000_000, 0) }))
	// The seed token must be the same in every fuzzing worker process:
	// make it with a fixed IV.
	writer, _ := cryptofield.NewFernet([]cryptofield.FernetKey{key}, cryptofield.WithRandom(bytes.NewReader(make([]byte, 16))),
		cryptofield.WithClock(func() time.Time { return time.Unix(1_700_000_000, 0) }))
	good, _ := writer.Encrypt([]byte("seed"))
	f.Add(good)
	f.Add([]byte(""))
	f.Add([]byte("gAAAAA=="))
	f.Add(good[:len(good)-4])
	f.Add(append([]byte(nil), good[:60]...))
	f.Fuzz(func(t *testing.T, token []byte) {
		pt, err := fe.Decrypt(token)
		if err != nil {
			if !errors.Is(err, cryptofield.ErrInvalidToken) {
				t.Fatalf("error does not wrap ErrInvalidToken: %v", err)
			}
			return
		}
		if !bytes.Equal(token, good) {
			// Only re-encodings of the seed token (Go's decoder skips
			// newlines) may be accepted.
			if !bytes.Equal(bytes.ReplaceAll(bytes.ReplaceAll(token, []byte("\n"), nil), []byte("\r"), nil), good) {
				t.Fatalf("forged token accepted: %q → %q", token, pt)
			}
		}
		_, _ = fe.Timestamp(token)
		_, _ = fe.Rotate(token)
	})
}

func FuzzKeyringDecrypt(f *testing.F) {
	k, _ := cryptofield.NewAEADKey(1, bytes.Repeat([]byte{4}, 32))
	r, _ := cryptofield.NewKeyring([]cryptofield.AEADKey{k})
	writer, _ := cryptofield.NewKeyring([]cryptofield.AEADKey{k}, cryptofield.WithRandom(bytes.NewReader(make([]byte, 12))))
	good, _ := writer.Encrypt([]byte("seed"), []byte("ad"))
	f.Add(good, []byte("ad"))
	f.Add([]byte{1, 0, 0, 0, 1}, []byte(nil))
	f.Add([]byte{}, []byte(nil))
	f.Fuzz(func(t *testing.T, ct, ad []byte) {
		pt, err := r.Decrypt(ct, ad)
		if err == nil && !(bytes.Equal(ct, good) && bytes.Equal(ad, []byte("ad"))) {
			t.Fatalf("forged ciphertext accepted: %x → %q", ct, pt)
		}
		if err != nil && !errors.Is(err, cryptofield.ErrDecrypt) {
			t.Fatalf("error does not wrap ErrDecrypt: %v", err)
		}
		_, _ = r.DecryptString(string(ct), ad)
		_, _, _ = r.Reencrypt(ct, ad)
	})
}

func FuzzParseKeys(f *testing.F) {
	f.Add("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")
	f.Add("1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		if k, err := cryptofield.ParseFernetKey(s); err == nil {
			if _, err := cryptofield.ParseFernetKey(k.Encode()); err != nil {
				t.Fatalf("Encode of a parsed key does not parse: %v", err)
			}
		}
		if k, err := cryptofield.ParseAEADKey(s); err == nil && k.ID() == 0 {
			t.Fatal("key id 0 accepted")
		}
	})
}
