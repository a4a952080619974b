package mapimage

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"

	"github.com/autospot/autospot/internal/parking"
)

var level1 = []string{"WWWWWW", "WCCCCW", "ECSSCX", "WCSSCW", "WCCCCW", "WRBWWW"}
var level2 = []string{"WWWWWW", "WCCCCW", "WCAOCX", "WCOACW", "WCCCCW", "WRBWWW"}

func encodePNG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestConvertDrawnGrids(t *testing.T) {
	big := []string{
		"WWWWWWWWWW", "WCCCCCCCCW", "ECSSASSOCX", "WCSSSSSSCW", "WCCCCCCCCW",
		"WCSSOSSSCW", "WCSSSSSSCW", "WCCCCCCCCW", "WCCCCCCCCW", "WRBWWWWWWW",
	}
	for _, tc := range []struct {
		name string
		rows []string
		o    drawOpts
		jpeg bool
	}{
		{"level 1 like the original", level1, drawOpts{147, 119, true, true, nil}, false},
		{"level 2 slot statuses", level2, drawOpts{147, 119, true, true, nil}, false},
		{"no border", level1, drawOpts{100, 80, false, true, nil}, false},
		{"no labels", level2, drawOpts{40, 40, true, false, nil}, false},
		{"original nominal palette", []string{"WWWWWW", "WCCCCW", "ECSSCX", "WCSSCW", "WCCCCW", "WRBWWW"}, drawOpts{60, 60, true, true, nominal}, false},
		{"10x10", big, drawOpts{50, 40, true, true, nil}, false},
		{"4x20", []string{"WWWWWWWWWWWWWWWWWWWW", "ECCCCCCCCCCCCCCCCCCX", "WSSSSAAAAOOOOSSSSSSW", "WWWWWWWWWRBWWWWWWWWW"}, drawOpts{30, 30, true, true, nil}, false},
		{"jpeg", level2, drawOpts{147, 119, true, true, nil}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			img := drawGrid(tc.rows, tc.o)
			var data []byte
			if tc.jpeg {
				var buf bytes.Buffer
				if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 75}); err != nil {
					t.Fatal(err)
				}
				data = buf.Bytes()
			} else {
				data = encodePNG(t, img)
			}
			res, err := Decode(bytes.NewReader(data), Options{Rows: len(tc.rows), Cols: len(tc.rows[0]), Level: 3})
			if err != nil {
				t.Fatal(err)
			}
			if got, want := res.Level.Sketch(), strings.Join(tc.rows, "\n"); got != want {
				t.Fatalf("grid:\n%s\nwant:\n%s", got, want)
			}
			if res.Level.Number != 3 {
				t.Fatalf("level %d, want 3", res.Level.Number)
			}
		})
	}
}

func TestConvertIDsAndRamps(t *testing.T) {
	res, err := Convert(drawGrid(level1, drawOpts{60, 60, true, true, nil}), Options{Rows: 6, Cols: 6, Level: 2})
	if err != nil {
		t.Fatal(err)
	}
	l := res.Level
	// Numbered in reading order from the image's top-left: 1B (x2,y3)
	// comes before 1A (x2,y2).
	for _, tc := range []struct {
		x, y int
		id   string
		kind parking.Kind
	}{
		{0, 3, "2E1", parking.CarEntrance}, {2, 3, "2S1", parking.Slot}, {3, 3, "2S2", parking.Slot},
		{2, 2, "2S3", parking.Slot}, {5, 3, "2X1", parking.Exit}, {1, 0, "2R1", parking.Ramp}, {2, 0, "2BE1", parking.BuildingEntrance},
	} {
		c, _ := l.Cell(tc.x, tc.y)
		if c.ID != tc.id || c.Kind != tc.kind {
			t.Errorf("(%d,%d) = %s %q, want %s %q", tc.x, tc.y, c.Kind, c.ID, tc.kind, tc.id)
		}
	}
	// A converted ramp has no target, so the level cannot be saved as is.
	m := &parking.Map{FacilityID: "f", Building: "B", Levels: []parking.Level{l}}
	if err := m.Validate(); !errors.Is(err, parking.ErrInvalidMap) || !strings.Contains(err.Error(), "no target") {
		t.Fatalf("Validate = %v, want a missing ramp target", err)
	}
	c, _ := l.Cell(1, 0)
	c.Ramp = &parking.RampLink{ToLevel: 1, ToX: 1, ToY: 1}
	l1 := parking.ExampleMap().Levels[0]
	l.Cells[1] = c
	m.Levels = []parking.Level{l1, l}
	m.Levels[1].Cells[1] = c
	if err := m.Validate(); err != nil {
		t.Fatalf("with a target: %v", err)
	}
}

