package server_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkMiddlewareChain measures the cost of the whole middleware chain
// (request ID, metrics, envelope, recovery, client IP, headers, CORS, API
// rate limit, body limit, router) on the cheapest route, next to the same
// handler behind a bare ServeMux.
func BenchmarkMiddlewareChain(b *testing.B) {
	s := newStack(b, map[string]string{"AUTOSPOT_API_RATE": "1000000/second"})
	req := httptest.NewRequest("GET", "/api/health", nil)
	req.RemoteAddr = "192.0.2.1:1"
	b.Run("full_chain", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			w := httptest.NewRecorder()
			s.h.ServeHTTP(w, req)
			if w.Code != 200 {
				b.Fatal(w.Code)
			}
		}
	})
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/health", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_, _ = w.Write([]byte(`{"status":"healthy"}` + "\n"))
	})
	b.Run("bare_mux", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			w := httptest.NewRecorder()
			mux.ServeHTTP(w, req)
		}
	})
	b.Run("not_found_envelope", func(b *testing.B) {
		nf := httptest.NewRequest("GET", "/nope", nil)
		nf.RemoteAddr = "192.0.2.1:1"
		b.ReportAllocs()
		for b.Loop() {
			w := httptest.NewRecorder()
			s.h.ServeHTTP(w, nf)
		}
	})
}
