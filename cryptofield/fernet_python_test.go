package cryptofield_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"os"
	"os/exec"
	"testing"

	"github.com/autospot/autospot/cryptofield"
)

const python = "/usr/bin/python3"

// pythonWithCryptography skips the test unless Debian's python3 with
// python3-cryptography is installed.
func pythonWithCryptography(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(python); err != nil {
		t.Skipf("%s not installed: skipping the Go→Python Fernet check", python)
	}
	if out, err := exec.Command(python, "-c", "import cryptography.fernet").CombinedOutput(); err != nil {
		t.Skipf("python3-cryptography not available (%v: %s): skipping the Go→Python Fernet check", err, bytes.TrimSpace(out))
	}
}

// Tokens made in Go decrypt with Python's cryptography.fernet, so the
// Python AutoSpot stack can keep reading what the Go server writes.
func TestFernetGoTokensDecryptInPython(t *testing.T) {
	pythonWithCryptography(t)
	k1, _ := cryptofield.GenerateFernetKey()
	k2, _ := cryptofield.GenerateFernetKey()
	const created = 1_700_000_000
	f := mustFernet(t, []cryptofield.FernetKey{k1, k2}, fixedClock(created))
	old := mustFernet(t, []cryptofield.FernetKey{k2}, fixedClock(created))

	type pyCase struct {
		Keys  []string `json:"keys"`
		Token string   `json:"token"`
		TTL   *int     `json:"ttl"`
		Now   *int64   `json:"now"`
	}
	type want struct {
		ok bool
		pt []byte
	}
	ttl := 60
	nowOK, nowLate := int64(created+30), int64(created+61)
	var cases []pyCase
	var wants []want
	add := func(c pyCase, w want) { cases = append(cases, c); wants = append(wants, w) }

	for _, pt := range [][]byte{{}, []byte("hello"), []byte("alice@example.com"), []byte("Zoë 東京 🚗"), bytes.Repeat([]byte{0xff}, 1024), bytes.Repeat([]byte("a"), 16)} {
		tok, err := f.Encrypt(pt)
		if err != nil {
			t.Fatal(err)
		}
		add(pyCase{Keys: []string{k1.Encode()}, Token: string(tok)}, want{true, pt})
	}
	tok, _ := f.Encrypt([]byte("within ttl"))
	add(pyCase{Keys: []string{k1.Encode()}, Token: string(tok), TTL: &ttl, Now: &nowOK}, want{true, []byte("within ttl")})
	add(pyCase{Keys: []string{k1.Encode()}, Token: string(tok), TTL: &ttl, Now: &nowLate}, want{false, nil})
	oldTok, _ := old.Encrypt([]byte("old"))
	rotated, err := f.Rotate(oldTok)
	if err != nil {
		t.Fatal(err)
	}
	add(pyCase{Keys: []string{k1.Encode()}, Token: string(rotated)}, want{true, []byte("old")})
	add(pyCase{Keys: []string{k1.Encode()}, Token: string(oldTok)}, want{false, nil})

	in, _ := json.Marshal(cases)
	cmd := exec.Command(python, "testdata/decrypt_go_tokens.py")
	cmd.Stdin = bytes.NewReader(in)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python: %v", err)
	}
	var got []struct {
		OK           bool   `json:"ok"`
		PlaintextB64 string `json:"plaintext_b64"`
		Timestamp    int64  `json:"timestamp"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("python output %q: %v", out, err)
	}
	if len(got) != len(wants) {
		t.Fatalf("python returned %d results for %d cases", len(got), len(wants))
	}
	for i, w := range wants {
		if got[i].OK != w.ok {
			t.Errorf("case %d: python ok=%v, want %v", i, got[i].OK, w.ok)
			continue
		}
		if !w.ok {
			continue
		}
		pt, _ := base64.StdEncoding.DecodeString(got[i].PlaintextB64)
		if !bytes.Equal(pt, w.pt) {
			t.Errorf("case %d: python decrypted %q, want %q", i, pt, w.pt)
		}
		if got[i].Timestamp != created {
			t.Errorf("case %d: python read timestamp %d, want %d", i, got[i].Timestamp, created)
		}
	}
}
