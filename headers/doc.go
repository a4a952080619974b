// Package headers is the HTTP edge of AutoSpot Secure: security response
// headers, CORS, request IDs, the client address behind trusted reverse
// proxies, and request body limits. It imports nothing else from this
// module and works with any net/http server; every middleware has the type
// func(http.Handler) http.Handler.
//
// # Security headers
//
// [SecurityHeaders] sets the seed document's five headers
// (X-Content-Type-Options: nosniff, X-Frame-Options: DENY,
// X-XSS-Protection, Strict-Transport-Security: max-age=31536000;
// includeSubDomains, Content-Security-Policy: default-src 'self') plus
// Referrer-Policy, Permissions-Policy, Cross-Origin-Opener-Policy and
// Cross-Origin-Resource-Policy. Each value is a field of [SecurityConfig];
// the zero value gives the defaults, [Omit] drops a header.
//
// X-XSS-Protection defaults to "0", not the seed's "1; mode=block": the
// auditor that value enables is gone from current browsers and, where it
// survived, could be abused to leak page content; OWASP recommends "0" and
// Content-Security-Policy instead. Set [XSSProtectionSeed] to keep the
// seed's value.
//
// Responses carrying tokens or personal data should not be cached: wrap
// their routes with [Sensitive], or call [MarkSensitive] on one response,
// to send Cache-Control: no-store.
//
// # CORS
//
// [NewCORS] builds cross-origin middleware from an exact origin allowlist
// ([AutoSpotCORS] is the seed's configuration). Origins are compared
// exactly, never reflected for an origin not on the list, "null" is
// refused, Vary: Origin is always sent, and preflights are answered with
// the allowed methods, headers and max-age. Asking for "*" together with
// credentials is an error ([ErrWildcardWithCredentials]) at construction.
//
// # Request IDs
//
// [AssignRequestID] keeps a well-formed incoming X-Request-ID (bounded
// length, letters, digits and - _ . :) or makes a random UUIDv4, sets it on
// the response, and stores it in the context: read it with [RequestID].
//
// # Client address
//
// [IPResolver] is the one place the client address is decided; rate
// limiting, lockout and audit all use it. Configure it with the CIDRs of
// your reverse proxies ([ClientIPConfig.TrustedProxies]). X-Forwarded-For
// and X-Real-IP are read only when the TCP peer is trusted, and then the
// right-most untrusted address wins, so a client cannot choose its own
// address by sending the header. Addresses are [net/netip] values,
// IPv4-mapped IPv6 is unmapped, and [IPResolver.Bucket] groups IPv6
// clients by /64 (configurable) for limiter keys. [IPResolver.Handler]
// stores the address in the context: read it with [ClientIP].
//
// # Body limits
//
// [LimitBody] wraps request bodies in [http.MaxBytesReader] and answers 413
// with a JSON error when the limit is exceeded, before the handler runs
// when Content-Length already says so.
//
// # Errors
//
// Every error response written by this package is JSON,
// {"detail": "...", "error_code": "..."} with Content-Type
// application/json; charset=utf-8 ([WriteError]). Constructors return
// errors wrapping the sentinels in errors.go and never panic.
//
// # Ordering
//
// A typical chain, outermost first: [AssignRequestID], [IPResolver.Handler],
// [SecurityHeaders], [CORS.Handler], rate limiting, [LimitBody], then the
// routes. All types are safe for concurrent use once built.
package headers
