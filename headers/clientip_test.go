package headers

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
)

func newResolver(t testing.TB, trusted ...string) *IPResolver {
	t.Helper()
	r, err := NewIPResolver(ClientIPConfig{TrustedProxies: trusted})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func ipRequest(remote string, hdr ...string) *http.Request {
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = remote
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Add(hdr[i], hdr[i+1])
	}
	return r
}

func TestClientIP(t *testing.T) {
	res := newResolver(t, "10.0.0.0/8", "fd00::/8", "192.0.2.10", "::ffff:172.16.0.0/108")
	tests := []struct {
		name   string
		remote string
		hdr    []string
		want   string
	}{
		// Catalogue: a client not behind a trusted proxy cannot choose its address.
		{"untrusted peer, spoofed XFF", "203.0.113.7:5555", []string{"X-Forwarded-For", "1.2.3.4"}, "203.0.113.7"},
		{"untrusted peer, spoofed X-Real-IP", "203.0.113.7:5555", []string{"X-Real-IP", "1.2.3.4"}, "203.0.113.7"},
		{"untrusted peer, trusted-looking XFF", "203.0.113.7:5555", []string{"X-Forwarded-For", "10.0.0.1"}, "203.0.113.7"},
		{"no headers", "198.51.100.1:80", nil, "198.51.100.1"},
		{"trusted peer, no headers", "10.1.2.3:80", nil, "10.1.2.3"},

		// Behind the proxy.
		{"nginx", "10.0.0.2:4000", []string{"X-Forwarded-For", "198.51.100.9", "X-Real-IP", "198.51.100.9"}, "198.51.100.9"},
		{"client-prepended junk is ignored", "10.0.0.2:4000", []string{"X-Forwarded-For", "1.1.1.1, 2.2.2.2, 198.51.100.9"}, "198.51.100.9"},
		{"two proxies", "10.0.0.2:4000", []string{"X-Forwarded-For", "6.6.6.6, 198.51.100.9, 10.0.0.3"}, "198.51.100.9"},
		{"several header lines", "10.0.0.2:4000", []string{"X-Forwarded-For", "6.6.6.6", "X-Forwarded-For", "198.51.100.9, 10.9.9.9"}, "198.51.100.9"},
		{"all hops trusted", "10.0.0.2:4000", []string{"X-Forwarded-For", "10.0.0.5, 10.0.0.4"}, "10.0.0.5"},
		{"malformed hop ends the walk", "10.0.0.2:4000", []string{"X-Forwarded-For", "6.6.6.6, garbage, 10.0.0.4"}, "10.0.0.4"},
		{"malformed last hop", "10.0.0.2:4000", []string{"X-Forwarded-For", "6.6.6.6, not-an-ip"}, "10.0.0.2"},
		{"empty hops skipped", "10.0.0.2:4000", []string{"X-Forwarded-For", "198.51.100.9,, ,"}, "198.51.100.9"},
		{"hop with port", "10.0.0.2:4000", []string{"X-Forwarded-For", "198.51.100.9:1234"}, "198.51.100.9"},
		{"IPv6 hop with port", "10.0.0.2:4000", []string{"X-Forwarded-For", "[2001:db8::9]:1234"}, "2001:db8::9"},
		{"bracketed IPv6 hop", "10.0.0.2:4000", []string{"X-Forwarded-For", "[2001:db8::9]"}, "2001:db8::9"},
		{"X-Real-IP from trusted peer", "192.0.2.10:80", []string{"X-Real-IP", "198.51.100.4"}, "198.51.100.4"},
		{"XFF wins over X-Real-IP", "192.0.2.10:80", []string{"X-Forwarded-For", "198.51.100.5", "X-Real-IP", "198.51.100.4"}, "198.51.100.5"},
		{"bad X-Real-IP", "192.0.2.10:80", []string{"X-Real-IP", "nope"}, "192.0.2.10"},
		{"IPv6 trusted peer", "[fd00::1]:80", []string{"X-Forwarded-For", "2001:db8::77"}, "2001:db8::77"},

		// Normalisation.
		{"IPv4-mapped peer", "[::ffff:203.0.113.7]:5555", nil, "203.0.113.7"},
		{"IPv4-mapped peer is trusted", "[::ffff:10.0.0.2]:80", []string{"X-Forwarded-For", "198.51.100.9"}, "198.51.100.9"},
		{"IPv4-mapped hop", "10.0.0.2:80", []string{"X-Forwarded-For", "::ffff:198.51.100.9"}, "198.51.100.9"},
		{"mapped trusted prefix", "172.16.0.9:80", []string{"X-Forwarded-For", "198.51.100.9"}, "198.51.100.9"},
		{"zone dropped", "[fe80::1%eth0]:80", nil, "fe80::1"},
		{"peer without port", "203.0.113.7", nil, "203.0.113.7"},
		{"unparsable peer", "@", []string{"X-Forwarded-For", "1.2.3.4"}, "invalid IP"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := res.ClientIP(ipRequest(tc.remote, tc.hdr...))
			if got.String() != tc.want {
				t.Errorf("ClientIP = %s, want %s", got, tc.want)
			}
		})
	}
}

// Catalogue: rotating X-Forwarded-For from an untrusted peer is one client.
func TestClientIPRotatingXFFIsOneClient(t *testing.T) {
	res := newResolver(t, "10.0.0.0/8")
	rng := rand.New(rand.NewPCG(1, 2))
	seen := map[netip.Addr]int{}
	for range 1000 {
		xff := fmt.Sprintf("%d.%d.%d.%d", rng.IntN(256), rng.IntN(256), rng.IntN(256), rng.IntN(256))
		if rng.IntN(2) == 0 {
			xff = "10.0.0.1, " + xff
		}
		seen[res.ClientIP(ipRequest("203.0.113.7:5555", "X-Forwarded-For", xff, "X-Real-IP", xff))]++
	}
	if len(seen) != 1 || seen[netip.MustParseAddr("203.0.113.7")] != 1000 {
		t.Errorf("1000 spoofed requests resolved to %d clients: %v", len(seen), seen)
	}
}

