package upload

import (
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"
)

// Defaults for [Config]. They follow the AutoSpot seed: 10 MiB and the
// extensions .jpg .jpeg .png .gif.
const (
	DefaultMaxSize   = 10 << 20
	DefaultMaxWidth  = 10000
	DefaultMaxHeight = 10000
	DefaultMaxPixels = 25_000_000
	DefaultFileMode  = fs.FileMode(0o640)

	// maxGIFFrames bounds the frames of an animated GIF, whatever their size.
	maxGIFFrames = 1000
)

// DefaultExtensions returns the seed's allowlist: .jpg .jpeg .png .gif.
func DefaultExtensions() []string { return []string{".jpg", ".jpeg", ".png", ".gif"} }

// SupportedExtensions returns every extension Config.Extensions may list.
// The car-park map upload adds .bmp to the defaults.
func SupportedExtensions() []string {
	return []string{".bmp", ".gif", ".jpeg", ".jpg", ".png"}
}

// format describes one accepted image format.
type format struct {
	name        string // as image.DecodeConfig reports it
	mime        string // as mimetype reports it, and as served
	ext         string // canonical extension of stored files
	description string // for messages
}

var (
	formatJPEG = &format{name: "jpeg", mime: "image/jpeg", ext: ".jpg", description: "a JPEG image"}
	formatPNG  = &format{name: "png", mime: "image/png", ext: ".png", description: "a PNG image"}
	formatGIF  = &format{name: "gif", mime: "image/gif", ext: ".gif", description: "a GIF image"}
	formatBMP  = &format{name: "bmp", mime: "image/bmp", ext: ".bmp", description: "a BMP image"}
)

func formatForExt(ext string) *format {
	switch ext {
	case ".jpg", ".jpeg":
		return formatJPEG
	case ".png":
		return formatPNG
	case ".gif":
		return formatGIF
	case ".bmp":
		return formatBMP
	}
	return nil
}

func formatForMIME(m string) *format {
	for _, f := range []*format{formatJPEG, formatPNG, formatGIF, formatBMP} {
		if f.mime == m {
			return f
		}
	}
	return nil
}

// Config sets the rules for uploads. The zero value is valid and applies
// the defaults; every field's default is stated on it. A Config is copied
// by [NewValidator] and [New]; changing it afterwards has no effect.
type Config struct {
	// MaxSize is the largest accepted file in bytes, enforced while
	// reading: the upload is refused as soon as byte MaxSize+1 arrives.
	// Default DefaultMaxSize (10 MiB).
	MaxSize int64

	// Extensions is the allowlist of file-name extensions, compared
	// case-insensitively, with or without the leading dot. Only the
	// raster formats in SupportedExtensions can be listed: SVG, HTML and
	// anything else that can carry script cannot be allowed. Default
	// DefaultExtensions (.jpg .jpeg .png .gif).
	Extensions []string

	// MaxWidth and MaxHeight bound the image's declared dimensions, and
	// MaxPixels their product (for an animated GIF, the sum over its
	// frames). They are checked from the header, before any pixel is
	// decoded. Defaults DefaultMaxWidth, DefaultMaxHeight (10000) and
	// DefaultMaxPixels (25 megapixels).
	MaxWidth, MaxHeight int
	MaxPixels           int64

	// Reencode makes [Store] decode each accepted image and encode it
	// again, which drops metadata (EXIF with GPS position, XMP, comments,
	// text chunks) and anything else that is not pixels. JPEGs are
	// re-encoded at quality 90 and lose their EXIF orientation. BMP files
	// carry no metadata and are stored as sent. Re-encoding needs memory
	// for the decoded image (up to 4 bytes per pixel, so MaxPixels bounds
	// it). Default false.
	Reencode bool

	// Scanner, if set, is given every validated file before [Store] keeps
	// it ([Clamd] talks to ClamAV). A file it reports is refused with
	// [ErrInfected]; if it fails, the upload is refused with
	// [ErrScanFailed]. Default none.
	Scanner Scanner

	// FileMode is the permission of stored files. Default DefaultFileMode
	// (0640).
	FileMode fs.FileMode

	// Inline makes [Store.ServeFile] send "Content-Disposition: inline" so
	// browsers show images rather than download them. Default false
	// (attachment).
	Inline bool

	// Rand is the source of stored-file names. Default crypto/rand.
	Rand io.Reader
}

// normalized returns a copy of c with defaults filled in and the allowlist
// checked.
func (c Config) normalized() (Config, map[string]*format, error) {
	if c.MaxSize <= 0 {
		c.MaxSize = DefaultMaxSize
	}
	if c.MaxWidth <= 0 {
		c.MaxWidth = DefaultMaxWidth
	}
	if c.MaxHeight <= 0 {
		c.MaxHeight = DefaultMaxHeight
	}
	if c.MaxPixels <= 0 {
		c.MaxPixels = DefaultMaxPixels
	}
	if c.FileMode == 0 {
		c.FileMode = DefaultFileMode
	}
	exts := c.Extensions
	if len(exts) == 0 {
		exts = DefaultExtensions()
	}
	allowed := make(map[string]*format, len(exts))
	list := make([]string, 0, len(exts))
	for _, e := range exts {
		e = strings.ToLower(strings.TrimSpace(e))
		if !strings.HasPrefix(e, ".") {
			e = "." + e
		}
		f := formatForExt(e)
		if f == nil {
			return c, nil, fmt.Errorf("upload: extension %q cannot be allowed: only the raster image types %s are supported",
				e, strings.Join(SupportedExtensions(), " "))
		}
		allowed[e] = f
		list = append(list, e)
	}
	slices.Sort(list)
	c.Extensions = slices.Compact(list)
	return c, allowed, nil
}
