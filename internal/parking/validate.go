package parking

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on a map document. They bound memory and CPU for untrusted input;
// the upload grid (4–20 cells a side) fits well inside them.
const (
	MaxSide         = 100     // rows and cols of a level: 1..MaxSide
	MaxLevels       = 20      // levels per map
	MaxCells        = 50_000  // cells over all levels
	MinLevelNumber  = -20     // lowest level number (basements)
	MaxLevelNumber  = 200     // highest level number
	MaxIDLen        = 32      // feature ids
	MaxNameLen      = 100     // building names
	MaxMapJSONBytes = 4 << 20 // ParseMap input
)

// ParseMap decodes and validates a map document from untrusted JSON. It
// rejects unknown fields, trailing data and documents over
// [MaxMapJSONBytes]; it reads the legacy slot status "free" as
// [Available]. The error is a *[ValidationError] listing every problem, or
// a decoding error wrapped with [ErrInvalidMap].
func ParseMap(data []byte) (*Map, error) {
	if len(data) > MaxMapJSONBytes {
		return nil, ErrTooLarge
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var m Map
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidMap, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: trailing data after the document", ErrInvalidMap)
	}
	for li := range m.Levels {
		for ci := range m.Levels[li].Cells {
			if c := &m.Levels[li].Cells[ci]; c.Kind == Slot && c.Status == "free" {
				c.Status = Available
			}
		}
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return &m, nil
}

type problems struct{ list []Problem }

func (p *problems) add(path, format string, args ...any) {
	if len(p.list) < maxReportedProblems {
		p.list = append(p.list, Problem{Path: path, Msg: fmt.Sprintf(format, args...)})
	}
}

// ValidID reports whether s is a well-formed feature or facility id:
// 1..[MaxIDLen] characters from [A-Za-z0-9_-].
func ValidID(s string) bool {
	if s == "" || len(s) > MaxIDLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// ValidName reports whether s is an acceptable building name: valid UTF-8,
// 1..[MaxNameLen] bytes, no surrounding space, no control characters.
func ValidName(s string) bool {
	if s == "" || len(s) > MaxNameLen || !utf8.ValidString(s) || strings.TrimSpace(s) != s {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}

func validLabel(s string, max int) bool {
	return s == "" || (len(s) <= max && ValidName(s))
}

// Validate checks every invariant of the model and returns a
// *[ValidationError] listing all problems, or nil:
//   - building name, facility id and map id (if set) well formed;
//   - 1..[MaxLevels] levels with unique numbers in range, each 1..[MaxSide]
//     a side with exactly Rows×Cols cells, [MaxCells] in all;
//   - known kinds; feature ids well formed and unique across the building;
//     walls and corridors carry no id;
//   - slot fields only on slots, a known status, an available slot has no
//     vehicle or reservation;
//   - corridor directions only on corridors; ramp links required on ramps
//     (and only there), pointing inside the grid of another existing level,
//     at a corridor or ramp cell.
func (m *Map) Validate() error {
	var p problems
	if m.ID != "" && !ValidID(m.ID) {
		p.add("id", "must be 1-%d characters from A-Z a-z 0-9 _ -", MaxIDLen)
	}
	if !ValidID(m.FacilityID) {
		p.add("facility_id", "must be 1-%d characters from A-Z a-z 0-9 _ -", MaxIDLen)
	}
	if !ValidName(m.Building) {
		p.add("building", "must be 1-%d bytes of printable text without surrounding spaces", MaxNameLen)
	}
	if m.Version < 0 {
		p.add("version", "must not be negative")
	}
	switch {
	case len(m.Levels) == 0:
		p.add("levels", "at least one level is required")
	case len(m.Levels) > MaxLevels:
		p.add("levels", "at most %d levels", MaxLevels)
		return &ValidationError{Problems: p.list}
	}
	total := 0
	shapeOK := make([]bool, len(m.Levels))
	numbers := make(map[int]int, len(m.Levels))
	for i := range m.Levels {
		l := &m.Levels[i]
		path := fmt.Sprintf("levels[%d]", i)
		if l.Number < MinLevelNumber || l.Number > MaxLevelNumber {
			p.add(path+".level", "must be between %d and %d", MinLevelNumber, MaxLevelNumber)
		}
		if j, dup := numbers[l.Number]; dup {
			p.add(path+".level", "level %d already defined at levels[%d]", l.Number, j)
		} else {
			numbers[l.Number] = i
		}
		if l.Rows < 1 || l.Rows > MaxSide || l.Cols < 1 || l.Cols > MaxSide {
			p.add(path, "rows and cols must be between 1 and %d", MaxSide)
			continue
		}
		if len(l.Cells) != l.Rows*l.Cols {
			p.add(path+".cells", "has %d cells, want rows×cols = %d", len(l.Cells), l.Rows*l.Cols)
			continue
		}
		total += len(l.Cells)
		shapeOK[i] = true
	}
	if total > MaxCells {
		p.add("levels", "%d cells in all, at most %d", total, MaxCells)
		return &ValidationError{Problems: p.list}
	}
	seen := make(map[string]string)
	for i := range m.Levels {
		l := &m.Levels[i]
		if !shapeOK[i] {
			continue
		}
		for ci, c := range l.Cells {
			x, y := ci%l.Cols, ci/l.Cols
			path := func() string {
				return fmt.Sprintf("levels[%d].cells[%d] (level %d, x %d, y %d)", i, ci, l.Number, x, y)
			}
			m.validateCell(&p, path, l, c)
			if c.Kind.IsFeature() && ValidID(c.ID) {
				if where, dup := seen[c.ID]; dup {
					p.add(path(), "id %q already used at %s", c.ID, where)
				} else {
					seen[c.ID] = strconv.Itoa(l.Number) + "," + strconv.Itoa(x) + "," + strconv.Itoa(y)
				}
			}
		}
	}
	if len(p.list) > 0 {
		return &ValidationError{Problems: p.list}
	}
	return nil
}

func (m *Map) validateCell(p *problems, path func() string, l *Level, c Cell) {
	if !c.Kind.valid() {
		p.add(path(), "unknown kind %q", c.Kind)
		return
	}
	if c.Kind.IsFeature() {
		if !ValidID(c.ID) {
			p.add(path(), "%s needs an id of 1-%d characters from A-Z a-z 0-9 _ -", c.Kind, MaxIDLen)
		}
	} else if c.ID != "" {
		p.add(path(), "a %s carries no id", c.Kind)
	}
	if c.Kind == Slot {
		switch c.Status {
		case Available:
			if c.VehicleID != "" || c.ReservedBy != "" {
				p.add(path(), "an available slot has no vehicle_id or reserved_by")
			}
		case Occupied, Allocated:
		default:
			p.add(path(), "unknown slot status %q", c.Status)
		}
		if !validLabel(c.VehicleID, MaxIDLen) {
			p.add(path(), "vehicle_id must be at most %d bytes of printable text", MaxIDLen)
		}
		if !validLabel(c.ReservedBy, MaxNameLen) {
			p.add(path(), "reserved_by must be at most %d bytes of printable text", MaxNameLen)
		}
	} else if c.Status != "" || c.VehicleID != "" || c.ReservedBy != "" {
		p.add(path(), "status, vehicle_id and reserved_by are for slots only")
	}
	if c.Kind == Corridor {
		if !c.Direction.valid() {
			p.add(path(), "unknown corridor direction %q", c.Direction)
		}
	} else if c.Direction != "" {
		p.add(path(), "direction is for corridors only")
	}
	if c.Kind != Ramp {
		if c.Ramp != nil {
			p.add(path(), "ramp link on a %s", c.Kind)
		}
		return
	}
	r := c.Ramp
	if r == nil {
		p.add(path(), "ramp %q has no target (to_level, to_x, to_y)", c.ID)
		return
	}
	if !r.Direction.valid() {
		p.add(path(), "unknown ramp direction %q", r.Direction)
	}
	if r.ToLevel == l.Number {
		p.add(path(), "ramp %q must lead to another level", c.ID)
		return
	}
	to, ok := m.Level(r.ToLevel)
	if !ok {
		p.add(path(), "ramp %q leads to level %d, which does not exist", c.ID, r.ToLevel)
		return
	}
	tc, ok := to.Cell(r.ToX, r.ToY)
	if !ok {
		p.add(path(), "ramp %q target (%d,%d) is outside level %d", c.ID, r.ToX, r.ToY, r.ToLevel)
		return
	}
	if tc.Kind != Corridor && tc.Kind != Ramp {
		p.add(path(), "ramp %q target (%d,%d) on level %d is a %s, want corridor or ramp", c.ID, r.ToX, r.ToY, r.ToLevel, tc.Kind)
	}
}
