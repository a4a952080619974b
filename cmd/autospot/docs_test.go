package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/internal/app"
	"github.com/autospot/autospot/internal/config"
	"github.com/autospot/autospot/internal/opsapi"
	"github.com/autospot/autospot/internal/parking"
	"github.com/autospot/autospot/internal/parkingapi"
	"github.com/autospot/autospot/ratelimit"
)

// TestDocsCoverEveryVariableAndRoute keeps the README and .env.example in
// step with the code: every variable the configuration reads is in the
// README's variable table (and in .env.example), and every route the
// server serves — its own table and the mounted parking and operations
// APIs — is in the README's endpoint tables.
func TestDocsCoverEveryVariableAndRoute(t *testing.T) {
	doc, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	example, err := os.ReadFile("../../.env.example")
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("../../internal/config/*.go")
	files = append(files, "check.go")
	re := regexp.MustCompile(`"((?:AUTOSPOT_[A-Z0-9_]+)|ENV|MONGODB_URI|REDIS_URL|JWT_SECRET_KEY)"`)
	vars := map[string]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			vars[m[1]] = true
		}
	}
	if len(vars) < 40 {
		t.Fatalf("found only %d variables", len(vars))
	}
	for v := range vars {
		if !strings.Contains(string(doc), "`"+v+"`") {
			t.Errorf("README.md lacks %s", v)
		}
		if !strings.Contains(string(example), v) {
			t.Errorf(".env.example lacks %s", v)
		}
	}

	env := map[string]string{"AUTOSPOT_DATA_DIR": t.TempDir(), "AUTOSPOT_JWT_ALG": "EdDSA", "AUTOSPOT_BCRYPT_COST": "4"}
	cfg, err := config.Load(mapEnv(env))
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.Open(context.Background(), cfg, app.Options{Stdout: &strings.Builder{}})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	for _, rt := range a.Server.Routes() {
		method, path, _ := strings.Cut(rt.Pattern, " ")
		if !strings.Contains(string(doc), "| "+method+" | `"+path+"` |") {
			t.Errorf("README.md endpoint table lacks %s", rt.Pattern)
		}
	}
	var mounted []string
	store := parking.NewMemoryStore()
	papi, err := parkingapi.New(parkingapi.Deps{Maps: store, Rates: store, Authenticate: a.Tokens.Authenticate(), RBAC: auth.DefaultRBAC(), Limiter: mustLimiter(t)})
	if err != nil {
		t.Fatal(err)
	}
	for _, rt := range papi.Routes() {
		mounted = append(mounted, rt.Pattern)
	}
	for _, rt := range opsapi.Routes() {
		mounted = append(mounted, rt.Pattern)
	}
	if len(mounted) < 40 {
		t.Fatalf("found only %d mounted routes", len(mounted))
	}
	for _, p := range mounted {
		if !strings.Contains(string(doc), "`"+p) {
			t.Errorf("README.md endpoint tables lack %s", p)
		}
	}
}

func mustLimiter(t *testing.T) *ratelimit.Limiter {
	t.Helper()
	st, err := ratelimit.NewMemoryStore()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	l, err := ratelimit.New(st)
	if err != nil {
		t.Fatal(err)
	}
	return l
}
