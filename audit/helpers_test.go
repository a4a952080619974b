package audit_test

import (
	"os"
	"path/filepath"
	"sort"
	"testing"
)

func filepathGlob(dir string) ([]string, error) {
	m, err := filepath.Glob(filepath.Join(dir, "*"))
	sort.Strings(m)
	return m, err
}

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
