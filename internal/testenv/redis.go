package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strings"
	"sync/atomic"
	"testing"

	goredis "github.com/redis/go-redis/v9"
)

// RedisCounter is a go-redis hook that counts the commands a client sends
// (each command of a pipeline counts). Load and Store read and reset it.
type RedisCounter struct{ atomic.Int64 }

// DialHook implements [goredis.Hook].
func (h *RedisCounter) DialHook(next goredis.DialHook) goredis.DialHook { return next }

// ProcessHook implements [goredis.Hook].
func (h *RedisCounter) ProcessHook(next goredis.ProcessHook) goredis.ProcessHook {
	return func(ctx context.Context, cmd goredis.Cmder) error {
		h.Add(1)
		return next(ctx, cmd)
	}
}

// ProcessPipelineHook implements [goredis.Hook].
func (h *RedisCounter) ProcessPipelineHook(next goredis.ProcessPipelineHook) goredis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []goredis.Cmder) error {
		h.Add(int64(len(cmds)))
		return next(ctx, cmds)
	}
}

// RedisClient connects to the Redis server at addr (a real one from
// [RedisAddr], or a miniredis), with go-redis's retries off so that
// command counts are exact, and fails t when it does not answer PING. The
// client is closed when t ends; the counter sees every command after the
// PING.
func RedisClient(t testing.TB, addr string) (*goredis.Client, *RedisCounter) {
	t.Helper()
	c := goredis.NewClient(&goredis.Options{Addr: addr, MaxRetries: -1})
	t.Cleanup(func() { _ = c.Close() })
	if err := c.Ping(context.Background()).Err(); err != nil {
		t.Fatalf("testenv: redis at %s: %v", addr, err)
	}
	h := &RedisCounter{}
	c.AddHook(h)
	return c, h
}

// RedisPrefix returns a key prefix that no other test, or test process
// sharing the server, uses — "autospot-test:<scope>:<test name>:<random
// hex>:" — and deletes every key under it (SCAN and DEL) when t ends.
func RedisPrefix(t testing.TB, c goredis.UniversalClient, scope string) string {
	t.Helper()
	var b [8]byte
	_, _ = rand.Read(b[:])
	name := strings.NewReplacer(" ", "_", "*", "_", "?", "_", "[", "_", "]", "_", "\\", "_").Replace(t.Name())
	prefix := "autospot-test:" + scope + ":" + name + ":" + hex.EncodeToString(b[:]) + ":"
	t.Cleanup(func() { deleteRedisPrefix(t, c, prefix) })
	return prefix
}

// deleteRedisPrefix deletes the keys under prefix; a failure is reported
// with t.Errorf.
func deleteRedisPrefix(t testing.TB, c goredis.UniversalClient, prefix string) {
	ctx := context.Background()
	iter := c.Scan(ctx, 0, prefix+"*", 1000).Iterator()
	var keys []string
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
	}
	if err := iter.Err(); err != nil {
		t.Errorf("testenv: scan %s*: %v", prefix, err)
		return
	}
	for len(keys) > 0 {
		n := min(len(keys), 500)
		if err := c.Del(ctx, keys[:n]...).Err(); err != nil {
			t.Errorf("testenv: clean-up of %s*: %v", prefix, err)
			return
		}
		keys = keys[n:]
	}
}
