package entryqr

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite testdata/vectors.json (the generator of the known-answer vectors)")

var (
	testKey = []byte("0123456789abcdef0123456789abcdef")
	t0      = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
)

func signer(t testing.TB, now time.Time, opts ...Option) *Signer {
	t.Helper()
	s, err := New(testKey, append([]Option{WithClock(func() time.Time { return now })}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestRoundTrip(t *testing.T) {
	s := signer(t, t0)
	e := Entrance{Building: "Westfield Sydney1", Entrance: "E1", Level: 1}
	code, err := s.Sign(e)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Verify(code)
	if err != nil {
		t.Fatal(err)
	}
	want := Entrance{Building: "Westfield Sydney1", Entrance: "E1", Level: 1, Expires: t0.Add(DefaultTTL)}
	if got != want {
		t.Fatalf("got %+v, want %+v", got, want)
	}
}

func TestRejects(t *testing.T) {
	s := signer(t, t0)
	code, _ := s.Sign(Entrance{Building: "B", Entrance: "E1", Level: 2, Expires: t0.Add(time.Hour)})
	dot := strings.LastIndexByte(code, '.')
	other, _ := New([]byte(strings.Repeat("k", 32)), WithClock(func() time.Time { return t0 }))
	forged, _ := other.Sign(Entrance{Building: "B", Entrance: "E1", Level: 2, Expires: t0.Add(time.Hour)})
	// The payload of another building, with the first code's signature.
	moved, _ := s.Sign(Entrance{Building: "C", Entrance: "E1", Level: 2, Expires: t0.Add(time.Hour)})
	spliced := moved[:strings.LastIndexByte(moved, '.')] + code[dot:]
	unsignedJSON := Prefix + b64.EncodeToString([]byte(`{"b":"B","e":"E1","l":2,"x":99999999999}`))
	flipped := []byte(code)
	flipped[len(Prefix)+3] ^= 1
	cases := []struct {
		name string
		code string
		want error
	}{
		{"empty", "", ErrMalformed},
		{"no prefix", code[len(Prefix):], ErrMalformed},
		{"unsigned", unsignedJSON, ErrMalformed},
		{"bad base64 signature", code[:dot] + ".!!!", ErrMalformed},
		{"short signature", code[:dot+10], ErrMalformed},
		{"too long", Prefix + strings.Repeat("A", MaxCodeLen), ErrMalformed},
		{"extra dot", Prefix + "x." + code[len(Prefix):], ErrMalformed},
		{"other key", forged, ErrBadSignature},
		{"spliced payload", spliced, ErrBadSignature},
		{"flipped payload bit", string(flipped), ErrBadSignature},
		{"original's unsigned json", `{"entrance_id":"E1","building":"B","level":1}`, ErrMalformed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := s.Verify(c.code); !errors.Is(err, c.want) {
				t.Fatalf("%v, want %v", err, c.want)
			}
		})
	}
	t.Run("expired", func(t *testing.T) {
		later := signer(t, t0.Add(time.Hour))
		if _, err := later.Verify(code); !errors.Is(err, ErrExpired) {
			t.Fatalf("%v", err)
		}
		if _, err := signer(t, t0.Add(time.Hour-time.Second)).Verify(code); err != nil {
			t.Fatalf("one second before expiry: %v", err)
		}
	})
	t.Run("signed but malformed payload", func(t *testing.T) {
		for _, body := range []string{`{"b":"B","e":"E1","l":2,"x":1,"admin":true}`, `{"b":"","e":"E1","l":2,"x":1}`, `{"b":"B","e":"E1","l":2,"x":1} {}`, `[]`} {
			signed := Prefix + b64.EncodeToString([]byte(body))
			c := signed + "." + b64.EncodeToString(mac(testKey, signed))
			if _, err := s.Verify(c); !errors.Is(err, ErrMalformed) {
				t.Fatalf("%s: %v", body, err)
			}
		}
	})
}

func TestKeyRotation(t *testing.T) {
	old := signer(t, t0)
	code, _ := old.Sign(Entrance{Building: "B", Entrance: "E1", Level: 1})
	newKey := bytes.Repeat([]byte{7}, 32)
	rotated, err := New(newKey, WithClock(func() time.Time { return t0 }), WithPreviousKeys(testKey))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rotated.Verify(code); err != nil {
		t.Fatalf("previous key no longer verifies: %v", err)
	}
	fresh, _ := rotated.Sign(Entrance{Building: "B", Entrance: "E1", Level: 1})
	if _, err := old.Verify(fresh); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("new codes signed with the old key? %v", err)
	}
}

func TestConfig(t *testing.T) {
	for name, f := range map[string]func() error{
		"short key":     func() error { _, err := New(make([]byte, 31)); return err },
		"nil clock":     func() error { _, err := New(testKey, WithClock(nil)); return err },
		"zero ttl":      func() error { _, err := New(testKey, WithTTL(0)); return err },
		"long ttl":      func() error { _, err := New(testKey, WithTTL(MaxTTL+1)); return err },
		"short old key": func() error { _, err := New(testKey, WithPreviousKeys([]byte("x"))); return err },
	} {
		t.Run(name, func(t *testing.T) {
			if err := f(); !errors.Is(err, ErrInvalidConfig) {
				t.Fatalf("%v", err)
			}
		})
	}
	if _, err := signer(t, t0).Sign(Entrance{Building: "", Entrance: "E1"}); !errors.Is(err, ErrMalformed) {
		t.Fatalf("empty building: %v", err)
	}
}

func TestPNG(t *testing.T) {
	code, _ := signer(t, t0).Sign(Entrance{Building: "Westfield Sydney1", Entrance: "E1", Level: 1})
	img, err := PNG(code, 256)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(img))
	if err != nil || cfg.Width != 256 || cfg.Height != 256 {
		t.Fatalf("png %+v %v", cfg, err)
	}
	if _, err := PNG(code, 10_000); !errors.Is(err, ErrMalformed) {
		t.Fatalf("huge size: %v", err)
	}
}

