package headers_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/autospot/autospot/headers"
)

func ExampleSecurityHeaders() {
	secure, err := headers.SecurityHeaders(headers.SecurityConfig{
		XSSProtection: headers.XSSProtectionSeed, // keep the seed's value; the default is "0"
	})
	if err != nil {
		panic(err)
	}
	h := secure(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))

	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/health", nil))
	for _, name := range []string{"X-Frame-Options", "X-XSS-Protection", "Strict-Transport-Security", "Content-Security-Policy"} {
		fmt.Printf("%s: %s\n", name, rec.Header().Get(name))
	}
	// Output:
	// X-Frame-Options: DENY
	// X-XSS-Protection: 1; mode=block
	// Strict-Transport-Security: max-age=31536000; includeSubDomains
	// Content-Security-Policy: default-src 'self'
}

func ExampleNewCORS() {
	cors, err := headers.NewCORS(headers.AutoSpotCORS())
	if err != nil {
		panic(err)
	}
	h := cors.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))

	for _, origin := range []string{"https://autospot.it.com", "https://autospot.it.com.evil.com"} {
		r := httptest.NewRequest("GET", "/api/spots", nil)
		r.Header.Set("Origin", origin)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		fmt.Printf("%s -> %q\n", origin, rec.Header().Get("Access-Control-Allow-Origin"))
	}
	// Output:
	// https://autospot.it.com -> "https://autospot.it.com"
	// https://autospot.it.com.evil.com -> ""
}

func ExampleNewCORS_error() {
	_, err := headers.NewCORS(headers.CORSConfig{AllowedOrigins: []string{"*"}, AllowCredentials: true})
	fmt.Println(errors.Is(err, headers.ErrWildcardWithCredentials))
	// Output: true
}

func ExampleIPResolver() {
	res, err := headers.NewIPResolver(headers.ClientIPConfig{TrustedProxies: []string{"10.0.0.0/8"}})
	if err != nil {
		panic(err)
	}

	// Behind the trusted nginx: the right-most untrusted hop is the client.
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "10.0.0.2:41000"
	r.Header.Set("X-Forwarded-For", "1.2.3.4, 198.51.100.9")
	fmt.Println(res.ClientIP(r))

	// Straight from the internet: the header is the client's own claim.
	r.RemoteAddr = "[2001:db8:aa:bb::1]:5000"
	client := res.ClientIP(r)
	fmt.Println(client, res.Bucket(client))
	// Output:
	// 198.51.100.9
	// 2001:db8:aa:bb::1 2001:db8:aa:bb::/64
}

func ExampleAssignRequestID() {
	mw, err := headers.AssignRequestID(headers.RequestIDConfig{})
	if err != nil {
		panic(err)
	}
	h := mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Println("handler sees", headers.RequestID(r.Context()))
	}))
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("X-Request-ID", "req-42")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	fmt.Println("response has", rec.Header().Get("X-Request-ID"))
	// Output:
	// handler sees req-42
	// response has req-42
}

func ExampleLimitBody() {
	h := headers.LimitBody(1 << 10)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	r := httptest.NewRequest("POST", "/upload", nil)
	r.ContentLength = 1 << 20
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	fmt.Println(rec.Code, rec.Body.String())
	// Output: 413 {"detail":"request body larger than 1024 bytes","error_code":"body_too_large"}
}

func ExampleSensitive() {
	login := headers.Sensitive(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	rec := httptest.NewRecorder()
	login.ServeHTTP(rec, httptest.NewRequest("POST", "/auth/login", nil))
	fmt.Println(rec.Header().Get("Cache-Control"))
	// Output: no-store
}
