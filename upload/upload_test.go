package upload_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/autospot/autospot/upload"
)

func TestSaveAcceptsImages(t *testing.T) {
	s, dir := newStore(t, upload.Config{Extensions: []string{".jpg", ".jpeg", ".png", ".gif", ".bmp"}})
	tests := []struct {
		name     string
		filename string
		data     []byte
		mime     string
		ext      string
		w, h     int
	}{
		{"png", "level_1.png", pngBytes(t, 40, 30), "image/png", ".png", 40, 30},
		{"PNG upper-case extension", "MAP.PNG", pngBytes(t, 4, 3), "image/png", ".png", 4, 3},
		{"jpeg as .jpg", "photo.jpg", jpegBytes(t, 33, 17), "image/jpeg", ".jpg", 33, 17},
		{"jpeg as .jpeg", "photo.jpeg", jpegBytes(t, 8, 8), "image/jpeg", ".jpg", 8, 8},
		{"gif", "anim.gif", gifBytes(t, 12, 9), "image/gif", ".gif", 12, 9},
		{"bmp for car-park maps", "level_2.bmp", bmpBytes(21, 5), "image/bmp", ".bmp", 21, 5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := s.Save(context.Background(), bytes.NewReader(tc.data), tc.filename)
			if err != nil {
				t.Fatalf("Save: %v", err)
			}
			if f.ContentType != tc.mime || f.Ext != tc.ext || f.Width != tc.w || f.Height != tc.h || f.Size != int64(len(tc.data)) {
				t.Fatalf("info = %+v", f.Info)
			}
			if f.DisplayName != tc.filename {
				t.Fatalf("DisplayName = %q", f.DisplayName)
			}
			if !strings.HasSuffix(f.Name, tc.ext) || len(f.Name) != 32+len(tc.ext) {
				t.Fatalf("stored name %q is not generated", f.Name)
			}
			got, err := os.ReadFile(filepath.Join(dir, f.Name))
			if err != nil || !bytes.Equal(got, tc.data) {
				t.Fatalf("stored bytes differ (%v)", err)
			}
			rc, err := s.Open(f.Name)
			if err != nil {
				t.Fatal(err)
			}
			rc.Close()
		})
	}
}

