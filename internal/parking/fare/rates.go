package fare

import (
	"fmt"
	"maps"
	"slices"
	"time"
	"unicode"
	"unicode/utf8"
)

// Limits of a rate table.
const (
	MaxBaseCentsPerHour = 100_000 // $1,000 an hour
	MaxSurchargeBP      = 100_000 // 1000 % of the base cost
	MaxDestinations     = 1_000
	MaxDestinationLen   = 100
	MaxPeakWindows      = 8
	MaxHolidays         = 1_000
)

// Rates is the price set of one destination, in integer units: the base
// price in cents per hour and each surcharge in basis points of the base
// cost (2000 = 20 %, the original's 0.2).
type Rates struct {
	BaseCentsPerHour int64 `json:"base_cents_per_hour"`
	PeakBP           int64 `json:"peak_hour_surcharge_bp"`
	WeekendBP        int64 `json:"weekend_surcharge_bp"`
	HolidayBP        int64 `json:"public_holiday_surcharge_bp"`
}

// Window is a weekday peak period, "HH:MM" to "HH:MM", both ends included.
type Window struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

// Table is one facility's rate configuration. Destination keys are exact,
// case-sensitive building names: no substring or fuzzy matching.
type Table struct {
	Currency     string           `json:"currency"`
	Default      Rates            `json:"default_rates"`
	Destinations map[string]Rates `json:"destinations"`
	PeakWindows  []Window         `json:"peak_hours_weekday"`
	Holidays     []string         `json:"public_holidays"` // "YYYY-MM-DD"
	// Version is the optimistic-concurrency counter kept by the repository.
	Version   int64     `json:"version"`
	UpdatedAt time.Time `json:"updated_at"`
}

// RatesFor returns the rates of dest, looked up exactly; when dest has no
// entry it returns the default rates and false.
func (t *Table) RatesFor(dest string) (Rates, bool) {
	if r, ok := t.Destinations[dest]; ok {
		return r, true
	}
	return t.Default, false
}

// Clone returns a deep copy of t.
func (t *Table) Clone() *Table {
	if t == nil {
		return nil
	}
	c := *t
	c.Destinations = maps.Clone(t.Destinations)
	c.PeakWindows = slices.Clone(t.PeakWindows)
	c.Holidays = slices.Clone(t.Holidays)
	return &c
}

// ValidDestination reports whether s can be a destination key: valid
// UTF-8, 1..[MaxDestinationLen] bytes, no control characters, no
// surrounding spaces. Keys are not otherwise normalised.
func ValidDestination(s string) bool {
	if s == "" || len(s) > MaxDestinationLen || !utf8.ValidString(s) {
		return false
	}
	for i, r := range s {
		if unicode.IsControl(r) || (unicode.IsSpace(r) && (i == 0 || i+utf8.RuneLen(r) == len(s))) {
			return false
		}
	}
	return true
}

func (r Rates) check(name string, add func(string, ...any)) {
	if r.BaseCentsPerHour < 0 || r.BaseCentsPerHour > MaxBaseCentsPerHour {
		add("%s: base rate must be 0..%d cents per hour", name, MaxBaseCentsPerHour)
	}
	for _, v := range []struct {
		n  string
		bp int64
	}{{"peak", r.PeakBP}, {"weekend", r.WeekendBP}, {"holiday", r.HolidayBP}} {
		if v.bp < 0 || v.bp > MaxSurchargeBP {
			add("%s: %s surcharge must be 0..%d basis points", name, v.n, MaxSurchargeBP)
		}
	}
}

// Validate checks the table and returns a *[ValidationError] listing every
// problem, or nil: a 3-letter upper-case currency; rates non-negative and
// bounded; destination keys well formed ([ValidDestination]); peak windows
// "HH:MM" with start ≤ end; holidays real "YYYY-MM-DD" dates without
// duplicates; the size limits above.
func (t *Table) Validate() error {
	var probs []string
	add := func(f string, a ...any) {
		if len(probs) < 100 {
			probs = append(probs, fmt.Sprintf(f, a...))
		}
	}
	if len(t.Currency) != 3 || !isUpper(t.Currency) {
		add("currency must be a 3-letter ISO 4217 code")
	}
	if t.Version < 0 {
		add("version must not be negative")
	}
	t.Default.check("default_rates", add)
	if len(t.Destinations) > MaxDestinations {
		add("at most %d destinations", MaxDestinations)
	}
	for _, name := range slices.Sorted(maps.Keys(t.Destinations)) {
		if !ValidDestination(name) {
			add("destination %q: name must be 1-%d bytes of printable text without surrounding spaces", name, MaxDestinationLen)
		}
		t.Destinations[name].check(fmt.Sprintf("destination %q", name), add)
	}
	if len(t.PeakWindows) > MaxPeakWindows {
		add("at most %d peak windows", MaxPeakWindows)
	}
	for i, w := range t.PeakWindows {
		s, err1 := ParseClock(w.Start)
		e, err2 := ParseClock(w.End)
		switch {
		case err1 != nil || err2 != nil:
			add("peak window %d: start and end must be HH:MM", i)
		case s > e:
			add("peak window %d: start %s is after end %s", i, w.Start, w.End)
		}
	}
	if len(t.Holidays) > MaxHolidays {
		add("at most %d public holidays", MaxHolidays)
	} else {
		seen := make(map[string]bool, len(t.Holidays))
		for _, h := range t.Holidays {
			if _, err := ParseDate(h); err != nil {
				add("public holiday %q is not a YYYY-MM-DD date", h)
			} else if seen[h] {
				add("public holiday %s listed twice", h)
			}
			seen[h] = true
		}
	}
	if len(probs) > 0 {
		return &ValidationError{Problems: probs}
	}
	return nil
}

func isUpper(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

// OriginalTable returns a fresh copy of the original's
// config/parking_rates.json: AUD, zero default rates, five Westfield
// destinations, weekday peaks 07:00–09:00 and 17:00–19:00, and the NSW
// public holidays of 2024 and 2025.
func OriginalTable() *Table {
	return &Table{
		Currency: "AUD",
		Destinations: map[string]Rates{
			"Westfield Sydney":           {600, 2000, 5000, 8000},
			"Westfield Bondi Junction":   {700, 7000, 5000, 12000},
			"Westfield Parramatta":       {550, 5000, 3000, 8000},
			"Westfield Chatswood":        {650, 6000, 4000, 9000},
			"Westfield Sydney (Example)": {600, 2000, 5000, 8000},
		},
		PeakWindows: []Window{{"07:00", "09:00"}, {"17:00", "19:00"}},
		Holidays: []string{
			"2024-01-01", "2024-01-26", "2024-03-29", "2024-04-01", "2024-04-25",
			"2024-06-10", "2024-10-07", "2024-12-25", "2024-12-26",
			"2025-01-01", "2025-01-27", "2025-04-18", "2025-04-21", "2025-04-25",
			"2025-06-09", "2025-10-06", "2025-12-25", "2025-12-26",
		},
	}
}