// Catalogue: IPv6 addresses within one /64 share one bucket.
func TestBucket(t *testing.T) {
	res := newResolver(t)
	a := res.Bucket(netip.MustParseAddr("2001:db8:1:2::1"))
	b := res.Bucket(netip.MustParseAddr("2001:db8:1:2:ffff:ffff:ffff:ffff"))
	c := res.Bucket(netip.MustParseAddr("2001:db8:1:3::1"))
	if a != b {
		t.Errorf("same /64 in different buckets: %s, %s", a, b)
	}
	if a == c {
		t.Errorf("different /64s share bucket %s", a)
	}
	if a.String() != "2001:db8:1:2::/64" {
		t.Errorf("bucket = %s", a)
	}
	if got := res.Bucket(netip.MustParseAddr("::ffff:192.0.2.1")); got.String() != "192.0.2.1/32" {
		t.Errorf("IPv4-mapped bucket = %s", got)
	}
	if got := res.Bucket(netip.Addr{}); got.IsValid() {
		t.Errorf("invalid address bucket = %s", got)
	}
	wide, err := NewIPResolver(ClientIPConfig{IPv6BucketBits: 48, IPv4BucketBits: 24})
	if err != nil {
		t.Fatal(err)
	}
	if got := wide.Bucket(netip.MustParseAddr("2001:db8:1:2::1")); got.String() != "2001:db8:1::/48" {
		t.Errorf("/48 bucket = %s", got)
	}
	if got := wide.Bucket(netip.MustParseAddr("192.0.2.77")); got.String() != "192.0.2.0/24" {
		t.Errorf("/24 bucket = %s", got)
	}
}

func TestIPResolverHandler(t *testing.T) {
	res := newResolver(t, "10.0.0.0/8")
	var got netip.Addr
	h := res.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = ClientIP(r.Context()) }))
	h.ServeHTTP(httptest.NewRecorder(), ipRequest("10.0.0.1:1", "X-Forwarded-For", "198.51.100.1"))
	if got.String() != "198.51.100.1" {
		t.Errorf("ClientIP(ctx) = %s", got)
	}
	if a := ClientIP(httptest.NewRequest("GET", "/", nil).Context()); a.IsValid() {
		t.Errorf("ClientIP without middleware = %s", a)
	}
}

func TestIPResolverConfigErrors(t *testing.T) {
	tests := []struct {
		cfg  ClientIPConfig
		want error
	}{
		{ClientIPConfig{TrustedProxies: []string{"10.0.0.0/33"}}, ErrInvalidProxy},
		{ClientIPConfig{TrustedProxies: []string{"proxy.internal"}}, ErrInvalidProxy},
		{ClientIPConfig{TrustedProxies: []string{"fe80::1%eth0"}}, ErrInvalidProxy},
		{ClientIPConfig{TrustedProxies: []string{"::ffff:0:0/64"}}, ErrInvalidProxy},
		{ClientIPConfig{IPv6BucketBits: 129}, ErrInvalidBucketBits},
		{ClientIPConfig{IPv4BucketBits: -1}, ErrInvalidBucketBits},
	}
	for _, tc := range tests {
		if _, err := NewIPResolver(tc.cfg); !errors.Is(err, tc.want) {
			t.Errorf("%+v: err = %v, want %v", tc.cfg, err, tc.want)
		}
	}
}

func TestParseHop(t *testing.T) {
	for in, want := range map[string]string{
		" 192.0.2.1 ":             "192.0.2.1",
		"192.0.2.1:80":            "192.0.2.1",
		"[::1]:80":                "::1",
		"[::1]":                   "::1",
		"::ffff:192.0.2.1":        "192.0.2.1",
		"[::ffff:192.0.2.1]:1":    "192.0.2.1",
		"fe80::1%25eth0":          "fe80::1",
		"":                        "invalid IP",
		"unknown":                 "invalid IP",
		"192.0.2.1.5":             "invalid IP",
		strings.Repeat("1", 100):  "invalid IP",
		"192.0.2.1, 198.51.100.1": "invalid IP",
	} {
		if got := ParseHop(in).String(); got != want {
			t.Errorf("ParseHop(%q) = %s, want %s", in, got, want)
		}
	}
}

// FuzzClientIP: whatever the headers say, a request from an untrusted peer
// resolves to the peer, and one from a trusted peer resolves to a valid,
// unmapped, zone-free address.
func FuzzClientIP(f *testing.F) {
	for _, s := range []string{"1.2.3.4", "1.1.1.1, 10.0.0.1", ",,,", "[::1]:80, garbage", "::ffff:10.0.0.1", "\x00"} {
		f.Add(s, s)
	}
	res := newResolver(f, "10.0.0.0/8", "fd00::/8")
	f.Fuzz(func(t *testing.T, xff, real string) {
		r := ipRequest("203.0.113.7:1", "X-Forwarded-For", xff, "X-Real-IP", real)
		if got := res.ClientIP(r); got != netip.MustParseAddr("203.0.113.7") {
			t.Fatalf("untrusted peer resolved to %s", got)
		}
		r.RemoteAddr = "10.0.0.1:1"
		got := res.ClientIP(r)
		if !got.IsValid() || got.Is4In6() || got.Zone() != "" {
			t.Fatalf("trusted peer resolved to %v", got)
		}
	})
}
