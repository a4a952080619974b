package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	var out bytes.Buffer
	if err := run(&out, func(string) string { return "" }); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"GET /me with dana's token                    200 u-1 [driver]",
		"oscar edits another facility's rates         403",
		"both tabs got the same refresh token         true",
		"logout by cookie without CSRF header         403",
		"logout by cookie with CSRF header            204",
		"GET /me after logout                         401",
		"replay of the spent refresh token            401 {\"detail\":\"Invalid refresh token\",\"error_code\":\"refresh_reused\"}",
		"refresh with the successor                   401",
		"GET /me from the laptop                      401",
		"done",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q\n%s", want, out.String())
		}
	}
}

func TestRunRejectsWeakSecret(t *testing.T) {
	env := func(k string) string {
		if k == "AUTOSPOT_JWT_SECRET" {
			return "c2hvcnQ=" // "short"
		}
		return ""
	}
	if err := run(&bytes.Buffer{}, env); err == nil {
		t.Fatal("a 5-byte secret was accepted")
	}
}
