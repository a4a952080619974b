package ratelimit_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/autospot/autospot/ratelimit"
)

func ExampleParse() {
	p, err := ratelimit.Parse("5/minute")
	if err != nil {
		panic(err)
	}
	fmt.Println(p.Limit, p.Period, p.Capacity(), p.Interval())

	p, _ = ratelimit.Parse("10/second burst=20")
	fmt.Println(p)
	// Output:
	// 5 1m0s 5 12s
	// 10/second burst=20
}

func ExampleParse_error() {
	_, err := ratelimit.Parse("5/fortnight")
	fmt.Println(errors.Is(err, ratelimit.ErrUnit))
	var pe *ratelimit.ParseError
	if errors.As(err, &pe) {
		fmt.Println("at offset", pe.Offset)
	}
	fmt.Println(err)
	// Output:
	// true
	// at offset 2
	// ratelimit: policy unit: "5/fortnight" at offset 2: want second, minute, hour or day
}

func ExampleMemoryStore() {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	store, err := ratelimit.NewMemoryStore(ratelimit.WithClock(func() time.Time { return now }))
	if err != nil {
		panic(err)
	}
	defer store.Close()
	p, _ := ratelimit.Parse("5/minute")
	ctx := context.Background()
	for range 6 {
		d, _ := store.Allow(ctx, "login:ip:198.51.100.7/32", p)
		fmt.Printf("allowed=%v remaining=%d retry=%v reset=%v\n", d.Allowed, d.Remaining, d.RetryAfter, d.ResetAfter)
	}
	now = now.Add(12 * time.Second)
	d, _ := store.Allow(ctx, "login:ip:198.51.100.7/32", p)
	fmt.Println("12 s later:", d.Allowed)
	// Output:
	// allowed=true remaining=4 retry=0s reset=12s
	// allowed=true remaining=3 retry=0s reset=24s
	// allowed=true remaining=2 retry=0s reset=36s
	// allowed=true remaining=1 retry=0s reset=48s
	// allowed=true remaining=0 retry=0s reset=1m0s
	// allowed=false remaining=0 retry=12s reset=1m0s
	// 12 s later: true
}

func ExampleLimiter_Middleware() {
	store, _ := ratelimit.NewMemoryStore()
	defer store.Close()
	limiter, err := ratelimit.New(store)
	if err != nil {
		panic(err)
	}
	policy, _ := ratelimit.Parse("5/minute")
	login, err := limiter.Middleware(ratelimit.Rule{Name: "login", Policy: policy})
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	mux.Handle("POST /auth/login", login(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})))

	for i := range 6 {
		r := httptest.NewRequest("POST", "/auth/login", nil)
		r.RemoteAddr = "198.51.100.7:41000"
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, r)
		if i == 0 || i == 5 {
			fmt.Printf("%d %s %s retry-after=%q\n", rec.Code, rec.Header().Get("RateLimit-Policy"), rec.Header().Get("RateLimit"), rec.Header().Get("Retry-After"))
		}
		if i == 5 {
			fmt.Print(rec.Body.String())
		}
	}
	// Output:
	// 200 "login";q=5;w=60 "login";r=4;t=12 retry-after=""
	// 429 "login";q=5;w=60 "login";r=0;t=60 retry-after="12"
	// {"detail":"too many requests; retry in 12 s","error_code":"rate_limited"}
}
