// Package redisstore is a [ratelimit.Store] on Redis, for rate limits
// shared by every replica of a service.
//
// # Guarantees
//
// Each decision is one round trip: a Lua script, sent as EVALSHA (falling
// back to EVAL once if the server does not have it cached), runs the GCRA
// step atomically on the server. The script reads the time with Redis's
// TIME command, so application servers whose clocks are skewed still agree
// on every bucket. Keys carry a TTL equal to the time until they are idle,
// so Redis never holds state that would change no decision.
//
// # Usage
//
//	client := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"})
//	store, err := redisstore.New(client)
//	if err != nil { … }
//	if err := store.Load(ctx); err != nil { … } // optional: cache the script now
//	limiter, err := ratelimit.New(store)
//
// Any go-redis client works ([redis.Client], [redis.ClusterClient],
// [redis.Ring]): each decision touches one key.
//
// # Errors
//
// Allow returns the client's error (connection refused, timeout, context
// cancelled) wrapped with the operation; the HTTP middleware turns it into
// the rule's fail-open or fail-closed behaviour.
package redisstore
