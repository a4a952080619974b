package upload

import (
	"bytes"
	"errors"
)

var errMarkup = errors.New("markup found")

func indexByte(b []byte, c byte) int { return bytes.IndexByte(b, c) }

// markupScanner looks through the whole byte stream for the start of HTML,
// SVG, XML-entity or PHP markup. An image that carries any of them (in a
// text chunk, a comment, or after its end marker) is a polyglot: harmless
// as an image, but a stored-XSS or code-execution vector wherever it is
// served or included as something else.
//
// Each pattern is '<' plus a tag name, matched case-insensitively and
// followed by a byte that ends an HTML tag name (white space, '/' or '>'),
// which is what a browser needs to see a tag. Compressed pixel data is
// close to random, and a random position matches one of these patterns
// with probability below 10⁻¹⁰, so false rejections are negligible.
//
// The scanner needs no buffering beyond a 16-byte carry-over between
// writes.
type markupScanner struct {
	carry [maxPatternLen]byte
	n     int // bytes in carry, all of them not yet checked as a start
	found string
}

// patterns, without the leading '<', lower case. "delim" means a tag-name
// terminator must follow.
var markupPatterns = []struct {
	name  string
	delim bool
}{
	{"script", true}, {"html", true}, {"head", true}, {"body", true},
	{"iframe", true}, {"frame", true}, {"frameset", true}, {"object", true},
	{"embed", true}, {"applet", true}, {"svg", true}, {"style", true},
	{"link", true}, {"meta", true}, {"form", true}, {"base", true},
	{"?php", true}, {"!doctype", true}, {"!entity", true}, {"![cdata[", false},
	{"xsl:", false}, {"x:script", false},
}

// maxPatternLen is '<' + the longest name + one delimiter byte, rounded up.
const maxPatternLen = 16

func isTagEnd(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\r', '\f', '/', '>':
		return true
	}
	return false
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// matchAt reports the pattern starting at b[0] == '<', if any. complete is
// false when b is too short to decide.
func matchAt(b []byte, final bool) (name string, complete bool) {
	for _, p := range markupPatterns {
		need := 1 + len(p.name)
		if p.delim {
			need++
		}
		if len(b) < need {
			if final {
				continue
			}
			// Only undecided if what we have so far matches.
			if prefixMatches(b[1:], p.name) {
				return "", false
			}
			continue
		}
		if !prefixMatches(b[1:1+len(p.name)], p.name) {
			continue
		}
		if p.delim && !isTagEnd(b[need-1]) {
			continue
		}
		return "<" + p.name, true
	}
	return "", true
}

// prefixMatches reports whether b (possibly shorter than name) matches the
// start of name, case-insensitively.
func prefixMatches(b []byte, name string) bool {
	for i := 0; i < len(b) && i < len(name); i++ {
		if lower(b[i]) != name[i] {
			return false
		}
	}
	return true
}

func (s *markupScanner) Write(p []byte) (int, error) {
	if s.found != "" {
		return 0, errMarkup
	}
	total := len(p)
	// First the carried-over tail, with up to maxPatternLen bytes of p.
	if s.n > 0 {
		var buf [2 * maxPatternLen]byte
		k := copy(buf[:], s.carry[:s.n])
		k += copy(buf[k:], p[:min(len(p), maxPatternLen)])
		w := buf[:k]
		checked := 0
		for i := 0; i < s.n; i++ {
			if w[i] != '<' {
				checked = i + 1
				continue
			}
			name, complete := matchAt(w[i:], false)
			if !complete {
				break
			}
			if name != "" {
				s.found = name
				return 0, errMarkup
			}
			checked = i + 1
		}
		if checked < s.n {
			// Still undecided: p was too short. Keep carrying.
			// Undecided implies p was shorter than a pattern, so w
			// holds all of p and the rest fits the carry.
			s.n = copy(s.carry[:], w[checked:])
			return total, nil
		}
		s.n = 0
	}
	// Then p itself.
	off := 0
	for {
		i := indexByte(p[off:], '<')
		if i < 0 {
			return total, nil
		}
		i += off
		name, complete := matchAt(p[i:], false)
		if !complete {
			s.n = copy(s.carry[:], p[i:])
			return total, nil
		}
		if name != "" {
			s.found = name
			return 0, errMarkup
		}
		off = i + 1
	}
}

// Close checks the last carried-over bytes at end of input.
func (s *markupScanner) Close() error {
	if s.found != "" {
		return errMarkup
	}
	for i := 0; i < s.n; i++ {
		if s.carry[i] == '<' {
			if name, _ := matchAt(s.carry[i:s.n], true); name != "" {
				s.found = name
				return errMarkup
			}
		}
	}
	s.n = 0
	return nil
}
