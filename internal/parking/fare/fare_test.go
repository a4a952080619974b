package fare

import (
	"errors"
	"testing"
	"time"
)

func quoter(t *testing.T, now time.Time) *Quoter {
	t.Helper()
	q, err := NewQuoter(WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// The worked examples of domain spec §5.
func TestWorkedExamples(t *testing.T) {
	q := quoter(t, time.Unix(0, 0))
	tab := OriginalTable()
	for _, tc := range []struct {
		name                                string
		req                                 Request
		base, peak, weekend, holiday, total int64
		end                                 string
	}{
		{"Sydney Monday peak", Request{"Westfield Sydney", "2024-01-15", "08:00", 2 * time.Hour}, 1200, 240, 0, 0, 1440, "10:00"},
		{"Bondi Junction Saturday", Request{"Westfield Bondi Junction", "2024-01-20", "10:00", 2 * time.Hour}, 1400, 0, 700, 0, 2100, "12:00"},
		{"Sydney Christmas Thursday peak", Request{"Westfield Sydney", "2025-12-25", "08:00", 2 * time.Hour}, 1200, 240, 0, 960, 2400, "10:00"},
		{"unknown destination", Request{"Nowhere", "2024-01-15", "08:00", 2 * time.Hour}, 0, 0, 0, 0, 0, "10:00"},
		{"weekday 14:00 no peak", Request{"Westfield Sydney", "2024-01-15", "14:00", 2 * time.Hour}, 1200, 0, 0, 0, 1200, "16:00"},
		{"peak window end inclusive", Request{"Westfield Sydney", "2024-01-15", "19:00", time.Hour}, 600, 120, 0, 0, 720, "20:00"},
		{"just after peak", Request{"Westfield Sydney", "2024-01-15", "19:01", time.Hour}, 600, 0, 0, 0, 600, "20:01"},
		{"half hour", Request{"Westfield Parramatta", "2024-01-16", "12:00", 30 * time.Minute}, 275, 0, 0, 0, 275, "12:30"},
		{"2.75 h", Request{"Westfield Chatswood", "2024-01-16", "12:00", 165 * time.Minute}, 1788, 0, 0, 0, 1788, "14:45"},
		{"24 h wraps", Request{"Westfield Sydney", "2024-01-16", "23:30", 24 * time.Hour}, 14400, 0, 0, 0, 14400, "23:30"},
		{"case-sensitive key", Request{"westfield sydney", "2024-01-15", "08:00", 2 * time.Hour}, 0, 0, 0, 0, 0, "10:00"},
		{"no substring match", Request{"Westfield", "2024-01-15", "08:00", 2 * time.Hour}, 0, 0, 0, 0, 0, "10:00"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := q.Quote(tab, tc.req)
			if err != nil {
				t.Fatal(err)
			}
			if got.BaseCents != tc.base || got.PeakCents != tc.peak || got.WeekendCents != tc.weekend ||
				got.HolidayCents != tc.holiday || got.TotalCents != tc.total || got.EndTime != tc.end || got.Currency != "AUD" {
				t.Fatalf("got %+v", got)
			}
		})
	}
}

func TestRoundingHalfUp(t *testing.T) {
	tab := &Table{Currency: "AUD", Destinations: map[string]Rates{"P": {BaseCentsPerHour: 333, PeakBP: 2500}}, PeakWindows: []Window{{"00:00", "23:59"}}}
	got, err := quoter(t, time.Unix(0, 0)).Quote(tab, Request{"P", "2024-01-15", "10:00", 90 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	// base 333 × 1.5 = 499.5 → 500; peak 124.875 → 125; total 624.375 → 624.
	if got.BaseCents != 500 || got.PeakCents != 125 || got.TotalCents != 624 {
		t.Fatalf("got %+v", got)
	}
}

func TestDefaultsToSydneyNow(t *testing.T) {
	// 2024-01-14 22:30 UTC is Monday 2024-01-15 09:30 in Sydney (AEDT).
	q := quoter(t, time.Date(2024, 1, 14, 22, 30, 0, 0, time.UTC))
	got, err := q.Quote(OriginalTable(), Request{Destination: "Westfield Sydney", Duration: 2 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if got.Date != "2024-01-15" || got.StartTime != "09:30" || got.PeakCents != 0 || got.WeekendCents != 0 {
		t.Fatalf("got %+v", got)
	}
	got, _ = q.Quote(OriginalTable(), Request{Destination: "Westfield Sydney", Time: "08:00", Duration: time.Hour})
	if got.Date != "2024-01-15" || got.PeakCents != 120 {
		t.Fatalf("time given, date defaulted: %+v", got)
	}
}

func TestQuoteErrors(t *testing.T) {
	q := quoter(t, time.Unix(0, 0))
	tab := OriginalTable()
	for _, tc := range []struct {
		name string
		req  Request
		want error
	}{
		{"zero duration", Request{"X", "2024-01-15", "08:00", 0}, ErrInvalidDuration},
		{"negative duration", Request{"X", "2024-01-15", "08:00", -time.Hour}, ErrInvalidDuration},
		{"over 24 h", Request{"X", "2024-01-15", "08:00", 24*time.Hour + time.Second}, ErrInvalidDuration},
		{"25:00", Request{"X", "2024-01-15", "25:00", time.Hour}, ErrOutOfRange},
		{"12:60", Request{"X", "2024-01-15", "12:60", time.Hour}, ErrOutOfRange},
		{"8:00", Request{"X", "2024-01-15", "8:00", time.Hour}, ErrMalformed},
		{"bad date pattern", Request{"X", "15/01/2024", "08:00", time.Hour}, ErrMalformed},
		{"February 30", Request{"X", "2024-02-30", "08:00", time.Hour}, ErrOutOfRange},
		{"month 13", Request{"X", "2024-13-01", "08:00", time.Hour}, ErrOutOfRange},
		{"long destination", Request{string(make([]byte, 200)), "2024-01-15", "08:00", time.Hour}, ErrMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := q.Quote(tab, tc.req); !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
}

func TestTableValidate(t *testing.T) {
	if err := OriginalTable().Validate(); err != nil {
		t.Fatalf("original table: %v", err)
	}
	for _, tc := range []struct {
		name string
		mut  func(*Table)
	}{
		{"negative base", func(t *Table) { t.Destinations["Westfield Sydney"] = Rates{BaseCentsPerHour: -1} }},
		{"negative surcharge", func(t *Table) { t.Default.HolidayBP = -5 }},
		{"huge base", func(t *Table) { t.Default.BaseCentsPerHour = MaxBaseCentsPerHour + 1 }},
		{"empty key", func(t *Table) { t.Destinations[""] = Rates{} }},
		{"padded key", func(t *Table) { t.Destinations[" Westfield"] = Rates{} }},
		{"control char key", func(t *Table) { t.Destinations["a\x00b"] = Rates{} }},
		{"bad currency", func(t *Table) { t.Currency = "aud" }},
		{"bad window", func(t *Table) { t.PeakWindows[0].End = "9:00" }},
		{"inverted window", func(t *Table) { t.PeakWindows[0] = Window{"10:00", "09:00"} }},
		{"bad holiday", func(t *Table) { t.Holidays = append(t.Holidays, "2024-02-30") }},
		{"duplicate holiday", func(t *Table) { t.Holidays = append(t.Holidays, "2024-01-01") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tab := OriginalTable()
			tc.mut(tab)
			err := tab.Validate()
			var ve *ValidationError
			if !errors.Is(err, ErrInvalidRates) || !errors.As(err, &ve) || len(ve.Problems) != 1 {
				t.Fatalf("got %v, want one problem", err)
			}
		})
	}
	t.Run("every problem listed", func(t *testing.T) {
		tab := OriginalTable()
		tab.Currency = ""
		tab.Default.PeakBP = -1
		var ve *ValidationError
		if err := tab.Validate(); !errors.As(err, &ve) || len(ve.Problems) != 2 {
			t.Fatalf("got %v", err)
		}
	})
}

func TestParseDecimal(t *testing.T) {
	for _, tc := range []struct {
		in    string
		scale int
		want  int64
		ok    bool
	}{
		{"6", 2, 600, true}, {"6.5", 2, 650, true}, {"6.50", 2, 650, true}, {"0.2", 4, 2000, true},
		{"1.2", 4, 12000, true}, {"0", 2, 0, true}, {"6.505", 2, 0, false}, {"-1", 2, 0, false},
		{"+1", 2, 0, false}, {"1e3", 2, 0, false}, {".5", 2, 0, false}, {"5.", 2, 0, false},
		{"1.2.3", 2, 0, false}, {" 1", 2, 0, false}, {"", 2, 0, false}, {"NaN", 2, 0, false},
		{"99999999999999999999", 2, 0, false}, {"9999999999999", 4, 0, false}, {"-", 2, 0, false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseDecimal(tc.in, tc.scale)
			if (err == nil) != tc.ok || got != tc.want {
				t.Fatalf("got %d, %v", got, err)
			}
			if err != nil && !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v is not ErrMalformed", err)
			}
		})
	}
}

func TestFormatCents(t *testing.T) {
	for in, want := range map[int64]string{0: "0.00", 5: "0.05", 1440: "14.40", -250: "-2.50"} {
		if got := FormatCents(in); got != want {
			t.Errorf("FormatCents(%d) = %q, want %q", in, got, want)
		}
	}
}

func FuzzParseDecimal(f *testing.F) {
	for _, s := range []string{"6.5", "0.2", "1e9", "-1", "000000000000000000001"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseDecimal(s, 4)
		if err == nil && (v < 0 || v > 1e15) {
			t.Fatalf("ParseDecimal(%q) = %d out of range", s, v)
		}
	})
}

func FuzzParseDateClock(f *testing.F) {
	for _, s := range []string{"2024-01-15", "08:00", "25:00", "2024-02-30", "99:99"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if d, err := ParseDate(s); err == nil && d.String() != s {
			t.Fatalf("ParseDate(%q) round-trips to %q", s, d.String())
		}
		if m, err := ParseClock(s); err == nil && (m < 0 || m >= 24*60) {
			t.Fatalf("ParseClock(%q) = %d", s, m)
		}
	})
}
