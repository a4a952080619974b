package fare

import (
	"errors"
	"fmt"
	"time"
	_ "time/tzdata" // Australia/Sydney without system tzdata
)

// DefaultLocation is the time zone in which missing dates and times are
// filled in.
const DefaultLocation = "Australia/Sydney"

// Request asks for a fare. Date ("YYYY-MM-DD") and Time ("HH:MM", the
// start) default to now in the quoter's location when empty. Duration
// must be more than 0 and at most 24 h; it is priced in hundredths of an
// hour (36 s), rounded to nearest, as the original rounded hours to 2 dp.
type Request struct {
	Destination string
	Date        string
	Time        string
	Duration    time.Duration
}

// Quote is a priced request. All amounts are integer cents.
type Quote struct {
	Destination          string
	Date                 string // YYYY-MM-DD
	StartTime            string // HH:MM
	EndTime              string // HH:MM, (start + duration) mod 24 h
	Duration             time.Duration
	DurationCentiHours   int64 // hundredths of an hour that were priced
	BaseRatePerHourCents int64
	BaseCents            int64
	PeakCents            int64
	WeekendCents         int64
	HolidayCents         int64
	TotalCents           int64
	Currency             string
	UsesDefaultRates     bool // the destination has no entry of its own
}

// Quoter prices requests against a [Table]. Create it with [NewQuoter]; it
// is immutable and safe for concurrent use.
type Quoter struct {
	now func() time.Time
	loc *time.Location
}

// Option configures a [Quoter].
type Option func(*Quoter) error

// WithClock sets the clock used for missing dates and times (default
// time.Now).
func WithClock(now func() time.Time) Option {
	return func(q *Quoter) error {
		if now == nil {
			return errors.New("fare: nil clock")
		}
		q.now = now
		return nil
	}
}

// WithLocation sets the time zone for missing dates and times (default
// [DefaultLocation]).
func WithLocation(loc *time.Location) Option {
	return func(q *Quoter) error {
		if loc == nil {
			return errors.New("fare: nil location")
		}
		q.loc = loc
		return nil
	}
}

// NewQuoter returns a Quoter for Australia/Sydney and the system clock,
// changed by opts.
func NewQuoter(opts ...Option) (*Quoter, error) {
	loc, err := time.LoadLocation(DefaultLocation)
	if err != nil {
		return nil, fmt.Errorf("fare: load %s: %w", DefaultLocation, err)
	}
	q := &Quoter{now: time.Now, loc: loc}
	for _, o := range opts {
		if err := o(q); err != nil {
			return nil, err
		}
	}
	return q, nil
}

// Quote prices req against t, following the original's formula in exact
// integer arithmetic:
//
//	base    = base rate × duration
//	peak    = base × peak rate     if Mon–Fri and the START time is in a peak window (ends included)
//	weekend = base × weekend rate  if Sat/Sun
//	holiday = base × holiday rate  if the date is a public holiday (stacks)
//	total   = base + peak + weekend + holiday
//
// Each part and the total are rounded half-up to the cent from the
// unrounded parts. The destination is looked up exactly
// ([Table.RatesFor]). Errors: [ErrMalformed], [ErrOutOfRange],
// [ErrInvalidDuration], or the table's *[ValidationError].
func (q *Quoter) Quote(t *Table, req Request) (Quote, error) {
	if err := t.Validate(); err != nil {
		return Quote{}, err
	}
	if len(req.Destination) > MaxDestinationLen {
		return Quote{}, fmt.Errorf("%w: destination longer than %d bytes", ErrMalformed, MaxDestinationLen)
	}
	if req.Duration <= 0 || req.Duration > 24*time.Hour {
		return Quote{}, ErrInvalidDuration
	}
	now := q.now().In(q.loc)
	dateS, timeS := req.Date, req.Time
	if dateS == "" {
		dateS = now.Format("2006-01-02")
	}
	if timeS == "" {
		timeS = now.Format("15:04")
	}
	date, err := ParseDate(dateS)
	if err != nil {
		return Quote{}, err
	}
	start, err := ParseClock(timeS)
	if err != nil {
		return Quote{}, err
	}
	ch := int64((req.Duration + 18*time.Second) / (36 * time.Second))
	rates, own := t.RatesFor(req.Destination)

	wd := date.Weekday()
	weekend := wd == time.Saturday || wd == time.Sunday
	peak := false
	if !weekend {
		for _, w := range t.PeakWindows {
			s, _ := ParseClock(w.Start)
			e, _ := ParseClock(w.End)
			if start >= s && start <= e {
				peak = true
			}
		}
	}
	holiday := false
	for _, h := range t.Holidays {
		if h == dateS {
			holiday = true
		}
	}
	// Exact parts in millionths of a cent: base = rate·ch/100 cents.
	const unit = 1_000_000
	baseU := rates.BaseCentsPerHour * ch * (unit / 100)
	part := func(on bool, bp int64) int64 {
		if !on {
			return 0
		}
		return rates.BaseCentsPerHour * ch * bp // ·unit/(100·10000) = 1
	}
	peakU, weekendU, holidayU := part(peak, rates.PeakBP), part(weekend, rates.WeekendBP), part(holiday, rates.HolidayBP)
	round := func(u int64) int64 { return (u + unit/2) / unit }
	end := (start + int((req.Duration+30*time.Second)/time.Minute)) % (24 * 60)
	return Quote{
		Destination:          req.Destination,
		Date:                 date.String(),
		StartTime:            fmt.Sprintf("%02d:%02d", start/60, start%60),
		EndTime:              fmt.Sprintf("%02d:%02d", end/60, end%60),
		Duration:             req.Duration,
		DurationCentiHours:   ch,
		BaseRatePerHourCents: rates.BaseCentsPerHour,
		BaseCents:            round(baseU),
		PeakCents:            round(peakU),
		WeekendCents:         round(weekendU),
		HolidayCents:         round(holidayU),
		TotalCents:           round(baseU + peakU + weekendU + holidayU),
		Currency:             t.Currency,
		UsesDefaultRates:     !own,
	}, nil
}
