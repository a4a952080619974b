package auth_test

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestGolangJWTVersionNotVulnerable pins the SECURITY.md requirement
// "golang-jwt ≥ v5.2.2 (CVE-2025-30204)" (header splitting with quadratic
// memory, fixed in v5.2.2). Test binaries carry no dependency build info,
// so it reads the module's go.mod: the required version is a lower bound
// on the version selected, unless a replace directive overrides it, which
// is checked too.
func TestGolangJWTVersionNotVulnerable(t *testing.T) {
	const path = "github.com/golang-jwt/jwt/v5"
	f, err := os.Open("../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	found := false
	inBlock := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if i := strings.Index(line, "//"); i >= 0 {
			line = strings.TrimSpace(line[:i])
		}
		fields := strings.Fields(line)
		switch {
		case len(fields) == 0:
			continue
		case len(fields) == 2 && fields[1] == "(":
			inBlock = fields[0]
			continue
		case fields[0] == ")":
			inBlock = ""
			continue
		}
		verb := inBlock
		if verb == "" {
			verb, fields = fields[0], fields[1:]
		}
		if len(fields) == 0 || fields[0] != path {
			continue
		}
		switch verb {
		case "require":
			found = true
			if len(fields) < 2 || !catalogueVersionAtLeast(fields[1], 5, 2, 2) {
				t.Fatalf("go.mod requires %v; want %s >= v5.2.2 (CVE-2025-30204)", fields[1:], path)
			}
		case "replace":
			// path [version] => target [version]
			i := strings.Index(strings.Join(fields, " "), "=>")
			target := strings.Fields(strings.Join(fields, " ")[i+2:])
			if len(target) != 2 || target[0] != path || !catalogueVersionAtLeast(target[1], 5, 2, 2) {
				t.Fatalf("go.mod replaces %s with %v; cannot vouch for CVE-2025-30204", path, target)
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if !found {
		t.Fatalf("go.mod does not require %s", path)
	}
}

// catalogueVersionAtLeast compares a "vMAJOR.MINOR.PATCH[-pre][+meta]" version with
// major.minor.patch. A pre-release of exactly that version, or anything
// unparsable, is not at least.
func catalogueVersionAtLeast(v string, major, minor, patch int) bool {
	v, ok := strings.CutPrefix(v, "v")
	if !ok {
		return false
	}
	pre := false
	if i := strings.IndexAny(v, "-+"); i >= 0 {
		pre = v[i] == '-'
		v = v[:i]
	}
	parts := strings.Split(v, ".")
	if len(parts) != 3 {
		return false
	}
	want := [3]int{major, minor, patch}
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil {
			return false
		}
		if n != want[i] {
			return n > want[i]
		}
	}
	return !pre
}
