package redisstore_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/autospot/autospot/ratelimit"
	"github.com/autospot/autospot/ratelimit/redisstore"
)

func Example() {
	srv, err := miniredis.Run() // stands in for a real Redis here
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	client := redis.NewClient(&redis.Options{Addr: srv.Addr()})
	defer client.Close()

	store, err := redisstore.New(client)
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	if err := store.Load(ctx); err != nil { // optional: first decision is then one EVALSHA too
		panic(err)
	}
	policy, _ := ratelimit.Parse("2/minute")
	for range 3 {
		d, err := store.Allow(ctx, "login:ip:198.51.100.7/32", policy)
		if err != nil {
			panic(err)
		}
		fmt.Println(d.Allowed, d.Remaining)
	}
	// Output:
	// true 1
	// true 0
	// false 0
}

func ExampleNew_error() {
	_, err := redisstore.New(nil)
	fmt.Println(errors.Is(err, redisstore.ErrNilClient))
	// Output: true
}
