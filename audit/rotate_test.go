package audit_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/autospot/autospot/audit"
)

func TestRotatingFileRotates(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "audit.log")
	w, err := audit.OpenRotatingFile(path, audit.RotateOptions{MaxSize: 100, MaxFiles: 2})
	if err != nil {
		t.Fatal(err)
	}
	line := func(i int) []byte { return fmt.Appendf(nil, "%s%02d\n", strings.Repeat("x", 37), i) } // 40 bytes
	for i := range 7 {
		if _, err := w.Write(line(i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	// 2 lines (80 B) per file: [0 1] [2 3] [4 5] [6]; only 2 rotated files kept.
	want := map[string]string{
		"audit.log":   string(line(6)),
		"audit.log.1": string(line(4)) + string(line(5)),
		"audit.log.2": string(line(2)) + string(line(3)),
	}
	files, _ := filepathGlob(dir)
	if len(files) != len(want) {
		t.Fatalf("files %v", files)
	}
	for name, content := range want {
		p := filepath.Join(dir, name)
		if got := string(readFile(t, p)); got != content {
			t.Errorf("%s = %q, want %q", name, got, content)
		}
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%s mode %v, want 0600", name, st.Mode().Perm())
		}
	}
	if _, err := w.Write([]byte("x")); !errors.Is(err, audit.ErrClosed) {
		t.Fatalf("write after close: %v", err)
	}
}

func TestRotatingFileAppendsAndOversizedWrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.log")
	if err := os.WriteFile(path, bytes.Repeat([]byte("p"), 90), 0o600); err != nil {
		t.Fatal(err)
	}
	w, err := audit.OpenRotatingFile(path, audit.RotateOptions{MaxSize: 100})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if _, err := w.Write(bytes.Repeat([]byte("q"), 20)); err != nil { // 90+20 > 100: rotates first
		t.Fatal(err)
	}
	if _, err := w.Write(bytes.Repeat([]byte("r"), 300)); err != nil { // larger than MaxSize: own file
		t.Fatal(err)
	}
	if err := w.Rotate(); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{
		"a.log.3": strings.Repeat("p", 90), "a.log.2": strings.Repeat("q", 20), "a.log.1": strings.Repeat("r", 300), "a.log": "",
	} {
		if got := string(readFile(t, filepath.Join(dir, name))); got != want {
			t.Errorf("%s has %d bytes, want %d", name, len(got), len(want))
		}
	}
}

// Under -race: concurrent writers, frequent rotation, every line whole and
// none lost (MaxFiles is large enough to keep them all).
func TestRotatingFileConcurrent(t *testing.T) {
	dir := t.TempDir()
	w, err := audit.OpenRotatingFile(filepath.Join(dir, "c.log"), audit.RotateOptions{MaxSize: 512, MaxFiles: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 100 {
				if _, err := fmt.Fprintf(w, "g%d-i%03d-%s\n", g, i, strings.Repeat("z", 20)); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	files, _ := filepathGlob(dir)
	if len(files) < 10 {
		t.Fatalf("only %d files: rotation did not happen", len(files))
	}
	seen := map[string]bool{}
	for _, f := range files {
		b := readFile(t, f)
		if len(b) > 512 {
			t.Errorf("%s has %d bytes > MaxSize", f, len(b))
		}
		for _, l := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
			if len(l) != 28 || seen[l] {
				t.Fatalf("torn or duplicated line %q in %s", l, f)
			}
			seen[l] = true
		}
	}
	if len(seen) != 800 {
		t.Fatalf("%d lines, want 800", len(seen))
	}
}

func TestOpenRotatingFileError(t *testing.T) {
	if _, err := audit.OpenRotatingFile(filepath.Join(t.TempDir(), "missing", "x.log"), audit.RotateOptions{}); err == nil {
		t.Fatal("opened a file in a missing directory")
	}
}
