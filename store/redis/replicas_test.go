package redis_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"

	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/internal/testenv"
	"github.com/autospot/autospot/store/redis"
)

// Two replicas (two clients, two stores, one prefix) share the counts: 50
// parallel wrong passwords spread over both, limit 5, reserve exactly 5
// compares; 20 parallel tries of one code over both reserve exactly
// MaxTries; one code is consumed once.
func TestReplicasShareState(t *testing.T) {
	for _, b := range backends {
		b.run(t, func(t *testing.T) {
			var addr string
			if b.name == "real" {
				addr = testenv.RedisAddr(t)
			} else {
				addr = miniredis.RunT(t).Addr()
			}
			c1, _ := newClient(t, addr)
			c2, _ := newClient(t, addr)
			prefix := redis.WithPrefix(uniquePrefix(t, c1))
			replicas := []*redis.Store{newStore(t, c1, prefix), newStore(t, c2, prefix)}
			first := replicas[0]
			ctx := context.Background()
			now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)

			var allowed atomic.Int32
			var wg sync.WaitGroup
			for i := range 50 {
				wg.Go(func() {
					st, err := replicas[i%2].Attempts().Reserve(ctx, "login:alice@example.com", 5, 15*time.Minute, now)
					if err != nil {
						t.Error(err)
					} else if st.Allowed {
						allowed.Add(1)
					}
				})
			}
			wg.Wait()
			if allowed.Load() != 5 {
				t.Errorf("%d of 50 reservations allowed over two replicas, limit 5", allowed.Load())
			}

			code := auth.OTP{Purpose: auth.PurposeReset, Subject: "u1", Hash: []byte("h"), CreatedAt: now, ExpiresAt: now.Add(10 * time.Minute), MaxTries: 5}
			if err := first.OTPs().Put(ctx, code); err != nil {
				t.Fatal(err)
			}
			var tries, consumed atomic.Int32
			for i := range 20 {
				wg.Go(func() {
					o := replicas[i%2].OTPs()
					got, err := o.Try(ctx, code.Purpose, code.Subject, now)
					if err != nil {
						if !errors.Is(err, auth.ErrOTPExhausted) && !errors.Is(err, auth.ErrOTPNotFound) {
							t.Error(err)
						}
						return
					}
					tries.Add(1)
					if err := o.Consume(ctx, got.Purpose, got.Subject, got.Hash); err == nil {
						consumed.Add(1)
					} else if !errors.Is(err, auth.ErrOTPNotFound) {
						t.Error(err)
					}
				})
			}
			wg.Wait()
			if tries.Load() > 5 || consumed.Load() != 1 {
				t.Errorf("%d tries reserved (max 5), %d consumptions (want 1)", tries.Load(), consumed.Load())
			}
		})
	}
}
