// Package mongorepo stores car-park maps and rate tables in MongoDB (or a
// MongoDB-wire server such as FerretDB) with the official driver v2: the
// networked backend of [parking.MapRepository] and
// [parking.RateRepository].
//
// # Usage
//
//	s, err := mongorepo.New(db) // a *mongo.Database the server already has
//	if err != nil { … }
//	if err := s.EnsureIndexes(ctx); err != nil { … }
//
// # Atomicity without transactions
//
// FerretDB v1 has no multi-document transactions and applies a
// conditional update as read, modify, write back, so two updates that
// both filter on {version: n} can both succeed. The only write this
// package relies on being atomic is inserting a document with a unique
// _id:
//
//   - Every version of a map is an immutable document
//     {_id: "<map id>/<version, 20 digits>"} in [CollMapVersions]. An
//     update based on version n inserts version n+1: of concurrent
//     writers that read n exactly one insert succeeds, the others get a
//     duplicate key and [parking.ErrVersionConflict]. A delete inserts a
//     tombstone version the same way. The current map is the version with
//     the highest _id under its prefix (map ids are limited to
//     [A-Za-z0-9_-], so "<id>/" never prefixes another id's versions).
//     After a successful write the documents of older versions are
//     emptied (their ids stay, so they can never be inserted again).
//   - A building name is claimed by inserting {_id: [parking.BuildingKey]}
//     into [CollBuildings], so the lower-cased name is unique through the
//     _id index. A rename claims the new name before writing the new
//     version and releases whichever claim lost. Lookups follow the claim
//     to the map and check that the map's current version still has that
//     name, so a claim left by a writer that crashed between the two
//     inserts never yields a wrong map; such a claim is reclaimed once it
//     is older than [StaleClaim].
//   - Rate tables are versioned per facility in [CollRateVersions] the
//     same way.
//
// Map ids that were deleted are not reused ([parking.ErrDuplicate]).
//
// # Query safety
//
// Filters are built from typed Go values only; ids are checked with
// [parking.ValidID] before they reach a filter, and building names are
// compared as exact lower-cased keys, never as patterns.
//
// # Concurrency
//
// A [Store] is safe for concurrent use, also by several processes sharing
// the database.
package mongorepo
