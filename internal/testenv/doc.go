// Package testenv is test support for the packages whose tests run
// against real servers: it reads the server addresses from the
// environment, skips the calling test with one clear message when a
// server is not configured, and hands out isolated, self-cleaning
// resources on it.
//
// It is imported from _test.go files only; no production code depends on
// it. Every function takes a [testing.TB] and reports failures through it
// (t.Skip, t.Fatal), never by panicking.
//
// # Variables
//
//   - AUTOSPOT_TEST_MONGODB_URI ([MongoURIEnv]): a mongodb:// URI of a
//     MongoDB-wire server (MongoDB or FerretDB), read by [MongoURI] and
//     [MongoDB].
//   - AUTOSPOT_TEST_REDIS_ADDR ([RedisAddrEnv]): host:port of a
//     redis-server, read by [RedisAddr].
//
// .ci/run starts both servers and sets both variables; without them the
// server-backed tests skip and the rest of the suite still runs.
//
// # Isolation
//
// [MongoDB] gives each call its own database, named from a prefix, the
// process id, a per-process counter and a few random bytes, so tests and
// test packages running in parallel against one server never share data;
// the database is dropped and the client disconnected when the test ends.
// [RedisPrefix] does the same for Redis keys: a prefix unique to the test,
// whose keys are deleted when it ends. [RedisClient] connects with
// retries off and a [RedisCounter] hook, for tests that count round
// trips.
//
// All functions are safe for concurrent use by parallel tests.
package testenv
