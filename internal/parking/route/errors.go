package route

import "errors"

var (
	// ErrInvalidPoint reports malformed point input: not "level,x,y", not
	// integers, or outside the bounds any map can have. The server maps it
	// to 400.
	ErrInvalidPoint = errors.New("route: invalid point")
	// ErrNotFound reports a well-formed point or id that this map does not
	// have (no such level, outside the grid, unknown id). The server maps
	// it to 404.
	ErrNotFound = errors.New("route: not found")
	// ErrWrongKind reports an id of the wrong kind for the query, such as a
	// slot id where an entrance is expected. The server maps it to 400.
	ErrWrongKind = errors.New("route: wrong kind of point")
	// ErrNoPath reports that no drivable route joins the points (404).
	ErrNoPath = errors.New("route: no path")
	// ErrNoSlot reports that no available slot can be reached (404).
	ErrNoSlot = errors.New("route: no available slot")
)
