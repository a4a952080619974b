package redis_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/alicebob/miniredis/v2"
	goredis "github.com/redis/go-redis/v9"

	"github.com/autospot/autospot/internal/testenv"
	"github.com/autospot/autospot/store/redis"
)

// countHook counts the commands a client sends: one per round trip, since
// the store never pipelines.
type countHook struct{ n atomic.Int64 }

func (h *countHook) DialHook(next goredis.DialHook) goredis.DialHook { return next }
func (h *countHook) ProcessHook(next goredis.ProcessHook) goredis.ProcessHook {
	return func(ctx context.Context, cmd goredis.Cmder) error {
		h.n.Add(1)
		return next(ctx, cmd)
	}
}
func (h *countHook) ProcessPipelineHook(next goredis.ProcessPipelineHook) goredis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []goredis.Cmder) error {
		h.n.Add(int64(len(cmds)))
		return next(ctx, cmds)
	}
}

func newClient(t testing.TB, addr string) (*goredis.Client, *countHook) {
	t.Helper()
	c := goredis.NewClient(&goredis.Options{Addr: addr, MaxRetries: -1})
	t.Cleanup(func() { _ = c.Close() })
	if err := c.Ping(context.Background()).Err(); err != nil {
		t.Fatalf("redis at %s: %v", addr, err)
	}
	h := &countHook{}
	c.AddHook(h)
	return c, h
}

// uniquePrefix returns a key prefix no other test (or test package run in
// parallel) uses, and deletes every key under it when the test ends.
func uniquePrefix(t testing.TB, c goredis.UniversalClient) string {
	t.Helper()
	var b [8]byte
	_, _ = rand.Read(b[:])
	name := strings.NewReplacer(" ", "_", "*", "_", "?", "_", "[", "_", "]", "_", "\\", "_").Replace(t.Name())
	prefix := "autospot-test:store-redis:" + name + ":" + hex.EncodeToString(b[:]) + ":"
	t.Cleanup(func() { deletePrefix(t, c, prefix) })
	return prefix
}

// deletePrefix deletes the keys under prefix with SCAN and DEL.
func deletePrefix(t testing.TB, c goredis.UniversalClient, prefix string) {
	ctx := context.Background()
	iter := c.Scan(ctx, 0, prefix+"*", 1000).Iterator()
	var keys []string
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
	}
	if err := iter.Err(); err != nil {
		t.Errorf("scan %s*: %v", prefix, err)
		return
	}
	for len(keys) > 0 {
		n := min(len(keys), 500)
		if err := c.Del(ctx, keys[:n]...).Err(); err != nil {
			t.Errorf("clean-up of %s*: %v", prefix, err)
			return
		}
		keys = keys[n:]
	}
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
