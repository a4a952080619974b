package ratelimit

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want Policy
	}{
		{"5/minute", Policy{Limit: 5, Period: time.Minute}},
		{"10/second", Policy{Limit: 10, Period: time.Second}},
		{"5 per minute", Policy{Limit: 5, Period: time.Minute}},
		{"5 PER Minute", Policy{Limit: 5, Period: time.Minute}},
		{"  100 / 5 minutes  ", Policy{Limit: 100, Period: 5 * time.Minute}},
		{"100/5minutes", Policy{Limit: 100, Period: 5 * time.Minute}},
		{"1000/day", Policy{Limit: 1000, Period: 24 * time.Hour}},
		{"3/h", Policy{Limit: 3, Period: time.Hour}},
		{"3/hrs", Policy{Limit: 3, Period: time.Hour}},
		{"7/90s", Policy{Limit: 7, Period: 90 * time.Second}},
		{"10/second burst=20", Policy{Limit: 10, Period: time.Second, Burst: 20}},
		{"10/second burst 20", Policy{Limit: 10, Period: time.Second, Burst: 20}},
		{"10/second; burst = 20", Policy{Limit: 10, Period: time.Second, Burst: 20}},
		{"10/second,burst=20", Policy{Limit: 10, Period: time.Second, Burst: 20}},
		{"1/366 days", Policy{Limit: 1, Period: 366 * 24 * time.Hour}},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := Parse(tc.in)
			if err != nil || got != tc.want {
				t.Fatalf("Parse = %+v, %v; want %+v", got, err, tc.want)
			}
			again, err := Parse(got.String())
			if err != nil || again != got {
				t.Errorf("String %q re-parses to %+v, %v", got.String(), again, err)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		in     string
		want   error
		offset int
	}{
		{"", ErrSyntax, 0},
		{"minute", ErrSyntax, 0},
		{"-5/minute", ErrSyntax, 0},
		{"0/minute", ErrCount, 0},
		{"99999999999/minute", ErrCount, 0},
		{"2000000000/minute", ErrCount, 0},
		{"5", ErrSyntax, 1},
		{"5 minute", ErrSyntax, 2},
		{"5/", ErrUnit, 2},
		{"5/fortnight", ErrUnit, 2},
		{"5/month", ErrUnit, 2},
		{"5/minutes2", ErrSyntax, 9},
		{"5/0 minutes", ErrUnit, 2},
		{"5/367 days", ErrUnit, 6},
		{"5/minute extra", ErrSyntax, 9},
		{"5/minute burst", ErrBurst, 14},
		{"5/minute burst=0", ErrBurst, 15},
		{"5/minute burst=x", ErrBurst, 15},
		{"5/minute burst=5 x", ErrSyntax, 17},
		{"5/minute bursty=5", ErrSyntax, 9},
		{"5/1.5s", ErrUnit, 3},
		{"2000000/second", ErrInvalidPolicy, 14},
		{"5/minute\x00", ErrSyntax, 8},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			_, err := Parse(tc.in)
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("err = %v, want *ParseError", err)
			}
			if !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
			if pe.Offset != tc.offset || pe.Input != tc.in {
				t.Errorf("offset %d input %q, want offset %d", pe.Offset, pe.Input, tc.offset)
			}
			if !strings.HasPrefix(err.Error(), "ratelimit: ") {
				t.Errorf("message %q lacks the package prefix", err)
			}
		})
	}
}

func TestPolicyValidate(t *testing.T) {
	for name, p := range map[string]Policy{
		"zero":            {},
		"no period":       {Limit: 1},
		"negative burst":  {Limit: 1, Period: time.Second, Burst: -1},
		"too fast":        {Limit: 2_000_000, Period: time.Second},
		"period too long": {Limit: 1, Period: 400 * 24 * time.Hour},
		"overflow":        {Limit: 1, Period: 366 * 24 * time.Hour, Burst: 1_000_000_000},
	} {
		if err := p.Validate(); !errors.Is(err, ErrInvalidPolicy) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if err := (Policy{Limit: 1_000_000, Period: time.Second}).Validate(); err != nil {
		t.Errorf("1e6/s: %v", err)
	}
}

func TestPolicyDerived(t *testing.T) {
	p := Policy{Limit: 5, Period: time.Minute}
	if p.Interval() != 12*time.Second || p.Capacity() != 5 {
		t.Errorf("interval %v capacity %d", p.Interval(), p.Capacity())
	}
	q := Policy{Limit: 3, Period: time.Second, Burst: 7}
	if q.Interval() != 333333*time.Microsecond || q.Capacity() != 7 {
		t.Errorf("interval %v capacity %d", q.Interval(), q.Capacity())
	}
	if s := (Policy{Limit: 7, Period: 1500 * time.Millisecond}).String(); s != "7/1.5s" {
		t.Errorf("String = %q", s)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"5/minute", "10/second burst=20", "100 per 5 minutes", "1/d", "5/", "9999999999/s", "1/1000000 s"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := Parse(s)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Offset < 0 || pe.Offset > len(s) || pe.Input != s {
				t.Fatalf("Parse(%q): bad error %#v", s, err)
			}
			for _, sentinel := range []error{ErrSyntax, ErrCount, ErrUnit, ErrBurst, ErrInvalidPolicy} {
				if errors.Is(err, sentinel) {
					return
				}
			}
			t.Fatalf("Parse(%q): error %v wraps no sentinel", s, err)
		}
		if err := p.Validate(); err != nil {
			t.Fatalf("Parse(%q) = %+v, invalid: %v", s, p, err)
		}
		if again, err := Parse(p.String()); err != nil || again != p {
			t.Fatalf("Parse(%q) = %+v; String %q re-parses to %+v, %v", s, p, p.String(), again, err)
		}
	})
}

func TestDecision(t *testing.T) {
	p := Policy{Limit: 5, Period: time.Minute}
	iv, tol, _ := p.params()
	for _, tc := range []struct {
		name    string
		allowed bool
		until   time.Duration
		want    Decision
	}{
		{"first of burst", true, 12 * time.Second, Decision{Allowed: true, Remaining: 4, ResetAfter: 12 * time.Second}},
		{"last of burst", true, time.Minute, Decision{Allowed: true, Remaining: 0, ResetAfter: time.Minute}},
		{"denied", false, time.Minute, Decision{RetryAfter: 12 * time.Second, ResetAfter: time.Minute}},
		{"denied almost ready", false, 48*time.Second + time.Nanosecond, Decision{RetryAfter: time.Nanosecond, ResetAfter: 48*time.Second + time.Nanosecond}},
		{"negative clamp", true, -time.Second, Decision{Allowed: true, Remaining: 5}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := decision(tc.allowed, int64(tc.until), iv, tol); got != tc.want {
				t.Errorf("decision = %+v, want %+v", got, tc.want)
			}
			if got := NewDecision(p, tc.allowed, tc.until); got != tc.want {
				t.Errorf("NewDecision = %+v, want %+v", got, tc.want)
			}
		})
	}
	if d := NewDecision(Policy{}, true, 0); d != (Decision{}) {
		t.Errorf("NewDecision with invalid policy = %+v", d)
	}
}
