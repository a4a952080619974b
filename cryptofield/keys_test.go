package cryptofield_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/autospot/autospot/cryptofield"
)

func TestParseFernetKey(t *testing.T) {
	raw := bytes.Repeat([]byte{0xfb}, 32) // encodes with '-' and '_' in URL-safe base64
	tests := []struct {
		name string
		in   string
		ok   bool
	}{
		{"python form (URL-safe, padded)", base64.URLEncoding.EncodeToString(raw), true},
		{"unpadded", base64.RawURLEncoding.EncodeToString(raw), true},
		{"standard alphabet", base64.StdEncoding.EncodeToString(raw), true},
		{"surrounding space", " " + base64.URLEncoding.EncodeToString(raw) + "\n", true},
		{"16 bytes", base64.URLEncoding.EncodeToString(raw[:16]), false},
		{"33 bytes", base64.URLEncoding.EncodeToString(append(raw, 1)), false},
		{"not base64", "not a key!", false},
		{"empty", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			k, err := cryptofield.ParseFernetKey(tc.in)
			if tc.ok {
				if err != nil {
					t.Fatal(err)
				}
				if k.Encode() != base64.URLEncoding.EncodeToString(raw) {
					t.Fatalf("Encode = %s", k.Encode())
				}
				return
			}
			if !errors.Is(err, cryptofield.ErrInvalidKey) {
				t.Fatalf("err = %v, want ErrInvalidKey", err)
			}
			if tc.in != "" && strings.Contains(err.Error(), tc.in) {
				t.Fatalf("error %q echoes the key material", err)
			}
		})
	}
}

func TestParseAEADKey(t *testing.T) {
	k := mustAEADKey(t, 42)
	back, err := cryptofield.ParseAEADKey(k.Encode())
	if err != nil || back.ID() != 42 || back.Encode() != k.Encode() {
		t.Fatalf("round trip: %v, %v", back, err)
	}
	body := base64.URLEncoding.EncodeToString(make([]byte, 32))
	for _, bad := range []string{body, "0:" + body, "-1:" + body, "x:" + body, "4294967296:" + body, "1:short", "1:" + body[:20]} {
		if _, err := cryptofield.ParseAEADKey(bad); !errors.Is(err, cryptofield.ErrInvalidKey) {
			t.Errorf("ParseAEADKey(%q) err = %v, want ErrInvalidKey", bad, err)
		}
	}
}

// Keys never reach logs or error messages by accident.
func TestKeysAreRedacted(t *testing.T) {
	fk, _ := cryptofield.GenerateFernetKey()
	ak := mustAEADKey(t, 3)
	var logs bytes.Buffer
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("keys", "fernet", fk, "aead", ak)
	printed := fmt.Sprintf("%v %+v %#v %s %v %#v", fk, fk, fk, ak, ak, ak) + logs.String()
	for _, secret := range []string{fk.Encode(), strings.SplitN(ak.Encode(), ":", 2)[1]} {
		if strings.Contains(printed, secret) || strings.Contains(printed, strings.TrimRight(secret, "=")[:16]) {
			t.Fatalf("key material printed: %s", printed)
		}
	}
	if !strings.Contains(printed, "REDACTED") {
		t.Fatalf("no redaction marker in %s", printed)
	}
}

func TestFromEnv(t *testing.T) {
	k1, _ := cryptofield.GenerateFernetKey()
	k2, _ := cryptofield.GenerateFernetKey()
	a1, a2 := mustAEADKey(t, 1), mustAEADKey(t, 2)
	bidx, _ := cryptofield.GenerateBlindIndexKey()

	t.Run("fernet, two keys", func(t *testing.T) {
		t.Setenv("T_FERNET", k1.Encode()+", "+k2.Encode())
		f, err := cryptofield.FernetFromEnv("T_FERNET")
		if err != nil {
			t.Fatal(err)
		}
		tok, _ := f.EncryptString("x")
		if _, err := mustFernet(t, []cryptofield.FernetKey{k1}).DecryptString(tok); err != nil {
			t.Fatalf("first key in the variable does not encrypt: %v", err)
		}
		old, _ := mustFernet(t, []cryptofield.FernetKey{k2}).EncryptString("y")
		if got, err := f.DecryptString(old); err != nil || got != "y" {
			t.Fatalf("second key does not decrypt: %v", err)
		}
	})
	t.Run("keyring", func(t *testing.T) {
		t.Setenv("T_AEAD", a2.Encode()+"\n"+a1.Encode())
		r, err := cryptofield.KeyringFromEnv("T_AEAD")
		if err != nil || r.PrimaryID() != 2 {
			t.Fatalf("KeyringFromEnv: %v", err)
		}
	})
	t.Run("blind index", func(t *testing.T) {
		t.Setenv("T_BIDX", bidx)
		if _, err := cryptofield.BlindIndexFromEnv("T_BIDX"); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("_FILE fallback", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "key")
		if err := os.WriteFile(path, []byte(k1.Encode()+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		t.Setenv("T_FILEKEY", "")
		t.Setenv("T_FILEKEY_FILE", path)
		if _, err := cryptofield.FernetFromEnv("T_FILEKEY"); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("unset", func(t *testing.T) {
		t.Setenv("T_UNSET", "")
		if _, err := cryptofield.FernetFromEnv("T_UNSET"); !errors.Is(err, cryptofield.ErrNoKey) {
			t.Fatalf("err = %v, want ErrNoKey", err)
		}
		if _, err := cryptofield.KeyringFromEnv("T_UNSET"); !errors.Is(err, cryptofield.ErrNoKey) {
			t.Fatalf("err = %v, want ErrNoKey", err)
		}
		if _, err := cryptofield.BlindIndexFromEnv("T_UNSET"); !errors.Is(err, cryptofield.ErrNoKey) {
			t.Fatalf("err = %v, want ErrNoKey", err)
		}
	})
	t.Run("bad key not echoed", func(t *testing.T) {
		t.Setenv("T_BAD", "c2VjcmV0LXRvby1zaG9ydA==")
		_, err := cryptofield.FernetFromEnv("T_BAD")
		if !errors.Is(err, cryptofield.ErrInvalidKey) || strings.Contains(err.Error(), "c2VjcmV0") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("blind index takes one key", func(t *testing.T) {
		t.Setenv("T_BIDX2", bidx+","+bidx)
		if _, err := cryptofield.BlindIndexFromEnv("T_BIDX2"); !errors.Is(err, cryptofield.ErrInvalidKey) {
			t.Fatalf("err = %v", err)
		}
	})
}
