package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/autospot/autospot/internal/app"
	"github.com/autospot/autospot/internal/config"
)

// TestDocsCoverEveryVariableAndRoute keeps docs/server.md and .env.example
// in step with the code: every variable the configuration reads is in the
// variable table (and, unless check-only, in .env.example), and every
// route of the route table is in the endpoint table.
func TestDocsCoverEveryVariableAndRoute(t *testing.T) {
	doc, err := os.ReadFile("../../docs/server.md")
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
			t.Errorf("docs/server.md lacks %s", v)
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
			t.Errorf("docs/server.md endpoint table lacks %s", rt.Pattern)
		}
	}
}
