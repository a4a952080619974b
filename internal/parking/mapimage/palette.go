package mapimage

import "github.com/autospot/autospot/internal/parking"

// swatch is one palette colour and the cell it stands for.
type swatch struct {
	r, g, b int
	kind    parking.Kind
	status  parking.SlotStatus
	name    string
}

// palette holds the colours measured on the original's example images
// (domain spec §3), then the original's nominal centroids as aliases, so
// maps drawn either way classify. Keep measured colours first.
func palette() [15]swatch {
	return [...]swatch{
		{180, 180, 180, parking.Wall, "", "wall"},
		{255, 255, 255, parking.Corridor, "", "corridor"},
		{86, 188, 108, parking.Slot, parking.Available, "available slot"},
		{250, 223, 112, parking.Slot, parking.Allocated, "allocated slot"},
		{235, 71, 61, parking.Slot, parking.Occupied, "occupied slot"},
		{245, 192, 106, parking.CarEntrance, "", "car entrance"},
		{132, 85, 246, parking.BuildingEntrance, "", "building entrance"},
		{237, 112, 192, parking.Ramp, "", "ramp"},
		{0, 0, 0, parking.Exit, "", "exit"},
		// The original's nominal centroids.
		{160, 160, 160, parking.Wall, "", "wall"},
		{240, 240, 240, parking.Corridor, "", "corridor"},
		{0, 176, 80, parking.Slot, parking.Available, "available slot"},
		{240, 176, 80, parking.CarEntrance, "", "car entrance"},
		{128, 64, 240, parking.BuildingEntrance, "", "building entrance"},
		{240, 80, 176, parking.Ramp, "", "ramp"},
	}
}

// Classification thresholds, in squared RGB distance.
const (
	maxDist2     = 60 * 60 // farther than this from every swatch: unknown
	clearDist2   = 12 * 12 // this close to a swatch: accepted outright
	ambiguityPct = 156     // second class within 1.25× the distance (1.25² ≈ 1.56): unknown
)

// classify returns the palette entry nearest (r, g, b), or ok=false when
// the colour is far from all entries or about as near to two different
// cell types.
func classify(r, g, b int) (sw swatch, ok bool) {
	best := -1
	bd, sd := 1<<30, 1<<30
	pal := palette()
	for i, p := range pal {
		d := (r-p.r)*(r-p.r) + (g-p.g)*(g-p.g) + (b-p.b)*(b-p.b)
		if d < bd {
			if best >= 0 && !sameCell(pal[best], p) {
				sd = bd
			}
			best, bd = i, d
		} else if d < sd && !sameCell(pal[best], p) {
			sd = d
		}
	}
	if bd > maxDist2 {
		return swatch{}, false
	}
	if bd > clearDist2 && sd*100 <= bd*ambiguityPct {
		return swatch{}, false
	}
	return pal[best], true
}

func sameCell(a, b swatch) bool { return a.kind == b.kind && a.status == b.status }
