package redisstore_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/autospot/autospot/internal/testenv"
	"github.com/autospot/autospot/ratelimit"
)

// BenchmarkRedis measures decisions per second against the real server
// over loopback (AUTOSPOT_TEST_REDIS_ADDR), one goroutine ("serial") and
// GOMAXPROCS×8 goroutines ("parallel"), and reports the commands sent per
// decision (the store's promise: exactly 1). Run with
//
//	AUTOSPOT_TEST_REDIS_ADDR=127.0.0.1:16379 go test -run '^$' -bench Redis -benchmem ./ratelimit/redisstore/
func BenchmarkRedis(b *testing.B) {
	c, hook := testenv.RedisClient(b, testenv.RedisAddr(b))
	s := newStore(b, c, uniquePrefix(b, c))
	ctx := context.Background()
	if err := s.Load(ctx); err != nil {
		b.Fatal(err)
	}
	p := ratelimit.Policy{Limit: 1000, Period: time.Second}
	report := func(b *testing.B) {
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "decisions/s")
		b.ReportMetric(float64(hook.Load())/float64(b.N), "cmds/decision")
	}
	b.Run("serial", func(b *testing.B) {
		hook.Store(0)
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			if _, err := s.Allow(ctx, fmt.Sprint("k", i%1000), p); err != nil {
				b.Fatal(err)
			}
		}
		report(b)
	})
	b.Run("parallel", func(b *testing.B) {
		hook.Store(0)
		var n atomic.Int64
		b.ReportAllocs()
		b.SetParallelism(8)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := s.Allow(ctx, fmt.Sprint("k", n.Add(1)%1000), p); err != nil {
					b.Error(err)
					return
				}
			}
		})
		report(b)
	})
}