type vector struct {
	Key      string   `json:"key"`
	Now      string   `json:"now"`
	Entrance Entrance `json:"entrance"`
	Code     string   `json:"code"`
}

// Known-answer vectors: the code format is stable (printed codes must keep
// verifying across releases). Regenerate with go test -run Vectors -update.
func TestVectors(t *testing.T) {
	path := filepath.Join("testdata", "vectors.json")
	ins := []Entrance{
		{Building: "Westfield Sydney1", Entrance: "E1", Level: 1, Expires: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)},
		{Building: "Café «Ünïcode»", Entrance: "BE2", Level: -1, Expires: time.Date(2030, 1, 1, 12, 30, 0, 0, time.UTC)},
	}
	if *update {
		var vs []vector
		for _, e := range ins {
			code, err := signer(t, t0).Sign(e)
			if err != nil {
				t.Fatal(err)
			}
			vs = append(vs, vector{Key: string(testKey), Now: t0.Format(time.RFC3339), Entrance: e, Code: code})
		}
		raw, _ := json.MarshalIndent(vs, "", "  ")
		if err := os.WriteFile(path, append(raw, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var vs []vector
	if err := json.Unmarshal(raw, &vs); err != nil || len(vs) != len(ins) {
		t.Fatalf("vectors: %v", err)
	}
	for _, v := range vs {
		now, _ := time.Parse(time.RFC3339, v.Now)
		s, err := New([]byte(v.Key), WithClock(func() time.Time { return now }))
		if err != nil {
			t.Fatal(err)
		}
		if code, _ := s.Sign(v.Entrance); code != v.Code {
			t.Fatalf("sign %+v = %s, want %s", v.Entrance, code, v.Code)
		}
		if e, err := s.Verify(v.Code); err != nil || e != v.Entrance {
			t.Fatalf("verify %s: %+v %v", v.Code, e, err)
		}
	}
}

// FuzzVerify: scanned content is untrusted. Verify never panics, and any
// code it accepts is exactly what Sign produces for what it returned.
func FuzzVerify(f *testing.F) {
	s := signer(f, t0)
	good, _ := s.Sign(Entrance{Building: "B", Entrance: "E1", Level: 1})
	f.Add(good)
	f.Add("")
	f.Add(Prefix + ".")
	f.Add(`{"entrance_id":"E1"}`)
	f.Add(good[:len(good)-2])
	f.Fuzz(func(t *testing.T, code string) {
		e, err := s.Verify(code)
		if err != nil {
			return
		}
		again, err := s.Sign(e)
		if err != nil || again != code {
			t.Fatalf("accepted %q but re-signs to %q (%v)", code, again, err)
		}
	})
}

// FuzzParsePayload: the payload decoder alone (reached only after a valid
// MAC, fuzzed anyway) never panics and returns only in-range values.
func FuzzParsePayload(f *testing.F) {
	f.Add(b64.EncodeToString([]byte(`{"b":"B","e":"E1","l":1,"x":1700000000}`)))
	f.Add("e30")
	f.Fuzz(func(t *testing.T, p string) {
		e, err := parsePayload(p)
		if err == nil && (!okField(e.Building) || !okField(e.Entrance) || e.Expires.IsZero()) {
			t.Fatalf("accepted out-of-range %+v", e)
		}
	})
}

func BenchmarkVerify(b *testing.B) {
	s := signer(b, t0)
	code, _ := s.Sign(Entrance{Building: "Westfield Sydney1", Entrance: "E1", Level: 1})
	for b.Loop() {
		if _, err := s.Verify(code); err != nil {
			b.Fatal(err)
		}
	}
}
