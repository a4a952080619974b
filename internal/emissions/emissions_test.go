package emissions_test

import (
	"context"
	"errors"
	"math"
	"path/filepath"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/autospot/autospot/internal/emissions"
	"github.com/autospot/autospot/internal/emissions/emissionstest"
	"github.com/autospot/autospot/internal/parking"
	"github.com/autospot/autospot/internal/testenv"
)

// The spec's numbers (domain spec §10, §13).
func TestCalculateSpec(t *testing.T) {
	cases := []struct {
		name                     string
		route, baseline, factor  float64
		actual, base, saved, pct float64
		msg                      string
	}{
		{"15 m vs 60 at 0.25", 15, 60, 0.25, 3.75, 15.0, 11.25, 75.0, "You saved 11.25g CO₂ (75.0%) by using AutoSpot!"},
		{"negative savings", 80, 60, 0.25, 20, 15, -5, -33.3, emissions.MsgNoSavings},
		{"baseline 0", 10, 0, 0.194, 1.94, 0, -1.94, 0, emissions.MsgNoSavings},
		{"defaults", 27, emissions.DefaultBaseline, emissions.DefaultFactor, 5.24, 19.4, 14.16, 73.0, "You saved 14.16g CO₂ (73.0%) by using AutoSpot!"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e, err := emissions.Calculate(c.route, c.baseline, c.factor, emissions.Static)
			if err != nil {
				t.Fatal(err)
			}
			if e.Actual != c.actual || e.Baseline != c.base || e.Saved != c.saved || e.Percent != c.pct || e.Message != c.msg {
				t.Fatalf("got %+v", e)
			}
		})
	}
}

func TestMessages(t *testing.T) {
	for _, c := range []struct {
		saved, pct float64
		want       string
	}{
		{125.5, 50, "You saved 125.5g CO₂ (50.0%) by using AutoSpot!"},
		{1250, 80, "You saved 1.2kg CO₂ (80.0%) by using AutoSpot!"},
		{0, 0, emissions.MsgNoSavings},
		{math.NaN(), 0, emissions.MsgUnable},
	} {
		if got := emissions.Message(c.saved, c.pct); got != c.want {
			t.Errorf("Message(%v) = %q, want %q", c.saved, got, c.want)
		}
	}
}

func TestCalculateRejects(t *testing.T) {
	for name, in := range map[string][3]float64{
		"zero route": {0, 60, 0.2}, "negative route": {-1, 60, 0.2}, "NaN": {math.NaN(), 60, 0.2},
		"Inf baseline": {1, math.Inf(1), 0.2}, "negative baseline": {1, -1, 0.2},
		"zero factor": {1, 60, 0}, "huge route": {2e6, 60, 0.2},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := emissions.Calculate(in[0], in[1], in[2], emissions.Static); !errors.Is(err, emissions.ErrInvalid) {
				t.Fatalf("%v", err)
			}
		})
	}
}

func TestDynamicBaseline(t *testing.T) {
	ex := parking.ExampleMap()
	// Corridor and slot cells span x 1..4, y 1..4: perimeter 12; all free:
	// 12 × 0.25 = 3 → clamped to 20 (the spec's "tiny lot → 20").
	if b := emissions.DynamicBaseline(ex, nil); b != emissions.MinBaseline {
		t.Fatalf("example: %v", b)
	}
	if b := emissions.DynamicBaseline(&parking.Map{}, nil); b != emissions.DefaultBaseline {
		t.Fatalf("empty map: %v", b)
	}
	big, err := parking.LevelFromText(1, bigRows(40, 40)...)
	if err != nil {
		t.Fatal(err)
	}
	m := &parking.Map{Building: "B", Levels: []parking.Level{big}}
	free := emissions.DynamicBaseline(m, func(parking.SlotRef) bool { return true })
	full := emissions.DynamicBaseline(m, func(parking.SlotRef) bool { return false })
	// perimeter 2·(39+39) = 156: ×0.25 = 39, ×0.75 = 117.
	if free != 39 || full != 117 {
		t.Fatalf("40×40: free %v, full %v", free, full)
	}
	for _, b := range []float64{free, full} {
		if b < emissions.MinBaseline || b > emissions.MaxBaseline {
			t.Fatalf("out of [20, 500]: %v", b)
		}
	}
}

func bigRows(rows, cols int) []string {
	out := make([]string, rows)
	for y := range rows {
		s := ""
		for x := range cols {
			if x > 0 {
				s += " "
			}
			if y == 0 && x == 0 {
				s += "S:S1"
			} else {
				s += "C"
			}
		}
		out[y] = s
	}
	return out
}

func TestMemory(t *testing.T) {
	emissionstest.Run(t, func(*testing.T) emissions.Repository { return emissions.NewMemory() })
}

func TestBolt(t *testing.T) {
	emissionstest.Run(t, func(t *testing.T) emissions.Repository {
		db, err := bbolt.Open(filepath.Join(t.TempDir(), "e.db"), 0o600, &bbolt.Options{Timeout: time.Second})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		r, err := emissions.NewBolt(db)
		if err != nil {
			t.Fatal(err)
		}
		return r
	})
}

func TestMongo(t *testing.T) {
	testenv.MongoURI(t)
	emissionstest.Run(t, func(t *testing.T) emissions.Repository {
		db := testenv.MongoDB(t, "emtest")
		r, err := emissions.NewMongo(context.Background(), db)
		if err != nil {
			t.Fatal(err)
		}
		return r
	})
}
