package wallet

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// MethodType is the kind of a saved payment method.
type MethodType string

// Payment method types of the original.
const (
	CreditCard MethodType = "credit_card"
	DebitCard  MethodType = "debit_card"
)

// CardInput is card data as the client sends it, in a request body (never
// a query string). Only [Card]'s fields survive validation: the number and
// CVV are dropped.
type CardInput struct {
	Number   string `json:"card_number"`
	ExpMonth string `json:"expiry_month"` // "01".."12"
	ExpYear  string `json:"expiry_year"`  // "2025".."2050"
	CVV      string `json:"cvv"`
	Holder   string `json:"cardholder_name"`
}

// Card is what may be kept of a card.
type Card struct {
	Brand    string `json:"brand" bson:"brand"`
	LastFour string `json:"last_four_digits" bson:"last4"`
	ExpMonth string `json:"expiry_month" bson:"exp_month"`
	ExpYear  string `json:"expiry_year" bson:"exp_year"`
	Holder   string `json:"cardholder_name" bson:"holder"`
}

// String never shows more than the last four digits.
func (c Card) String() string { return c.Brand + " ••••" + c.LastFour }

// Card limits.
const (
	MinExpiryYear = 2025
	MaxExpiryYear = 2050
	MaxHolderLen  = 100
	maxCardInput  = 64 // bytes of a number with separators
)

// ValidateCard checks a card as the original's rules (domain spec §7):
// spaces and hyphens stripped; digits only ([ErrCardDigits]); 13–19
// digits, brand prefix and length, Luhn ([ErrCardInvalid]); CVV 3–4
// digits ([ErrCVV]); expiry month "01"–"12", year 2025–2050 and not before
// now's month in UTC ([ErrCardExpired]); holder 1–100 characters
// ([ErrHolder]). Missing fields are [ErrCardDetails].
func ValidateCard(in CardInput, now time.Time) (Card, error) {
	if in.Number == "" || in.ExpMonth == "" || in.ExpYear == "" || in.CVV == "" || strings.TrimSpace(in.Holder) == "" {
		return Card{}, ErrCardDetails
	}
	if len(in.Number) > maxCardInput {
		return Card{}, ErrCardInvalid
	}
	num := make([]byte, 0, 19)
	for i := 0; i < len(in.Number); i++ {
		switch c := in.Number[i]; {
		case c == ' ' || c == '-':
		case c >= '0' && c <= '9':
			num = append(num, c)
		default:
			return Card{}, ErrCardDigits
		}
	}
	brand, ok := Brand(string(num))
	if !ok || !luhn(num) {
		return Card{}, ErrCardInvalid
	}
	if n := len(in.CVV); n < 3 || n > 4 || !allDigits(in.CVV) {
		return Card{}, ErrCVV
	}
	if err := checkExpiry(in.ExpMonth, in.ExpYear, now); err != nil {
		return Card{}, err
	}
	holder := strings.TrimSpace(in.Holder)
	if utf8.RuneCountInString(holder) > MaxHolderLen || !okText(holder, 4*MaxHolderLen) {
		return Card{}, ErrHolder
	}
	return Card{Brand: brand, LastFour: string(num[len(num)-4:]), ExpMonth: in.ExpMonth, ExpYear: in.ExpYear, Holder: holder}, nil
}

func checkExpiry(month, year string, now time.Time) error {
	if len(month) != 2 || len(year) != 4 || !allDigits(month) || !allDigits(year) {
		return ErrCardExpired
	}
	m := int(month[0]-'0')*10 + int(month[1]-'0')
	y := 0
	for i := 0; i < 4; i++ {
		y = y*10 + int(year[i]-'0')
	}
	if m < 1 || m > 12 || y < MinExpiryYear || y > MaxExpiryYear {
		return ErrCardExpired
	}
	now = now.UTC()
	if y < now.Year() || y == now.Year() && m < int(now.Month()) {
		return ErrCardExpired
	}
	return nil
}

// CheckExpiry validates an expiry month and year as [ValidateCard] does.
func CheckExpiry(month, year string, now time.Time) error { return checkExpiry(month, year, now) }

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// Brand names the card brand of a digit string by prefix and checks its
// length (domain spec §7): Amex 34/37 (15), Diners 30/36/38/39 (14–16),
// Visa 4 (13, 16, 18, 19), Mastercard 5/2 (16), Discover/UnionPay 6
// (16–19), any other prefix 16. It does not check Luhn.
func Brand(digits string) (string, bool) {
	n := len(digits)
	if n < 13 || n > 19 || !allDigits(digits) {
		return "", false
	}
	p2 := digits[:2]
	switch {
	case p2 == "34" || p2 == "37":
		return "amex", n == 15
	case p2 == "30" || p2 == "36" || p2 == "38" || p2 == "39":
		return "diners", n >= 14 && n <= 16
	case digits[0] == '4':
		return "visa", n == 13 || n == 16 || n == 18 || n == 19
	case digits[0] == '5' || digits[0] == '2':
		return "mastercard", n == 16
	case digits[0] == '6':
		return "discover", n >= 16 && n <= 19
	}
	return "other", n == 16
}

func luhn(d []byte) bool {
	sum := 0
	for i := len(d) - 1; i >= 0; i-- {
		v := int(d[i] - '0')
		if (len(d)-1-i)%2 == 1 {
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
	}
	return sum%10 == 0
}

// PaymentMethod is a saved card. It never holds the card number or CVV.
type PaymentMethod struct {
	ID        string     `json:"payment_method_id" bson:"id"`
	DriverID  string     `json:"-" bson:"driver"`
	Type      MethodType `json:"method_type" bson:"type"`
	Label     string     `json:"label" bson:"label"`
	Card      Card       `json:"card" bson:"card"`
	Default   bool       `json:"is_default" bson:"default"`
	Active    bool       `json:"is_active" bson:"active"`
	CreatedAt time.Time  `json:"created_at" bson:"created_at"`
	UpdatedAt time.Time  `json:"updated_at" bson:"updated_at"`
}

func (pm *PaymentMethod) check() error {
	if pm.ID == "" || !okText(pm.ID, 64) || pm.DriverID == "" || !okText(pm.DriverID, 256) ||
		(pm.Type != CreditCard && pm.Type != DebitCard) || !okText(pm.Label, MaxTextLen) ||
		len(pm.Card.LastFour) != 4 || !allDigits(pm.Card.LastFour) {
		return fmt.Errorf("%w: payment method", ErrInvalid)
	}
	return nil
}

// MethodUpdate changes a saved method; nil fields are kept.
type MethodUpdate struct {
	ExpMonth *string
	ExpYear  *string
	Default  *bool
	Label    *string
}

func (u MethodUpdate) apply(pm *PaymentMethod, now time.Time) error {
	if u.ExpMonth != nil || u.ExpYear != nil {
		m, y := pm.Card.ExpMonth, pm.Card.ExpYear
		if u.ExpMonth != nil {
			m = *u.ExpMonth
		}
		if u.ExpYear != nil {
			y = *u.ExpYear
		}
		if err := checkExpiry(m, y, now); err != nil {
			return err
		}
		pm.Card.ExpMonth, pm.Card.ExpYear = m, y
	}
	if u.Label != nil {
		if !okText(*u.Label, MaxTextLen) {
			return fmt.Errorf("%w: label", ErrInvalid)
		}
		pm.Label = *u.Label
	}
	if u.Default != nil {
		pm.Default = *u.Default
	}
	pm.UpdatedAt = now.UTC()
	return nil
}
