package upload_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"io"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"

	"github.com/autospot/autospot/upload"
)

var (
	bigPNGOnce sync.Once
	bigPNG     []byte
)

// tenMiBPNG is a real 1600×1600 RGBA PNG of noise: about 10 MB that does
// not compress, just under the 10 MiB default limit.
func tenMiBPNG(tb testing.TB) []byte {
	bigPNGOnce.Do(func() {
		img := image.NewRGBA(image.Rect(0, 0, 1600, 1600))
		rng := rand.New(rand.NewPCG(1, 2))
		for i := range img.Pix {
			img.Pix[i] = byte(rng.Uint32())
		}
		var b bytes.Buffer
		if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&b, img); err != nil {
			panic(err)
		}
		bigPNG = b.Bytes()
	})
	if len(bigPNG) > upload.DefaultMaxSize || len(bigPNG) < 10_000_000 {
		tb.Fatalf("test PNG is %d bytes", len(bigPNG))
	}
	return bigPNG
}

// A 10 MiB upload is validated and stored with O(chunk) memory: the bytes
// allocated for the whole Save are a tiny fraction of the file.
func TestTenMiBUploadMemory(t *testing.T) {
	data := tenMiBPNG(t)
	s, _ := newStore(t, upload.Config{})
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f, err := s.Save(context.Background(), bytes.NewReader(data), "level_1.png")
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if f.Size != int64(len(data)) || f.Width != 1600 {
		t.Fatalf("info = %+v", f.Info)
	}
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("allocated %d bytes to validate and store %d bytes", alloc, len(data))
	if alloc > 512<<10 {
		t.Fatalf("allocated %d bytes for a %d-byte upload: not O(chunk)", alloc, len(data))
	}
}

// BenchmarkStoreSave10MiB validates and stores (temp file, fsync, link) a
// 10 MB PNG; B/op is the memory one upload allocates.
func BenchmarkStoreSave10MiB(b *testing.B) {
	data := tenMiBPNG(b)
	s, _ := newStore(b, upload.Config{})
	ctx := context.Background()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		f, err := s.Save(ctx, bytes.NewReader(data), "level_1.png")
		if err != nil {
			b.Fatal(err)
		}
		if err := s.Remove(f.Name); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkValidate10MiB is validation alone, into io.Discard.
func BenchmarkValidate10MiB(b *testing.B) {
	data := tenMiBPNG(b)
	v, _ := upload.NewValidator(upload.Config{})
	ctx := context.Background()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Copy(ctx, io.Discard, bytes.NewReader(data), "level_1.png"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkValidateSmall is a typical map image (a 900×700 PNG).
func BenchmarkValidateSmall(b *testing.B) {
	data := pngBytes(b, 900, 700)
	v, _ := upload.NewValidator(upload.Config{})
	ctx := context.Background()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Copy(ctx, io.Discard, bytes.NewReader(data), "level_1.png"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRejectPixelFlood is the cost of refusing a 100000×100000 PNG.
func BenchmarkRejectPixelFlood(b *testing.B) {
	data := floodPNG(100000, 100000)
	v, _ := upload.NewValidator(upload.Config{})
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Copy(ctx, io.Discard, bytes.NewReader(data), "flood.png"); err == nil {
			b.Fatal("accepted")
		}
	}
}
