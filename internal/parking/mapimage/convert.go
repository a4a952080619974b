package mapimage

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	_ "image/gif" // registered decoders
	_ "image/jpeg"
	_ "image/png"
	"io"

	"github.com/autospot/autospot/internal/parking"
)

// Grid size limits, as the original's upload endpoint (4–20 a side).
const (
	MinGrid = 4
	MaxGrid = 20
	// MinCellPixels is the least size of a grid cell, in pixels each way.
	MinCellPixels = 8
)

// Defaults of [Options].
const (
	DefaultMaxBytes  = 10 << 20 // 10 MiB, as the original
	DefaultMaxPixels = 16 << 20 // 16 Mpx
	DefaultMaxSide   = 8192     // pixels
)

// Options describe the grid drawn in the image. Rows and Cols are
// required; the zero values of the limits mean the defaults above.
type Options struct {
	Rows, Cols int // MinGrid..MaxGrid
	Level      int // level number stamped on the result
	MaxBytes   int64
	MaxPixels  int
	MaxSide    int
}

func (o Options) withDefaults() (Options, error) {
	if o.Rows < MinGrid || o.Rows > MaxGrid || o.Cols < MinGrid || o.Cols > MaxGrid {
		return o, fmt.Errorf("%w: rows and cols must be %d..%d", ErrOptions, MinGrid, MaxGrid)
	}
	if o.Level < parking.MinLevelNumber || o.Level > parking.MaxLevelNumber {
		return o, fmt.Errorf("%w: level must be %d..%d", ErrOptions, parking.MinLevelNumber, parking.MaxLevelNumber)
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	if o.MaxPixels <= 0 {
		o.MaxPixels = DefaultMaxPixels
	}
	if o.MaxSide <= 0 {
		o.MaxSide = DefaultMaxSide
	}
	return o, nil
}

// Result is a converted level. Ramps come without targets (an image
// cannot show where a ramp leads): the caller must set each ramp's
// [parking.RampLink] before the level can be saved, and [parking.Map]
// validation refuses it until then.
type Result struct {
	Level    parking.Level
	Crop     image.Rectangle // the grid area found inside the outer border
	Warnings []string
}

// Decode reads an image of at most opt.MaxBytes, checks its dimensions
// from the header before decoding the pixels (so a small file declaring a
// huge image is refused cheaply), decodes it (PNG, JPEG or GIF) and
// converts it with [Convert].
func Decode(r io.Reader, opt Options) (*Result, error) {
	opt, err := opt.withDefaults()
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(r, opt.MaxBytes+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > opt.MaxBytes {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, opt.MaxBytes)
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrDecode, err)
	}
	if err := checkSize(cfg.Width, cfg.Height, opt); err != nil {
		return nil, err
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrDecode, err)
	}
	return Convert(img, opt)
}

func checkSize(w, h int, opt Options) error {
	if w <= 0 || h <= 0 || w > opt.MaxSide || h > opt.MaxSide || w*h > opt.MaxPixels {
		return fmt.Errorf("%w: %d×%d pixels (limits: %d a side, %d in all)", ErrTooLarge, w, h, opt.MaxSide, opt.MaxPixels)
	}
	return nil
}

