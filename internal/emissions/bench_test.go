package emissions_test

import (
	"testing"

	"github.com/autospot/autospot/internal/emissions"
	"github.com/autospot/autospot/internal/parking"
)

func BenchmarkCalculate(b *testing.B) {
	for b.Loop() {
		if _, err := emissions.Calculate(27, 100, 0.194, emissions.Static); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDynamicBaseline(b *testing.B) {
	m := parking.ExampleMap()
	for b.Loop() {
		emissions.DynamicBaseline(m, nil)
	}
}
