package redis_test

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/internal/testenv"
	"github.com/autospot/autospot/store/redis"
)

// The benchmarks measure the login-path operations against the real server
// over loopback (AUTOSPOT_TEST_REDIS_ADDR), one goroutine ("serial") and
// GOMAXPROCS×8 goroutines ("parallel"), and report the commands each
// operation sent (the store's promise: exactly 1) next to a bare PING, the
// floor of any one-round-trip operation. Run with
//
//	AUTOSPOT_TEST_REDIS_ADDR=127.0.0.1:16379 go test -run '^$' -bench . -benchmem -count 3 ./store/redis/

// benchOp runs op serially and in parallel; op gets a counter to spread
// keys with.
func benchOp(b *testing.B, hook *countHook, op func(i int64) error) {
	report := func(b *testing.B) {
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
		b.ReportMetric(float64(hook.Load())/float64(b.N), "cmds/op")
	}
	b.Run("serial", func(b *testing.B) {
		hook.Store(0)
		b.ReportAllocs()
		var i int64
		for b.Loop() {
			if err := op(i); err != nil {
				b.Fatal(err)
			}
			i++
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
				if err := op(n.Add(1)); err != nil {
					b.Error(err)
					return
				}
			}
		})
		report(b)
	})
}

// benchStore returns a store on the real server under a fresh prefix
// (deleted afterwards), with its scripts loaded.
func benchStore(b *testing.B) (*redis.Store, *countHook) {
	b.Helper()
	c, hook := newClient(b, testenv.RedisAddr(b))
	s := newStore(b, c, redis.WithPrefix(uniquePrefix(b, c)))
	if err := s.Load(context.Background()); err != nil {
		b.Fatal(err)
	}
	return s, hook
}

func BenchmarkPing(b *testing.B) {
	c, hook := newClient(b, testenv.RedisAddr(b))
	ctx := context.Background()
	benchOp(b, hook, func(int64) error { return c.Ping(ctx).Err() })
}

// Attempts.Reserve: the reserve-before-compare step of every login, spread
// over 1000 keys, always under the limit (so every call writes).
func BenchmarkAttemptReserve(b *testing.B) {
	s, hook := benchStore(b)
	ctx := context.Background()
	a := s.Attempts()
	now := time.Now()
	benchOp(b, hook, func(i int64) error {
		_, err := a.Reserve(ctx, "login:user"+strconv.FormatInt(i%1000, 10)+"@example.com", 1<<30, 15*time.Minute, now)
		return err
	})
}

// Revocations.Status: read on every refresh (epoch and session, one MGET)
// and every token issue (epoch only, one GET).
func BenchmarkRevocationStatus(b *testing.B) {
	s, hook := benchStore(b)
	ctx := context.Background()
	r := s.Revocations()
	now := time.Now()
	for i := range 100 {
		id := strconv.Itoa(i)
		if _, err := r.BumpEpoch(ctx, "user"+id); err != nil {
			b.Fatal(err)
		}
		if i%2 == 0 {
			if err := r.RevokeSession(ctx, "session"+id, now.Add(time.Hour)); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("session", func(b *testing.B) {
		benchOp(b, hook, func(i int64) error {
			id := strconv.FormatInt(i%100, 10)
			_, err := r.Status(ctx, "user"+id, "session"+id, now)
			return err
		})
	})
	b.Run("epoch-only", func(b *testing.B) {
		benchOp(b, hook, func(i int64) error {
			_, err := r.Status(ctx, "user"+strconv.FormatInt(i%100, 10), "", now)
			return err
		})
	})
}

// OTPs.Try: one attempt at a code, over 100 live codes with tries to spare.
func BenchmarkOTPTry(b *testing.B) {
	s, hook := benchStore(b)
	ctx := context.Background()
	o := s.OTPs()
	now := time.Now().UTC().Truncate(time.Millisecond)
	for i := range 100 {
		code := auth.OTP{Purpose: auth.PurposeRegistration, Subject: "user" + strconv.Itoa(i) + "@example.com",
			Salt: make([]byte, 16), Hash: make([]byte, 32), CreatedAt: now, ExpiresAt: now.Add(time.Hour), MaxTries: 1 << 30}
		if err := o.Put(ctx, code); err != nil {
			b.Fatal(err)
		}
	}
	benchOp(b, hook, func(i int64) error {
		_, err := o.Try(ctx, auth.PurposeRegistration, "user"+strconv.FormatInt(i%100, 10)+"@example.com", now)
		return err
	})
}
