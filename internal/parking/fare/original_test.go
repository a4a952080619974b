package fare

import (
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseOriginalJSON(t *testing.T) {
	data, err := os.ReadFile("testdata/parking_rates.json")
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseOriginalJSON(data)
	if err != nil {
		t.Fatal(err)
	}
	if want := OriginalTable(); !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v\nwant %+v", got, want)
	}
	q, _ := NewQuoter()
	qt, err := q.Quote(got, Request{"Westfield Bondi Junction", "2024-01-20", "10:00", 2 * time.Hour})
	if err != nil || qt.TotalCents != 2100 {
		t.Fatalf("Bondi Junction Saturday: %+v, %v", qt, err)
	}
	for _, tc := range []struct {
		name string
		edit func(string) string
		want error
	}{
		{"negative rate", func(s string) string {
			return strings.Replace(s, `"base_rate_per_hour": 7.0`, `"base_rate_per_hour": -7.0`, 1)
		}, ErrMalformed},
		{"string rate", func(s string) string {
			return strings.Replace(s, `"base_rate_per_hour": 7.0`, `"base_rate_per_hour": "seven"`, 1)
		}, ErrMalformed},
		{"exponent", func(s string) string {
			return strings.Replace(s, `"base_rate_per_hour": 7.0`, `"base_rate_per_hour": 7e0`, 1)
		}, ErrMalformed},
		{"unknown field", func(s string) string { return strings.Replace(s, `"currency"`, `"$where": 1, "currency"`, 1) }, ErrMalformed},
		{"bad holiday", func(s string) string { return strings.Replace(s, `"2024-01-26"`, `"2024-01-32"`, 1) }, ErrInvalidRates},
		{"trailing", func(s string) string { return s + "{}" }, ErrMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := ParseOriginalJSON([]byte(tc.edit(string(data)))); !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
}

func FuzzParseOriginalJSON(f *testing.F) {
	if data, err := os.ReadFile("testdata/parking_rates.json"); err == nil {
		f.Add(data)
	}
	f.Add([]byte(`{"currency":"AUD","default_rates":{"base_rate_per_hour":1e400}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		tab, err := ParseOriginalJSON(data)
		if err == nil {
			if err := tab.Validate(); err != nil {
				t.Fatalf("imported an invalid table: %v", err)
			}
		}
	})
}
