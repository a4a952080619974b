package fare_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/autospot/autospot/internal/parking/fare"
)

func ExampleQuoter_Quote() {
	q, _ := fare.NewQuoter()
	qt, _ := q.Quote(fare.OriginalTable(), fare.Request{
		Destination: "Westfield Sydney", Date: "2025-12-25", Time: "08:00", Duration: 2 * time.Hour,
	})
	fmt.Println("base", fare.FormatCents(qt.BaseCents), "peak", fare.FormatCents(qt.PeakCents),
		"holiday", fare.FormatCents(qt.HolidayCents), "total", fare.FormatCents(qt.TotalCents), qt.Currency)
	// Output:
	// base 12.00 peak 2.40 holiday 9.60 total 24.00 AUD
}

func ExampleWithClock() {
	// No date or time: now in Australia/Sydney, from the injected clock.
	now := time.Date(2024, 1, 19, 21, 30, 0, 0, time.UTC) // Saturday 08:30 in Sydney
	q, _ := fare.NewQuoter(fare.WithClock(func() time.Time { return now }))
	qt, _ := q.Quote(fare.OriginalTable(), fare.Request{Destination: "Westfield Bondi Junction", Duration: 2 * time.Hour})
	fmt.Println(qt.Date, qt.StartTime, fare.FormatCents(qt.TotalCents))
	// Output:
	// 2024-01-20 08:30 21.00
}

func ExampleQuoter_Quote_errors() {
	q, _ := fare.NewQuoter()
	for _, r := range []fare.Request{
		{Date: "2024-1-15", Time: "08:00", Duration: time.Hour},
		{Date: "2024-01-15", Time: "25:00", Duration: time.Hour},
		{Date: "2024-01-15", Time: "08:00", Duration: 25 * time.Hour},
	} {
		_, err := q.Quote(fare.OriginalTable(), r)
		switch {
		case errors.Is(err, fare.ErrMalformed), errors.Is(err, fare.ErrInvalidDuration):
			fmt.Println("422:", err)
		case errors.Is(err, fare.ErrOutOfRange):
			fmt.Println("400:", err)
		}
	}
	// Output:
	// 422: fare: malformed input: date must be YYYY-MM-DD
	// 400: fare: value out of range: no such time 25:00
	// 422: fare: duration must be more than 0 and at most 24 hours
}

func ExampleParseBasisPoints() {
	// An operator's rate edit, read exactly.
	base, _ := fare.ParseCents("6.50")
	peak, _ := fare.ParseBasisPoints("0.2")
	_, err := fare.ParseCents("-1")
	fmt.Println(base, peak, err)
	// Output:
	// 650 2000 fare: malformed input: not a plain decimal number
}
