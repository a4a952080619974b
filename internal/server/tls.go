package server

import (
	"crypto/tls"
	"net"
	"net/http"
	"strings"
)

// TLSConfig is the server's TLS configuration: TLS 1.2 minimum, and for
// TLS 1.2 only AEAD suites with forward secrecy (TLS 1.3 suites are not
// configurable and all modern). X25519 and P-256 key exchange.
func TLSConfig() *tls.Config {
	return &tls.Config{
		MinVersion: tls.VersionTLS12,
		CipherSuites: []uint16{
			tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
			tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
			tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
			tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
			tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
			tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
		},
		CurvePreferences: []tls.CurveID{tls.X25519, tls.CurveP256},
	}
}

// RedirectHandler answers every plain-HTTP request with a 308 to the same
// path on https://, on the host of publicURL's authority when the request's
// Host is not that host (the Host header never chooses where a client is
// sent), keeping httpsPort when the HTTPS listener is not on 443.
func RedirectHandler(publicHost, httpsPort string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := publicHost
		if httpsPort != "" && httpsPort != "443" {
			host = net.JoinHostPort(strings.Trim(publicHost, "[]"), httpsPort)
		}
		target := "https://" + host + r.URL.EscapedPath()
		if r.URL.RawQuery != "" {
			target += "?" + r.URL.RawQuery
		}
		w.Header().Set("Connection", "close")
		http.Redirect(w, r, target, http.StatusPermanentRedirect)
	})
}
