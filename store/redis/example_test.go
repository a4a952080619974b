package redis_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/alicebob/miniredis/v2"
	goredis "github.com/redis/go-redis/v9"

	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/store/redis"
)

// Login attempts counted across replicas: the attempt is reserved before
// the password is compared, so a flood of wrong passwords gets at most the
// limit of compares.
func Example() {
	srv, err := miniredis.Run() // stands in for a real Redis here
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	client := goredis.NewClient(&goredis.Options{Addr: srv.Addr()})
	defer client.Close()

	s, err := redis.New(client, redis.WithPrefix("myapp:"))
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	if err := s.Load(ctx); err != nil { // optional: every call is then one EVALSHA
		panic(err)
	}
	var attempts auth.AttemptStore = s.Attempts()
	now := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
	for range 4 {
		st, err := attempts.Reserve(ctx, "login:alice@example.com", 3, 15*time.Minute, now)
		if err != nil {
			panic(err)
		}
		fmt.Println(st.Allowed, st.Count, st.WindowEnd.Format(time.Kitchen))
	}
	// Output:
	// true 1 12:15PM
	// true 2 12:15PM
	// true 3 12:15PM
	// false 3 12:15PM
}

// Logout-all raises the user's epoch; logout denies one session until its
// tokens can no longer be valid.
func ExampleStore_Revocations() {
	srv, err := miniredis.Run()
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	client := goredis.NewClient(&goredis.Options{Addr: srv.Addr()})
	defer client.Close()
	s, err := redis.New(client)
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	var rev auth.RevocationStore = s.Revocations()

	now := time.Now().UTC().Truncate(time.Millisecond)
	if _, err := rev.BumpEpoch(ctx, "user-1"); err != nil {
		panic(err)
	}
	if err := rev.RevokeSession(ctx, "session-9", now.Add(15*time.Minute)); err != nil {
		panic(err)
	}
	st, err := rev.Status(ctx, "user-1", "session-9", now)
	if err != nil {
		panic(err)
	}
	fmt.Println(st.Epoch, st.SessionRevoked)
	st, _ = rev.Status(ctx, "user-1", "session-9", now.Add(15*time.Minute))
	fmt.Println(st.Epoch, st.SessionRevoked)
	// Output:
	// 1 true
	// 1 false
}

// A one-time code: Try reserves one of the code's tries, the caller
// compares the hash in constant time, Consume spends the code once.
func ExampleOTPStore() {
	srv, err := miniredis.Run()
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	client := goredis.NewClient(&goredis.Options{Addr: srv.Addr()})
	defer client.Close()
	s, err := redis.New(client)
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	otps := s.OTPs()
	now := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
	code := auth.OTP{Purpose: auth.PurposeRegistration, Subject: "alice@example.com",
		Salt: []byte("salt"), Hash: []byte("keyed-hash"), CreatedAt: now, ExpiresAt: now.Add(10 * time.Minute), MaxTries: 5}
	if err := otps.Put(ctx, code); err != nil {
		panic(err)
	}
	_, err = otps.Try(ctx, auth.PurposeReset, "alice@example.com", now)
	fmt.Println("as a reset code:", errors.Is(err, auth.ErrOTPNotFound))
	got, err := otps.Try(ctx, auth.PurposeRegistration, "alice@example.com", now)
	if err != nil {
		panic(err)
	}
	fmt.Println("tries:", got.Tries)
	fmt.Println("consume:", otps.Consume(ctx, got.Purpose, got.Subject, got.Hash))
	fmt.Println("again:", errors.Is(otps.Consume(ctx, got.Purpose, got.Subject, got.Hash), auth.ErrOTPNotFound))
	// Output:
	// as a reset code: true
	// tries: 1
	// consume: <nil>
	// again: true
}

// Open parses REDIS_URL; a malformed one is ErrBadURL, and the error never
// shows the password.
func ExampleOpen() {
	_, err := redis.Open("redis://:hunter2@cache.internal:port/0")
	fmt.Println(errors.Is(err, redis.ErrBadURL))
	fmt.Println(err)

	s, err := redis.Open("redis://:hunter2@127.0.0.1:6379/2") // no I/O yet
	if err != nil {
		panic(err)
	}
	defer s.Close()
	fmt.Println("opened")
	// Output:
	// true
	// redis: invalid Redis URL: invalid port ":port" after host
	// opened
}
