// Package opsapi is the HTTP layer of AutoSpot's parking operations:
// sessions, wallet and payments, subscriptions, entrance QR codes,
// emissions, operator views and live slot availability (domain spec §6–
// §12). [Register] mounts [Routes] on a *http.ServeMux.
//
// # Security
//
// Every route but the pricing and emission constants needs an access
// token ([auth.Service.Authenticate]) with the route's permission. The
// driver is always the token's subject — never a parameter — and every
// object is looked up by (driver, id), so a driver cannot read or spend
// another's wallet, sessions or emissions. Operator routes name a
// facility (or a building, whose facility is looked up) and need the
// permission in that facility. Fares are computed on the server from the
// session's times and the facility's rates; the client never sends an
// amount. Choosing a slot is checked against the driver's plan. Bodies are
// strict JSON (no unknown fields, typed values, size-limited), so no
// client-supplied map reaches a store query. Card data travels only in
// bodies and is never stored beyond brand, last four digits, expiry and
// holder.
//
// # Mounting
//
//	if err := opsapi.Register(mux, opsapi.Deps{...}); err != nil { ... }
//
// Handlers are safe for concurrent use.
package opsapi
