package upload_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"

	"github.com/autospot/autospot/upload"
)

// Validating arbitrary bytes under any allowed name never panics, returns
// either an *upload.Error or success, and never accepts a file whose
// declared dimensions break the limits.
func FuzzValidate(f *testing.F) {
	f.Add(pngBytes(f, 3, 3), uint8(0))
	f.Add(jpegBytes(f, 3, 3), uint8(1))
	f.Add(gifBytes(f, 3, 3), uint8(2))
	f.Add(bmpBytes(3, 3), uint8(3))
	f.Add(floodPNG(100000, 100000), uint8(0))
	f.Add([]byte("<svg><script>1</script></svg>"), uint8(0))
	names := []string{"a.png", "a.jpg", "a.gif", "a.bmp"}
	v, err := upload.NewValidator(upload.Config{
		Extensions: []string{".png", ".jpg", ".gif", ".bmp"},
		MaxSize:    1 << 20, MaxWidth: 500, MaxHeight: 500, MaxPixels: 100000,
	})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte, which uint8) {
		info, err := v.Copy(context.Background(), io.Discard, bytes.NewReader(data), names[int(which)%len(names)])
		if err != nil {
			var ue *upload.Error
			if !errors.As(err, &ue) {
				t.Fatalf("not an *upload.Error: %v", err)
			}
			return
		}
		if info.Width > 500 || info.Height > 500 || int64(info.Width)*int64(info.Height) > 100000 || info.Size != int64(len(data)) {
			t.Fatalf("accepted %+v", info)
		}
	})
}

func FuzzSanitizeName(f *testing.F) {
	f.Add("../../etc/passwd")
	f.Add("a\x00b.png")
	f.Fuzz(func(t *testing.T, name string) {
		got := upload.SanitizeName(name)
		if got == "" || len(got) > 255 || bytes.ContainsAny([]byte(got), "/\\\x00\r\n") || got[0] == '.' {
			t.Fatalf("SanitizeName(%q) = %q", name, got)
		}
		cd := upload.ContentDisposition("attachment", name)
		if bytes.ContainsAny([]byte(cd), "\r\n\x00") {
			t.Fatalf("ContentDisposition(%q) = %q", name, cd)
		}
	})
}
