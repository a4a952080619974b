package mapimage

import (
	"errors"
	"fmt"
	"strings"
)

var (
	// ErrOptions reports unusable [Options] (grid size out of range).
	ErrOptions = errors.New("mapimage: invalid options")
	// ErrTooLarge reports an image over the byte, side or pixel limits.
	ErrTooLarge = errors.New("mapimage: image too large")
	// ErrDecode reports bytes that are not a supported image (PNG, JPEG,
	// GIF).
	ErrDecode = errors.New("mapimage: cannot decode image")
	// ErrTooSmall reports an image with fewer than MinCellPixels pixels per
	// grid cell in either direction.
	ErrTooSmall = errors.New("mapimage: image too small for the grid")
	// ErrUnrecognised is matched by *UnrecognisedError.
	ErrUnrecognised = errors.New("mapimage: unrecognised cell colours")
)

// UnknownCell is a grid cell whose colour matches no palette entry
// clearly. X and Y are map coordinates (origin bottom-left).
type UnknownCell struct {
	X, Y    int
	R, G, B uint8 // the cell's median colour
}

// UnrecognisedError lists every cell that could not be classified. The
// original silently turned such cells into walls; here the operator gets
// the list instead. It matches [ErrUnrecognised].
type UnrecognisedError struct {
	Cells []UnknownCell
}

func (e *UnrecognisedError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "mapimage: %d cell(s) of unrecognised colour:", len(e.Cells))
	for i, c := range e.Cells {
		if i == 10 {
			b.WriteString(" …")
			break
		}
		fmt.Fprintf(&b, " (%d,%d)=#%02x%02x%02x", c.X, c.Y, c.R, c.G, c.B)
	}
	return b.String()
}

// Is makes errors.Is(err, ErrUnrecognised) true.
func (e *UnrecognisedError) Is(target error) bool { return target == ErrUnrecognised }
