package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole scripted session (about 4 s of waits)")
	}
	var out bytes.Buffer
	if err := run(&out, 4); err != nil { // a cheap cost: the flow is what is tested
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{
		"POST /register → 422",
		"POST /verify → 400",
		"POST /verify → 201",
		"account.lockout success reason=per_ip_limit ip=203.0.113.66",
		"POST /login from 203.0.113.66 → 401",
		"link to https://autospot.example/reset-password (secret in the fragment)",
		"POST /reset → 200",
		"GET /me → 401",
		"POST /login from 203.0.113.66 → 200",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if strings.Contains(got, "evil.test/") {
		t.Error("link built from the Host header")
	}
	if t.Failed() {
		t.Log(got)
	}
}
