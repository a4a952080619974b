package fare

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
)

// MaxOriginalJSONBytes bounds [ParseOriginalJSON] input.
const MaxOriginalJSONBytes = 1 << 20

type originalRates struct {
	Base    json.Number `json:"base_rate_per_hour"`
	Peak    json.Number `json:"peak_hour_surcharge_rate"`
	Weekend json.Number `json:"weekend_surcharge_rate"`
	Holiday json.Number `json:"public_holiday_surcharge_rate"`
}

type originalDoc struct {
	ConfigID     string                   `json:"config_id"`
	LastUpdated  json.RawMessage          `json:"last_updated"`
	Currency     string                   `json:"currency"`
	Default      originalRates            `json:"default_rates"`
	Destinations map[string]originalRates `json:"destinations"`
	PeakHours    struct {
		Weekday map[string]Window `json:"weekday"`
	} `json:"peak_hours"`
	Holidays []string `json:"public_holidays"`
}

func (r originalRates) convert(name string) (Rates, error) {
	var out Rates
	var err error
	field := func(dst *int64, n json.Number, what string, parse func(string) (int64, error)) {
		if err != nil {
			return
		}
		if n == "" {
			err = fmt.Errorf("%w: %s: %s missing", ErrMalformed, name, what)
			return
		}
		if *dst, err = parse(n.String()); err != nil {
			err = fmt.Errorf("%s: %s: %w", name, what, err)
		}
	}
	field(&out.BaseCentsPerHour, r.Base, "base_rate_per_hour", ParseCents)
	field(&out.PeakBP, r.Peak, "peak_hour_surcharge_rate", ParseBasisPoints)
	field(&out.WeekendBP, r.Weekend, "weekend_surcharge_rate", ParseBasisPoints)
	field(&out.HolidayBP, r.Holiday, "public_holiday_surcharge_rate", ParseBasisPoints)
	return out, err
}

// ParseOriginalJSON imports the original app's rate configuration
// (config/parking_rates.json, or its parking_rates Mongo document) into a
// validated [Table]. Numbers are read as decimal text, never through
// floats: 6.0 becomes 600 cents, 0.2 becomes 2000 basis points; a
// negative or over-precise value is [ErrMalformed]. Unknown fields are
// refused; peak windows are ordered by start time.
func ParseOriginalJSON(data []byte) (*Table, error) {
	if len(data) > MaxOriginalJSONBytes {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrMalformed, MaxOriginalJSONBytes)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	dec.DisallowUnknownFields()
	var doc originalDoc
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%w: trailing data", ErrMalformed)
	}
	t := &Table{Currency: doc.Currency, Destinations: make(map[string]Rates, len(doc.Destinations)), Holidays: doc.Holidays}
	var err error
	if t.Default, err = doc.Default.convert("default_rates"); err != nil {
		return nil, err
	}
	for _, name := range slices.Sorted(maps.Keys(doc.Destinations)) {
		r, err := doc.Destinations[name].convert(fmt.Sprintf("destination %q", name))
		if err != nil {
			return nil, err
		}
		t.Destinations[name] = r
	}
	for _, name := range slices.Sorted(maps.Keys(doc.PeakHours.Weekday)) {
		t.PeakWindows = append(t.PeakWindows, doc.PeakHours.Weekday[name])
	}
	slices.SortStableFunc(t.PeakWindows, func(a, b Window) int {
		if a.Start < b.Start {
			return -1
		}
		if a.Start > b.Start {
			return 1
		}
		return 0
	})
	if err := t.Validate(); err != nil {
		return nil, err
	}
	return t, nil
}
