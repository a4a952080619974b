// Package ratelimit limits request rates with the generic cell rate
// algorithm (GCRA), in process or shared through Redis, and as net/http
// middleware.
//
// # Policies
//
// A [Policy] is written the way the seed document writes them, "5/minute"
// or "10/second burst=20", and read with [Parse], whose errors are typed
// ([*ParseError] wrapping [ErrSyntax], [ErrCount], [ErrUnit], [ErrBurst]).
// "5/minute" allows a burst of 5 and then one request every 12 seconds:
// credit returns smoothly, so unlike a fixed-window counter there is no
// window edge at which 2×5 requests pass in an instant.
//
// # Stores
//
// A [Store] makes one atomic decision per call and returns a [Decision]:
// allowed, remaining, retry-after and reset.
//
//   - [MemoryStore]: sharded maps under per-shard mutexes, bounded
//     ([WithMaxKeys]), idle keys expire, no allocation per decision for a
//     known key, clock injectable ([WithClock]). One process only.
//   - ratelimit/redisstore: one EVALSHA per decision; the Lua script takes
//     the time from the Redis server, so replicas with skewed clocks agree.
//
// Any Store can be checked with the conformance suite in
// ratelimit/ratelimittest.
//
// # HTTP middleware
//
// [New] builds a [Limiter] over a store, [Limiter.Middleware] one
// middleware per [Rule]. A rule names its policy, its key ([ByIP], the
// default; [ByUser]; [ByRouteAndIP]) and what to do when the store fails
// ([FailClosed], the default, or [FailOpen]). The seed's login limit is
//
//	policy, _ := ratelimit.Parse("5/minute")
//	login, err := limiter.Middleware(ratelimit.Rule{Name: "login", Policy: policy})
//	mux.Handle("POST /auth/login", login(loginHandler))
//
// Client addresses come from [headers.IPResolver]: from the request
// context when [headers.IPResolver.Handler] ran earlier in the chain,
// otherwise from the resolver given with [WithIPResolver] (default: trust
// no proxy). IPv6 clients are bucketed by /64, so one subscriber cannot
// rotate through its own addresses, and X-Forwarded-For from an untrusted
// peer is ignored, so it cannot rotate fake ones.
//
// Over the limit, the answer is 429 with a JSON body
// {"detail": "...", "error_code": "rate_limited"}, Retry-After, and the
// IETF draft headers RateLimit-Policy ("login";q=5;w=60) and RateLimit
// ("login";r=0;t=60), which are also set on allowed responses. Error
// bodies are written with [headers.WriteError] and carry Cache-Control:
// no-store. A failing or hanging store ([WithTimeout] bounds each call)
// answers 503 with Retry-After: 1 under [FailClosed]; it is logged
// ([WithLogger], at most once a second, never with client addresses) and
// counted ([Limiter.Stats]).
//
// All types are safe for concurrent use.
package ratelimit