func TestConvertErrors(t *testing.T) {
	blue := drawGrid(level1, drawOpts{60, 60, true, true, nil})
	// Paint cell (x3, y4) (image row 1, col 3) blue.
	for y := 5 + 60 + 10; y < 5+120-10; y++ {
		for x := 5 + 180 + 10; x < 5+240-10; x++ {
			blue.SetNRGBA(x, y, color.NRGBA{20, 60, 230, 255})
		}
	}
	huge := func() []byte {
		// A valid PNG header declaring 100000×100000 pixels, no pixel data.
		var b bytes.Buffer
		b.WriteString("\x89PNG\r\n\x1a\n")
		ihdr := make([]byte, 13)
		binary.BigEndian.PutUint32(ihdr[0:], 100000)
		binary.BigEndian.PutUint32(ihdr[4:], 100000)
		ihdr[8], ihdr[9] = 8, 6
		binary.Write(&b, binary.BigEndian, uint32(13))
		chunk := append([]byte("IHDR"), ihdr...)
		b.Write(chunk)
		binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
		return b.Bytes()
	}()
	for _, tc := range []struct {
		name string
		run  func() error
		want error
	}{
		{"unknown colour", func() error { _, err := Convert(blue, Options{Rows: 6, Cols: 6, Level: 1}); return err }, ErrUnrecognised},
		{"grid too small", func() error { _, err := Convert(blue, Options{Rows: 3, Cols: 6, Level: 1}); return err }, ErrOptions},
		{"grid too large", func() error { _, err := Convert(blue, Options{Rows: 21, Cols: 6, Level: 1}); return err }, ErrOptions},
		{"zero options", func() error { _, err := Convert(blue, Options{}); return err }, ErrOptions},
		{"too few pixels", func() error {
			_, err := Convert(image.NewNRGBA(image.Rect(0, 0, 30, 30)), Options{Rows: 6, Cols: 6, Level: 1})
			return err
		}, ErrTooSmall},
		{"not an image", func() error {
			_, err := Decode(strings.NewReader("<svg onload=alert(1)>"), Options{Rows: 6, Cols: 6, Level: 1})
			return err
		}, ErrDecode},
		{"declared pixel flood", func() error {
			_, err := Decode(bytes.NewReader(huge), Options{Rows: 6, Cols: 6, Level: 1})
			return err
		}, ErrTooLarge},
		{"byte limit", func() error {
			_, err := Decode(bytes.NewReader(encodePNG(t, blue)), Options{Rows: 6, Cols: 6, Level: 1, MaxBytes: 100})
			return err
		}, ErrTooLarge},
		{"side limit", func() error {
			_, err := Convert(blue, Options{Rows: 6, Cols: 6, Level: 1, MaxSide: 100})
			return err
		}, ErrTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.run()
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
	t.Run("unknown cells listed", func(t *testing.T) {
		_, err := Convert(blue, Options{Rows: 6, Cols: 6, Level: 1})
		var ue *UnrecognisedError
		if !errors.As(err, &ue) || len(ue.Cells) != 1 || ue.Cells[0].X != 3 || ue.Cells[0].Y != 4 {
			t.Fatalf("got %v", err)
		}
	})
}

func FuzzDecode(f *testing.F) {
	f.Add(encodePNG(f, drawGrid(level1, drawOpts{12, 12, true, false, nil})))
	f.Add([]byte("\x89PNG\r\n\x1a\n"))
	f.Add([]byte("GIF89a"))
	f.Add([]byte{0xff, 0xd8, 0xff})
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := Decode(bytes.NewReader(data), Options{Rows: 6, Cols: 6, Level: 1, MaxPixels: 1 << 20})
		if err == nil && (res.Level.Rows != 6 || len(res.Level.Cells) != 36) {
			t.Fatalf("bad level %+v", res.Level)
		}
	})
}

// BenchmarkConvert times converting an 886×716 image like the original
// examples (already decoded).
func BenchmarkConvert(b *testing.B) {
	img := drawGrid(level2, drawOpts{147, 119, true, true, nil})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Convert(img, Options{Rows: 6, Cols: 6, Level: 1}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecode times the whole upload path: PNG decode plus
// conversion of the same image.
func BenchmarkDecode(b *testing.B) {
	data := encodePNG(b, drawGrid(level2, drawOpts{147, 119, true, true, nil}))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(bytes.NewReader(data), Options{Rows: 6, Cols: 6, Level: 1}); err != nil {
			b.Fatal(err)
		}
	}
}