// Convert turns an image of a labelled grid into a level:
//
//  1. Colours are read as RGB; alpha is dropped.
//  2. A uniform dark or saturated outer border (the original images have
//     a ~4 px purple frame with a light anti-aliased edge) is trimmed, up
//     to 3 % of each side; without a border nothing is cropped. Inner grid lines are never mistaken for
//     the border, unlike the original's auto-crop.
//  3. The area is split into Rows×Cols cells; each cell is inset by 10 %
//     per side and its per-channel median taken, which ignores labels,
//     dots and grid lines.
//  4. The median is matched to the calibrated palette (the colours
//     measured on the original example images, plus the original's
//     nominal ones): wall grey, corridor white, slot green/yellow/red
//     (available/allocated/occupied), car entrance orange, building
//     entrance purple, ramp pink, exit black. A colour far from every
//     entry, or about equally near two kinds, is refused with an
//     *[UnrecognisedError] listing every such cell; nothing is guessed.
//  5. Ids are numbered per kind in reading order from the image's
//     top-left and prefixed with the level: "1S1", "1E1", "1BE1", "1X1",
//     "1R1". Rows are flipped to the map's bottom-left origin.
//
// Corridors are two-way; ramps have no target (see [Result]).
func Convert(img image.Image, opt Options) (*Result, error) {
	opt, err := opt.withDefaults()
	if err != nil {
		return nil, err
	}
	b := img.Bounds()
	if err := checkSize(b.Dx(), b.Dy(), opt); err != nil {
		return nil, err
	}
	px := toRGB(img)
	crop := findCrop(px)
	if crop.Dx() < opt.Cols*MinCellPixels || crop.Dy() < opt.Rows*MinCellPixels {
		return nil, fmt.Errorf("%w: %d×%d pixels for %d×%d cells", ErrTooSmall, crop.Dx(), crop.Dy(), opt.Cols, opt.Rows)
	}
	lvl := parking.Level{Number: opt.Level, Rows: opt.Rows, Cols: opt.Cols, Cells: make([]parking.Cell, opt.Rows*opt.Cols)}
	var unknown []UnknownCell
	counts := map[parking.Kind]int{}
	prefix := map[parking.Kind]string{parking.Slot: "S", parking.CarEntrance: "E", parking.BuildingEntrance: "BE", parking.Exit: "X", parking.Ramp: "R"}
	for row := 0; row < opt.Rows; row++ {
		y0 := crop.Min.Y + row*crop.Dy()/opt.Rows
		y1 := crop.Min.Y + (row+1)*crop.Dy()/opt.Rows
		for col := 0; col < opt.Cols; col++ {
			x0 := crop.Min.X + col*crop.Dx()/opt.Cols
			x1 := crop.Min.X + (col+1)*crop.Dx()/opt.Cols
			r, g, bl := px.median(inset(image.Rect(x0, y0, x1, y1)))
			mx, my := col, opt.Rows-1-row
			sw, ok := classify(int(r), int(g), int(bl))
			if !ok {
				unknown = append(unknown, UnknownCell{X: mx, Y: my, R: r, G: g, B: bl})
				continue
			}
			c := parking.Cell{Kind: sw.kind, Status: sw.status}
			if p, isFeature := prefix[sw.kind]; isFeature {
				counts[sw.kind]++
				c.ID = fmt.Sprintf("%d%s%d", opt.Level, p, counts[sw.kind])
			}
			lvl.Cells[my*opt.Cols+mx] = c
		}
	}
	if len(unknown) > 0 {
		return nil, &UnrecognisedError{Cells: unknown}
	}
	res := &Result{Level: lvl, Crop: crop}
	res.Warnings = append(res.Warnings, fmt.Sprintf("level %d: %d parking slots detected", opt.Level, counts[parking.Slot]))
	if counts[parking.Exit] == 0 {
		res.Warnings = append(res.Warnings, fmt.Sprintf("level %d: no exit detected", opt.Level))
	}
	if counts[parking.Ramp] > 0 {
		res.Warnings = append(res.Warnings, fmt.Sprintf("level %d: %d ramp(s) need a target level and cell before saving", opt.Level, counts[parking.Ramp]))
	}
	return res, nil
}

func inset(r image.Rectangle) image.Rectangle {
	dx, dy := max(1, r.Dx()/10), max(1, r.Dy()/10)
	return image.Rect(r.Min.X+dx, r.Min.Y+dy, r.Max.X-dx, r.Max.Y-dy)
}

// rgb is a packed RGB copy of an image, origin at (0, 0).
type rgb struct {
	w, h int
	pix  []uint8
}

func (p *rgb) at(x, y int) (uint8, uint8, uint8) {
	i := 3 * (y*p.w + x)
	return p.pix[i], p.pix[i+1], p.pix[i+2]
}

