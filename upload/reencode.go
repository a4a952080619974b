package upload

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"os"
)

// jpegQuality is the quality JPEGs are re-encoded at.
const jpegQuality = 90

// reencode decodes the validated file f and writes it again in place, which
// keeps only the pixels (and, for GIF, frames, delays and loop count).
func (s *Store) reencode(ctx context.Context, f *os.File, info *Info) error {
	if info.Ext == formatBMP.ext {
		return nil // BMP has no metadata blocks to strip
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("upload: %w", err)
	}
	var encode func(w io.Writer) error
	br := bufio.NewReaderSize(f, chunkSize)
	switch info.Ext {
	case formatGIF.ext:
		g, err := gif.DecodeAll(br)
		if err != nil {
			return reject(ErrCorrupt, "the GIF image could not be decoded", err)
		}
		g.Config.ColorModel = nil // let EncodeAll use the frames' palettes
		encode = func(w io.Writer) error { return gif.EncodeAll(w, g) }
	default:
		img, _, err := image.Decode(br)
		if err != nil {
			return reject(ErrCorrupt, "the image could not be decoded", err)
		}
		if info.Ext == formatPNG.ext {
			encode = func(w io.Writer) error {
				return (&png.Encoder{CompressionLevel: png.DefaultCompression}).Encode(w, img)
			}
		} else {
			encode = func(w io.Writer) error { return jpeg.Encode(w, img, &jpeg.Options{Quality: jpegQuality}) }
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := f.Truncate(0); err != nil {
		return fmt.Errorf("upload: %w", err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("upload: %w", err)
	}
	h := sha256.New()
	cw := &countWriter{w: io.MultiWriter(f, h)}
	bw := bufio.NewWriterSize(cw, chunkSize)
	if err := encode(bw); err != nil {
		return fmt.Errorf("upload: re-encode: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("upload: re-encode: %w", err)
	}
	info.Size = cw.n
	info.SHA256 = hex.EncodeToString(h.Sum(nil))
	return nil
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
