package parkingapi_test

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"net/http"
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/autospot/autospot/internal/parkingapi"
)

// TestUploadGoDrawnMap uploads a map image drawn in Go: a new building is
// created from it with exactly the drawn grid, slot status included.
func TestUploadGoDrawnMap(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	r := h.upload(opA, "building_name=Gamma%20Park&level=1&grid_rows=6&grid_cols=6", "Level 1.PNG", drawMap(t, plainLevel...), nil)
	if r.status != http.StatusCreated {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	var got parkingapi.UploadResponse
	r.json(t, &got)
	want := strings.Join(plainLevel, "\n")
	if got.Sketch != want || got.FacilityID != facA || got.Version != 1 || got.Slots != 4 || got.File.ContentType != "image/png" {
		t.Fatalf("got %+v\nsketch:\n%s", got, got.Sketch)
	}
	t.Logf("conversion of a %dx%d image took %.3f ms", got.File.Width, got.File.Height, got.ProcessingMS)
	// Stored and routable: entrance 1E1 → nearest slot.
	var ns parkingapi.NearestSlotResponse
	mustOK(t, h.get(driverA, "/pathfinding/nearest-slot/1E1?building_name=gamma%20park"), &ns)
	if ns.NearestSlot.ID != "1S1" || ns.Distance != 2.0 {
		t.Fatalf("nearest slot on the uploaded map: %+v", ns)
	}
	// The same level again is a conflict; replace=true overwrites it.
	if r := h.upload(opA, "building_name=Gamma%20Park&level=1&grid_rows=6&grid_cols=6", "l.png", drawMap(t, plainLevel...), nil); r.status != http.StatusConflict {
		t.Fatalf("second upload of level 1: %d %s", r.status, r.body)
	}
	if r := h.upload(opA, "building_name=Gamma%20Park&level=1&grid_rows=6&grid_cols=6&replace=true", "l.png", drawMap(t, plainLevel...), nil); r.status != http.StatusOK {
		t.Fatalf("replace: %d %s", r.status, r.body)
	}
	// Operator B may not add a level to facility A's building.
	if r := h.upload(opB, "building_name=Gamma%20Park&level=2&grid_rows=6&grid_cols=6", "l.png", drawMap(t, plainLevel...), nil); r.status != http.StatusForbidden {
		t.Fatalf("operator B: %d %s", r.status, r.body)
	}
}

// TestUploadRamps: a level with a ramp cannot be stored without the
// ramp's target; with it (the ramps form field) it joins the building and
// routes across.
func TestUploadRamps(t *testing.T) {
	h := newHarness(t, harnessOpts{uploadRate: "100/minute"})
	img := drawMap(t, rampLevel...)
	r := h.upload(opA, "building_name=Alpha%20Centre&level=3&grid_rows=6&grid_cols=6", "l3.png", img, nil)
	if r.status != http.StatusBadRequest || !strings.Contains(r.errorBody(t).Detail, "ramp") {
		t.Fatalf("ramp without target: %d %s", r.status, r.body)
	}
	// Preview: nothing stored.
	r = h.upload(opA, "building_name=Alpha%20Centre&level=3&grid_rows=6&grid_cols=6&dry_run=true", "l3.png", img, nil)
	var prev parkingapi.UploadResponse
	mustOK(t, r, &prev)
	if !prev.DryRun || prev.Version != 0 || len(prev.LevelData.Cells) != 36 {
		t.Fatalf("dry run: %+v", prev)
	}
	ramps := `{"3R1": {"to_level": 1, "to_x": 1, "to_y": 1, "direction": "both"}}`
	r = h.upload(opA, "building_name=Alpha%20Centre&level=3&grid_rows=6&grid_cols=6", "l3.png", img, map[string]string{"ramps": ramps})
	var got parkingapi.UploadResponse
	mustOK(t, r, &got)
	if got.Version != 2 || got.MapID != mapA {
		t.Fatalf("upload with ramps: %+v", got)
	}
	var p parkingapi.PathResponse
	mustOK(t, h.get(driverA, "/pathfinding/shortest-path?start=1,0,3&end=3,2,3&map_id=mapA"), &p)
	if p.Distance <= 0 || p.Path[len(p.Path)-1].Level != 3 {
		t.Fatalf("route onto the uploaded level: %+v", p)
	}
	for name, c := range map[string]struct {
		ramps string
		code  int
	}{
		"unknown ramp id": {`{"3R9": {"to_level": 1, "to_x": 1, "to_y": 1}}`, http.StatusBadRequest},
		"unknown field":   {`{"3R1": {"to_level": 1, "to_x": 1, "to_y": 1, "speed": 3}}`, http.StatusBadRequest},
		"not JSON":        {`3R1=1,1,1`, http.StatusBadRequest},
	} {
		t.Run(name, func(t *testing.T) {
			r := h.upload(opA, "building_name=Alpha%20Centre&level=4&grid_rows=6&grid_cols=6", "l4.png", img, map[string]string{"ramps": c.ramps})
			if r.status != c.code {
				t.Fatalf("status %d: %s", r.status, r.body)
			}
			r.errorBody(t)
		})
	}
}

// TestUploadRejections: the upload package guards the file; the query is
// validated before the body is read.
func TestUploadRejections(t *testing.T) {
	h := newHarness(t, harnessOpts{uploadRate: "100/minute"})
	png := drawMap(t, plainLevel...)
	var gifBuf bytes.Buffer
	// A 64×64 GIF, all blue: no cell colour of the palette.
	if err := gif.Encode(&gifBuf, image.NewPaletted(image.Rect(0, 0, 64, 64), color.Palette{color.NRGBA{0, 0, 255, 255}}), nil); err != nil {
		t.Fatal(err)
	}
	q := "building_name=Delta&level=1&grid_rows=6&grid_cols=6"
	for _, c := range []struct {
		name, query, file string
		body              []byte
		status            int
	}{
		{"bmp not supported by the converter", q, "map.bmp", []byte("BM\x00\x00"), http.StatusUnsupportedMediaType},
		{"svg", q, "map.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"></svg>`), http.StatusUnsupportedMediaType},
		{"html named png", q, "map.png", []byte("<html><script>alert(1)</script></html>"), http.StatusUnsupportedMediaType},
		{"gif named png", q, "map.png", gifBuf.Bytes(), http.StatusUnsupportedMediaType},
		{"polyglot png", q, "map.png", append(append([]byte{}, png...), []byte("<script>alert(1)</script>")...), http.StatusUnsupportedMediaType},
		{"script extension", q, "map.php.png", png, http.StatusUnsupportedMediaType},
		{"empty", q, "map.png", nil, http.StatusBadRequest},
		{"grid too small", "building_name=Delta&grid_rows=3&grid_cols=6", "map.png", png, http.StatusBadRequest},
		{"grid too large", "building_name=Delta&grid_rows=6&grid_cols=21", "map.png", png, http.StatusBadRequest},
		{"no building", "grid_rows=6&grid_cols=6", "map.png", png, http.StatusBadRequest},
		{"level not a number", "building_name=Delta&level=one&grid_rows=6&grid_cols=6", "map.png", png, http.StatusBadRequest},
		{"blank image", q, "map.gif", gifBuf.Bytes(), http.StatusUnprocessableEntity},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := h.upload(opA, c.query, c.file, c.body, nil)
			if r.status != c.status {
				t.Fatalf("status %d, want %d: %s", r.status, c.status, r.body)
			}
			r.errorBody(t)
		})
	}
	t.Run("not multipart", func(t *testing.T) {
		r := h.do(opA, http.MethodPost, "/parking/upload-map?"+q, bytes.NewReader(png), "image/png")
		if r.status != http.StatusUnsupportedMediaType {
			t.Fatalf("status %d: %s", r.status, r.body)
		}
	})
	t.Run("unknown form field", func(t *testing.T) {
		r := h.upload(opA, q, "map.png", png, map[string]string{"building_name": "x"})
		if r.status != http.StatusBadRequest {
			t.Fatalf("status %d: %s", r.status, r.body)
		}
	})
	if _, err := h.store.GetMapByBuilding(t.Context(), "Delta"); err == nil {
		t.Fatal("a rejected upload created a map")
	}
}

// TestUploadRateLimit: 5 uploads per 5 minutes per user; the 6th is 429
// with Retry-After, and another operator still has their own budget.
func TestUploadRateLimit(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	img := drawMap(t, plainLevel...)
	for i := 1; i <= 5; i++ {
		r := h.upload(opA, "building_name=Epsilon&level=1&grid_rows=6&grid_cols=6&dry_run=true", "l.png", img, nil)
		if r.status != http.StatusOK {
			t.Fatalf("upload %d: %d %s", i, r.status, r.body)
		}
	}
	r := h.upload(opA, "building_name=Epsilon&level=1&grid_rows=6&grid_cols=6&dry_run=true", "l.png", img, nil)
	if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") == "" {
		t.Fatalf("6th upload: %d %v %s", r.status, r.header, r.body)
	}
	if r := h.upload(opB, "building_name=Zeta&level=1&grid_rows=6&grid_cols=6&dry_run=true", "l.png", img, nil); r.status != http.StatusOK {
		t.Fatalf("operator B's first upload: %d %s", r.status, r.body)
	}
}

// TestUploadOriginalExampleImages converts the original app's own example
// images through the endpoint when they are present in the workspace.
func TestUploadOriginalExampleImages(t *testing.T) {
	h := newHarness(t, harnessOpts{uploadRate: "100/minute"})
	for name, want := range map[string]string{
		"level_1.png": "WWWWWW\nWCCCCW\nECSSCX\nWCSSCW\nWCCCCW\nWRBWWW",
		"level_2.png": "WWWWWW\nWCCCCW\nWCAOCX\nWCOACW\nWCCCCW\nWRBWWW",
	} {
		t.Run(name, func(t *testing.T) {
			img, err := os.ReadFile("../../../shared/testdata/autospot-maps/" + name)
			if err != nil {
				t.Skipf("original example image not present (%v)", err)
			}
			var got parkingapi.UploadResponse
			mustOK(t, h.upload(opA, "building_name=Omega&level=1&grid_rows=6&grid_cols=6&dry_run=true", name, img, nil), &got)
			if got.Sketch != want {
				t.Fatalf("grid:\n%s\nwant:\n%s", got.Sketch, want)
			}
			t.Logf("%s (%dx%d): conversion %.2f ms", name, got.File.Width, got.File.Height, got.ProcessingMS)
		})
	}
}

// pixelFlood is a PNG of about 60 bytes whose header declares
// 100000×100000 pixels.
func pixelFlood() []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		_ = binary.Write(&b, binary.BigEndian, uint32(len(data)))
		crc := crc32.NewIEEE()
		crc.Write([]byte(typ))
		crc.Write(data)
		b.WriteString(typ)
		b.Write(data)
		_ = binary.Write(&b, binary.BigEndian, crc.Sum32())
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], 100000)
	binary.BigEndian.PutUint32(ihdr[4:], 100000)
	ihdr[8], ihdr[9] = 8, 6 // 8-bit RGBA
	chunk("IHDR", ihdr)
	chunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})
	chunk("IEND", nil)
	return b.Bytes()
}

// TestUploadAttacks: the attack catalogue's upload rows through the
// endpoint — pixel flood refused with little memory, script extensions,
// and a path in the file name never used.
func TestUploadAttacks(t *testing.T) {
	h := newHarness(t, harnessOpts{uploadRate: "100/minute"})
	q := "building_name=Theta&level=1&grid_rows=6&grid_cols=6&dry_run=true"
	t.Run("pixel flood", func(t *testing.T) {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		r := h.upload(opA, q, "flood.png", pixelFlood(), nil)
		runtime.ReadMemStats(&after)
		if r.status != http.StatusRequestEntityTooLarge {
			t.Fatalf("status %d: %s", r.status, r.body)
		}
		if grew := after.TotalAlloc - before.TotalAlloc; grew > 8<<20 {
			t.Fatalf("refusing a pixel flood allocated %d bytes", grew)
		}
	})
	t.Run("x.jpg.php", func(t *testing.T) {
		if r := h.upload(opA, q, "x.jpg.php", drawMap(t, plainLevel...), nil); r.status != http.StatusUnsupportedMediaType {
			t.Fatalf("status %d: %s", r.status, r.body)
		}
	})
	t.Run("path in the file name", func(t *testing.T) {
		var got parkingapi.UploadResponse
		mustOK(t, h.upload(opA, q, "../../etc/passwd.png", drawMap(t, plainLevel...), nil), &got)
		if strings.ContainsAny(got.File.Name, `/\`) || got.File.Name != "passwd.png" {
			t.Fatalf("display name %q", got.File.Name)
		}
	})
}
