// Command ratelimit shows the ratelimit package on its own: the seed's
// "5/minute" login limit per client IP, in memory or, with -redis, shared
// through Redis.
//
//	go run ./examples/ratelimit                      # in memory
//	go run ./examples/ratelimit -redis 127.0.0.1:6379
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/autospot/autospot/ratelimit"
	"github.com/autospot/autospot/ratelimit/redisstore"
)

func main() {
	redisAddr := flag.String("redis", "", "Redis host:port; empty uses the memory store")
	flag.Parse()

	var store ratelimit.Store
	if *redisAddr != "" {
		client := redis.NewClient(&redis.Options{Addr: *redisAddr, DialTimeout: time.Second})
		defer client.Close()
		rs, err := redisstore.New(client, redisstore.WithPrefix(fmt.Sprintf("example:%d:", time.Now().UnixNano())))
		if err != nil {
			log.Fatal(err)
		}
		store = rs
	} else {
		ms, err := ratelimit.NewMemoryStore()
		if err != nil {
			log.Fatal(err)
		}
		defer ms.Close()
		store = ms
	}

	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	limiter, err := ratelimit.New(store, ratelimit.WithLogger(logger))
	if err != nil {
		log.Fatal(err)
	}
	policy, err := ratelimit.Parse("5/minute")
	if err != nil {
		log.Fatal(err)
	}
	login, err := limiter.Middleware(ratelimit.Rule{Name: "login", Policy: policy})
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("POST /auth/login", login(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		fmt.Fprintln(w, `{"detail":"invalid credentials","error_code":"invalid_credentials"}`)
	})))

	ctx := context.Background()
	for i := 1; i <= 7; i++ {
		r := httptest.NewRequestWithContext(ctx, "POST", "/auth/login", nil)
		r.RemoteAddr = "198.51.100.7:41000"
		r.Header.Set("X-Forwarded-For", fmt.Sprintf("10.9.8.%d", i)) // ignored: the peer is no trusted proxy
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, r)
		fmt.Printf("attempt %d: %d RateLimit: %s Retry-After: %q\n", i, rec.Code, rec.Header().Get("RateLimit"), rec.Header().Get("Retry-After"))
	}
	fmt.Printf("stats: %+v\n", limiter.Stats())
}
