package parkingapi

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/internal/parking"
	"github.com/autospot/autospot/internal/parking/fare"
)

// FareRequest is the body of predict-fare. Date ("YYYY-MM-DD") and Time
// ("HH:MM") default to now in Australia/Sydney; DurationHours defaults to
// 2 and must be more than 0 and at most 24, with at most 6 decimals.
type FareRequest struct {
	Destination   string       `json:"destination"`
	Date          string       `json:"date,omitempty"`
	Time          string       `json:"time,omitempty"`
	DurationHours *json.Number `json:"duration_hours,omitempty"`
}

// FareBreakdown is a priced fare in integer cents.
type FareBreakdown struct {
	BaseRatePerHourCents int64  `json:"base_rate_per_hour_cents"`
	BaseCents            int64  `json:"total_duration_base_cost_cents"`
	PeakCents            int64  `json:"peak_hour_surcharge_cents"`
	WeekendCents         int64  `json:"weekend_surcharge_cents"`
	HolidayCents         int64  `json:"public_holiday_surcharge_cents"`
	TotalCents           int64  `json:"total_cents"`
	Total                string `json:"total"` // TotalCents as a decimal, "14.40"
}

// FareResponse answers predict-fare.
type FareResponse struct {
	Destination      string        `json:"destination"`
	FacilityID       string        `json:"facility_id"`
	Date             string        `json:"parking_date"`
	StartTime        string        `json:"parking_start_time"`
	EndTime          string        `json:"parking_end_time"`
	DurationHours    float64       `json:"duration_hours"`
	Breakdown        FareBreakdown `json:"breakdown"`
	Currency         string        `json:"currency"`
	UsesDefaultRates bool          `json:"uses_default_rates"`
}

// tableFor finds the rate table that prices dest: that of the facility
// owning the building named dest (exact, case-insensitive), else the
// default facility's, else zero rates in AUD (the original's built-in
// fallback).
func (a *API) tableFor(ctx context.Context, dest string) (*fare.Table, string, error) {
	if parking.ValidName(dest) {
		m, err := a.d.Maps.GetMapByBuilding(ctx, dest)
		switch {
		case err == nil:
			t, err := a.d.Rates.GetRates(ctx, m.FacilityID)
			if err == nil {
				return t, m.FacilityID, nil
			}
			if !errors.Is(err, parking.ErrNotFound) {
				return nil, "", err
			}
		case !errors.Is(err, parking.ErrNotFound):
			return nil, "", err
		}
	}
	t, err := a.d.Rates.GetRates(ctx, a.d.DefaultRatesFacility)
	if errors.Is(err, parking.ErrNotFound) {
		return &fare.Table{Currency: "AUD", Destinations: map[string]fare.Rates{}}, "", nil
	}
	return t, a.d.DefaultRatesFacility, err
}

func (a *API) predictFare(w http.ResponseWriter, r *http.Request) {
	var in FareRequest
	if err := decodeJSON(w, r, &in, DefaultMaxJSONBytes); err != nil {
		a.fail(w, r, err)
		return
	}
	if in.Destination == "" || len(in.Destination) > fare.MaxDestinationLen {
		a.fail(w, r, errorf(http.StatusUnprocessableEntity, CodeMalformed, "destination is required (1-%d bytes)", fare.MaxDestinationLen))
		return
	}
	micro := int64(2_000_000) // hours × 10^6
	if in.DurationHours != nil {
		n, err := fare.ParseDecimal(in.DurationHours.String(), 6)
		if err != nil {
			a.fail(w, r, errorf(http.StatusUnprocessableEntity, CodeMalformed, "duration_hours must be a plain decimal number of hours, more than 0 and at most 24"))
			return
		}
		micro = n
	}
	t, fac, err := a.tableFor(r.Context(), in.Destination)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	q, err := a.d.Quoter.Quote(t, fare.Request{Destination: in.Destination, Date: in.Date, Time: in.Time, Duration: time.Duration(micro) * 3600 * time.Microsecond})
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, FareResponse{
		Destination: q.Destination, FacilityID: fac, Date: q.Date, StartTime: q.StartTime, EndTime: q.EndTime,
		DurationHours: float64(micro) / 1e6,
		Breakdown: FareBreakdown{BaseRatePerHourCents: q.BaseRatePerHourCents, BaseCents: q.BaseCents, PeakCents: q.PeakCents,
			WeekendCents: q.WeekendCents, HolidayCents: q.HolidayCents, TotalCents: q.TotalCents, Total: fare.FormatCents(q.TotalCents)},
		Currency: q.Currency, UsesDefaultRates: q.UsesDefaultRates,
	})
}

