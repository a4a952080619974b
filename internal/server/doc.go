// Package server is the AutoSpot reference server's HTTP API: the route
// table, the middleware chain in the seed document's order, and the
// handlers for health, the account flows, profiles and administration.
//
// # Wiring
//
// [New] takes its parts ready-made in [Deps] (internal/app builds them
// from the configuration); [Server.Handler] is the whole API and
// [Server.Routes] the route table it is built from, which also drives the
// access-control test matrix and the endpoint table in the README.
//
// # Middleware
//
// Outermost first: request ID, metrics, error envelope, panic recovery,
// client IP (trusted proxies), security headers, CORS, the API rate limit,
// the body limit, then the router; per route the login/auth rate limits,
// authentication and the role or permission check. Handlers decode bodies
// strictly (one JSON object, no unknown fields, no value of the wrong
// type, bounded size, application/json only) and validate them.
//
// # Errors
//
// Every error response has one shape, [ErrorBody]: detail, error_code and
// request_id. The envelope rewrites the bodies the library middlewares and
// the router write, so a 401 from auth, a 429 from ratelimit, a 413 from
// the body limit and the router's 404 and 405 all carry the request id. A
// panic in a handler becomes a 500 with an audit record; the process
// lives on.
//
// # Concurrency
//
// A [Server] is safe for concurrent use once built.
package server