// The upload rows of the attack catalogue, and the other rejections, each
// with the status it maps to. Nothing is left in the root afterwards.
func TestSaveRejects(t *testing.T) {
	s, dir := newStore(t, upload.Config{})
	png := pngBytes(t, 16, 16)
	svg := []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>`)
	tests := []struct {
		name     string
		filename string
		data     []byte
		kind     error
		status   int
	}{
		{"PNG magic + HTML tail", "map.png", append(bytes.Clone(png), "<html><script>alert(1)</script></html>"...), upload.ErrUnsafeContent, 415},
		{"PNG + ZIP tail (no markup)", "map.png", append(bytes.Clone(png), "PK\x03\x04\x14\x00\x00\x00"...), upload.ErrUnsafeContent, 415},
		{"PNG with a script in a tEXt chunk", "map.png", pngWithChunk(t, "tEXt", []byte("Comment\x00<script>alert(1)</script>")), upload.ErrUnsafeContent, 415},
		{"PNG with PHP in a tEXt chunk", "map.png", pngWithChunk(t, "tEXt", []byte("Comment\x00<?php system($_GET['c']); ?>")), upload.ErrUnsafeContent, 415},
		{"JPEG with an SVG in its EXIF", "photo.jpg", jpegWithEXIF(t, `<svg onload=alert(1)>`), upload.ErrUnsafeContent, 415},
		{"GIF with HTML after the trailer", "a.gif", append(gifBytes(t, 4, 4), "<body onload=alert(1)>"...), upload.ErrUnsafeContent, 415},
		{"x.jpg.php", "x.jpg.php", jpegBytes(t, 8, 8), upload.ErrExtension, 415},
		{"x.php.jpg (inner script extension)", "x.php.jpg", jpegBytes(t, 8, 8), upload.ErrExtension, 415},
		{"bidi-disguised inner .exe", "gnp\u202e.exe.png", png, upload.ErrExtension, 415},
		{"x.php NUL .png", "x.php\x00.png", png, upload.ErrExtension, 415},
		{".png holding a GIF", "map.png", gifBytes(t, 8, 8), upload.ErrTypeMismatch, 415},
		{".jpg holding a PNG", "photo.jpg", png, upload.ErrTypeMismatch, 415},
		{"SVG with <script> named .png", "logo.png", svg, upload.ErrUnsafeContent, 415},
		{"SVG named .svg", "logo.svg", svg, upload.ErrExtension, 415},
		{"HTML named .gif", "x.gif", []byte("<!DOCTYPE html><html><body>hi</body></html>"), upload.ErrUnsafeContent, 415},
		{"shell script named .png", "x.png", []byte("#!/bin/sh\nrm -rf /\n"), upload.ErrType, 415},
		{"BMP not allowed by default", "map.bmp", bmpBytes(4, 4), upload.ErrExtension, 415},
		{"no extension", "../../etc/passwd", png, upload.ErrExtension, 415},
		{"100-byte PNG declaring 100000×100000", "flood.png", floodPNG(100000, 100000), upload.ErrDimensions, 413},
		{"JPEG declaring 65000×65000", "flood.jpg", floodJPEG(t, 65000, 65000), upload.ErrDimensions, 413},
		{"GIF declaring 65535×65535", "flood.gif", floodGIF(65535, 65535), upload.ErrDimensions, 413},
		{"PNG wider than MaxWidth", "wide.png", floodPNG(10001, 1), upload.ErrDimensions, 413},
		{"empty file", "empty.png", nil, upload.ErrEmpty, 400},
		{"truncated PNG", "cut.png", png[:40], upload.ErrCorrupt, 400},
		{"PNG without IEND", "cut.png", png[:len(png)-12], upload.ErrCorrupt, 400},
		{"PNG signature then garbage", "x.png", append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0xff}, 64)...), upload.ErrCorrupt, 400},
		{"GIF header only", "x.gif", []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00"), upload.ErrCorrupt, 400},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := s.Save(context.Background(), bytes.NewReader(tc.data), tc.filename)
			if err == nil {
				t.Fatalf("accepted as %+v", f)
			}
			if !errors.Is(err, tc.kind) {
				t.Fatalf("err = %v, want %v", err, tc.kind)
			}
			if got := upload.HTTPStatus(err); got != tc.status {
				t.Fatalf("HTTPStatus = %d, want %d", got, tc.status)
			}
			var ue *upload.Error
			if !errors.As(err, &ue) || ue.Message == "" {
				t.Fatalf("not an *upload.Error with a message: %#v", err)
			}
			if names := dirNames(t, dir); len(names) != 0 {
				t.Fatalf("files left in the root: %v", names)
			}
		})
	}
}

// "100-byte PNG declaring 100000×100000 → rejected without big
// allocation": DecodeConfig reads the header only; nothing near the
// 40 GB the pixels would need is allocated.
func TestPixelFloodAllocatesLittle(t *testing.T) {
	v, err := upload.NewValidator(upload.Config{})
	if err != nil {
		t.Fatal(err)
	}
	flood := floodPNG(100000, 100000)
	if len(flood) > 100 {
		t.Fatalf("flood PNG is %d bytes", len(flood))
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err = v.Copy(context.Background(), io.Discard, bytes.NewReader(flood), "flood.png")
	runtime.ReadMemStats(&after)
	if !errors.Is(err, upload.ErrDimensions) {
		t.Fatalf("err = %v, want ErrDimensions", err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 256<<10 {
		t.Fatalf("allocated %d bytes to reject a pixel flood", alloc)
	}
}

// "filename ../../etc/passwd, NUL, 10k chars → stored under a generated
// name": the client's name is only sanitised display metadata.
func TestHostileNamesStoredUnderGeneratedNames(t *testing.T) {
	s, dir := newStore(t, upload.Config{})
	parent := filepath.Dir(dir)
	long := strings.Repeat("a", 10000) + ".png"
	tests := []struct {
		name, filename, display string
	}{
		{"traversal", "../../etc/passwd.png", "passwd.png"},
		{"windows traversal", `..\..\windows\win.ini.png`, "win.ini.png"},
		{"NUL", "a\x00b.png", "ab.png"},
		{"CRLF", "a\r\nSet-Cookie: x=1.png", "aSet-Cookie_ x=1.png"},
		{"10k characters", long, strings.Repeat("a", 251) + ".png"},
		{"bidi override", "map\u202egnp.png", "mapgnp.png"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := s.Save(context.Background(), bytes.NewReader(pngBytes(t, 2, 2)), tc.filename)
			if err != nil {
				t.Fatal(err)
			}
			if f.DisplayName != tc.display {
				t.Fatalf("DisplayName = %q, want %q", f.DisplayName, tc.display)
			}
			if !generatedName.MatchString(f.Name) {
				t.Fatalf("stored name %q", f.Name)
			}
			if _, err := os.Stat(filepath.Join(dir, f.Name)); err != nil {
				t.Fatalf("not stored under its generated name: %v", err)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(parent, "etc")); err == nil {
		t.Fatal("something was written outside the root")
	}
	for _, n := range dirNames(t, dir) {
		if !generatedName.MatchString(n) {
			t.Fatalf("unexpected entry in the root: %q", n)
		}
	}
}

// The size limit is enforced while reading: a 1 GiB stream is refused
// after MaxSize+1 bytes, not read to the end.
func TestSizeLimitWhileStreaming(t *testing.T) {
	s, dir := newStore(t, upload.Config{MaxSize: 1 << 20})
	// A PNG whose first chunk after IHDR claims 1 GiB, followed by an
	// endless stream: well-formed as far as it goes, so only the size limit
	// can stop it.
	head := pngBytes(t, 8, 8)[:8+8+13+4]
	head = append(head, 0x40, 0, 0, 0)
	head = append(head, "zTXt"...)
	src := &countingReader{r: io.MultiReader(bytes.NewReader(head), zeros{}), limit: 1 << 30}
	_, err := s.Save(context.Background(), src, "big.png")
	if !errors.Is(err, upload.ErrTooLarge) || upload.HTTPStatus(err) != http.StatusRequestEntityTooLarge {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
	if !strings.Contains(err.Error(), "1 MiB") {
		t.Fatalf("message %q does not state the limit", err)
	}
	if src.n > 2<<20 {
		t.Fatalf("read %d bytes of a stream limited to 1 MiB", src.n)
	}
	if names := dirNames(t, dir); len(names) != 0 {
		t.Fatalf("files left: %v", names)
	}

	// A valid image just over the limit.
	s2, _ := newStore(t, upload.Config{MaxSize: 1000})
	big := pngWithChunk(t, "zTXt", make([]byte, 1000))
	if _, err := s2.Save(context.Background(), bytes.NewReader(big), "x.png"); !errors.Is(err, upload.ErrTooLarge) {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
	exact := pngBytes(t, 4, 4)
	s3, _ := newStore(t, upload.Config{MaxSize: int64(len(exact))})
	if _, err := s3.Save(context.Background(), bytes.NewReader(exact), "x.png"); err != nil {
		t.Fatalf("file of exactly MaxSize bytes: %v", err)
	}
}

var generatedName = regexp.MustCompile(`^[0-9a-f]{32}\.(png|jpg|gif|bmp)$`)

type countingReader struct {
	r     io.Reader
	n     int64
	limit int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	if c.n >= c.limit {
		return 0, io.EOF
	}
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

func TestSaveCancelled(t *testing.T) {
	s, dir := newStore(t, upload.Config{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := s.Save(ctx, bytes.NewReader(pngBytes(t, 4, 4)), "x.png")
	if !errors.Is(err, context.Canceled) || upload.HTTPStatus(err) != 400 {
		t.Fatalf("err = %v", err)
	}
	if names := dirNames(t, dir); len(names) != 0 {
		t.Fatalf("files left: %v", names)
	}
}

func TestReencodeStripsMetadata(t *testing.T) {
	s, dir := newStore(t, upload.Config{Reencode: true})
	tests := []struct {
		name, filename string
		data           []byte
		marker         string
	}{
		{"JPEG EXIF with GPS", "photo.jpg", jpegWithEXIF(t, "GPSLatitude -33.8688 Sydney"), "GPSLatitude"},
		{"PNG text chunk", "map.png", pngWithChunk(t, "tEXt", []byte("Author\x00Jane Operator")), "Jane Operator"},
		{"PNG eXIf chunk", "map.png", pngWithChunk(t, "eXIf", []byte("MM\x00*GPSLongitude 151.2093")), "GPSLongitude"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !bytes.Contains(tc.data, []byte(tc.marker)) {
				t.Fatal("test input lacks its marker")
			}
			f, err := s.Save(context.Background(), bytes.NewReader(tc.data), tc.filename)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := os.ReadFile(filepath.Join(dir, f.Name))
			if bytes.Contains(got, []byte(tc.marker)) {
				t.Fatal("metadata survived re-encoding")
			}
			if int64(len(got)) != f.Size {
				t.Fatalf("Size = %d, file is %d bytes", f.Size, len(got))
			}
			v, _ := upload.NewValidator(upload.Config{})
			if _, err := v.Copy(context.Background(), io.Discard, bytes.NewReader(got), tc.filename); err != nil {
				t.Fatalf("re-encoded file does not validate: %v", err)
			}
		})
	}
	t.Run("GIF keeps its frames", func(t *testing.T) {
		f, err := s.Save(context.Background(), bytes.NewReader(gifBytes(t, 6, 5)), "a.gif")
		if err != nil || f.Width != 6 || f.Height != 5 {
			t.Fatalf("%+v, %v", f, err)
		}
	})
	t.Run("BMP stored as sent", func(t *testing.T) {
		sb, _ := newStore(t, upload.Config{Reencode: true, Extensions: []string{"bmp"}})
		if _, err := sb.Save(context.Background(), bytes.NewReader(bmpBytes(3, 3)), "m.bmp"); err != nil {
			t.Fatal(err)
		}
	})
}

func TestConfig(t *testing.T) {
	for _, exts := range [][]string{{".svg"}, {".png", "html"}, {".webp"}, {".php"}} {
		if _, err := upload.NewValidator(upload.Config{Extensions: exts}); err == nil {
			t.Errorf("Extensions %v accepted", exts)
		}
	}
	v, err := upload.NewValidator(upload.Config{Extensions: []string{"PNG", ".Png", " .bmp "}})
	if err != nil {
		t.Fatal(err)
	}
	c := v.Config()
	if strings.Join(c.Extensions, " ") != ".bmp .png" || c.MaxSize != 10<<20 || c.MaxPixels != upload.DefaultMaxPixels {
		t.Fatalf("Config = %+v", c)
	}
	if _, err := upload.New(nil, upload.Config{}); err == nil {
		t.Fatal("New(nil) accepted")
	}
}

func TestHTTPStatus(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want int
	}{
		{"nil", nil, 200},
		{"too large", &upload.Error{Kind: upload.ErrTooLarge}, 413},
		{"dimensions", &upload.Error{Kind: upload.ErrDimensions}, 413},
		{"type", &upload.Error{Kind: upload.ErrType}, 415},
		{"mismatch", &upload.Error{Kind: upload.ErrTypeMismatch}, 415},
		{"unsafe", &upload.Error{Kind: upload.ErrUnsafeContent}, 415},
		{"extension", &upload.Error{Kind: upload.ErrExtension}, 415},
		{"empty", &upload.Error{Kind: upload.ErrEmpty}, 400},
		{"corrupt", &upload.Error{Kind: upload.ErrCorrupt}, 400},
		{"infected", &upload.Error{Kind: upload.ErrInfected}, 400},
		{"scan failed", &upload.Error{Kind: upload.ErrScanFailed}, 503},
		{"wrapped", errors.Join(errors.New("ctx"), &upload.Error{Kind: upload.ErrTooLarge}), 413},
		{"MaxBytesError", &http.MaxBytesError{Limit: 1}, 413},
		{"disk error", os.ErrPermission, 500},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := upload.HTTPStatus(tc.err); got != tc.want {
				t.Fatalf("HTTPStatus = %d, want %d", got, tc.want)
			}
		})
	}
}

func TestSanitizeName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"photo.png", "photo.png"},
		{"../../etc/passwd", "passwd"},
		{`C:\Users\x\map.png`, "map.png"},
		{"a\x00b.png", "ab.png"},
		{"\x00", "file"},
		{"", "file"},
		{"..", "file"},
		{".htaccess", "htaccess"},
		{"  spaced .png. ", "spaced .png"},
		{"a\"b<c>d|e?f*g:h.png", "a_b_c_d_e_f_g_h.png"},
		{"caf\xe9.png", "caf\uFFFD.png"},
		{"Zoë 東京.png", "Zoë 東京.png"},
		{"x\u202egnp.exe", "xgnp.exe"},
		{strings.Repeat("é", 200) + ".jpeg", strings.Repeat("é", 125) + ".jpeg"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			if got := upload.SanitizeName(tc.in); got != tc.want {
				t.Fatalf("SanitizeName(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}
