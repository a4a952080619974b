// Package parking is the domain core of AutoSpot's car parks: the map
// model, its validation, the original's example map as seed data, and the
// repository interfaces the server stores maps and rates through.
//
// # Model
//
// A [Map] is one building (facility site) with all its [Level]s, kept
// together as one document. A level is a Rows×Cols grid of [Cell]s, x to
// the right and y upward from the bottom-left. A cell is a [Wall], a
// [Corridor] (drivable, joined to its 4-adjacent corridors, optionally
// one-way by [Direction]), a [Slot] with a [SlotStatus], a [CarEntrance],
// a [BuildingEntrance], an [Exit], or a [Ramp] whose [RampLink] names a
// corridor or ramp cell on another level. Features are addressed by
// building + level + id ([SlotRef]); ids are unique per building, and
// there is no global slot id.
//
// # Validation
//
// [Map.Validate] checks every invariant and returns a *[ValidationError]
// listing all problems (matched by [ErrInvalidMap]). [ParseMap] decodes
// untrusted JSON with size limits and unknown-field rejection, then
// validates. Repositories validate on every write, so an invalid map is
// never stored: in particular a ramp without a target, which the original
// stored and then failed on while routing.
//
// # Seed data
//
// [ExampleMap] returns the original's built-in example ("Westfield
// Sydney1", id "999999"), and fare.OriginalTable its rate table.
//
// # Storage
//
// [MapRepository] and [RateRepository] are the interfaces the server
// uses, ctx first, with optimistic versions: Create stores version 1,
// each Update or Put must name the version it read, so of two concurrent
// edits one gets [ErrVersionConflict]. Building names are unique and
// looked up case-insensitively but exactly ([BuildingKey]), never by
// substring or pattern. [MemoryStore] implements both; the conformance
// suites in package parkingtest check any implementation.
//
// # Related packages
//
//   - route: the routing graph and queries (nearest slot, shortest path,
//     nearest exit, destinations).
//   - mapimage: turns an uploaded grid image into a [Level].
//   - fare: rate tables and fare quotes in integer cents.
//
// Everything here is safe for concurrent use, except that a *[Map] value
// is a plain document that callers must not mutate while sharing it.
package parking
