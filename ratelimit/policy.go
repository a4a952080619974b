package ratelimit

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Bounds enforced by [Parse] and [Policy.Validate].
const (
	maxCount     = 1_000_000_000
	maxMult      = 1_000_000
	maxPeriod    = 366 * 24 * time.Hour
	maxTolerance = 10 * 366 * 24 * time.Hour
)

// Policy is a rate: Limit requests per Period, with bursts of up to Burst
// requests at once. It is a value; the zero value is invalid.
//
// Policies follow the generic cell rate algorithm (GCRA): requests are
// spaced by the emission interval Period/Limit, and up to Burst of them may
// arrive back to back. Credit comes back smoothly, one request every
// interval, so there is no window edge at which a fixed-window counter
// would allow 2×Limit requests in an instant.
type Policy struct {
	// Limit is the number of requests per Period (at least 1).
	Limit int
	// Period is the length of the window Limit applies to.
	Period time.Duration
	// Burst is how many requests may arrive at once. Zero means Limit, so
	// "5/minute" allows 5 requests immediately, then one every 12 s.
	Burst int
}

// Parse reads a policy written the way the seed (slowapi / limits) writes
// them:
//
//	5/minute            5 per minute, bursts of 5
//	5 per minute        the same
//	100/5 minutes       100 per 5 minutes
//	10/second burst=20  10 per second, bursts of 20
//	1000/day; burst=50
//
// Units are second, minute, hour and day, singular or plural, or their
// abbreviations (s, sec, m, min, h, hr, d), in any case. Errors are
// [*ParseError] values wrapping [ErrSyntax], [ErrCount], [ErrUnit],
// [ErrBurst] or [ErrInvalidPolicy].
func Parse(s string) (Policy, error) {
	sc := scanner{in: s}
	fail := func(err error, reason string) (Policy, error) {
		return Policy{}, &ParseError{Input: s, Offset: sc.pos, Err: err, Reason: reason}
	}
	sc.space()
	count, ok := sc.int()
	if !ok {
		if sc.pos < len(s) && s[sc.pos] >= '0' && s[sc.pos] <= '9' {
			return fail(ErrCount, "count too large")
		}
		return fail(ErrSyntax, "want a count such as 5/minute")
	}
	if count < 1 || count > maxCount {
		sc.pos = 0
		sc.space()
		return fail(ErrCount, "count must be in [1, 1e9]")
	}
	sc.space()
	if !sc.literal("/") && !sc.word("per") {
		return fail(ErrSyntax, `want "/" or "per" after the count`)
	}
	sc.space()
	mult := int64(1)
	multStart := sc.pos
	if n, ok := sc.int(); ok {
		if n < 1 || n > maxMult {
			sc.pos = multStart
			return fail(ErrUnit, "period multiplier must be in [1, 1e6]")
		}
		mult = n
		sc.space()
	}
	start := sc.pos
	unitName := sc.letters()
	unit, ok := units[strings.ToLower(unitName)]
	if !ok {
		sc.pos = start
		return fail(ErrUnit, "want second, minute, hour or day")
	}
	if mult > int64(maxPeriod/unit) {
		sc.pos = start
		return fail(ErrUnit, "period longer than a year")
	}
	p := Policy{Limit: int(count), Period: time.Duration(mult) * unit}

	sc.space()
	if sc.literal(";") || sc.literal(",") {
		sc.space()
	}
	if sc.pos < len(s) {
		if !sc.word("burst") {
			return fail(ErrSyntax, `unexpected text; only "burst=N" may follow the rate`)
		}
		sc.space()
		if sc.literal("=") {
			sc.space()
		}
		burstStart := sc.pos
		b, ok := sc.int()
		if !ok || b < 1 || b > maxCount {
			sc.pos = burstStart
			return fail(ErrBurst, "burst must be an integer in [1, 1e9]")
		}
		if int(b) != p.Limit { // Burst == Limit is the default: keep one spelling
			p.Burst = int(b)
		}
		sc.space()
		if sc.pos < len(s) {
			return fail(ErrSyntax, "unexpected text after the burst")
		}
	}
	if err := p.Validate(); err != nil {
		return fail(ErrInvalidPolicy, err.Error())
	}
	return p, nil
}

var units = map[string]time.Duration{
	"s": time.Second, "sec": time.Second, "secs": time.Second, "second": time.Second, "seconds": time.Second,
	"m": time.Minute, "min": time.Minute, "mins": time.Minute, "minute": time.Minute, "minutes": time.Minute,
	"h": time.Hour, "hr": time.Hour, "hrs": time.Hour, "hour": time.Hour, "hours": time.Hour,
	"d": 24 * time.Hour, "day": 24 * time.Hour, "days": 24 * time.Hour,
}

