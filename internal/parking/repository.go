package parking

import (
	"context"
	"strings"

	"github.com/autospot/autospot/internal/parking/fare"
)

// MapRepository stores maps. Implementations validate every map they
// write ([Map.Validate]), never hand out or keep a caller's pointer (they
// copy), and are safe for concurrent use. The shared conformance suite is
// parkingtest.RunMapRepository.
type MapRepository interface {
	// CreateMap stores a new map with version 1 and returns that version.
	// m.ID must be a valid id and m.Version 0. A reused id or a building
	// name already taken ([BuildingKey]) is [ErrDuplicate].
	CreateMap(ctx context.Context, m *Map) (version int64, err error)
	// GetMap returns the map with the given id, or [ErrNotFound].
	GetMap(ctx context.Context, id string) (*Map, error)
	// GetMapByBuilding returns the map whose building name equals name
	// case-insensitively (exact, never by substring), or [ErrNotFound].
	GetMapByBuilding(ctx context.Context, name string) (*Map, error)
	// ListMaps returns the maps of a facility ("" for all), sorted by
	// building key.
	ListMaps(ctx context.Context, facilityID string) ([]*Map, error)
	// UpdateMap replaces the map with id m.ID if its stored version equals
	// m.Version, and returns the new version (m.Version+1). A different
	// version is [ErrVersionConflict], a missing map [ErrNotFound], a new
	// building name already taken [ErrDuplicate]. The facility of a map
	// never changes: trying is [ErrInvalidMap].
	UpdateMap(ctx context.Context, m *Map) (version int64, err error)
	// DeleteMap removes the map if its stored version equals version.
	DeleteMap(ctx context.Context, id string, version int64) error
}

// RateRepository stores one rate table per facility. Implementations
// validate what they write ([fare.Table.Validate]), copy in and out, and
// are safe for concurrent use.
type RateRepository interface {
	// GetRates returns the facility's table, or [ErrNotFound].
	GetRates(ctx context.Context, facilityID string) (*fare.Table, error)
	// PutRates creates (t.Version == 0, none stored yet) or replaces
	// (t.Version == the stored version) the facility's table and returns
	// the new version. Otherwise it is [ErrVersionConflict].
	PutRates(ctx context.Context, facilityID string, t *fare.Table) (version int64, err error)
}

// BuildingKey is the uniqueness and lookup key of a building name: the
// name lower-cased. Every repository uses it so that lookups agree.
func BuildingKey(name string) string { return strings.ToLower(name) }

// MapVersioner is an optional ability of a [MapRepository]: reading a
// map's current version, and a building's map id, without reading the
// map document. Routing uses it to reuse a graph built for that version
// (discovered with a type assertion). Implementations return
// [ErrNotFound] for a missing map or building, and are safe for
// concurrent use. The conformance suite is parkingtest.RunMapVersioner.
type MapVersioner interface {
	MapVersion(ctx context.Context, id string) (int64, error)
	MapIDByBuilding(ctx context.Context, name string) (string, error)
}
