package server

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzDecodeJSON: the strict decoder never panics, and whatever it accepts
// is a validated login request whose fields are plain strings.
func FuzzDecodeJSON(f *testing.F) {
	for _, seed := range []string{
		`{"email":"a@b.co","password":"x"}`,
		`{"email":{"$ne":""},"password":"x"}`,
		`{"email":"a","password":"x"}{}`,
		`{"email":"a","password":"x","extra":1}`,
		`[1,2,3]`, `"str"`, `null`, ``, `{`, "{\"email\":\"\\u0000\",\"password\":\"\\ud800\"}",
	} {
		f.Add(seed, "application/json")
	}
	f.Add(`{"email":"a@b.co","password":"x"}`, "text/plain")
	s := &Server{validate: newValidator()}
	s.cfg.MaxBodyBytes = 4096
	f.Fuzz(func(t *testing.T, body, ctype string) {
		r := httptest.NewRequest("POST", "/auth/login", strings.NewReader(body))
		r.Header.Set("Content-Type", ctype)
		var in loginRequest
		e := s.decodeJSON(httptest.NewRecorder(), r, &in)
		if e != nil {
			if e.Status < 400 || e.Status > 499 || e.Code == "" {
				t.Fatalf("bad error %+v", e)
			}
			return
		}
		if in.Email == "" || in.Password == "" || len(in.Email) > 254 {
			t.Fatalf("accepted invalid %+v from %q", in, body)
		}
	})
}
