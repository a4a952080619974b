package emissions

import (
	"fmt"
	"math"
	"strconv"

	"github.com/autospot/autospot/internal/parking"
)

// Constants of the original (domain spec §10): NTC Australia's average
// passenger-car factor and the default search baseline. 85.2 and 450 in
// the original's docstrings are not its defaults.
const (
	DefaultFactor   = 0.194 // g CO₂ per metre (1 grid cell = 1 m)
	DefaultBaseline = 100.0 // metres driven searching without guidance
	MinBaseline     = 20.0  // dynamic baseline clamp
	MaxBaseline     = 500.0
	MaxDistance     = 1e6 // metres accepted as input
	MaxFactor       = 1e4 // g/m accepted as input
)

// Method says how the baseline was obtained.
type Method string

// Baseline methods.
const (
	Static  Method = "static"
	Dynamic Method = "dynamic"
)

// Messages of the original.
const (
	MsgNoSavings = "No emissions saved - you're already taking an efficient route!"
	MsgUnable    = "Unable to calculate emissions savings at this time."
)

// Estimate is a computed saving, rounded as the original: distances to
// 2 dp, factor 3 dp, grams 2 dp, percent 1 dp.
type Estimate struct {
	RouteDistance    float64 `json:"route_distance" bson:"route"`
	BaselineDistance float64 `json:"baseline_distance" bson:"baseline"`
	Factor           float64 `json:"emissions_factor" bson:"factor"`
	Actual           float64 `json:"actual_emissions" bson:"actual"`
	Baseline         float64 `json:"baseline_emissions" bson:"baseline_em"`
	Saved            float64 `json:"emissions_saved" bson:"saved"`
	Percent          float64 `json:"percentage_saved" bson:"percent"`
	Method           Method  `json:"calculation_method" bson:"method"`
	Message          string  `json:"message" bson:"message"`
}

func round(x float64, dp int) float64 {
	p := math.Pow(10, float64(dp))
	return math.Round(x*p) / p
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// Calculate computes the saving of driving route metres instead of
// baseline metres at factor g/m:
//
//	actual = route·factor; baseline_em = baseline·factor; saved = baseline_em − actual
//	percent = saved / baseline_em · 100 (0 when baseline_em = 0; negative allowed)
//
// route must be in (0, [MaxDistance]], baseline in [0, MaxDistance],
// factor in (0, [MaxFactor]]; anything else (NaN, ±Inf) is [ErrInvalid].
func Calculate(route, baseline, factor float64, m Method) (Estimate, error) {
	if !finite(route) || route <= 0 || route > MaxDistance ||
		!finite(baseline) || baseline < 0 || baseline > MaxDistance ||
		!finite(factor) || factor <= 0 || factor > MaxFactor {
		return Estimate{}, fmt.Errorf("%w: route %v, baseline %v, factor %v", ErrInvalid, route, baseline, factor)
	}
	if m != Static && m != Dynamic {
		return Estimate{}, fmt.Errorf("%w: method %q", ErrInvalid, m)
	}
	actual := route * factor
	base := baseline * factor
	saved := base - actual
	pct := 0.0
	if base > 0 {
		pct = saved / base * 100
	}
	e := Estimate{
		RouteDistance: round(route, 2), BaselineDistance: round(baseline, 2), Factor: round(factor, 3),
		Actual: round(actual, 2), Baseline: round(base, 2), Saved: round(saved, 2), Percent: round(pct, 1),
		Method: m,
	}
	e.Message = Message(e.Saved, e.Percent)
	return e, nil
}

// Message is the original's user message for a saving in grams.
func Message(savedG, percent float64) string {
	if !finite(savedG) || !finite(percent) {
		return MsgUnable
	}
	if savedG <= 0 {
		return MsgNoSavings
	}
	amount := strconv.FormatFloat(round(savedG, 2), 'f', -1, 64) + "g"
	if savedG >= 1000 {
		amount = strconv.FormatFloat(savedG/1000, 'f', 1, 64) + "kg"
	}
	return "You saved " + amount + " CO₂ (" + strconv.FormatFloat(percent, 'f', 1, 64) + "%) by using AutoSpot!"
}

// DynamicBaseline estimates how far a driver would search in m without
// guidance: the perimeter of the bounding box of every corridor and slot
// cell (over all levels) × (0.25 + 0.5·occupancy), clamped to
// [[MinBaseline], [MaxBaseline]]. Occupancy is the share of slots that are
// not free; free decides (nil: the map's own status is available). A map
// with no corridor or slot gives [DefaultBaseline]; with no slots the
// occupancy is 0.5.
func DynamicBaseline(m *parking.Map, free func(parking.SlotRef) bool) float64 {
	if m == nil {
		return DefaultBaseline
	}
	minX, minY, maxX, maxY := math.MaxInt, math.MaxInt, math.MinInt, math.MinInt
	slots, taken := 0, 0
	for li := range m.Levels {
		l := &m.Levels[li]
		if l.Cols <= 0 {
			continue
		}
		for i, c := range l.Cells {
			if c.Kind != parking.Corridor && c.Kind != parking.Slot {
				continue
			}
			x, y := i%l.Cols, i/l.Cols
			minX, maxX = min(minX, x), max(maxX, x)
			minY, maxY = min(minY, y), max(maxY, y)
			if c.Kind == parking.Slot {
				slots++
				ok := c.Status == parking.Available
				if free != nil {
					ok = free(parking.SlotRef{Building: m.Building, Level: l.Number, ID: c.ID})
				}
				if !ok {
					taken++
				}
			}
		}
	}
	if maxX < minX {
		return DefaultBaseline
	}
	occ := 0.5
	if slots > 0 {
		occ = float64(taken) / float64(slots)
	}
	perimeter := 2 * float64(maxX-minX+maxY-minY)
	return math.Min(MaxBaseline, math.Max(MinBaseline, perimeter*(0.25+0.5*occ)))
}
