package route

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/autospot/autospot/internal/parking"
)

// Point is a cell of a map: level number and grid coordinates (x to the
// right, y upward, origin bottom-left).
type Point struct {
	Level int `json:"level"`
	X     int `json:"x"`
	Y     int `json:"y"`
}

func (p Point) String() string { return fmt.Sprintf("%d,%d,%d", p.Level, p.X, p.Y) }

// maxPointLen bounds the text ParsePoint looks at.
const maxPointLen = 32

// ParsePoint parses "level,x,y" (three decimal integers, spaces around
// each allowed). Anything else, and values no map can have (level outside
// [parking.MinLevelNumber]..[parking.MaxLevelNumber], x or y outside
// 0..[parking.MaxSide]-1), is [ErrInvalidPoint]. Whether the point exists
// in a given map is checked by the query ([ErrNotFound]).
func ParsePoint(s string) (Point, error) {
	if len(s) > maxPointLen {
		return Point{}, fmt.Errorf("%w: longer than %d bytes", ErrInvalidPoint, maxPointLen)
	}
	parts := strings.Split(s, ",")
	if len(parts) != 3 {
		return Point{}, fmt.Errorf("%w: want \"level,x,y\"", ErrInvalidPoint)
	}
	var v [3]int
	for i, p := range parts {
		p = strings.TrimSpace(p)
		if p == "" || p[0] == '+' || (i > 0 && p[0] == '-') {
			return Point{}, fmt.Errorf("%w: want \"level,x,y\" with integer parts", ErrInvalidPoint)
		}
		n, err := strconv.Atoi(p)
		if err != nil {
			return Point{}, fmt.Errorf("%w: want \"level,x,y\" with integer parts", ErrInvalidPoint)
		}
		v[i] = n
	}
	pt := Point{Level: v[0], X: v[1], Y: v[2]}
	if pt.Level < parking.MinLevelNumber || pt.Level > parking.MaxLevelNumber {
		return Point{}, fmt.Errorf("%w: level must be %d..%d", ErrInvalidPoint, parking.MinLevelNumber, parking.MaxLevelNumber)
	}
	if pt.X >= parking.MaxSide || pt.Y >= parking.MaxSide {
		return Point{}, fmt.Errorf("%w: x and y must be 0..%d", ErrInvalidPoint, parking.MaxSide-1)
	}
	return pt, nil
}
