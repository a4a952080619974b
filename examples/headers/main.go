// Command headers shows the headers package on its own: security headers,
// CORS with the seed's origins, request IDs and the client address behind a
// trusted proxy, in front of one JSON route.
//
//	go run ./examples/headers            # prints a few requests and their answers
//	go run ./examples/headers -addr :8080  # or serve, then try curl -i localhost:8080/api/hello
package main

import (
	"flag"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/autospot/autospot/headers"
)

func main() {
	addr := flag.String("addr", "", "listen address; empty runs a demo and exits")
	flag.Parse()

	h, err := handler()
	if err != nil {
		log.Fatal(err)
	}
	if *addr != "" {
		srv := &http.Server{Addr: *addr, Handler: h, ReadHeaderTimeout: 10 * time.Second}
		log.Fatal(srv.ListenAndServe())
	}
	demo(h)
}

func handler() (http.Handler, error) {
	secure, err := headers.SecurityHeaders(headers.SecurityConfig{})
	if err != nil {
		return nil, err
	}
	cors, err := headers.NewCORS(headers.AutoSpotCORS())
	if err != nil {
		return nil, err
	}
	ids, err := headers.AssignRequestID(headers.RequestIDConfig{})
	if err != nil {
		return nil, err
	}
	clients, err := headers.NewIPResolver(headers.ClientIPConfig{TrustedProxies: []string{"127.0.0.1/32", "10.0.0.0/8"}})
	if err != nil {
		return nil, err
	}

	mux := http.NewServeMux()
	mux.Handle("GET /api/hello", headers.Sensitive(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", headers.ContentTypeJSON)
		fmt.Fprintf(w, "{\"client\": %q, \"request_id\": %q}\n", headers.ClientIP(r.Context()), headers.RequestID(r.Context()))
	})))
	return ids(clients.Handler(secure(cors.Handler(headers.LimitBody(64 << 10)(mux))))), nil
}

func demo(h http.Handler) {
	show := func(title string, r *http.Request) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		fmt.Printf("== %s\n%d %s", title, rec.Code, rec.Body.String())
		for _, k := range []string{"Access-Control-Allow-Origin", "Cache-Control", "X-Frame-Options", "X-Xss-Protection"} {
			fmt.Printf("  %s: %q\n", k, rec.Header().Get(k))
		}
	}
	r := httptest.NewRequest("GET", "/api/hello", nil)
	r.RemoteAddr = "10.0.0.2:5000" // the trusted nginx
	r.Header.Set("X-Forwarded-For", "6.6.6.6, 198.51.100.9")
	r.Header.Set("Origin", "https://autospot.it.com")
	r.Header.Set("X-Request-ID", "demo-1")
	show("allowed origin, behind the proxy", r)

	r = httptest.NewRequest("GET", "/api/hello", nil)
	r.RemoteAddr = "203.0.113.7:5000" // straight from the internet
	r.Header.Set("X-Forwarded-For", "1.2.3.4")
	r.Header.Set("Origin", "https://autospot.it.com.evil.com")
	show("foreign origin, spoofed X-Forwarded-For", r)

	r = httptest.NewRequest("OPTIONS", "/api/hello", nil)
	r.Header.Set("Origin", "null")
	r.Header.Set("Access-Control-Request-Method", "POST")
	show("preflight from null", r)
}
