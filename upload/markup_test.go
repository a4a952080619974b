package upload

import (
	"bytes"
	"strings"
	"testing"
)

// naiveMarkup is the reference: search the whole input at once.
func naiveMarkup(data []byte) string {
	for i := range data {
		if data[i] == '<' {
			if name, _ := matchAt(data[i:], true); name != "" {
				return name
			}
		}
	}
	return ""
}

// scanSplit feeds data to a markupScanner in pieces of the given sizes.
func scanSplit(data []byte, sizes []int) string {
	s := &markupScanner{}
	for len(data) > 0 {
		n := len(data)
		if len(sizes) > 0 {
			n = min(max(sizes[0], 1), len(data))
			sizes = sizes[1:]
		}
		if _, err := s.Write(data[:n]); err != nil {
			return s.found
		}
		data = data[n:]
	}
	if s.Close() != nil {
		return s.found
	}
	return ""
}

func TestMarkupScanner(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"script", "abc<script>alert(1)</script>", "<script"},
		{"upper case", "\x00\x01<SCRIPT src=x>", "<script"},
		{"svg", "<svg xmlns='x'>", "<svg"},
		{"svg at end of input", "data<svg>", "<svg"},
		{"php", "<?php echo 1;", "<?php"},
		{"doctype", "<!DOCTYPE html>", "<!doctype"},
		{"iframe", "<iframe/src=x>", "<iframe"},
		{"cdata", "<![CDATA[x]]>", "<![cdata["},
		{"no delimiter", "<scripts are fine", ""},
		{"tag name at end without delimiter", "<html", ""},
		{"xmp packet is fine", `<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">`, ""},
		{"plain binary", "\x89PNG\r\n\x1a\n<<<<<", ""},
		{"lone <", "<", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := naiveMarkup([]byte(tc.in)); got != tc.want {
				t.Fatalf("naive = %q, want %q", got, tc.want)
			}
			for split := 1; split <= len(tc.in); split++ {
				var sizes []int
				for range len(tc.in) {
					sizes = append(sizes, split)
				}
				if got := scanSplit([]byte(tc.in), sizes); got != tc.want {
					t.Fatalf("split %d: got %q, want %q", split, got, tc.want)
				}
			}
		})
	}
}

// However the stream is cut into writes, the scanner finds what a search
// of the whole input finds.
func FuzzMarkupScannerSplits(f *testing.F) {
	f.Add([]byte("xx<script>yy"), []byte{1, 2, 3})
	f.Add([]byte("<sv"+"g>"), []byte{2, 1})
	f.Add([]byte(strings.Repeat("<", 40)+"<html "), []byte{7, 7, 7})
	f.Fuzz(func(t *testing.T, data, cuts []byte) {
		sizes := make([]int, len(cuts))
		for i, c := range cuts {
			sizes[i] = int(c)
		}
		want := naiveMarkup(data)
		got := scanSplit(data, sizes)
		if (want == "") != (got == "") {
			t.Fatalf("split scan = %q, whole scan = %q", got, want)
		}
	})
}

// The structure checkers give the same verdict however the stream is cut.
func FuzzStructureSplits(f *testing.F) {
	f.Add([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x00IEND\xaeB`\x82"), []byte{3, 5}, false)
	f.Add([]byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"), []byte{1}, true)
	f.Fuzz(func(t *testing.T, data, cuts []byte, isGIF bool) {
		run := func(sizes []int) error {
			var p *pushParser
			if isGIF {
				p = newGIFChecker(1 << 20)
			} else {
				p = newPNGChecker()
			}
			rest := data
			for len(rest) > 0 {
				n := len(rest)
				if len(sizes) > 0 {
					n = min(max(sizes[0], 1), len(rest))
					sizes = sizes[1:]
				}
				if _, err := p.Write(rest[:n]); err != nil {
					return err
				}
				rest = rest[n:]
			}
			return p.Close()
		}
		whole := run(nil)
		sizes := make([]int, len(cuts))
		for i, c := range cuts {
			sizes[i] = int(c)
		}
		split := run(sizes)
		if (whole == nil) != (split == nil) || (whole != nil && whole.Error() != split.Error()) {
			t.Fatalf("whole: %v, split: %v", whole, split)
		}
	})
}

func TestStructureCheckers(t *testing.T) {
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x00IEND\xaeB`\x82")
	gif := []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;")
	tests := []struct {
		name string
		p    *pushParser
		in   []byte
		ok   bool
	}{
		{"png minimal", newPNGChecker(), png, true},
		{"png trailing byte", newPNGChecker(), append(bytes.Clone(png), 0), false},
		{"png truncated", newPNGChecker(), png[:len(png)-1], false},
		{"png bad chunk type", newPNGChecker(), []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x00I\x00ND\x00\x00\x00\x00"), false},
		{"gif minimal", newGIFChecker(100), gif, true},
		{"gif trailing", newGIFChecker(100), append(bytes.Clone(gif), "PK"...), false},
		{"gif bad block", newGIFChecker(100), []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00\x99"), false},
		{"gif frame too big", newGIFChecker(100), []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x10\x00\x10\x00\x00\x02\x00;"), false},
		{"gif small frame", newGIFChecker(1000), []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x10\x00\x10\x00\x00\x02\x00;"), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.p.Write(tc.in)
			if err == nil {
				err = tc.p.Close()
			}
			if (err == nil) != tc.ok {
				t.Fatalf("err = %v, want ok=%v", err, tc.ok)
			}
		})
	}
}
