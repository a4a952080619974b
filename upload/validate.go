package upload

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"image"
	_ "image/gif"  // register GIF with image.DecodeConfig
	_ "image/jpeg" // register JPEG with image.DecodeConfig
	_ "image/png"  // register PNG with image.DecodeConfig
	"io"
	"strings"
	"sync"

	"github.com/gabriel-vasile/mimetype"
)

// sniffLen is how much of the file is held to identify its type: the
// amount mimetype reads by default.
const sniffLen = 4096

// chunkSize is the copy buffer: the memory an upload needs beyond the
// sniffing buffer and the decoders' small header buffers.
const chunkSize = 32 << 10

// Info describes a validated file.
type Info struct {
	// DisplayName is the client's file name made safe for display
	// ([SanitizeName]). It is metadata only, never a path.
	DisplayName string
	// ContentType is the type identified from the content's magic bytes
	// ("image/png"); the client's Content-Type is never consulted.
	ContentType string
	// Ext is the canonical extension for the content (".jpg", ".png" …).
	Ext string
	// Size is the length in bytes.
	Size int64
	// Width and Height are the image's declared dimensions.
	Width, Height int
	// SHA256 is the hex SHA-256 of the bytes written to dst.
	SHA256 string
}

// Validator checks uploads as they stream. It is safe for concurrent use.
type Validator struct {
	cfg     Config
	allowed map[string]*format
	bufs    sync.Pool
}

// NewValidator returns a Validator for cfg (the zero Config applies the
// defaults). It fails if cfg allows an extension that is not a supported
// raster image type.
func NewValidator(cfg Config) (*Validator, error) {
	c, allowed, err := cfg.normalized()
	if err != nil {
		return nil, err
	}
	v := &Validator{cfg: c, allowed: allowed}
	v.bufs.New = func() any { b := make([]byte, chunkSize); return &b }
	return v, nil
}

// Config returns the effective configuration, defaults filled in.
func (v *Validator) Config() Config {
	c := v.cfg
	c.Extensions = append([]string(nil), c.Extensions...)
	return c
}

// Copy validates the upload read from src, named filename by the client,
// while copying it to dst, and returns what it found. It reads src once,
// in chunks, and holds no more than a few tens of KiB whatever the file's
// size. In order, it:
//
//   - checks the extension of the sanitised name against the allowlist and
//     refuses script extensions hidden inside the name (x.php.png);
//   - identifies the type from the first bytes with mimetype, and requires
//     it to be the type the extension names;
//   - reads the width and height with image.DecodeConfig (a header parse:
//     no pixel buffer is allocated) and checks them against the limits;
//   - streams the rest, stopping at MaxSize+1 bytes, looking for HTML,
//     SVG and PHP markup anywhere, and (PNG and GIF) for bytes after the
//     image's end marker.
//
// On failure, dst has received part of the file; the caller discards it
// ([Store] writes to a temporary file it removes). Rejections are
// [*Error] values; other errors come from src, dst or ctx.
func (v *Validator) Copy(ctx context.Context, dst io.Writer, src io.Reader, filename string) (*Info, error) {
	info := &Info{DisplayName: SanitizeName(filename)}
	ext, f, err := v.checkName(info.DisplayName)
	if err != nil {
		return nil, err
	}
	lim := &limitedReader{ctx: ctx, r: src, max: v.cfg.MaxSize}

	// 1. Magic bytes.
	var head [sniffLen]byte
	n, err := io.ReadFull(lim, head[:])
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, v.readError(lim, err)
	}
	if n == 0 {
		return nil, reject(ErrEmpty, "the file is empty", nil)
	}
	if err := v.checkType(f, ext, head[:n]); err != nil {
		return nil, err
	}

	// 2. Everything read from here on, the sniffed bytes first, flows
	// through the tee to dst and the checkers exactly once.
	h := sha256.New()
	markup := &markupScanner{}
	var structure *pushParser
	switch f {
	case formatPNG:
		structure = newPNGChecker()
	case formatGIF:
		structure = newGIFChecker(v.cfg.MaxPixels)
	}
	sink := &teeSink{dst: dst, hash: h, markup: markup, structure: structure}
	stream := io.TeeReader(io.MultiReader(bytes.NewReader(head[:n]), lim), sink)

	// 3. Dimensions, from the header only.
	w, ht, err := decodeConfig(f, stream, head[:n])
	if err := v.streamError(lim, sink); err != nil {
		return nil, err
	}
	if err != nil {
		return nil, reject(ErrCorrupt, fmt.Sprintf("the file is not a readable %s image: %v", strings.ToUpper(f.name), err), err)
	}
	if err := v.checkDimensions(w, ht); err != nil {
		return nil, err
	}

	// 4. The rest of the stream.
	bp := v.bufs.Get().(*[]byte)
	_, err = io.CopyBuffer(discard{}, stream, *bp)
	v.bufs.Put(bp)
	if err := v.streamError(lim, sink); err != nil {
		return nil, err
	}
	if err != nil {
		return nil, v.readError(lim, err)
	}
	if err := markup.Close(); err != nil {
		return nil, markupRejection(markup.found)
	}
	if structure != nil {
		if err := structure.Close(); err != nil {
			return nil, structureRejection(err)
		}
	}
	info.ContentType = f.mime
	info.Ext = f.ext
	info.Size = lim.n
	info.Width, info.Height = w, ht
	info.SHA256 = hex.EncodeToString(h.Sum(nil))
	return info, nil
}

