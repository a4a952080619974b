package cryptofield_test

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/autospot/autospot/cryptofield"
)

type pythonVector struct {
	Desc         string   `json:"desc"`
	Keys         []string `json:"keys"`
	Token        string   `json:"token"`
	PlaintextB64 string   `json:"plaintext_b64"`
	Timestamp    int64    `json:"timestamp"`
	IVB64        string   `json:"iv_b64"`
}

func loadPythonVectors(t *testing.T) []pythonVector {
	t.Helper()
	b, err := os.ReadFile("testdata/fernet_python.json")
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Vectors []pythonVector `json:"vectors"`
	}
	if err := json.Unmarshal(b, &file); err != nil {
		t.Fatal(err)
	}
	if len(file.Vectors) == 0 {
		t.Fatal("no vectors in testdata/fernet_python.json")
	}
	return file.Vectors
}

func mustFernetKeys(t testing.TB, enc ...string) []cryptofield.FernetKey {
	t.Helper()
	keys := make([]cryptofield.FernetKey, len(enc))
	for i, e := range enc {
		k, err := cryptofield.ParseFernetKey(e)
		if err != nil {
			t.Fatal(err)
		}
		keys[i] = k
	}
	return keys
}

func mustFernet(t testing.TB, keys []cryptofield.FernetKey, opts ...cryptofield.FernetOption) *cryptofield.Fernet {
	t.Helper()
	f, err := cryptofield.NewFernet(keys, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func fixedClock(sec int64) cryptofield.FernetOption {
	return cryptofield.WithClock(func() time.Time { return time.Unix(sec, 0) })
}

// Tokens written by Python's cryptography (the seed's FieldEncryption)
// decrypt in Go: an existing AutoSpot database can be read.
func TestFernetDecryptsPythonTokens(t *testing.T) {
	for _, v := range loadPythonVectors(t) {
		t.Run(v.Desc, func(t *testing.T) {
			want, _ := base64.StdEncoding.DecodeString(v.PlaintextB64)
			f := mustFernet(t, mustFernetKeys(t, v.Keys...))
			got, err := f.Decrypt([]byte(v.Token))
			if err != nil {
				t.Fatalf("Decrypt: %v", err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("plaintext = %q, want %q", got, want)
			}
			ts, err := f.Timestamp([]byte(v.Token))
			if err != nil || ts.Unix() != v.Timestamp {
				t.Fatalf("Timestamp = %v, %v; want %d", ts.Unix(), err, v.Timestamp)
			}
		})
	}
}

// With the same key, timestamp and IV, Go writes exactly the bytes Python
// writes.
func TestFernetEncryptMatchesPythonByteForByte(t *testing.T) {
	for _, v := range loadPythonVectors(t) {
		if v.IVB64 == "" {
			continue
		}
		t.Run(v.Desc, func(t *testing.T) {
			iv, _ := base64.StdEncoding.DecodeString(v.IVB64)
			pt, _ := base64.StdEncoding.DecodeString(v.PlaintextB64)
			f := mustFernet(t, mustFernetKeys(t, v.Keys...),
				fixedClock(v.Timestamp), cryptofield.WithRandom(bytes.NewReader(iv)))
			got, err := f.Encrypt(pt)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != v.Token {
				t.Fatalf("token\n got %s\nwant %s", got, v.Token)
			}
		})
	}
}

// fernetToken builds a token by hand from raw parts with a valid MAC, so
// the tests can make tokens that are authentic but malformed inside.
func fernetToken(t *testing.T, key cryptofield.FernetKey, version byte, ts uint64, iv, paddedPlaintext []byte) []byte {
	t.Helper()
	raw, _ := base64.URLEncoding.DecodeString(key.Encode())
	signing, encryption := raw[:16], raw[16:]
	block, err := aes.NewCipher(encryption)
	if err != nil {
		t.Fatal(err)
	}
	ct := make([]byte, len(paddedPlaintext))
	if len(ct)%aes.BlockSize == 0 {
		cipher.NewCBCEncrypter(block, iv).CryptBlocks(ct, paddedPlaintext)
	} else {
		copy(ct, paddedPlaintext)
	}
	msg := []byte{version}
	msg = binary.BigEndian.AppendUint64(msg, ts)
	msg = append(msg, iv...)
	msg = append(msg, ct...)
	m := hmac.New(sha256.New, signing)
	m.Write(msg)
	msg = m.Sum(msg)
	return []byte(base64.URLEncoding.EncodeToString(msg))
}

// The Fernet row of the attack catalogue, and the rest of the spec's
// invalid-token cases: every one is rejected with ErrInvalidToken.
func TestFernetRejectsInvalidTokens(t *testing.T) {
	key, _ := cryptofield.GenerateFernetKey()
	other, _ := cryptofield.GenerateFernetKey()
	const now = 1_700_000_000
	iv := bytes.Repeat([]byte{7}, 16)
	f := mustFernet(t, []cryptofield.FernetKey{key}, fixedClock(now), cryptofield.WithTTL(time.Minute))
	good := fernetToken(t, key, 0x80, now, iv, append([]byte("hello"), bytes.Repeat([]byte{11}, 11)...))
	if pt, err := f.Decrypt(good); err != nil || string(pt) != "hello" {
		t.Fatalf("control token: %q, %v", pt, err)
	}

	flip := func(tok []byte, at int) []byte {
		raw, _ := base64.URLEncoding.DecodeString(string(tok))
		if at < 0 {
			at += len(raw)
		}
		raw[at] ^= 1
		return []byte(base64.URLEncoding.EncodeToString(raw))
	}
	otherKeyToken, _ := mustFernet(t, []cryptofield.FernetKey{other}, fixedClock(now)).Encrypt([]byte("hello"))

	tests := []struct {
		name  string
		token []byte
		also  error
	}{
		{"bad MAC (last byte flipped)", flip(good, -1), nil},
		{"ciphertext tampered", flip(good, 30), nil},
		{"timestamp tampered", flip(good, 8), nil},
		{"IV tampered", flip(good, 10), nil},
		{"signed by another key", otherKeyToken, nil},
		{"bad padding (valid MAC)", fernetToken(t, key, 0x80, now, iv, append([]byte("hello"), bytes.Repeat([]byte{12}, 11)...)), nil},
		{"padding byte zero (valid MAC)", fernetToken(t, key, 0x80, now, iv, bytes.Repeat([]byte{0}, 16)), nil},
		{"padding byte 17 (valid MAC)", fernetToken(t, key, 0x80, now, iv, bytes.Repeat([]byte{17}, 16)), nil},
		{"payload not a multiple of the block size (valid MAC)", fernetToken(t, key, 0x80, now, iv, []byte("hello, 17 bytes!!")), nil},
		{"far-future timestamp (valid MAC)", fernetToken(t, key, 0x80, now+3600, iv, append([]byte("hello"), bytes.Repeat([]byte{11}, 11)...)), cryptofield.ErrFutureToken},
		{"expired (valid MAC)", fernetToken(t, key, 0x80, now-61, iv, append([]byte("hello"), bytes.Repeat([]byte{11}, 11)...)), cryptofield.ErrExpired},
		{"wrong version 0x81 (valid MAC)", fernetToken(t, key, 0x81, now, iv, append([]byte("hello"), bytes.Repeat([]byte{11}, 11)...)), nil},
		{"wrong version 0x00 (valid MAC)", fernetToken(t, key, 0x00, now, iv, append([]byte("hello"), bytes.Repeat([]byte{11}, 11)...)), nil},
		{"bad base64", append([]byte("%%%%"), good[4:]...), nil},
		{"standard alphabet instead of URL-safe", []byte(strings.NewReplacer("-", "+", "_", "/").Replace(string(good))), nil},
		{"truncated padding", bytes.TrimRight(good, "="), nil},
		{"too short", good[:40], nil},
		{"no ciphertext block", fernetToken(t, key, 0x80, now, iv, nil), nil},
		{"empty", nil, nil},
		{"only the version byte", []byte("gA=="), nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if bytes.Equal(tc.token, good) {
				t.Skip("this random token has no URL-safe-only characters")
			}
			pt, err := f.Decrypt(tc.token)
			if !errors.Is(err, cryptofield.ErrInvalidToken) {
				t.Fatalf("Decrypt = %q, %v; want ErrInvalidToken", pt, err)
			}
			if tc.also != nil && !errors.Is(err, tc.also) {
				t.Fatalf("err = %v; want it to wrap %v too", err, tc.also)
			}
			if pt != nil {
				t.Fatalf("plaintext returned with error: %q", pt)
			}
		})
	}
}

func TestFernetTTLBoundaries(t *testing.T) {
	key, _ := cryptofield.GenerateFernetKey()
	const created = 1_700_000_000
	tok, err := mustFernet(t, []cryptofield.FernetKey{key}, fixedClock(created)).Encrypt([]byte("v"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		now  int64
		ttl  time.Duration
		ok   bool
	}{
		{"no TTL, very old", created + 10*365*86400, 0, true},
		{"no TTL, far future is not checked (as Python)", created - 86400, 0, true},
		{"age equal to TTL", created + 60, time.Minute, true},
		{"one second past TTL", created + 61, time.Minute, false},
		{"60 s in the future", created - 60, time.Minute, true},
		{"61 s in the future", created - 61, time.Minute, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := mustFernet(t, []cryptofield.FernetKey{key}, fixedClock(tc.now), cryptofield.WithTTL(tc.ttl))
			_, err := f.Decrypt(tok)
			if (err == nil) != tc.ok {
				t.Fatalf("Decrypt err = %v, want ok=%v", err, tc.ok)
			}
		})
	}
	t.Run("DecryptWithTTL overrides", func(t *testing.T) {
		f := mustFernet(t, []cryptofield.FernetKey{key}, fixedClock(created+3600))
		if _, err := f.DecryptWithTTL(tok, time.Minute); !errors.Is(err, cryptofield.ErrExpired) {
			t.Fatalf("err = %v, want ErrExpired", err)
		}
	})
	t.Run("custom clock skew", func(t *testing.T) {
		f := mustFernet(t, []cryptofield.FernetKey{key}, fixedClock(created-10),
			cryptofield.WithTTL(time.Minute), cryptofield.WithMaxClockSkew(5*time.Second))
		if _, err := f.Decrypt(tok); !errors.Is(err, cryptofield.ErrFutureToken) {
			t.Fatalf("err = %v, want ErrFutureToken", err)
		}
	})
}

func TestFernetRotation(t *testing.T) {
	oldKey, _ := cryptofield.GenerateFernetKey()
	newKey, _ := cryptofield.GenerateFernetKey()
	old := mustFernet(t, []cryptofield.FernetKey{oldKey}, fixedClock(1_600_000_000))
	ring := mustFernet(t, []cryptofield.FernetKey{newKey, oldKey}, fixedClock(1_700_000_000))
	onlyNew := mustFernet(t, []cryptofield.FernetKey{newKey})

	tok, _ := old.EncryptString("0412 345 678")
	if got, err := ring.DecryptString(tok); err != nil || got != "0412 345 678" {
		t.Fatalf("old token through the ring: %q, %v", got, err)
	}
	if _, err := onlyNew.DecryptString(tok); !errors.Is(err, cryptofield.ErrInvalidToken) {
		t.Fatalf("old token with only the new key: %v", err)
	}
	rotated, err := ring.RotateString(tok)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := onlyNew.DecryptString(rotated); err != nil || got != "0412 345 678" {
		t.Fatalf("rotated token with the new key: %q, %v", got, err)
	}
	ts, _ := onlyNew.Timestamp([]byte(rotated))
	if ts.Unix() != 1_600_000_000 {
		t.Fatalf("rotation changed the timestamp to %d", ts.Unix())
	}
	fresh, _ := ring.EncryptString("x")
	if _, err := onlyNew.DecryptString(fresh); err != nil {
		t.Fatalf("the ring must encrypt with its first key: %v", err)
	}
	if _, err := ring.Rotate([]byte("garbage")); !errors.Is(err, cryptofield.ErrInvalidToken) {
		t.Fatalf("Rotate(garbage) = %v", err)
	}
}

// Every token gets a fresh IV: 20 000 encryptions of one value give 20 000
// different IVs and tokens.
func TestFernetIVUniqueness(t *testing.T) {
	key, _ := cryptofield.GenerateFernetKey()
	f := mustFernet(t, []cryptofield.FernetKey{key})
	seenIV := make(map[string]bool)
	seenTok := make(map[string]bool)
	for range 20000 {
		tok, err := f.Encrypt([]byte("same value"))
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := base64.URLEncoding.DecodeString(string(tok))
		iv := string(raw[9:25])
		if seenIV[iv] || seenTok[string(tok)] {
			t.Fatal("IV or token repeated")
		}
		seenIV[iv], seenTok[string(tok)] = true, true
	}
}

func TestFernetRandomFailure(t *testing.T) {
	key, _ := cryptofield.GenerateFernetKey()
	f := mustFernet(t, []cryptofield.FernetKey{key}, cryptofield.WithRandom(bytes.NewReader(nil)))
	if _, err := f.Encrypt([]byte("x")); err == nil {
		t.Fatal("Encrypt succeeded without randomness")
	}
}

func TestNewFernetNoKeys(t *testing.T) {
	if _, err := cryptofield.NewFernet(nil); !errors.Is(err, cryptofield.ErrInvalidKey) {
		t.Fatalf("err = %v, want ErrInvalidKey", err)
	}
}
