package headers

import (
	"context"
	"fmt"
	"net/http"
	"net/netip"
	"strings"
)

// Default bucketing prefix lengths of [ClientIPConfig].
const (
	DefaultIPv4BucketBits = 32
	DefaultIPv6BucketBits = 64
)

// ClientIPConfig configures [NewIPResolver]. The zero value is valid and
// secure: no proxy is trusted, so the client is always the TCP peer.
type ClientIPConfig struct {
	// TrustedProxies lists the addresses ("10.0.0.7") and CIDR prefixes
	// ("10.0.0.0/8", "fd00::/8") of the reverse proxies in front of the
	// server. Forwarding headers are read only when the TCP peer is one of
	// them. Default: none.
	TrustedProxies []string
	// IPv4BucketBits is the prefix length [IPResolver.Bucket] groups IPv4
	// clients by. Default 32 (one bucket per address).
	IPv4BucketBits int
	// IPv6BucketBits is the prefix length [IPResolver.Bucket] groups IPv6
	// clients by. Default 64: a single subscriber usually holds a whole /64,
	// so per-address limits would be trivially bypassed.
	IPv6BucketBits int
}

// IPResolver finds the client address of a request behind trusted reverse
// proxies. It is immutable and safe for concurrent use.
//
// The peer (RemoteAddr) is the client unless it is a trusted proxy. Then
// X-Forwarded-For is read from the right, skipping trusted proxies; the
// first untrusted address is the client (the left part of the header is
// whatever the client chose to send and is never believed). Without
// X-Forwarded-For, X-Real-IP is used. IPv4-mapped IPv6 addresses are
// unmapped and zones dropped, so "::ffff:192.0.2.1" and "192.0.2.1" are one
// client.
type IPResolver struct {
	trusted []netip.Prefix
	v4bits  int
	v6bits  int
}

// NewIPResolver validates cfg and returns a resolver. It returns an error
// wrapping [ErrInvalidProxy] or [ErrInvalidBucketBits].
func NewIPResolver(cfg ClientIPConfig) (*IPResolver, error) {
	r := &IPResolver{v4bits: cfg.IPv4BucketBits, v6bits: cfg.IPv6BucketBits}
	if r.v4bits == 0 {
		r.v4bits = DefaultIPv4BucketBits
	}
	if r.v6bits == 0 {
		r.v6bits = DefaultIPv6BucketBits
	}
	if r.v4bits < 1 || r.v4bits > 32 {
		return nil, fmt.Errorf("%w: IPv4 /%d", ErrInvalidBucketBits, r.v4bits)
	}
	if r.v6bits < 1 || r.v6bits > 128 {
		return nil, fmt.Errorf("%w: IPv6 /%d", ErrInvalidBucketBits, r.v6bits)
	}
	for _, s := range cfg.TrustedProxies {
		p, err := parseTrusted(s)
		if err != nil {
			return nil, fmt.Errorf("%w: %q: %v", ErrInvalidProxy, s, err)
		}
		r.trusted = append(r.trusted, p)
	}
	return r, nil
}

func parseTrusted(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if !strings.Contains(s, "/") {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return netip.Prefix{}, err
		}
		if a.Zone() != "" {
			return netip.Prefix{}, fmt.Errorf("zones are not allowed")
		}
		a = a.Unmap()
		return netip.PrefixFrom(a, a.BitLen()), nil
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	if a := p.Addr(); a.Is4In6() {
		if p.Bits() < 96 {
			return netip.Prefix{}, fmt.Errorf("an IPv4-mapped prefix needs at least /96")
		}
		p = netip.PrefixFrom(a.Unmap(), p.Bits()-96)
	}
	return p.Masked(), nil
}