// toRGB copies img's colour channels, without alpha and without
// un-premultiplying for the common non-premultiplied formats.
func toRGB(img image.Image) *rgb {
	b := img.Bounds()
	p := &rgb{w: b.Dx(), h: b.Dy(), pix: make([]uint8, 3*b.Dx()*b.Dy())}
	i := 0
	switch src := img.(type) {
	case *image.NRGBA:
		for y := b.Min.Y; y < b.Max.Y; y++ {
			row := src.Pix[src.PixOffset(b.Min.X, y):]
			for x := 0; x < b.Dx(); x++ {
				p.pix[i], p.pix[i+1], p.pix[i+2] = row[4*x], row[4*x+1], row[4*x+2]
				i += 3
			}
		}
	case *image.RGBA:
		for y := b.Min.Y; y < b.Max.Y; y++ {
			row := src.Pix[src.PixOffset(b.Min.X, y):]
			for x := 0; x < b.Dx(); x++ {
				p.pix[i], p.pix[i+1], p.pix[i+2] = row[4*x], row[4*x+1], row[4*x+2]
				i += 3
			}
		}
	default:
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				c := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
				p.pix[i], p.pix[i+1], p.pix[i+2] = c.R, c.G, c.B
				i += 3
			}
		}
	}
	return p
}

// median returns the per-channel median over r.
func (p *rgb) median(r image.Rectangle) (uint8, uint8, uint8) {
	var h [3][256]int
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			i := 3 * (y*p.w + x)
			h[0][p.pix[i]]++
			h[1][p.pix[i+1]]++
			h[2][p.pix[i+2]]++
			n++
		}
	}
	var out [3]uint8
	for c := 0; c < 3; c++ {
		acc := 0
		for v := 0; v < 256; v++ {
			acc += h[c][v]
			if 2*acc > n {
				out[c] = uint8(v)
				break
			}
		}
	}
	return out[0], out[1], out[2]
}

// findCrop trims a uniform dark or saturated border from each side, at
// most 3 % of the side (at least 1 px); without one the whole image is
// kept.
func findCrop(p *rgb) image.Rectangle {
	r := image.Rect(0, 0, p.w, p.h)
	maxX, maxY := max(1, p.w*3/100), max(1, p.h*3/100)
	line := func(x0, y0, dx, dy, n int) bool { return isBorderLine(p, x0, y0, dx, dy, n) }
	for k := 0; k < maxY && r.Dy() > 2 && line(r.Min.X, r.Min.Y, 1, 0, r.Dx()); k++ {
		r.Min.Y++
	}
	for k := 0; k < maxY && r.Dy() > 2 && line(r.Min.X, r.Max.Y-1, 1, 0, r.Dx()); k++ {
		r.Max.Y--
	}
	for k := 0; k < maxX && r.Dx() > 2 && line(r.Min.X, r.Min.Y, 0, 1, r.Dy()); k++ {
		r.Min.X++
	}
	for k := 0; k < maxX && r.Dx() > 2 && line(r.Max.X-1, r.Min.Y, 0, 1, r.Dy()); k++ {
		r.Max.X--
	}
	return r
}

// isBorderLine reports whether at least 90 % of the n pixels from (x0,
// y0) in steps (dx, dy) are within 40 of their median colour, and that
// colour is dark (luma < 150) or saturated (channels 40 apart): a frame
// line such as the originals' purple one and its anti-aliased edge. Grey
// and white lines (wall and corridor rows) never count.
func isBorderLine(p *rgb, x0, y0, dx, dy, n int) bool {
	var h [3][256]int
	for k := 0; k < n; k++ {
		r, g, b := p.at(x0+k*dx, y0+k*dy)
		h[0][r]++
		h[1][g]++
		h[2][b]++
	}
	var med [3]int
	for c := 0; c < 3; c++ {
		acc := 0
		for v := 0; v < 256; v++ {
			if acc += h[c][v]; 2*acc > n {
				med[c] = v
				break
			}
		}
	}
	dark := 2126*med[0]+7152*med[1]+722*med[2] < 150*10000
	saturated := max(med[0], med[1], med[2])-min(med[0], med[1], med[2]) >= 40
	if !dark && !saturated {
		return false
	}
	near := 0
	for k := 0; k < n; k++ {
		r, g, b := p.at(x0+k*dx, y0+k*dy)
		d := (int(r)-med[0])*(int(r)-med[0]) + (int(g)-med[1])*(int(g)-med[1]) + (int(b)-med[2])*(int(b)-med[2])
		if d <= 40*40 {
			near++
		}
	}
	return near*10 >= n*9
}