// checkType compares the sniffed type with the one the extension names.
func (v *Validator) checkType(want *format, ext string, head []byte) error {
	m := mimetype.Detect(head)
	for p := m; p != nil; p = p.Parent() {
		if p.Is(want.mime) {
			return nil
		}
	}
	if got := formatForMIME(m.String()); got != nil {
		return reject(ErrTypeMismatch, fmt.Sprintf("the file is %s but its name ends in %s", got.description, ext), nil)
	}
	kind := ErrType
	for p := m; p != nil; p = p.Parent() {
		if p.Is("text/html") || p.Is("image/svg+xml") || p.Is("text/xml") || p.Is("text/x-php") {
			kind = ErrUnsafeContent
		}
	}
	return reject(kind, fmt.Sprintf("the file's content is %s, not %s; only images of the accepted types can be uploaded",
		describeMIME(m), want.description), nil)
}

func describeMIME(m *mimetype.MIME) string {
	switch {
	case m.Is("image/svg+xml"):
		return "an SVG image (SVG can carry scripts)"
	case m.Is("text/html"):
		return "an HTML page"
	case m.Is("application/octet-stream"):
		return "unrecognised"
	}
	return m.String()
}

func (v *Validator) checkDimensions(w, h int) error {
	px := int64(w) * int64(h)
	if w > v.cfg.MaxWidth || h > v.cfg.MaxHeight || px > v.cfg.MaxPixels {
		return reject(ErrDimensions, fmt.Sprintf("the image is %d×%d pixels; the limit is %d×%d and %.1f megapixels",
			w, h, v.cfg.MaxWidth, v.cfg.MaxHeight, float64(v.cfg.MaxPixels)/1e6), nil)
	}
	return nil
}

// decodeConfig reads the image header: image.DecodeConfig for the standard
// formats (checking it agrees on the format), the BMP header by hand.
func decodeConfig(f *format, r io.Reader, head []byte) (int, int, error) {
	if f == formatBMP {
		w, h, err := bmpConfig(head)
		return w, h, err
	}
	cfg, name, err := image.DecodeConfig(r)
	if err != nil {
		return 0, 0, err
	}
	if name != f.name {
		return 0, 0, fmt.Errorf("decoded as %s", name)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return 0, 0, errors.New("the image has no pixels")
	}
	return cfg.Width, cfg.Height, nil
}

// streamError returns the rejection recorded while streaming, if any: the
// size limit, markup, a structural problem, or a write error.
func (v *Validator) streamError(lim *limitedReader, s *teeSink) error {
	if lim.tooLarge {
		return reject(ErrTooLarge, fmt.Sprintf("the file is larger than the %s limit", formatSize(v.cfg.MaxSize)), nil)
	}
	if s.err == nil {
		return nil
	}
	if errors.Is(s.err, errMarkup) {
		return markupRejection(s.markup.found)
	}
	var se *structureError
	if errors.As(s.err, &se) {
		return structureRejection(se)
	}
	return fmt.Errorf("upload: write: %w", s.err)
}

func (v *Validator) readError(lim *limitedReader, err error) error {
	if lim.tooLarge {
		return reject(ErrTooLarge, fmt.Sprintf("the file is larger than the %s limit", formatSize(v.cfg.MaxSize)), nil)
	}
	return fmt.Errorf("upload: read: %w", err)
}

func markupRejection(tag string) error {
	return reject(ErrUnsafeContent, fmt.Sprintf("the image contains %s> markup (an HTML/SVG/PHP polyglot)", tag), nil)
}

func structureRejection(err error) error {
	var se *structureError
	if errors.As(err, &se) {
		return reject(se.kind, se.msg, nil)
	}
	return reject(ErrCorrupt, err.Error(), err)
}

func formatSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d-byte", n)
}

// limitedReader counts bytes, stops at max+1 (recording tooLarge) and
// honours ctx between reads.
type limitedReader struct {
	ctx      context.Context
	r        io.Reader
	max, n   int64
	tooLarge bool
}

var errLimit = errors.New("size limit reached")

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.tooLarge {
		return 0, errLimit
	}
	if err := l.ctx.Err(); err != nil {
		return 0, err
	}
	if rem := l.max - l.n + 1; int64(len(p)) > rem {
		p = p[:rem]
	}
	n, err := l.r.Read(p)
	l.n += int64(n)
	if l.n > l.max {
		l.tooLarge = true
		return 0, errLimit
	}
	return n, err
}

// teeSink receives every byte once and passes it to dst, the hash and the
// checkers, remembering the first error.
type teeSink struct {
	dst       io.Writer
	hash      hash.Hash
	markup    *markupScanner
	structure *pushParser
	err       error
}

func (s *teeSink) Write(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	if _, err := s.markup.Write(p); err != nil {
		s.err = err
		return 0, err
	}
	if s.structure != nil {
		if _, err := s.structure.Write(p); err != nil {
			s.err = err
			return 0, err
		}
	}
	s.hash.Write(p)
	if _, err := s.dst.Write(p); err != nil {
		s.err = err
		return 0, err
	}
	return len(p), nil
}

// discard is io.Discard without ReadFrom, so io.CopyBuffer uses our buffer.
type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
