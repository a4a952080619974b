package entryqr_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/autospot/autospot/internal/entryqr"
)

func Example() {
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	s, _ := entryqr.New([]byte("a 32-byte key from configuration"), entryqr.WithClock(func() time.Time { return now }))
	code, _ := s.Sign(entryqr.Entrance{Building: "Westfield Sydney1", Entrance: "E1", Level: 1})
	e, err := s.Verify(code)
	fmt.Println(e.Building, e.Entrance, e.Level, e.Expires.Format(time.DateOnly), err)
	// Output: Westfield Sydney1 E1 1 2026-05-31 <nil>
}

func ExampleSigner_Verify_forged() {
	s, _ := entryqr.New([]byte("a 32-byte key from configuration"))
	_, err := s.Verify(`{"entrance_id":"E1","building":"Westfield Sydney1","level":1}`)
	fmt.Println(errors.Is(err, entryqr.ErrMalformed))
	other, _ := entryqr.New([]byte("another key, also 32 bytes long!"))
	code, _ := other.Sign(entryqr.Entrance{Building: "B", Entrance: "E1", Level: 1})
	_, err = s.Verify(code)
	fmt.Println(errors.Is(err, entryqr.ErrBadSignature))
	// Output:
	// true
	// true
}
