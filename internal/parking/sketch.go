package parking

import "strings"

// Sketch draws the level as text, top row (highest y) first, one letter
// per cell: W wall, C corridor, S available slot, A allocated slot,
// O occupied slot, E car entrance, B building entrance, X exit, R ramp,
// ? anything else. Rows are separated by "\n". It is meant for tests,
// logs and examples.
func (l *Level) Sketch() string {
	var b strings.Builder
	for y := l.Rows - 1; y >= 0; y-- {
		for x := 0; x < l.Cols; x++ {
			c, _ := l.Cell(x, y)
			b.WriteByte(sketchLetter(c))
		}
		if y > 0 {
			b.WriteByte('\n')
		}
	}
	return b.String()
}

func sketchLetter(c Cell) byte {
	switch c.Kind {
	case Wall:
		return 'W'
	case Corridor:
		return 'C'
	case Slot:
		switch c.Status {
		case Available:
			return 'S'
		case Allocated:
			return 'A'
		case Occupied:
			return 'O'
		}
	case CarEntrance:
		return 'E'
	case BuildingEntrance:
		return 'B'
	case Exit:
		return 'X'
	case Ramp:
		return 'R'
	}
	return '?'
}
