package upload

import (
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxDisplayName is the longest display name kept, in bytes.
const maxDisplayName = 255

// SanitizeName turns a client-supplied file name into display metadata: the
// last path element only (both / and \ separate), without control or
// invisible formatting characters (NUL, CR/LF, bidirectional overrides that
// make "gnp.exe" look like "exe.png"), without the characters Windows
// forbids in names, without leading dots or surrounding spaces, valid
// UTF-8, and at most 255 bytes (the extension kept when shortened). An
// empty result becomes "file".
//
// The result is for showing to people. It is never used as a path: stored
// files get generated names.
func SanitizeName(name string) string {
	name = strings.ToValidUTF8(name, "\uFFFD")
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsControl(r), unicode.Is(unicode.Cf, r):
			return -1
		case strings.ContainsRune(`<>:"|?*`, r):
			return '_'
		}
		return r
	}, name)
	name = strings.TrimRightFunc(name, func(r rune) bool { return unicode.IsSpace(r) || r == '.' })
	name = strings.TrimLeftFunc(name, func(r rune) bool { return unicode.IsSpace(r) || r == '.' })
	if len(name) > maxDisplayName {
		ext := ""
		if i := strings.LastIndexByte(name, '.'); i > 0 && len(name)-i <= 16 {
			ext = name[i:]
		}
		base := name[:len(name)-len(ext)]
		cut := maxDisplayName - len(ext)
		for cut > 0 && !utf8.RuneStart(base[cut]) {
			cut--
		}
		name = strings.TrimRightFunc(base[:cut], unicode.IsSpace) + ext
	}
	if name == "" {
		return "file"
	}
	return name
}

// dangerousExts are extensions that a web server or a desktop may execute
// or render as a document. A name carrying one anywhere before its final
// extension (x.php.png, evil.html.jpg) is refused: misconfigured servers
// act on inner extensions.
var dangerousExts = map[string]bool{
	"php": true, "php3": true, "php4": true, "php5": true, "php7": true, "php8": true,
	"phtml": true, "phar": true, "pht": true, "phps": true,
	"asp": true, "aspx": true, "ascx": true, "ashx": true, "asmx": true, "cer": true,
	"jsp": true, "jspx": true, "jsf": true, "war": true, "jar": true,
	"cgi": true, "pl": true, "py": true, "rb": true, "sh": true, "bash": true,
	"exe": true, "dll": true, "bat": true, "cmd": true, "com": true, "ps1": true,
	"vbs": true, "js": true, "mjs": true, "hta": true, "msi": true, "scr": true,
	"html": true, "htm": true, "xhtml": true, "shtml": true, "svg": true, "svgz": true,
	"xml": true, "xsl": true, "htaccess": true, "swf": true,
}

// checkName returns the lower-case extension of name (".png") if it is in
// the allowlist and no inner extension is dangerous.
func (v *Validator) checkName(display string) (string, *format, error) {
	i := strings.LastIndexByte(display, '.')
	if i < 0 {
		return "", nil, reject(ErrExtension,
			fmt.Sprintf("the file name has no extension; accepted: %s", v.extList()), nil)
	}
	ext := strings.ToLower(display[i:])
	f, ok := v.allowed[ext]
	if !ok {
		return "", nil, reject(ErrExtension,
			fmt.Sprintf("files ending in %s are not accepted; accepted: %s", quoteExt(ext), v.extList()), nil)
	}
	parts := strings.Split(strings.ToLower(display[:i]), ".")
	for _, p := range parts[1:] {
		if dangerousExts[strings.TrimSpace(p)] {
			return "", nil, reject(ErrExtension,
				fmt.Sprintf("the file name contains the script extension .%s; rename the file", p), nil)
		}
	}
	return ext, f, nil
}

func quoteExt(ext string) string {
	if len(ext) > 20 {
		ext = ext[:20] + "…"
	}
	return strings.ToValidUTF8(ext, "")
}

func (v *Validator) extList() string { return strings.Join(v.cfg.Extensions, " ") }

// storedNameLen is the length of a generated name without its extension:
// 128 random bits in hex.
const storedNameLen = 32

func newStoredName(r io.Reader, ext string) (string, error) {
	var b [storedNameLen / 2]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return "", fmt.Errorf("upload: generate name: %w", err)
	}
	return hex.EncodeToString(b[:]) + ext, nil
}

// validStoredName reports whether name has the form of a generated name:
// 32 lower-case hex digits and a supported extension.
func validStoredName(name string) (*format, bool) {
	if len(name) < storedNameLen+2 {
		return nil, false
	}
	for i := 0; i < storedNameLen; i++ {
		c := name[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return nil, false
		}
	}
	f := formatForExt(name[storedNameLen:])
	return f, f != nil && f.ext == name[storedNameLen:]
}
