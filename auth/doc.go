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
//
// # Accounts
//
// [Accounts] runs the account flows a server's handlers call: registration
// with an emailed code, login with lockout, password reset and change,
// logout, logout-all, account deletion, and an administrator's lock,
// unlock and role change. It issues tokens with a [Service], hashes with a
// [PasswordHasher] (a *password.Hasher), sends email with a [Mailer]
// (auth/mail has SMTP and a development outbox) and reports every attempt
// and sensitive operation as an [Event] to an [EventSink], so an audit log
// can record it without this package importing one. Each method takes a
// [RequestInfo]: the client IP (from a trusted resolver such as the headers
// package's), user agent and request id.
//
//	acc, err := auth.NewAccounts(tokens, hasher, auth.AccountStores{
//		Users: users, Pending: pending, OTPs: otps, Attempts: attempts, Resets: resets,
//	}, mailer, "https://autospot.example/reset-password",
//		auth.WithEventSink(sink), auth.WithDeleteHook(deleteBookings))
//	reg, err := acc.Register(ctx, auth.RegisterRequest{…}, ri)       // emails a code
//	s, err := acc.VerifyEmail(ctx, auth.VerifyEmailRequest{…}, ri)   // user + tokens
//	s, err = acc.Login(ctx, auth.LoginRequest{Identifier: "alice", Password: pw}, ri)
//
// # Registration
//
// [Accounts.Register] validates with validator/v10: the email trimmed and
// lower-cased (at most 254 bytes, domains refused by
// [WithBlockedEmailDomains]), a username of 3–30 of [A-Za-z0-9_] (unique
// without regard to case), a full name of 2–100 printable characters, and a
// password meeting the password policy ([WithPasswordPolicy]; the seed's
// AutoSpot rules by default) without containing the user's details. A
// *[ValidationError] lists every failed field.
//
// The registration is then held as a [PendingRegistration], not a user: it
// reserves neither email nor username, a later registration for the same
// email replaces it, and it lapses after an hour, so it can never block a
// later attempt or break a login (the original app's two bugs). A 6-digit
// code goes to the address; [Accounts.VerifyEmail] with the code and the
// ticket Register returned creates the user (role driver) and logs it in.
//
// An email that already has an account gets the same answer, after the
// same work; its owner is emailed a notice instead of a code. A taken
// username is likewise told only to whoever reads the registering
// address's mail. So no answer reveals which emails exist.
//
// Codes come from crypto/rand (rejection sampling, no bias), are stored
// as an HMAC (keyed by [WithOTPKey], else by a per-code salt) over purpose,
// email, ticket and code, expire after 10 minutes, allow 5 tries and are
// single use: [OTPStore.Try] reserves a try atomically, the hash is compared
// in constant time, and [OTPStore.Consume] deletes the code only if it is
// still the one compared, so of parallel right guesses one wins. Across
// codes, an address gets at most 30 tries per purpose a day
// ([DefaultOTPDailyTries]), however often new codes are requested. A code of
// one purpose (registration, reset) never passes for another. Resends are
// throttled per address (5 emails per 15 minutes, 30 s apart).
//
// # Login and lockout
//
// [Accounts.Login] takes an email or a username. Every failure — unknown
// user, wrong password, locked account — is [ErrInvalidCredentials] and
// takes about as long: an unknown user costs a dummy compare
// (password.Hasher.DummyVerify) and a refused attempt waits for the median
// duration of recent failed logins without spending CPU.
//
// Attempts are counted in an [AttemptStore] and reserved atomically before
// the hash compare, so 50 parallel guesses against a limit of 5 run at
// most 5 compares. Two counters apply ([LoginLimits]):
//
//   - per account and client address (an IPv6 /64 counts as one): from the
//     3rd failure each one imposes a delay (1 s, doubling); the 5th locks
//     that address out of that account for 15 minutes, each further
//     lockout twice as long, up to 24 hours. Failures from one address
//     never lock the owner out from another;
//   - per account, from all addresses: 20 failures in 15 minutes lock the
//     account for everyone, for the same escalating time. This bounds a
//     distributed guesser, at the price that such a guesser can keep the
//     account locked; the owner can always get in through a password
//     reset, which lifts the lockouts.
//
// The owner is emailed at each lockout (at most 3 notices an hour, so a
// guesser with many addresses cannot flood the mailbox). When the 20th
// failure also ends an address's budget, both locks apply. Unknown
// identifiers are counted and locked exactly like accounts.
// [Accounts.Unlock] lifts an administrator's lock ([Accounts.Lock]) and
// every failed-login lockout; locks are also timed. A successful login resets the counters, rewrites an out-of-date
// hash when the hasher asks (compare-and-swap, so a concurrent password
// change wins), and issues a token pair.
//
// # Password reset, change and deletion
//
// [Accounts.RequestPasswordReset] answers nil whether or not the email is
// registered, throttled per address only. The email carries a link with a
// 256-bit secret, stored as its SHA-256, valid 30 minutes, single use
// ([ResetStore.Consume] is atomic), and a 6-digit reset code as an
// alternative ([Accounts.ResetPasswordWithCode]). The link is the configured
// reset URL plus "#token=…": never built from the request's Host header,
// and the secret in the fragment never reaches a server log or a Referer.
// A reset ends every session ([Service.LogoutAll]), lifts failed-login
// lockouts and notifies the owner.
//
// [Accounts.ChangePassword] needs the current password (5 tries per 15
// minutes), ends every session and returns a fresh one for the caller.
// [Accounts.DeleteAccount] needs the password, runs the server's delete
// hook ([WithDeleteHook]) to remove the user's other data, then deletes
// the account, its reset links and its sessions. [Accounts.SetRoles] ends
// the user's sessions so no token keeps the old roles.
//
// # Account storage
//
// [UserStore], [PendingStore], [OTPStore], [AttemptStore] and [ResetStore]
// follow the rules of the token stores: context first, every method one
// conditional operation on one record (MongoDB findOneAndUpdate with $inc,
// a Redis command or Lua script, a bbolt transaction), expiry passed in and
// checked in the query. Unique email and username are decided atomically
// by [UserStore.Create]; [UserQuery.Search] is a literal substring, never
// a pattern. store/memory implements all five; store/storetest has their
// conformance suites (RunUserStore, RunPendingStore, RunOTPStore,
// RunAttemptStore, RunResetStore).
//
// # Email addresses at rest
//
// By default users are stored and found by their normalised address.
// [WithEmailProtection] takes an [EmailProtector] — a keyed blind index
// plus authenticated encryption bound to the user id, which the caller
// builds (the reference server uses the cryptofield package; auth holds
// no key) — and wraps the user store in an [EmailProtectedUsers]: the
// store's email key ([User.Email] as stored) is the index, the address is
// sealed in [User.EmailSealed], and every user handed out has the address
// opened again (a record whose address does not match its index is
// [ErrSealedEmail]). Pending registrations, one-time codes, send
// throttles and the failed-login counters of unknown identifiers are
// keyed by the index; a pending registration stores no address (the code
// goes to the address presented with the request, and the user is
// created from the address presented again with the code). [Event]
// identifiers that are email addresses become [EventEmailPrefix] plus
// the index. Code that creates users outside [Accounts] (provisioning)
// must use the same [EmailProtectedUsers]. [UserQuery.Search] through it
// finds one exact address (a search with "@") or a username or full-name
// substring.
// [EmailProtectedUsers.MigratePlaintext] moves users stored in clear
// under protection ([UserStore.UpdateEmail], one compare-and-swap each).
//
// [Accounts.UpdateFullName] changes a user's name (the registration's
// rules; compare-and-swap through [UserStore.UpdateFullName], which does
// not move UpdatedAt, so it does not restart failed-login counts).
//
// # Email and events
//
// Emails are handed to the [Mailer] in the background (at most 64 at once,
// 30 s each; [WithMailLimits]), so a response never takes longer because an
// email was sent; [Accounts.Flush] waits for them and [Accounts.Close]
// also refuses new ones. A failed delivery becomes an [ActionMail] event.
// [Message.LogValue] and [Event] never carry a password, code, token or
// hash; an Event's Identifier is what the client typed (or, under email
// protection, the index of an address) and may hold CR/LF, which the sink
// must encode (the audit package does).
//
// [Accounts] is safe for concurrent use.
package auth
