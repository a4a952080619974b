// Package auth issues, verifies, rotates and revokes AutoSpot's JSON Web
// Tokens, checks role-based permissions, and provides the HTTP middleware
// that puts both in front of handlers. It is built on
// github.com/golang-jwt/jwt/v5 (≥ v5.2.2, CVE-2025-30204).
//
// # Quick start
//
//	key, _ := auth.NewHMACKey("2025-06", secret) // ≥ 32 random bytes
//	ring, _ := auth.NewKeyRing(key)
//	svc, _ := auth.NewService(ring, memory.NewRefreshStore(), memory.NewRevocationStore())
//
//	pair, _ := svc.IssuePair(ctx, auth.Subject{ID: userID, Roles: []auth.Role{auth.RoleDriver}})
//	claims, err := svc.VerifyAccess(ctx, pair.AccessToken)
//	next, err := svc.Refresh(ctx, pair.RefreshToken) // rotates
//	err = svc.Logout(ctx, next.RefreshToken)
//	err = svc.LogoutAll(ctx, userID) // logout everywhere, password or role change
//
//	mux.Handle("POST /maps/{facility}", svc.Authenticate()(
//		auth.RequireFacilityPermission(rbac, auth.PermMapWrite,
//			func(r *http.Request) string { return r.PathValue("facility") })(uploadMap)))
//
// [Service.IssuePair] is called by whatever authenticated the user (the
// account flows: password login, registration OTP …); this package does
// not look at passwords.
//
// # Tokens
//
// Defaults follow the seed document: HS256, access tokens for 1 hour
// ([DefaultAccessTTL]), refresh tokens for 24 hours ([DefaultRefreshTTL]),
// and a login session (refresh-token family) that ends 7 days after login
// however often it is refreshed ([DefaultFamilyLifetime]).
//
// Both token types are JWTs with sub, iss, aud, iat, nbf, exp and a random
// 128-bit jti, plus the private claims of [Claims]: "typ" (access or
// refresh), "sid" (the family id), "ep" (the user's revocation epoch) and,
// in access tokens only, "roles", "fac" (an operator's facility, the
// original app's keyID) and "csrf" (the double-submit token for browsers
// that hold the access token in a cookie, the seed's "CSRF protection
// token"). Refresh tokens carry no roles: the family record holds them.
//
// # Keys
//
// A [KeyRing] holds one signing key and any number of verify-only keys,
// each with a kid that is written into every token's header. Rotate a
// secret by deploying a ring whose signing key is new and which still holds
// the old key; remove the old key one refresh TTL later. Nobody is logged
// out. [Service.SetKeyRing] swaps the ring of a running service.
//
// HMAC keys ([NewHMACKey]) must be at least 32 bytes (48 for HS384, 64 for
// HS512). Ed25519 keys ([NewEd25519Key]) sign with EdDSA; their public
// halves are served by [KeyRing.JWKSHandler], and another service loads them
// with [ParseJWKS] into a verify-only ring, so it can check tokens without
// holding any secret. HMAC secrets are never published.
//
// # Verification
//
// [Service.VerifyAccess] (and the refresh-token check in
// [Service.Refresh]):
//
//   - rejects a token longer than [DefaultMaxTokenLength] (8 KiB) before
//     parsing anything; the middleware checks the Authorization value's
//     length the same way, so "Bearer " + 1 MB is refused in constant memory;
//   - selects the key by kid, only among the ring's keys (a kid is never a
//     path or URL); a token without kid, or with jku, jwk, x5u, x5c or crit
//     headers, is refused;
//   - requires the token's alg to equal the key's algorithm: "none", an
//     HS512 or RS256 token where the key is HS256, or an HS256 token for an
//     Ed25519 key are all refused, whatever the signature;
//   - decodes base64 strictly, then verifies the signature;
//   - requires exp, sub, sid, typ and jti; checks exp, nbf and iat with a
//     small leeway ([DefaultLeeway], 10 s); requires the configured iss and
//     one of the configured aud; requires typ to be the expected type, so a
//     refresh token is never an access token nor the reverse;
//   - consults the revocation state (below).
//
// The clock is injectable ([WithClock], passed to golang-jwt's
// WithTimeFunc), as is the randomness ([WithRandom]).
//
// # Refresh rotation and reuse detection
//
// Each login creates a family in the [RefreshStore]. The store never sees a
// token: it keeps SHA-256 hashes of token ids. The family's Head is the hash
// of the only refresh token that may be spent next. [Service.Refresh] spends
// one with a single atomic compare-and-swap ([RefreshStore.RotateFamily]):
// if Head equals the presented hash, Head becomes the successor's hash and
// the old one moves to Prev. Of two concurrent rotations of one token,
// exactly one wins; the family has exactly one new head.
//
// Presenting a token that is not the head is reuse: a stolen token raced
// its owner, or the owner replayed an old one. The whole family is revoked,
// in the refresh store and in the revocation store, so its refresh token
// and all its access tokens stop working at once ([ErrRefreshReused]). The
// family also stops at its absolute lifetime ([ErrSessionExpired]), and
// every refresh token's exp is capped there.
//
// # Parallel refreshes
//
// A client that sends two requests at once with an expired access token
// often refreshes twice with the same refresh token. Revoking the family
// then would log honest users out, so a short grace window
// ([DefaultRefreshGrace], 10 s; [WithRefreshGrace]) lets the loser succeed
// too — with the same successor, not a new branch:
//
//   - the successor's id is derived, not drawn: id' = HMAC-SHA256(key = id,
//     salt), where salt is random per rotation and stored with the
//     rotation, and the successor's iat is the stored rotation time. The
//     refresh token is therefore a pure function of the spent token and the
//     stored record, and HS256 and Ed25519 signatures are deterministic;
//   - the loser's compare-and-swap fails, and the store returns the family
//     as it now is. If Prev equals the loser's hash and the rotation is less
//     than the grace window old, the loser recomputes id' from its own
//     token and the stored salt, checks that its hash is the current Head,
//     and receives that same refresh token (byte for byte, unless the ring's
//     signing key changed in between) with a fresh access token;
//   - anything else — a token two rotations old, a grace window that has
//     passed, a revoked family — is reuse, and revokes the family.
//
// So the family keeps exactly one head; no token is ever stored; and the
// window only admits the one token spent last, for a few seconds. A thief
// who replays a stolen token inside the window obtains the same successor
// as the owner, so the two share one chain: the next time either rotates,
// the other's copy becomes a spent token, and its use after the window
// revokes the family. With [WithRefreshGrace](0) the second use is always
// reuse.
//
// # Logout, logout-all, password and role changes
//
// [Service.Logout] (by refresh token) and [Service.LogoutSession] (by the
// access token's sid) revoke the family and record the session in the
// [RevocationStore] until its last access token would have expired, so
// that access token fails on the next request, not an hour later.
//
// [Service.LogoutAll] revokes every family of the user and then raises the
// user's revocation epoch; every token carries the epoch it was issued
// under ("ep"), and one below the current epoch is revoked. Use it for
// "log out everywhere", after a password change or reset, and after a role
// change: the old tokens stop on the next request, and the user logs in
// again to get tokens with the new roles. The epoch is a counter, not a
// not-before timestamp, because iat has one-second granularity: a
// timestamp cut-off would either spare tokens issued earlier in the same
// second as the logout or reject a login made just after it. IssuePair reads
// the epoch from the store, not from a cache, and Refresh checks it too,
// so a login that races a logout-all either ends before it (and dies) or
// after it (and lives), never half of each.
//
// # Revocation cost
//
// VerifyAccess calls [RevocationStore.Status] once per request by default:
// with the memory store that is a read-locked map lookup (see
// docs/benchmarks/auth.md: VerifyAccess is within a few percent of a bare
// golang-jwt parse and allocates no more), with MongoDB or Redis one
// indexed read. [WithRevocationCacheTTL](d) keeps each (user, session)
// answer for d instead. The bound is then: on the replica that performed
// the logout, revocation takes effect on the next request (the cache entry
// is dropped at once, and an answer fetched concurrently is not cached);
// on every other replica, within d. The default is 0 (always ask); 1–2 s is
// a reasonable production value when a store round trip per request is too
// much. If the store fails, VerifyAccess fails closed with an error that is
// not [ErrTokenInvalid], and the middleware answers 503.
//
// # Storage
//
// [RefreshStore] and [RevocationStore] are small interfaces, context
// first, whose every method is one conditional operation on one record, so
// that backends need no multi-document transactions:
//
//   - RotateFamily is MongoDB findOneAndUpdate({_id, head: presented,
//     revokedAt: null, expiresAt: {$gt: now}}, {$set …, $inc: {generation:
//     1}}) followed, on no match, by a read to classify the failure; a Redis
//     Lua script over one hash; one bbolt Update transaction.
//   - BumpEpoch is $inc with upsert, INCR, or a transaction.
//   - Expiry is passed in (Rotation.Now, the now of Status) and checked in
//     the query; TTL indexes are only a clean-up aid.
//
// store/memory implements both; store/storetest.RunRefreshStore and
// RunRevocationStore are the conformance suites every backend runs,
// including the concurrent cases (of N parallel rotations of one head,
// exactly one wins).
//
// # Access control
//
// An [RBAC] maps roles to permissions ([Policy], [DefaultPolicy]): driver,
// operator and admin, with permissions named after AutoSpot's routes. A
// role's grants are either global or facility-scoped: an operator holds
// map, rates, slot, QR, session and stats permissions only where the
// request's facility equals the token's "fac" claim. [RequirePermission]
// counts global grants only, so a route that forgets to name its facility
// is closed to operators rather than open to all of them;
// [RequireFacilityPermission] names it. [RequireRole] checks roles.
//
// # Middleware
//
// [Service.Authenticate] reads "Authorization: Bearer …" or, with
// [WithCookie], an HttpOnly cookie ([AccessCookie] makes it). Requests
// authenticated by cookie with an unsafe method must echo the token's CSRF
// value in the X-CSRF-Token header (compared in constant time); bearer
// requests need not, since browsers never attach those on their own.
// Handlers read the claims with [ClaimsFrom].
//
// No or invalid credentials give 401 with "WWW-Authenticate: Bearer" (and
// error="invalid_token" when a token was presented); a denied role,
// permission or CSRF check gives 403; each has a JSON body
// {"detail": …, "error_code": …} ([ErrorBody]) and Cache-Control: no-store.
// Error codes: not_authenticated, invalid_token, token_expired, forbidden,
// csrf_failed, auth_unavailable.
//
// # Errors
//
// Every rejected token matches [ErrTokenInvalid] with [errors.Is]; the
// reason matches one of [ErrTokenExpired], [ErrTokenNotYetValid],
// [ErrTokenType], [ErrTokenRevoked], [ErrRefreshReused],
// [ErrSessionExpired], [ErrTokenTooLong]. Configuration errors match
// [ErrInvalidConfig], [ErrWeakKey] or [ErrInvalidKeyID]. Tokens are never
// part of an error message; do not log them either.
//
// # Concurrency
//
// [Service], [KeyRing], [Key] and [RBAC] are safe for concurrent use.
package auth
