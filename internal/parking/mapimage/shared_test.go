package mapimage

import (
	"os"
	"path/filepath"
	"testing"
)

// sharedDir holds the original app's example images in this workspace;
// they are not part of the module, and the test skips without them.
const sharedDir = "../../../../shared/testdata/autospot-maps"

// The intended grids of the original's example images (domain spec §3):
// building entrances at x=2 as drawn; level 2's slots as coloured.
var intendedGrids = map[string]string{
	"level_1.png": "WWWWWW\nWCCCCW\nECSSCX\nWCSSCW\nWCCCCW\nWRBWWW",
	"level_2.png": "WWWWWW\nWCCCCW\nWCAOCX\nWCOACW\nWCCCCW\nWRBWWW",
}

func TestOriginalExampleImages(t *testing.T) {
	for name, want := range intendedGrids {
		t.Run(name, func(t *testing.T) {
			f, err := os.Open(filepath.Join(sharedDir, name))
			if err != nil {
				t.Skipf("original example image not present (%v)", err)
			}
			defer f.Close()
			res, err := Decode(f, Options{Rows: 6, Cols: 6, Level: 1})
			if err != nil {
				t.Fatal(err)
			}
			if got := res.Level.Sketch(); got != want {
				t.Fatalf("grid:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}
