package mongo

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestGallop(t *testing.T) {
	for _, tc := range []struct {
		name     string
		lo, high int64
	}{
		{"empty", 0, 0},
		{"one", 0, 1},
		{"current hint", 7, 7},
		{"one behind", 6, 7},
		{"far behind", 0, 1000},
		{"power of two", 0, 64},
		{"hint in the middle", 300, 1025},
	} {
		t.Run(tc.name, func(t *testing.T) {
			probes, lastTrue := 0, int64(-1)
			got, err := gallop(tc.lo, func(n int64) (bool, error) {
				probes++
				if n <= tc.lo {
					t.Fatalf("probed %d at or below lo %d", n, tc.lo)
				}
				ok := n <= tc.high
				if ok {
					lastTrue = n
				}
				return ok, nil
			})
			if err != nil || got != tc.high {
				t.Fatalf("gallop = %d, %v; want %d", got, err, tc.high)
			}
			if got > tc.lo && lastTrue != got {
				t.Fatalf("last true probe %d, result %d", lastTrue, got)
			}
			if tc.lo == tc.high && probes != 1 {
				t.Fatalf("%d probes with a current hint, want 1", probes)
			}
			if d := tc.high - tc.lo; d > 0 && probes > 2*bitsLen(d)+2 {
				t.Fatalf("%d probes for a gap of %d", probes, d)
			}
		})
	}
	boom := errors.New("boom")
	if _, err := gallop(0, func(int64) (bool, error) { return false, boom }); !errors.Is(err, boom) {
		t.Fatalf("probe error: %v", err)
	}
}

func bitsLen(d int64) int {
	n := 0
	for ; d > 0; d >>= 1 {
		n++
	}
	return n
}

func TestNextExp(t *testing.T) {
	t1 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	t2 := t1.Add(time.Hour)
	for _, tc := range []struct {
		name  string
		cur   version
		state time.Time
		want  time.Time
	}{
		{"first version takes the state's time", version{}, t1, t1},
		{"later state time wins", version{v: 1, exp: t1}, t2, t2},
		{"earlier state time never lowers exp", version{v: 1, exp: t2}, t1, t2},
		{"never stays never", version{v: 1}, t1, time.Time{}},
		{"a state that never expires makes the chain never expire", version{v: 1, exp: t1}, time.Time{}, time.Time{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := nextExp(tc.cur, tc.state); !got.Equal(tc.want) {
				t.Fatalf("nextExp = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestURIDatabase(t *testing.T) {
	for uri, want := range map[string]string{
		"mongodb://127.0.0.1:27017":                            "",
		"mongodb://127.0.0.1:27017/":                           "",
		"mongodb://u:p@h1,h2/appdb?replicaSet=rs0":             "appdb",
		"mongodb+srv://cluster.example.com/prod?retryWrites=1": "prod",
		"not a uri": "",
	} {
		if got := uriDatabase(uri); got != want {
			t.Errorf("uriDatabase(%q) = %q, want %q", uri, got, want)
		}
	}
}

func TestVersionIDUnambiguous(t *testing.T) {
	seen := map[string]string{}
	for _, k := range []string{"a", "a/00000000000000000001", "a/", ""} {
		for n := int64(0); n < 3; n++ {
			id := versionID(k, n)
			what := fmt.Sprintf("%q#%d", k, n)
			if prev, ok := seen[id]; ok {
				t.Fatalf("%s and %s share _id %q", prev, what, id)
			}
			seen[id] = what
		}
	}
	if otpKey("a:b", "c") == otpKey("a", "b:c") {
		t.Fatal("otp keys collide")
	}
}

// FuzzURIDatabase: any URI string yields a database name or "", never a
// panic, and a name it yields never contains the URI's options.
func FuzzURIDatabase(f *testing.F) {
	for _, s := range []string{"mongodb://h/db", "mongodb://u:p@h1,h2/db?x=y", "mongodb+srv://c/", "://", "mongodb://h/a/b?c", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, uri string) {
		db := uriDatabase(uri)
		if strings.Contains(db, "?") {
			t.Fatalf("uriDatabase(%q) = %q contains the options", uri, db)
		}
	})
}
