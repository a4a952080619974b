package mapimage

import (
	"image"
	"image/color"
	"image/draw"
)

// Colours used to draw test maps: the colours measured on the original
// example images (domain spec §3).
var measured = map[byte]color.NRGBA{
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

// The original's nominal centroids.
var nominal = map[byte]color.NRGBA{
	'W': {160, 160, 160, 255},
	'C': {240, 240, 240, 255},
	'S': {0, 176, 80, 255},
	'E': {240, 176, 80, 255},
	'B': {128, 64, 240, 255},
	'R': {240, 80, 176, 255},
	'X': {0, 0, 0, 255},
}

type drawOpts struct {
	cellW, cellH int
	border       bool // purple frame with a light anti-aliased edge
	labels       bool // dark "text" blocks and corridor dots
	colours      map[byte]color.NRGBA
}

// drawGrid draws a labelled grid like the original example images from a
// sketch (top row first, letters as parking.Level.Sketch).
func drawGrid(rows []string, o drawOpts) *image.NRGBA {
	if o.colours == nil {
		o.colours = measured
	}
	frame := 0
	if o.border {
		frame = 5
	}
	nr, nc := len(rows), len(rows[0])
	w, h := nc*o.cellW+2*frame, nr*o.cellH+2*frame
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	fill := func(r image.Rectangle, c color.Color) {
		draw.Draw(img, r, image.NewUniform(c), image.Point{}, draw.Src)
	}
	if o.border {
		fill(img.Bounds(), color.NRGBA{222, 205, 253, 255})
		fill(img.Bounds().Inset(1), color.NRGBA{129, 65, 246, 255})
		fill(img.Bounds().Inset(4), color.NRGBA{96, 48, 182, 255})
	}
	for r, row := range rows {
		for c := 0; c < nc; c++ {
			cell := image.Rect(frame+c*o.cellW, frame+r*o.cellH, frame+(c+1)*o.cellW, frame+(r+1)*o.cellH)
			fill(cell, color.Black) // grid lines
			inner := image.Rect(cell.Min.X+1, cell.Min.Y+1, cell.Max.X-1, cell.Max.Y-1)
			fill(inner, o.colours[row[c]])
			if !o.labels {
				continue
			}
			if row[c] == 'C' {
				for y := inner.Min.Y + 6; y < inner.Max.Y; y += 12 {
					for x := inner.Min.X + 6; x < inner.Max.X; x += 12 {
						fill(image.Rect(x, y, x+3, y+3), color.NRGBA{200, 200, 200, 255})
					}
				}
			}
			text := color.Color(color.Black)
			if row[c] == 'X' {
				text = color.White
			}
			cx, cy := (inner.Min.X+inner.Max.X)/2, (inner.Min.Y+inner.Max.Y)/2
			fill(image.Rect(cx-o.cellW/3, cy-o.cellH/12, cx+o.cellW/3, cy+o.cellH/12), text)
		}
	}
	return img
}
