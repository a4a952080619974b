// Package route finds drivable routes in a car-park map: shortest paths,
// the nearest available slot from an entrance, the slot nearest a
// destination, destinations, and the nearest exit from a slot.
//
// # Graph
//
// [Build] turns one version of a [parking.Map] into an immutable [Graph]
// (build it once per map version and share it; it is safe for concurrent
// use; [Cache] keeps the graph of each map's latest version). Nodes are cells (level, x, y). Corridor cells join their
// 4-adjacent corridor cells at cost 1, as their one-way directions allow;
// features (slots, entrances, exits, ramps) join their adjacent corridor
// cells; slots, entrances and exits are never driven through (a route
// leaves one only when it starts there); ramps join their target on the
// other level at cost 2. Every route pays a
// turn penalty of 0.1 each time three consecutive cells share neither x
// nor y, as the original did. See [Build] for the details.
//
// # Search
//
// Queries run Dijkstra (container/heap, arrays preallocated per graph and
// indexed by node and incoming step shape, reset in O(1)) over states
// (cell, shape of the last step), so the turn penalty is part of an exact
// shortest path. The original attached the penalty to whichever path
// first reached a cell and could miss the shortest route; on the
// original's example map both agree on every reference value (E1 → 1A
// 3.2; nearest slot from E1 is 1B at 2.0; nearest exit to 1A is X1 at 6.3).
// Distances are computed in integer thousandths of a cell, so 3.2 is
// exactly 3.2.
//
// # Input
//
// [ParsePoint] parses "level,x,y" from untrusted input: integers only,
// bounded; anything else is [ErrInvalidPoint] (a 400). A well-formed point
// or id the map lacks is [ErrNotFound] (a 404); an id of the wrong kind
// is [ErrWrongKind]; no route is [ErrNoPath], no free slot [ErrNoSlot].
package route
