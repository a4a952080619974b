package parkingapi_test

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"testing"
)

// cellColours are the colours measured on the original example images
// (domain spec §3), by Sketch letter.
var cellColours = map[byte]color.NRGBA{
	'W': {180, 180, 180, 255},
	'C': {255, 255, 255, 255},
	'S': {86, 188, 108, 255},
	'A': {250, 223, 112, 255},
	'O': {235, 71, 61, 255},
	'E': {245, 192, 106, 255},
	'B': {132, 85, 246, 255},
	'R': {237, 112, 192, 255},
	'X': {0, 0, 0, 255},
}

// drawMap draws a labelled grid like the original's example images: rows
// top first, one Sketch letter per cell, cells of 40×32 px with black
// grid lines and a dark label block in the middle.
func drawMap(t testing.TB, rows ...string) []byte {
	t.Helper()
	const cw, ch = 40, 32
	img := image.NewNRGBA(image.Rect(0, 0, len(rows[0])*cw, len(rows)*ch))
	fill := func(r image.Rectangle, c color.Color) {
		draw.Draw(img, r, image.NewUniform(c), image.Point{}, draw.Src)
	}
	for y, row := range rows {
		for x := 0; x < len(row); x++ {
			cell := image.Rect(x*cw, y*ch, (x+1)*cw, (y+1)*ch)
			fill(cell, color.Black)
			inner := cell.Inset(1)
			fill(inner, cellColours[row[x]])
			label := color.Color(color.Black)
			if row[x] == 'X' {
				label = color.White
			}
			cx, cy := (inner.Min.X+inner.Max.X)/2, (inner.Min.Y+inner.Max.Y)/2
			fill(image.Rect(cx-cw/4, cy-2, cx+cw/4, cy+2), label)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// A level without ramps (it can be stored on its own) and one like the
// example's level 1 (its ramp needs a target).
var (
	plainLevel = []string{
		"WWWWWW",
		"WCCCCW",
		"ECSSCX",
		"WCSOCW",
		"WCCCCW",
		"WWBWWW",
	}
	rampLevel = []string{
		"WWWWWW",
		"WCCCCW",
		"ECSSCX",
		"WCSSCW",
		"WCCCCW",
		"WRBWWW",
	}
)
