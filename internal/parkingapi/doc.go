// Package parkingapi serves AutoSpot's car-park endpoints over HTTP: maps
// and their upload, slots, pathfinding, rates and fares (domain spec §§3–5
// and §12), on top of the domain core in internal/parking.
//
// # Mounting
//
// [Register] (or [New] then [API.Register]) mounts every route of
// [API.Routes] on an *http.ServeMux. [Deps] names the repositories
// (boltrepo, mongorepo or parking.MemoryStore), the token middleware
// (auth.Service.Authenticate), the RBAC policy and the rate limiter; the
// server's outer chain (request id, error envelope, body limit, security
// headers) wraps the mux as for every other route. [Seed] stores the
// original's example map and rate table once.
//
// # Access
//
// Each route has an [Access]:
//
//   - [Public]: fare prediction and a destination's rates.
//   - [Read]: maps, slots, entrances and exits need a token granting
//     auth.PermParkingRead (drivers, operators, admins). Who holds a slot
//     (vehicle and driver) is shown only to those who may override slots
//     in the map's facility.
//   - [Route]: pathfinding needs auth.PermRoute or auth.PermParkingRead.
//   - [Facility]: writes need the permission in the facility they act on —
//     the stored map's facility (never one named by the request body), or
//     the {facility} of a rates path — so an operator (token claim "fac")
//     acts only on its own facility and an admin on all. The facility is
//     compared exactly; there is no substring or shared-word matching.
//
// # Input
//
// JSON bodies are decoded strictly (Content-Type application/json, size
// limits, unknown fields and trailing data refused, no value of the wrong
// JSON type, so no client-controlled object reaches a store filter); maps
// are validated on every write. Points are "level,x,y" integers, bounded;
// ids are [A-Za-z0-9_-]{1,32}; building names are matched exactly and
// case-insensitively, never by substring, and an unknown one is a 404 (the
// original served its demo map instead). Malformed input is a 400 and an
// unknown map, point or slot a 404; every error has the server's body
// {"detail", "error_code", "request_id"} ([ErrorBody]).
//
// # Uploads
//
// POST /parking/upload-map is limited per user ([DefaultUploadRate]),
// authorised on the building's facility before the body is read, and the
// file passes the upload package's checks while it streams (size,
// extension allowlist of the formats the converter decodes — PNG, JPEG,
// GIF; magic bytes agreeing with the extension; declared dimensions
// before decoding; markup and trailing data). mapimage then turns it into
// a level; ramps get their targets from the optional "ramps" form field,
// and dry_run=true previews without storing.
//
// # Routing graphs
//
// A map's routing graph is built once per map version and kept in a
// bounded cache, so repeated queries on an unchanged map cost a
// repository read and a search; any write (a slot status change
// included) bumps the version and the next query rebuilds.
//
// # Fares
//
// Amounts are integer cents. A destination is priced by the rate table of
// the facility owning the building of that name, else by
// Deps.DefaultRatesFacility's (the original's table after [Seed]); date
// and time default to now in Australia/Sydney.
//
// An [API] is safe for concurrent use.
package parkingapi
