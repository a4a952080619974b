package password

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// benchHash is a "$2b$" hash made by x/crypto, shared by BenchmarkVerify
// and BenchmarkBareBcrypt so that they compare the same work.
func benchHash(b *testing.B, cost int) string {
	b.Helper()
	s, err := bcrypt.GenerateFromPassword([]byte("zebra!Orbit7Fennel"), cost)
	if err != nil {
		b.Fatal(err)
	}
	return string(s)
}

// benchCosts: 12 is the point; at 4 (about 1 ms) the fixed overhead of
// Verify over bare bcrypt is easier to see.
var benchCosts = []int{DefaultBcryptCost, 4}

// BenchmarkVerify is Hasher.Verify: parse, cap, acquire a slot, compare,
// decide on rehash. Compare with BenchmarkBareBcrypt from the same run:
// benchstat -col .name.
func BenchmarkVerify(b *testing.B) {
	for _, cost := range benchCosts {
		b.Run(fmt.Sprintf("cost=%d", cost), func(b *testing.B) {
			hash := benchHash(b, cost)
			h, err := New(Config{BcryptCost: cost})
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			for b.Loop() {
				if _, err := h.Verify(ctx, "zebra!Orbit7Fennel", hash); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkBareBcrypt is x/crypto's CompareHashAndPassword on the same hash.
func BenchmarkBareBcrypt(b *testing.B) {
	for _, cost := range benchCosts {
		b.Run(fmt.Sprintf("cost=%d", cost), func(b *testing.B) {
			hash := []byte(benchHash(b, cost))
			pw := []byte("zebra!Orbit7Fennel")
			for b.Loop() {
				if err := bcrypt.CompareHashAndPassword(hash, pw); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkHash is Hasher.Hash with each scheme's default parameters.
func BenchmarkHash(b *testing.B) {
	for _, s := range []Scheme{SchemeBcrypt, SchemeBcryptSHA256, SchemeArgon2id} {
		b.Run(string(s), func(b *testing.B) {
			h, err := New(Config{Scheme: s})
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := h.Hash(context.Background(), "zebra!Orbit7Fennel"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPolicyCheck is Policy.Check on a typical password and on 128
// characters chosen to make zxcvbn's l33t matching slow.
func BenchmarkPolicyCheck(b *testing.B) {
	user := UserInfo{Email: "alice.wonder@example.com", Username: "rabbit_hole", Name: "Alice Wonderland"}
	for _, c := range []struct{ name, pw string }{
		{"typical", "zebra!Orbit7Fennel"},
		// A slow 32-character string from a random search over zxcvbn's
		// l33t characters, padded to 128 characters.
		{"l33t-128", "!+<@%+2$&||$4@7&[{85!231@0!%@[0(" + strings.Repeat("4@8(|!1+0$5%", 8)},
	} {
		b.Run(c.name, func(b *testing.B) {
			p := AutoSpot()
			for b.Loop() {
				_ = p.Check(c.pw, user)
			}
		})
	}
}

// BenchmarkCheapBesideFlood measures a cheap HTTP request (GET /health)
// served while 100 clients keep POSTing logins that each verify a cost-12
// bcrypt hash, with the Hasher's default bound (GOMAXPROCS hash at once, the
// rest queue) and with the bound lifted (Concurrency 100). It reports the
// cheap request's latency percentiles; ns/op is not meaningful here.
func BenchmarkCheapBesideFlood(b *testing.B) {
	const flood = 100
	hash := benchHash(b, DefaultBcryptCost)
	for _, c := range []struct {
		name        string
		concurrency int
	}{
		{"bounded", 0},
		{"unbounded", flood},
	} {
		b.Run(c.name, func(b *testing.B) {
			h, err := New(Config{Concurrency: c.concurrency, MaxWaiting: flood})
			if err != nil {
				b.Fatal(err)
			}
			mux := http.NewServeMux()
			mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
				if _, err := h.Verify(r.Context(), "zebra!Orbit7Fennel", hash); err != nil {
					w.WriteHeader(http.StatusServiceUnavailable)
					return
				}
				w.WriteHeader(http.StatusNoContent)
			})
			mux.HandleFunc("GET /health", func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				io.WriteString(w, `{"status":"ok"}`)
			})
			srv := httptest.NewServer(mux)
			defer srv.Close()
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 2 * flood}}
			defer client.CloseIdleConnections()

			ctx, stop := context.WithCancel(b.Context())
			var wg sync.WaitGroup
			for range flood {
				wg.Go(func() {
					for ctx.Err() == nil {
						req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/login", nil)
						if resp, err := client.Do(req); err == nil {
							io.Copy(io.Discard, resp.Body)
							resp.Body.Close()
						}
					}
				})
			}
			for h.Stats().InFlight == 0 { // let the flood build up
				time.Sleep(10 * time.Millisecond)
			}
			time.Sleep(500 * time.Millisecond)

			var lat []time.Duration
			for b.Loop() {
				t0 := time.Now()
				resp, err := client.Get(srv.URL + "/health")
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				lat = append(lat, time.Since(t0))
				time.Sleep(5 * time.Millisecond)
			}
			b.StopTimer()
			stop()
			wg.Wait()
			for h.Stats() != (Stats{}) { // let verifications already started finish
				time.Sleep(10 * time.Millisecond)
			}
			slices.Sort(lat)
			pct := func(p float64) float64 {
				return float64(lat[int(p*float64(len(lat)-1))]) / float64(time.Millisecond)
			}
			b.ReportMetric(pct(0.50), "p50-ms")
			b.ReportMetric(pct(0.99), "p99-ms")
			b.ReportMetric(pct(1), "max-ms")
			b.ReportMetric(0, "ns/op")
		})
	}
}
