// Package openapi serves the OpenAPI 3.1 description of every endpoint of
// the AutoSpot reference server: its own health, auth, admin, JWKS and
// metrics routes, the parking API (internal/parkingapi) and the parking
// operations API (internal/opsapi).
//
// # Serving
//
// [Handler] answers GET (and HEAD) with the embedded document as
// application/json; it is public and needs no token. Mount it at
// [Pattern]:
//
//	mux.Handle(openapi.Pattern, openapi.Handler())
//
// [Document] returns a copy of the bytes.
//
// # How the document is made
//
// openapi.json is generated, not hand-edited: the generator (gen_test.go)
// reads the three route tables — (*server.Server).Routes(), the
// parking API's Routes() and opsapi.Routes() — for paths, methods,
// descriptions and access rules, and adds the request bodies, query
// parameters and success codes written beside it. Regenerate with
//
//	go test ./internal/openapi -run TestGenerate -update
//
// The tests fail when the embedded document differs from what the
// generator makes, and when its (method, path) set differs from the
// routes the server registers, listing what is missing and what is extra.
//
// # Security schemes
//
// Protected operations use bearerAuth (an access JWT in the Authorization
// header). cookieAuth with the csrfHeader scheme is described for
// deployments that enable auth.WithCookie: unsafe methods then need the
// token's CSRF value in X-CSRF-Token. Every error answer is the envelope
// {detail, error_code, request_id} (schema Error); every operation may
// answer 429 (the server's per-IP rate limit).
//
// The handler is safe for concurrent use.
package openapi