// Trusted reports whether addr is one of the configured proxies.
func (r *IPResolver) Trusted(addr netip.Addr) bool {
	addr = addr.Unmap()
	for _, p := range r.trusted {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// ClientIP returns the client address of req, or the zero [netip.Addr] when
// not even RemoteAddr parses (a Unix socket, say).
func (r *IPResolver) ClientIP(req *http.Request) netip.Addr {
	peer := ParseHop(req.RemoteAddr)
	if !peer.IsValid() || !r.Trusted(peer) {
		return peer
	}
	if xff := req.Header.Values("X-Forwarded-For"); len(xff) > 0 {
		return r.rightmostUntrusted(xff, peer)
	}
	if real := ParseHop(req.Header.Get("X-Real-IP")); real.IsValid() {
		return real
	}
	return peer
}

// rightmostUntrusted walks the X-Forwarded-For hops from the right. Each
// trusted proxy appended the address it saw; the first address not a
// trusted proxy is the client. A malformed hop ends the walk: the last
// well-formed hop (a trusted proxy) is returned, since what lies beyond it
// is unverifiable.
func (r *IPResolver) rightmostUntrusted(lines []string, peer netip.Addr) netip.Addr {
	last := peer
	for i := len(lines) - 1; i >= 0; i-- {
		line := lines[i]
		for len(line) > 0 {
			hop := line
			if j := strings.LastIndexByte(line, ','); j >= 0 {
				hop, line = line[j+1:], line[:j]
			} else {
				line = ""
			}
			if strings.TrimSpace(hop) == "" {
				continue
			}
			a := ParseHop(hop)
			if !a.IsValid() {
				return last
			}
			if !r.Trusted(a) {
				return a
			}
			last = a
		}
	}
	return last
}

// ParseHop parses one address as it appears in RemoteAddr,
// X-Forwarded-For or X-Real-IP: "192.0.2.1", "192.0.2.1:443", "2001:db8::1",
// "[2001:db8::1]:443", with surrounding spaces. The result is unmapped
// (IPv4-mapped IPv6 becomes IPv4) and has no zone; it is the zero
// [netip.Addr] if s does not parse.
func ParseHop(s string) netip.Addr {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 64 {
		return netip.Addr{}
	}
	// Pick the parser by shape, so well-formed input never takes an error
	// path (errors allocate; this runs on every request).
	var a netip.Addr
	var err error
	switch {
	case s[0] == '[' && s[len(s)-1] == ']':
		a, err = netip.ParseAddr(s[1 : len(s)-1])
	case s[0] == '[' || strings.Count(s, ":") == 1:
		var ap netip.AddrPort
		ap, err = netip.ParseAddrPort(s)
		a = ap.Addr()
	default:
		a, err = netip.ParseAddr(s)
	}
	if err != nil {
		return netip.Addr{}
	}
	return a.WithZone("").Unmap()
}

// Bucket returns the prefix that groups addr with its neighbours for rate
// limiting and lockout keys: /IPv4BucketBits for IPv4, /IPv6BucketBits
// (default /64) for IPv6. The zero [netip.Prefix] for an invalid addr.
func (r *IPResolver) Bucket(addr netip.Addr) netip.Prefix {
	return BucketPrefix(addr, r.v4bits, r.v6bits)
}

// BucketPrefix is [IPResolver.Bucket] with explicit prefix lengths.
func BucketPrefix(addr netip.Addr, v4bits, v6bits int) netip.Prefix {
	if !addr.IsValid() {
		return netip.Prefix{}
	}
	addr = addr.WithZone("").Unmap()
	bits := v6bits
	if addr.Is4() {
		bits = v4bits
	}
	p, err := addr.Prefix(bits)
	if err != nil {
		return netip.Prefix{}
	}
	return p
}

type clientIPKey struct{}

// Handler is middleware that resolves the client address once and stores it
// in the request's context; read it with [ClientIP].
func (r *IPResolver) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		next.ServeHTTP(w, req.WithContext(WithClientIP(req.Context(), r.ClientIP(req))))
	})
}

// ClientIP returns the client address [IPResolver.Handler] stored in ctx, or
// the zero [netip.Addr] (check IsValid) when there is none.
func ClientIP(ctx context.Context) netip.Addr {
	a, _ := ctx.Value(clientIPKey{}).(netip.Addr)
	return a
}

// WithClientIP returns a copy of ctx carrying addr, for tests and for code
// that resolves the client some other way.
func WithClientIP(ctx context.Context, addr netip.Addr) context.Context {
	return context.WithValue(ctx, clientIPKey{}, addr)
}
