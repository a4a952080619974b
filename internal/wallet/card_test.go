package wallet

import (
	"errors"
	"testing"
	"time"
)

var now = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)

func TestValidateCard(t *testing.T) {
	ok := CardInput{Number: "4111111111111111", ExpMonth: "12", ExpYear: "2030", CVV: "123", Holder: "A B"}
	with := func(f func(*CardInput)) CardInput { c := ok; f(&c); return c }
	cases := []struct {
		name  string
		in    CardInput
		brand string
		err   error
	}{
		{"visa 16", ok, "visa", nil},
		{"visa 13", with(func(c *CardInput) { c.Number = "4222222222222" }), "visa", nil},
		{"spaces and hyphens", with(func(c *CardInput) { c.Number = "4111-1111 1111-1111" }), "visa", nil},
		{"amex", with(func(c *CardInput) { c.Number = "378282246310005" }), "amex", nil},
		{"mastercard 2-series", with(func(c *CardInput) { c.Number = "2223003122003222" }), "mastercard", nil},
		{"mastercard", with(func(c *CardInput) { c.Number = "5555555555554444" }), "mastercard", nil},
		{"diners 14", with(func(c *CardInput) { c.Number = "30569309025904" }), "diners", nil},
		{"discover", with(func(c *CardInput) { c.Number = "6011111111111117" }), "discover", nil},
		{"this month", with(func(c *CardInput) { c.ExpMonth, c.ExpYear = "03", "2026" }), "visa", nil},
		{"luhn", with(func(c *CardInput) { c.Number = "4111111111111112" }), "", ErrCardInvalid},
		{"amex wrong length", with(func(c *CardInput) { c.Number = "3782822463100050" }), "", ErrCardInvalid},
		{"visa 15", with(func(c *CardInput) { c.Number = "411111111111116" }), "", ErrCardInvalid},
		{"too short", with(func(c *CardInput) { c.Number = "411111111111" }), "", ErrCardInvalid},
		{"letters", with(func(c *CardInput) { c.Number = "4111x11111111111" }), "", ErrCardDigits},
		{"last month", with(func(c *CardInput) { c.ExpMonth, c.ExpYear = "02", "2026" }), "", ErrCardExpired},
		{"year 2051", with(func(c *CardInput) { c.ExpYear = "2051" }), "", ErrCardExpired},
		{"month 00", with(func(c *CardInput) { c.ExpMonth = "00" }), "", ErrCardExpired},
		{"month 1", with(func(c *CardInput) { c.ExpMonth = "1" }), "", ErrCardExpired},
		{"cvv 2", with(func(c *CardInput) { c.CVV = "12" }), "", ErrCVV},
		{"cvv letters", with(func(c *CardInput) { c.CVV = "12a" }), "", ErrCVV},
		{"no holder", with(func(c *CardInput) { c.Holder = "  " }), "", ErrCardDetails},
		{"holder newline", with(func(c *CardInput) { c.Holder = "A\nB" }), "", ErrHolder},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ValidateCard(c.in, now)
			if !errors.Is(err, c.err) || (err == nil && got.Brand != c.brand) {
				t.Fatalf("got %+v %v, want %s %v", got, err, c.brand, c.err)
			}
			if err == nil && got.LastFour != c.in.Number[len(c.in.Number)-4:] {
				t.Fatalf("last four %q", got.LastFour)
			}
			if err != nil && CardMessage(err) == "" {
				t.Fatalf("no user message for %v", err)
			}
		})
	}
}

// FuzzValidateCard: card input is untrusted. Never panics; an accepted
// card keeps only four digits of the number and never the CVV.
func FuzzValidateCard(f *testing.F) {
	f.Add("4111 1111 1111 1111", "12", "2030", "123", "Ada")
	f.Add("378282246310005", "01", "2026", "1234", "B")
	f.Add("", "", "", "", "")
	f.Fuzz(func(t *testing.T, num, m, y, cvv, holder string) {
		c, err := ValidateCard(CardInput{Number: num, ExpMonth: m, ExpYear: y, CVV: cvv, Holder: holder}, now)
		if err != nil {
			return
		}
		if len(c.LastFour) != 4 || !allDigits(c.LastFour) || c.Brand == "" {
			t.Fatalf("accepted %+v", c)
		}
		if c.Holder == "" || len(c.Holder) > 4*MaxHolderLen {
			t.Fatalf("holder %q", c.Holder)
		}
	})
}

func BenchmarkValidateCard(b *testing.B) {
	in := CardInput{Number: "4111 1111 1111 1111", ExpMonth: "12", ExpYear: "2030", CVV: "123", Holder: "Ada"}
	for b.Loop() {
		if _, err := ValidateCard(in, now); err != nil {
			b.Fatal(err)
		}
	}
}
