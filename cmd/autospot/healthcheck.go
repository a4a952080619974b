package main

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"time"
)

// healthcheck GETs the health endpoint and exits 0 when it answers 200
// with status "healthy", else 1: a container HEALTHCHECK without curl.
// The URL defaults to the local API address (AUTOSPOT_ADDR, https when
// AUTOSPOT_TLS_CERT is set). Certificate checks are skipped for this probe
// of the local process: it sends no credentials and reads only liveness.
func healthcheck(ctx context.Context, e env, args []string) int {
	target := ""
	if len(args) > 0 {
		target = args[0]
	} else {
		addr := e.getenv("AUTOSPOT_ADDR")
		if addr == "" {
			addr = ":8000"
		}
		host, port, err := net.SplitHostPort(addr)
		if err != nil {
			fmt.Fprintln(e.stderr, "healthcheck: bad AUTOSPOT_ADDR")
			return 1
		}
		if host == "" || host == "0.0.0.0" || host == "::" {
			host = "127.0.0.1"
		}
		scheme := "http"
		if e.getenv("AUTOSPOT_TLS_CERT") != "" {
			scheme = "https"
		}
		target = scheme + "://" + net.JoinHostPort(host, port) + "/api/health"
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		fmt.Fprintln(e.stderr, "healthcheck: bad URL")
		return 1
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS12}}} //nolint:gosec // local liveness probe, see doc comment
	resp, err := client.Do(req)
	if err != nil {
		fmt.Fprintln(e.stderr, "healthcheck:", err)
		return 1
	}
	defer resp.Body.Close()
	var body struct {
		Status string `json:"status"`
	}
	_ = json.NewDecoder(http.MaxBytesReader(nil, resp.Body, 4096)).Decode(&body)
	if resp.StatusCode != http.StatusOK || body.Status != "healthy" {
		fmt.Fprintf(e.stderr, "healthcheck: status %d %q\n", resp.StatusCode, body.Status)
		return 1
	}
	fmt.Fprintln(e.stdout, "healthy")
	return 0
}