type scanner struct {
	in  string
	pos int
}

func (s *scanner) space() {
	for s.pos < len(s.in) && (s.in[s.pos] == ' ' || s.in[s.pos] == '\t') {
		s.pos++
	}
}

func (s *scanner) literal(lit string) bool {
	if strings.HasPrefix(s.in[s.pos:], lit) {
		s.pos += len(lit)
		return true
	}
	return false
}

// word consumes w (any case) if it is followed by a non-letter.
func (s *scanner) word(w string) bool {
	end := s.pos + len(w)
	if end > len(s.in) || !strings.EqualFold(s.in[s.pos:end], w) {
		return false
	}
	if end < len(s.in) && isLetter(s.in[end]) {
		return false
	}
	s.pos = end
	return true
}

func (s *scanner) letters() string {
	start := s.pos
	for s.pos < len(s.in) && isLetter(s.in[s.pos]) {
		s.pos++
	}
	return s.in[start:s.pos]
}

// int reads up to 10 decimal digits; it fails on none or on more.
func (s *scanner) int() (int64, bool) {
	start := s.pos
	for s.pos < len(s.in) && s.in[s.pos] >= '0' && s.in[s.pos] <= '9' {
		s.pos++
	}
	if s.pos == start || s.pos-start > 10 {
		s.pos = start
		return 0, false
	}
	n, err := strconv.ParseInt(s.in[start:s.pos], 10, 64)
	return n, err == nil
}

func isLetter(c byte) bool { return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') }

// Validate reports whether p is usable, with an error wrapping
// [ErrInvalidPolicy] if not.
func (p Policy) Validate() error {
	_, _, err := p.params()
	return err
}

// Capacity is the number of requests that may arrive at once: Burst, or
// Limit when Burst is zero.
func (p Policy) Capacity() int {
	if p.Burst > 0 {
		return p.Burst
	}
	return p.Limit
}

// Interval is the emission interval, Period/Limit truncated to whole
// microseconds (the Redis backend's resolution, so both backends agree):
// after a burst, one more request is allowed every Interval.
func (p Policy) Interval() time.Duration {
	if p.Limit <= 0 {
		return 0
	}
	return (p.Period / time.Duration(p.Limit)).Truncate(time.Microsecond)
}

// params returns the emission interval and the tolerance
// (interval × capacity) in nanoseconds.
func (p Policy) params() (interval, tolerance int64, err error) {
	switch {
	case p.Limit < 1 || p.Limit > maxCount:
		return 0, 0, fmt.Errorf("%w: Limit %d not in [1, 1e9]", ErrInvalidPolicy, p.Limit)
	case p.Period <= 0 || p.Period > maxPeriod:
		return 0, 0, fmt.Errorf("%w: Period %v not in (0, 366 days]", ErrInvalidPolicy, p.Period)
	case p.Burst < 0 || p.Burst > maxCount:
		return 0, 0, fmt.Errorf("%w: Burst %d not in [0, 1e9]", ErrInvalidPolicy, p.Burst)
	}
	iv := p.Interval()
	if iv < time.Microsecond {
		return 0, 0, fmt.Errorf("%w: %d per %v is more than one request per microsecond", ErrInvalidPolicy, p.Limit, p.Period)
	}
	c := time.Duration(p.Capacity())
	if iv > maxTolerance/c {
		return 0, 0, fmt.Errorf("%w: burst %d × interval %v exceeds ten years", ErrInvalidPolicy, c, iv)
	}
	return int64(iv), int64(iv * c), nil
}

// String returns the policy in [Parse]'s syntax ("5/minute",
// "10/second burst=20"). It re-parses to p when Period is a whole number of
// seconds.
func (p Policy) String() string {
	var b strings.Builder
	b.WriteString(strconv.Itoa(p.Limit))
	b.WriteByte('/')
	switch unit, name := periodUnit(p.Period); {
	case unit == 0:
		b.WriteString(p.Period.String())
	case p.Period == unit:
		b.WriteString(name)
	default:
		b.WriteString(strconv.FormatInt(int64(p.Period/unit), 10))
		b.WriteString(" " + name + "s")
	}
	if p.Burst > 0 && p.Burst != p.Limit {
		b.WriteString(" burst=")
		b.WriteString(strconv.Itoa(p.Burst))
	}
	return b.String()
}

func periodUnit(d time.Duration) (time.Duration, string) {
	for _, u := range []struct {
		d    time.Duration
		name string
	}{{24 * time.Hour, "day"}, {time.Hour, "hour"}, {time.Minute, "minute"}, {time.Second, "second"}} {
		if d > 0 && d%u.d == 0 {
			return u.d, u.name
		}
	}
	return 0, ""
}
