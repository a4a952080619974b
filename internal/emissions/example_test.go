package emissions_test

import (
	"errors"
	"fmt"

	"github.com/autospot/autospot/internal/emissions"
	"github.com/autospot/autospot/internal/parking"
)

func ExampleCalculate() {
	e, _ := emissions.Calculate(15, 60, 0.25, emissions.Static)
	fmt.Println(e.Actual, e.Baseline, e.Saved, e.Percent)
	fmt.Println(e.Message)
	_, err := emissions.Calculate(0, 60, 0.25, emissions.Static)
	fmt.Println(errors.Is(err, emissions.ErrInvalid))
	// Output:
	// 3.75 15 11.25 75
	// You saved 11.25g CO₂ (75.0%) by using AutoSpot!
	// true
}

func ExampleDynamicBaseline() {
	fmt.Println(emissions.DynamicBaseline(parking.ExampleMap(), nil))
	// Output: 20
}
