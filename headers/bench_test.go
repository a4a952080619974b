package headers

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// discardWriter is a ResponseWriter that keeps only headers, so benchmarks
// measure the middleware rather than the recorder.
type discardWriter struct{ h http.Header }

func (d *discardWriter) Header() http.Header         { return d.h }
func (d *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (d *discardWriter) WriteHeader(int)             {}

func benchHandler(b *testing.B, h http.Handler, r *http.Request) {
	w := &discardWriter{h: make(http.Header, 16)}
	b.ReportAllocs()
	for b.Loop() {
		clear(w.h)
		h.ServeHTTP(w, r)
	}
}

var noop = http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})

func BenchmarkSecurityHeaders(b *testing.B) {
	mw, _ := SecurityHeaders(SecurityConfig{})
	benchHandler(b, mw(noop), httptest.NewRequest("GET", "/", nil))
}

func BenchmarkCORSAllowed(b *testing.B) {
	c, _ := NewCORS(AutoSpotCORS())
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("Origin", "https://autospot.it.com")
	benchHandler(b, c.Handler(noop), r)
}

func BenchmarkCORSPreflight(b *testing.B) {
	c, _ := NewCORS(AutoSpotCORS())
	r := httptest.NewRequest("OPTIONS", "/", nil)
	r.Header.Set("Origin", "https://autospot.it.com")
	r.Header.Set("Access-Control-Request-Method", "POST")
	r.Header.Set("Access-Control-Request-Headers", "authorization, content-type")
	benchHandler(b, c.Handler(noop), r)
}

func BenchmarkRequestIDGenerate(b *testing.B) {
	mw, _ := AssignRequestID(RequestIDConfig{})
	benchHandler(b, mw(noop), httptest.NewRequest("GET", "/", nil))
}

func BenchmarkRequestIDKeep(b *testing.B) {
	mw, _ := AssignRequestID(RequestIDConfig{})
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("X-Request-ID", "0b9c8f1e-7f4a-4c1e-9f7e-0d1e2f3a4b5c")
	benchHandler(b, mw(noop), r)
}

func BenchmarkClientIP(b *testing.B) {
	res := newResolver(b, "10.0.0.0/8", "fd00::/8")
	cases := []struct {
		name string
		r    *http.Request
	}{
		{"direct", ipRequest("203.0.113.7:5555", "X-Forwarded-For", "1.2.3.4")},
		{"behind proxy", ipRequest("10.0.0.2:4000", "X-Forwarded-For", "1.1.1.1, 198.51.100.9, 10.0.0.3")},
		{"IPv6 bucket", ipRequest("[2001:db8::1]:443")},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				res.Bucket(res.ClientIP(c.r))
			}
		})
	}
}
