package redis_test

import (
	"testing"

	"github.com/alicebob/miniredis/v2"
	goredis "github.com/redis/go-redis/v9"

	"github.com/autospot/autospot/internal/testenv"
	"github.com/autospot/autospot/store/redis"
)

// countHook counts the commands a client sends: one per round trip, since
// the store never pipelines.
type countHook = testenv.RedisCounter

func newClient(t testing.TB, addr string) (*goredis.Client, *countHook) {
	t.Helper()
	return testenv.RedisClient(t, addr)
}

// uniquePrefix returns a key prefix no other test (or test package run in
// parallel) uses, and deletes every key under it when the test ends.
func uniquePrefix(t testing.TB, c goredis.UniversalClient) string {
	t.Helper()
	return testenv.RedisPrefix(t, c, "store-redis")
}

// backend is one server the suites run against.
type backend struct {
	name string
	// store returns a new store with its own namespace, its client's
	// command counter, and the miniredis server (nil for the real one).
	store func(t *testing.T, opts ...redis.Option) (*redis.Store, *countHook, *miniredis.Miniredis)
}

func miniBackend(t *testing.T, opts ...redis.Option) (*redis.Store, *countHook, *miniredis.Miniredis) {
	m := miniredis.RunT(t)
	c, h := newClient(t, m.Addr())
	return newStore(t, c, opts...), h, m
}

func realBackend(t *testing.T, opts ...redis.Option) (*redis.Store, *countHook, *miniredis.Miniredis) {
	c, h := newClient(t, testenv.RedisAddr(t))
	opts = append([]redis.Option{redis.WithPrefix(uniquePrefix(t, c))}, opts...)
	return newStore(t, c, opts...), h, nil
}

var backends = []backend{
	{"miniredis", miniBackend},
	{"real", realBackend},
}

// run runs f as a subtest named after the backend; the real server's
// subtest skips at once when no server is configured.
func (b backend) run(t *testing.T, f func(t *testing.T)) {
	t.Run(b.name, func(t *testing.T) {
		if b.name == "real" {
			testenv.RedisAddr(t)
		}
		f(t)
	})
}

func newStore(t testing.TB, c goredis.UniversalClient, opts ...redis.Option) *redis.Store {
	t.Helper()
	s, err := redis.New(c, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
