package fare

import (
	"fmt"
	"time"
)

// Date is a civil date.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday {
	return time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC).Weekday()
}

func digits(s string, pos ...int) bool {
	for _, i := range pos {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func num(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// ParseDate parses "YYYY-MM-DD". A string of another shape is
// [ErrMalformed]; a shaped but impossible date ("2024-02-30", year 0) is
// [ErrOutOfRange].
func ParseDate(s string) (Date, error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' || !digits(s, 0, 1, 2, 3, 5, 6, 8, 9) {
		return Date{}, fmt.Errorf("%w: date must be YYYY-MM-DD", ErrMalformed)
	}
	d := Date{Year: num(s[0:4]), Month: time.Month(num(s[5:7])), Day: num(s[8:10])}
	t := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
	if d.Year < 1 || d.Month < 1 || d.Month > 12 || t.Day() != d.Day {
		return Date{}, fmt.Errorf("%w: no such date %s", ErrOutOfRange, s)
	}
	return d, nil
}

// ParseClock parses "HH:MM" into minutes after midnight. Another shape is
// [ErrMalformed]; "24:00" or "12:60" is [ErrOutOfRange].
func ParseClock(s string) (int, error) {
	if len(s) != 5 || s[2] != ':' || !digits(s, 0, 1, 3, 4) {
		return 0, fmt.Errorf("%w: time must be HH:MM", ErrMalformed)
	}
	h, m := num(s[0:2]), num(s[3:5])
	if h > 23 || m > 59 {
		return 0, fmt.Errorf("%w: no such time %s", ErrOutOfRange, s)
	}
	return h*60 + m, nil
}

// ParseDecimal parses an unsigned plain decimal ("6", "6.5", "0.25") into
// an integer count of 10^-scale units: ParseDecimal("6.5", 2) is 650. It
// rejects signs, exponents, spaces, more than scale fraction digits and
// values over 10^15 units, with [ErrMalformed]. Use it for operator input:
// [ParseCents] for prices, [ParseBasisPoints] for surcharge rates.
func ParseDecimal(s string, scale int) (int64, error) {
	if s == "" || len(s) > 24 || scale < 0 || scale > 6 {
		return 0, fmt.Errorf("%w: not a plain decimal number", ErrMalformed)
	}
	var v int64
	frac := -1
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '.' && frac < 0 && i > 0 && i < len(s)-1:
			frac = 0
		case c >= '0' && c <= '9':
			if frac >= 0 {
				frac++
				if frac > scale {
					return 0, fmt.Errorf("%w: at most %d decimal places", ErrMalformed, scale)
				}
			}
			v = v*10 + int64(c-'0')
			if v > 1e15 {
				return 0, fmt.Errorf("%w: number too large", ErrMalformed)
			}
		default:
			return 0, fmt.Errorf("%w: not a plain decimal number", ErrMalformed)
		}
	}
	if frac < 0 {
		frac = 0
	}
	for ; frac < scale; frac++ {
		if v *= 10; v > 1e15 {
			return 0, fmt.Errorf("%w: number too large", ErrMalformed)
		}
	}
	return v, nil
}

// ParseCents parses a price such as "6.50" into cents.
func ParseCents(s string) (int64, error) { return ParseDecimal(s, 2) }

// ParseBasisPoints parses a rate such as "0.2" (20 %) into basis points
// (2000).
func ParseBasisPoints(s string) (int64, error) { return ParseDecimal(s, 4) }

// FormatCents renders cents as a decimal amount: 1440 → "14.40".
func FormatCents(c int64) string {
	sign := ""
	if c < 0 {
		sign, c = "-", -c
	}
	return fmt.Sprintf("%s%d.%02d", sign, c/100, c%100)
}
