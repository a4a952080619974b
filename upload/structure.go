package upload

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Structure checks walk the chunk (PNG) or block (GIF) layout of the file
// as it streams past, without buffering it, and refuse bytes after the
// image's end marker: "PNG + HTML tail" and "GIF + ZIP" polyglots live
// there. They also give the exact frame sizes of an animated GIF, which
// DecodeConfig does not.

var (
	errTrailingData = errors.New("data after the end of the image")
	errTruncated    = errors.New("the image ends before its end marker")
)

// structureError is a malformed-structure finding with a message for people.
type structureError struct {
	kind error
	msg  string
}

func (e *structureError) Error() string { return e.msg }

// pushParser feeds a stream to a state machine that asks for fixed-size
// pieces (need) or skips bytes (skip).
type pushParser struct {
	buf   [16]byte
	have  int
	need  int
	skip  int64
	next  func(b []byte) error
	final bool // the end marker was seen: any further byte is trailing data
	err   error
}

func (p *pushParser) Write(data []byte) (int, error) {
	if p.err != nil {
		return 0, p.err
	}
	total := len(data)
	for len(data) > 0 {
		if p.skip > 0 {
			k := int64(len(data))
			if k > p.skip {
				k = p.skip
			}
			p.skip -= k
			data = data[k:]
			continue
		}
		if p.final {
			p.err = &structureError{kind: ErrUnsafeContent, msg: errTrailingData.Error()}
			return 0, p.err
		}
		k := copy(p.buf[p.have:p.need], data)
		p.have += k
		data = data[k:]
		if p.have == p.need {
			p.have = 0
			if err := p.next(p.buf[:p.need]); err != nil {
				p.err = err
				return 0, err
			}
		}
	}
	return total, nil
}

func (p *pushParser) Close() error {
	if p.err != nil {
		return p.err
	}
	if !p.final || p.skip > 0 || p.have > 0 {
		return &structureError{kind: ErrCorrupt, msg: errTruncated.Error()}
	}
	return nil
}

func corrupt(format string, args ...any) error {
	return &structureError{kind: ErrCorrupt, msg: fmt.Sprintf(format, args...)}
}

// newPNGChecker walks PNG chunks: signature, then length ‖ type ‖ data ‖ CRC
// until IEND.
func newPNGChecker() *pushParser {
	p := &pushParser{need: 8}
	chunkHeader := func(b []byte) error {
		n := binary.BigEndian.Uint32(b[:4])
		if n > 1<<31-1 {
			return corrupt("PNG chunk length %d is invalid", n)
		}
		for _, c := range b[4:8] {
			if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
				return corrupt("PNG chunk type is invalid")
			}
		}
		p.skip = int64(n) + 4 // data and CRC
		if string(b[4:8]) == "IEND" {
			p.final = true
		}
		p.need = 8
		return nil
	}
	p.next = func(b []byte) error {
		if string(b) != "\x89PNG\r\n\x1a\n" {
			return corrupt("not a PNG signature")
		}
		p.next = chunkHeader
		return nil
	}
	return p
}

// newGIFChecker walks GIF blocks: header and logical screen descriptor,
// global colour table, then extensions and images (each made of
// sub-blocks) until the trailer 0x3B. It counts frames and their area.
func newGIFChecker(maxPixels int64) *pushParser {
	p := &pushParser{need: 13}
	var (
		frames                                       int
		area                                         int64
		intro, extLabel, imageDesc, lzwMin, subBlock func(b []byte) error
		afterSubBlocks                               func()
	)
	toIntro := func() { p.need, p.next = 1, intro }
	subBlock = func(b []byte) error {
		if b[0] == 0 {
			afterSubBlocks()
			return nil
		}
		p.skip = int64(b[0])
		p.need, p.next = 1, subBlock
		return nil
	}
	startSubBlocks := func() { p.need, p.next = 1, subBlock }
	intro = func(b []byte) error {
		switch b[0] {
		case 0x21:
			p.need, p.next = 1, extLabel
		case 0x2C:
			p.need, p.next = 9, imageDesc
		case 0x3B:
			p.final = true
			p.need = 1
		default:
			return corrupt("GIF block 0x%02x is invalid", b[0])
		}
		return nil
	}
	extLabel = func(b []byte) error {
		afterSubBlocks = toIntro
		startSubBlocks()
		return nil
	}
	imageDesc = func(b []byte) error {
		w := int64(binary.LittleEndian.Uint16(b[4:6]))
		h := int64(binary.LittleEndian.Uint16(b[6:8]))
		frames++
		area += w * h
		if frames > maxGIFFrames {
			return &structureError{kind: ErrDimensions, msg: fmt.Sprintf("the GIF has more than %d frames", maxGIFFrames)}
		}
		if area > maxPixels {
			return &structureError{kind: ErrDimensions, msg: fmt.Sprintf("the GIF's frames add up to more than %d pixels", maxPixels)}
		}
		if b[8]&0x80 != 0 {
			p.skip = 3 << ((b[8] & 7) + 1) // local colour table
		}
		p.need, p.next = 1, lzwMin
		return nil
	}
	lzwMin = func(b []byte) error {
		afterSubBlocks = toIntro
		startSubBlocks()
		return nil
	}
	p.next = func(b []byte) error {
		if string(b[:6]) != "GIF87a" && string(b[:6]) != "GIF89a" {
			return corrupt("not a GIF signature")
		}
		if b[10]&0x80 != 0 {
			p.skip = 3 << ((b[10] & 7) + 1) // global colour table
		}
		toIntro()
		return nil
	}
	return p
}

// bmpConfig reads the width and height from a BMP header (BITMAPFILEHEADER
// then a BITMAPCOREHEADER or BITMAPINFOHEADER and its successors). The
// standard library has no BMP decoder, so image.DecodeConfig cannot.
func bmpConfig(h []byte) (w, ht int, err error) {
	if len(h) < 30 || h[0] != 'B' || h[1] != 'M' {
		return 0, 0, errors.New("BMP header too short")
	}
	var planes, bpp uint16
	switch dib := binary.LittleEndian.Uint32(h[14:18]); dib {
	case 12:
		w = int(binary.LittleEndian.Uint16(h[18:20]))
		ht = int(binary.LittleEndian.Uint16(h[20:22]))
		planes = binary.LittleEndian.Uint16(h[22:24])
		bpp = binary.LittleEndian.Uint16(h[24:26])
	case 40, 52, 56, 64, 108, 124:
		w = int(int32(binary.LittleEndian.Uint32(h[18:22])))
		ht = int(int32(binary.LittleEndian.Uint32(h[22:26])))
		if ht < 0 {
			ht = -ht // top-down bitmap
		}
		planes = binary.LittleEndian.Uint16(h[26:28])
		bpp = binary.LittleEndian.Uint16(h[28:30])
	default:
		return 0, 0, fmt.Errorf("BMP header size %d is not supported", dib)
	}
	if w <= 0 || ht <= 0 {
		return 0, 0, errors.New("BMP dimensions are invalid")
	}
	if planes != 1 {
		return 0, 0, errors.New("BMP plane count is invalid")
	}
	switch bpp {
	case 1, 4, 8, 16, 24, 32:
	default:
		return 0, 0, fmt.Errorf("BMP bit depth %d is invalid", bpp)
	}
	return w, ht, nil
}