func (a *API) destinationRate(w http.ResponseWriter, r *http.Request) {
	dest := r.URL.Query().Get("destination")
	if !fare.ValidDestination(dest) {
		a.fail(w, r, errorf(http.StatusBadRequest, CodeBadRequest, "destination is required (1-%d bytes of printable text)", fare.MaxDestinationLen))
		return
	}
	t, fac, err := a.tableFor(r.Context(), dest)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	rates, own := t.RatesFor(dest)
	writeJSON(w, http.StatusOK, map[string]any{
		"destination": dest, "facility_id": fac, "rates": rates, "peak_hours_weekday": t.PeakWindows,
		"uses_default_rates": !own, "currency": t.Currency,
	})
}

// facilityPath reads {facility} and checks the caller may edit its rates.
func (a *API) facilityPath(r *http.Request) (string, error) {
	fac := r.PathValue("facility")
	if !parking.ValidID(fac) {
		return "", errorf(http.StatusBadRequest, CodeBadRequest, "facility must be 1-%d characters from A-Z a-z 0-9 _ -", parking.MaxIDLen)
	}
	return fac, a.requireIn(r, auth.PermRatesWrite, fac)
}

func (a *API) getRates(w http.ResponseWriter, r *http.Request) {
	fac, err := a.facilityPath(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	t, err := a.d.Rates.GetRates(r.Context(), fac)
	if errors.Is(err, parking.ErrNotFound) {
		err = errorf(http.StatusNotFound, CodeNotFound, "facility %q has no rate table", fac)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, t)
}

func (a *API) putRates(w http.ResponseWriter, r *http.Request) {
	fac, err := a.facilityPath(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	var t fare.Table
	if err := decodeJSON(w, r, &t, 1<<20); err != nil {
		a.fail(w, r, err)
		return
	}
	if t.Destinations == nil {
		t.Destinations = map[string]fare.Rates{}
	}
	t.UpdatedAt = a.d.Now().UTC()
	v, err := a.d.Rates.PutRates(r.Context(), fac, &t)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"facility_id": fac, "version": v})
}

// DestinationRates is the body of a one-destination rate edit, as the
// original's admin_edit_parking_rate: decimal strings ("6.50" dollars an
// hour, "0.2" = 20 %); empty or "-" keeps the current value. A new
// destination starts from the table's default rates.
type DestinationRates struct {
	BaseRatePerHour string `json:"base_rate_per_hour,omitempty"`
	Peak            string `json:"peak_hour_surcharge_rate,omitempty"`
	Weekend         string `json:"weekend_surcharge_rate,omitempty"`
	Holiday         string `json:"public_holiday_surcharge_rate,omitempty"`
}

func (in DestinationRates) apply(cur fare.Rates) (fare.Rates, error) {
	set := func(name, s string, parse func(string) (int64, error), dst *int64) error {
		if s == "" || s == "-" {
			return nil
		}
		v, err := parse(s)
		if err != nil {
			return errorf(http.StatusBadRequest, CodeValidation, "%s must be a non-negative decimal number or \"-\"", name)
		}
		*dst = v
		return nil
	}
	for _, e := range []error{
		set("base_rate_per_hour", in.BaseRatePerHour, fare.ParseCents, &cur.BaseCentsPerHour),
		set("peak_hour_surcharge_rate", in.Peak, fare.ParseBasisPoints, &cur.PeakBP),
		set("weekend_surcharge_rate", in.Weekend, fare.ParseBasisPoints, &cur.WeekendBP),
		set("public_holiday_surcharge_rate", in.Holiday, fare.ParseBasisPoints, &cur.HolidayBP),
	} {
		if e != nil {
			return cur, e
		}
	}
	return cur, nil
}

func (a *API) putDestinationRates(w http.ResponseWriter, r *http.Request) {
	fac, err := a.facilityPath(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	dest := r.PathValue("destination")
	if !fare.ValidDestination(dest) {
		a.fail(w, r, errorf(http.StatusBadRequest, CodeValidation, "destination must be 1-%d bytes of printable text without surrounding spaces", fare.MaxDestinationLen))
		return
	}
	var in DestinationRates
	if err := decodeJSON(w, r, &in, DefaultMaxJSONBytes); err != nil {
		a.fail(w, r, err)
		return
	}
	for attempt := 0; ; attempt++ {
		t, err := a.d.Rates.GetRates(r.Context(), fac)
		if errors.Is(err, parking.ErrNotFound) {
			err = errorf(http.StatusNotFound, CodeNotFound, "facility %q has no rate table; PUT /parking/rates/%s first", fac, fac)
		}
		if err != nil {
			a.fail(w, r, err)
			return
		}
		old, had := t.RatesFor(dest)
		nr, err := in.apply(old)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		if t.Destinations == nil {
			t.Destinations = map[string]fare.Rates{}
		}
		t.Destinations[dest] = nr
		t.UpdatedAt = a.d.Now().UTC()
		v, err := a.d.Rates.PutRates(r.Context(), fac, t)
		if errors.Is(err, parking.ErrVersionConflict) && attempt < maxSlotRetries {
			continue
		}
		if err != nil {
			a.fail(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"facility_id": fac, "destination": dest, "previous_rates": old, "new_destination": !had, "updated_rates": nr, "version": v})
		return
	}
}
