package audit

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// Placeholder replaces every redacted value.
const Placeholder = "[REDACTED]"

// DefaultMaxValueLen is the default cap, in bytes, on one string value
// (see [RedactOptions.MaxValueLen]).
const DefaultMaxValueLen = 2048

// maxDepth bounds the nesting the redactor walks; deeper values are redacted.
const maxDepth = 16

// RedactOptions configures a [Redactor]. The zero value is the secure
// default: every built-in rule on, emails kept, strings capped at
// [DefaultMaxValueLen] bytes.
type RedactOptions struct {
	// Keys adds attribute keys whose values are always redacted. Keys are
	// compared after normalisation: lower case, letters and digits only
	// ("X-Session-ID" and "x_session_id" are both "xsessionid").
	Keys []string
	// AllowKeys exempts normalised keys from the key rules (the value rules,
	// such as the JWT rule, still apply). Use sparingly, e.g. for
	// "token_type".
	AllowKeys []string
	// MaskEmails masks the local part of email addresses found in string
	// values: "alice@example.com" becomes "a***@example.com". Off by default,
	// because an audit trail usually has to say who.
	MaskEmails bool
	// MaxValueLen caps each string value, in bytes, after redaction; longer
	// values are cut at a UTF-8 boundary and marked. 0 means
	// [DefaultMaxValueLen]; negative means no cap.
	MaxValueLen int
}

// A Redactor removes secrets from slog attributes. It applies two kinds of
// rule:
//
//   - Key rules: the value of an attribute (or of every attribute inside a
//     group) whose key names a secret is replaced with [Placeholder]. Keys
//     containing password, passwd, passphrase, secret, token,
//     authorization, cookie, apikey, privatekey, credential, signature,
//     bearer, jwt, csrf or xsrf; keys with a word otp, totp, hotp, pwd, pin,
//     cvv, cvc, session or sid; "pass", "auth"; and keys with a word code or
//     key unless qualified as harmless (status_code, key_id …). Header maps
//     ([http.Header]) are walked the same way, so Authorization, Cookie and
//     Set-Cookie values never pass.
//   - Value rules, on every string (message, values, error texts, strings
//     inside structs and maps): anything shaped like a JWT or JWE (a
//     base64url run starting "eyJ") is replaced; the credential after
//     "Bearer " and a whole "Basic …" value are replaced; with
//     [RedactOptions.MaskEmails], email local parts are masked; over-long
//     strings are cut.
//
// [slog.LogValuer] values are resolved first, so a value whose LogValue
// returns a secret is still caught; [Secret] is a LogValuer that always
// redacts. Errors and [fmt.Stringer]s become their (scrubbed) text;
// []byte values are replaced whole; other structs, maps and slices logged
// with [slog.Any] are encoded to JSON and walked, so a struct field named
// Password is redacted too.
//
// A Redactor is immutable and safe for concurrent use.
type Redactor struct {
	cache      sync.Map // key → bool, bounded by cacheN
	cacheN     atomic.Int32
	keys       map[string]bool
	allow      map[string]bool
	maskEmails bool
	maxLen     int
}

// NewRedactor returns a Redactor configured by opts.
func NewRedactor(opts RedactOptions) *Redactor {
	rd := &Redactor{
		keys:       make(map[string]bool, len(opts.Keys)),
		allow:      make(map[string]bool, len(opts.AllowKeys)),
		maskEmails: opts.MaskEmails,
		maxLen:     opts.MaxValueLen,
	}
	if rd.maxLen == 0 {
		rd.maxLen = DefaultMaxValueLen
	}
	for _, k := range opts.Keys {
		rd.keys[normalizeKey(k)] = true
	}
	for _, k := range opts.AllowKeys {
		rd.allow[normalizeKey(k)] = true
	}
	return rd
}

// NewRedactingHandler wraps next so that every record, and every attribute
// added with WithAttrs, is redacted by a [Redactor] built from opts before
// next sees it. It works with any [slog.Handler].
func NewRedactingHandler(next slog.Handler, opts RedactOptions) slog.Handler {
	return NewRedactor(opts).Handler(next)
}

// Handler wraps next so that every record reaching it is redacted.
func (rd *Redactor) Handler(next slog.Handler) slog.Handler {
	return &redactingHandler{rd: rd, next: next}
}

// ReplaceAttr is a [slog.HandlerOptions].ReplaceAttr function applying the
// same rules, for building a handler that redacts on its own:
//
//	h := slog.NewJSONHandler(w, &slog.HandlerOptions{ReplaceAttr: rd.ReplaceAttr})
//
// It cannot redact the message text of a record's built-in "msg" key when
// it is called for other keys, so the message is scrubbed when ReplaceAttr
// sees it (key "msg" at the top level).
func (rd *Redactor) ReplaceAttr(groups []string, a slog.Attr) slog.Attr {
	if len(groups) == 0 {
		switch a.Key {
		case slog.TimeKey, slog.LevelKey, slog.SourceKey:
			if a.Value.Kind() != slog.KindString {
				return a
			}
		}
	}
	secret := false
	for _, g := range groups {
		if rd.sensitiveKey(g) {
			secret = true
			break
		}
	}
	na, _ := rd.attr(a, secret, len(groups))
	return na
}

// String applies the value rules (JWT, bearer credentials, email masking,
// length cap) to free text.
func (rd *Redactor) String(s string) string {
	out, _ := rd.scrub(s)
	return out
}

// Secret is a string that never reaches a log: it implements
// [slog.LogValuer], [fmt.Stringer], [fmt.GoStringer], [encoding.TextMarshaler]
// and [json.Marshaler] as [Placeholder].
type Secret string

// LogValue implements [slog.LogValuer].
func (Secret) LogValue() slog.Value { return slog.StringValue(Placeholder) }

// String implements [fmt.Stringer].
func (Secret) String() string { return Placeholder }

// GoString implements [fmt.GoStringer].
func (Secret) GoString() string { return Placeholder }

// MarshalText implements [encoding.TextMarshaler].
func (Secret) MarshalText() ([]byte, error) { return []byte(Placeholder), nil }

// MarshalJSON implements [json.Marshaler].
func (Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + Placeholder + `"`), nil }

type redactingHandler struct {
	rd     *Redactor
	next   slog.Handler
	secret bool // an enclosing group (WithGroup) has a sensitive name
}

func (h *redactingHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.next.Enabled(ctx, l)
}

func (h *redactingHandler) Handle(ctx context.Context, r slog.Record) error {
	msg, changed := h.rd.scrub(r.Message)
	var buf [16]slog.Attr
	attrs := buf[:0]
	r.Attrs(func(a slog.Attr) bool {
		na, c := h.rd.attr(a, h.secret, 0)
		attrs = append(attrs, na)
		changed = changed || c
		return true
	})
	if !changed {
		return h.next.Handle(ctx, r)
	}
	nr := slog.NewRecord(r.Time, r.Level, msg, r.PC)
	nr.AddAttrs(attrs...)
	return h.next.Handle(ctx, nr)
}

func (h *redactingHandler) WithAttrs(as []slog.Attr) slog.Handler {
	out := make([]slog.Attr, len(as))
	for i, a := range as {
		out[i], _ = h.rd.attr(a, h.secret, 0)
	}
	return &redactingHandler{rd: h.rd, next: h.next.WithAttrs(out), secret: h.secret}
}

func (h *redactingHandler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	return &redactingHandler{rd: h.rd, next: h.next.WithGroup(name), secret: h.secret || h.rd.sensitiveKey(name)}
}

// attr redacts one attribute; changed reports whether it differs.
func (rd *Redactor) attr(a slog.Attr, secret bool, depth int) (slog.Attr, bool) {
	v := a.Value
	changed := false
	if v.Kind() == slog.KindLogValuer {
		v = v.Resolve()
		changed = true
	}
	if secret || rd.sensitiveKey(a.Key) {
		return slog.String(a.Key, Placeholder), true
	}
	nv, c := rd.value(v, depth)
	if !c && !changed {
		return a, false
	}
	return slog.Attr{Key: a.Key, Value: nv}, true
}

func (rd *Redactor) value(v slog.Value, depth int) (slog.Value, bool) {
	if depth > maxDepth {
		return slog.StringValue(Placeholder), true
	}
	switch v.Kind() {
	case slog.KindString:
		if s, c := rd.scrub(v.String()); c {
			return slog.StringValue(s), true
		}
		return v, false
	case slog.KindGroup:
		as := v.Group()
		var out []slog.Attr
		for i, a := range as {
			na, c := rd.attr(a, false, depth+1)
			if c && out == nil {
				out = make([]slog.Attr, len(as))
				copy(out, as[:i])
			}
			if out != nil {
				out[i] = na
			}
		}
		if out == nil {
			return v, false
		}
		return slog.GroupValue(out...), true
	case slog.KindLogValuer:
		return rd.value(v.Resolve(), depth)
	case slog.KindAny:
		return rd.anyValue(v.Any(), depth)
	default:
		return v, false
	}
}

func (rd *Redactor) anyValue(x any, depth int) (slog.Value, bool) {
	switch t := x.(type) {
	case nil, slog.Level, *slog.Source, netip.Addr, netip.AddrPort, netip.Prefix,
		time.Month, time.Weekday, time.Location, *time.Location:
		return slog.AnyValue(x), false
	case Secret:
		return slog.StringValue(Placeholder), true
	case error:
		s, _ := rd.scrub(t.Error())
		return slog.StringValue(s), true
	case json.RawMessage:
		return rd.jsonValue(t, depth), true
	case []byte:
		return slog.StringValue(Placeholder), true
	case http.Header:
		return rd.headerValue(t, depth), true
	case map[string][]string:
		return rd.headerValue(t, depth), true
	case fmt.Stringer:
		if _, ok := x.(json.Marshaler); !ok {
			// Handlers print Stringers as text, so scrub that text.
			s, _ := rd.scrub(t.String())
			return slog.StringValue(s), true
		}
	}
	b, err := json.Marshal(x)
	if err != nil {
		return slog.StringValue(fmt.Sprintf("!BADVALUE(%T)", x)), true
	}
	return rd.jsonValue(b, depth), true
}

func (rd *Redactor) jsonValue(b []byte, depth int) slog.Value {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var tree any
	if err := dec.Decode(&tree); err != nil {
		return slog.StringValue(Placeholder)
	}
	switch t := rd.tree(tree, depth).(type) {
	case string:
		return slog.StringValue(t)
	default:
		return slog.AnyValue(t)
	}
}

// tree redacts a decoded JSON value.
func (rd *Redactor) tree(x any, depth int) any {
	if depth > maxDepth {
		return Placeholder
	}
	switch t := x.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, v := range t {
			if rd.sensitiveKey(k) {
				out[k] = Placeholder
			} else {
				out[k] = rd.tree(v, depth+1)
			}
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, v := range t {
			out[i] = rd.tree(v, depth+1)
		}
		return out
	case string:
		s, _ := rd.scrub(t)
		return s
	default:
		return x
	}
}

func (rd *Redactor) headerValue(h map[string][]string, depth int) slog.Value {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	attrs := make([]slog.Attr, 0, len(keys))
	for _, k := range keys {
		if rd.sensitiveKey(k) {
			attrs = append(attrs, slog.String(k, Placeholder))
			continue
		}
		vs := make([]string, len(h[k]))
		for i, v := range h[k] {
			vs[i], _ = rd.scrub(v)
		}
		if len(vs) == 1 {
			attrs = append(attrs, slog.String(k, vs[0]))
		} else {
			attrs = append(attrs, slog.Any(k, vs))
		}
	}
	_ = depth
	return slog.GroupValue(attrs...)
}

// scrub applies the value rules to s.
func (rd *Redactor) scrub(s string) (string, bool) {
	orig := s
	if strings.Contains(s, "eyJ") {
		s = redactJWTs(s)
	}
	if len(s) > 6 && strings.EqualFold(s[:6], "basic ") {
		s = Placeholder
	}
	if strings.Contains(s, "earer") || strings.Contains(s, "EARER") {
		s = redactBearer(s)
	}
	if strings.IndexByte(s, '=') >= 0 || strings.IndexByte(s, ':') >= 0 {
		s = rd.redactPairs(s)
	}
	if rd.maskEmails && strings.IndexByte(s, '@') >= 0 {
		s = maskEmails(s)
	}
	if rd.maxLen > 0 && len(s) > rd.maxLen {
		cut := rd.maxLen
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + fmt.Sprintf("…[truncated %d bytes]", len(s)-cut)
	}
	return s, len(s) != len(orig) || s != orig
}

func isTokenChar(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' ||
		c == '-' || c == '_' || c == '+' || c == '/' || c == '='
}

func isWordChar(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_'
}

// redactJWTs replaces each base64url run that starts with "eyJ" (the
// encoding of `{"`, how every JWS and JWE header starts) at a token
// boundary, dots included.
func redactJWTs(s string) string {
	var b strings.Builder
	last := 0
	for i := 0; i+3 <= len(s); {
		j := strings.Index(s[i:], "eyJ")
		if j < 0 {
			break
		}
		start := i + j
		if start > 0 && isWordChar(s[start-1]) {
			i = start + 3
			continue
		}
		end := start + 3
		for end < len(s) && (isTokenChar(s[end]) || s[end] == '.') {
			end++
		}
		if end-start < 8 {
			i = end
			continue
		}
		b.WriteString(s[last:start])
		b.WriteString(Placeholder)
		last, i = end, end
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// redactBearer replaces the credential following each case-insensitive
// "bearer" + whitespace.
func redactBearer(s string) string {
	var b strings.Builder
	last := 0
	for i := 0; i+6 < len(s); i++ {
		if !strings.EqualFold(s[i:i+6], "bearer") || (i > 0 && isTokenChar(s[i-1])) {
			continue
		}
		j := i + 6
		if s[j] != ' ' && s[j] != '\t' && s[j] != '=' && s[j] != ':' {
			continue
		}
		for j < len(s) && (s[j] == ' ' || s[j] == '\t' || s[j] == '=' || s[j] == ':') {
			j++
		}
		k := j
		for k < len(s) && s[k] != ' ' && s[k] != '\t' && s[k] != ',' && s[k] != ';' && s[k] != '"' && s[k] != '\'' {
			k++
		}
		if k == j {
			continue
		}
		b.WriteString(s[last:j])
		b.WriteString(Placeholder)
		last = k
		i = k - 1
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

func isKeyChar(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.'
}

// redactPairs redacts the value of every key=value or key: value pair
// (query strings, form bodies, headers and "password: …" in free text,
// "key": "value" in JSON held in a string) whose key is sensitive. Quoted
// values are redacted up to their closing quote.
func (rd *Redactor) redactPairs(s string) string {
	var b strings.Builder
	last := 0
	for i := 1; i < len(s); i++ {
		if s[i] != '=' && s[i] != ':' {
			continue
		}
		kend := i
		for s[i] == ':' && kend > last && (s[kend-1] == ' ' || s[kend-1] == '\t') {
			kend--
		}
		quotedKey := kend > last && s[kend-1] == '"'
		if quotedKey {
			kend--
		}
		k := kend
		for k > last && isKeyChar(s[k-1]) {
			k--
		}
		if k == kend || !rd.sensitiveKey(s[k:kend]) {
			continue
		}
		v := i + 1
		for v < len(s) && (s[v] == ' ' || s[v] == '\t') {
			v++
		}
		e := v
		if v < len(s) && s[v] == '"' {
			v++
			e = v
			for e < len(s) && s[e] != '"' {
				if s[e] == '\\' {
					e++
				}
				e++
			}
			e = min(e, len(s))
		} else {
			for e < len(s) && !strings.ContainsRune("&; \t\r\n,\"'}", rune(s[e])) {
				e++
			}
		}
		if e == v {
			continue
		}
		b.WriteString(s[last:v])
		b.WriteString(Placeholder)
		last, i = e, e
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

func isLocalChar(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' ||
		strings.IndexByte(".!#$%&'*+/=?^_`{|}~-", c) >= 0
}

func isDomainChar(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.'
}

// maskEmails masks the local part of every address-shaped substring.
func maskEmails(s string) string {
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); i++ {
		if s[i] != '@' {
			continue
		}
		l := i
		for l > last && isLocalChar(s[l-1]) {
			l--
		}
		r := i + 1
		for r < len(s) && isDomainChar(s[r]) {
			r++
		}
		domain := strings.TrimRight(s[i+1:r], ".")
		if l == i || !strings.Contains(domain, ".") {
			continue
		}
		b.WriteString(s[last:l])
		b.WriteByte(s[l])
		b.WriteString("***@")
		b.WriteString(domain)
		last = i + 1 + len(domain)
		i = last - 1
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// Key rules.

var secretStems = []string{
	"password", "passwd", "passphrase", "secret", "token", "authorization",
	"cookie", "apikey", "privatekey", "credential", "signature", "bearer",
	"jwt", "csrf", "xsrf",
}

var secretWords = map[string]bool{
	"otp": true, "totp": true, "hotp": true, "pwd": true, "pin": true,
	"cvv": true, "cvc": true, "session": true, "sid": true,
}

var secretExact = map[string]bool{"pass": true, "auth": true, "pw": true}

// harmless qualifiers for the words "code" and "key".
var codeQualifiers = map[string]bool{
	"status": true, "error": true, "err": true, "http": true, "response": true,
	"exit": true, "return": true, "country": true, "postal": true, "zip": true,
	"currency": true, "lang": true, "language": true, "area": true,
	"region": true, "reason": true, "result": true, "source": true,
	"product": true, "locale": true,
}

var keyQualifiers = map[string]bool{
	"id": true, "kid": true, "name": true, "type": true, "size": true,
	"len": true, "length": true, "count": true, "kind": true, "alg": true,
	"algorithm": true, "version": true, "hash": true, "fingerprint": true,
	"prefix": true, "usage": true, "public": true, "pub": true,
}

// shortTriggers are substrings that make splitting a key into words
// worthwhile.
var shortTriggers = []string{"otp", "pwd", "pw", "pin", "cvv", "cvc", "session", "sid", "code", "key"}

func normalizeKey(k string) string {
	var b strings.Builder
	b.Grow(len(k))
	for i := 0; i < len(k); i++ {
		c := k[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			b.WriteByte(c)
		case c >= 'A' && c <= 'Z':
			b.WriteByte(c + 'a' - 'A')
		}
	}
	return b.String()
}

// maxKeyCache bounds the memo of key decisions (keys can come from
// clients, e.g. JSON objects logged whole).
const maxKeyCache = 4096

// sensitiveKey reports whether the value of key k must be redacted.
func (rd *Redactor) sensitiveKey(k string) bool {
	if k == "" {
		return false
	}
	if v, ok := rd.cache.Load(k); ok {
		return v.(bool)
	}
	secret := rd.classifyKey(k)
	if len(k) <= 64 && rd.cacheN.Load() < maxKeyCache {
		if _, loaded := rd.cache.LoadOrStore(k, secret); !loaded {
			rd.cacheN.Add(1)
		}
	}
	return secret
}

func (rd *Redactor) classifyKey(k string) bool {
	var stack [64]byte
	norm := stack[:0]
	for i := 0; i < len(k); i++ {
		c := k[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			norm = append(norm, c)
		case c >= 'A' && c <= 'Z':
			norm = append(norm, c+'a'-'A')
		}
	}
	if len(rd.allow) > 0 && rd.allow[string(norm)] {
		return false
	}
	if len(rd.keys) > 0 && rd.keys[string(norm)] {
		return true
	}
	if secretExact[string(norm)] {
		return true
	}
	for _, stem := range secretStems {
		if bytes.Contains(norm, []byte(stem)) {
			return true
		}
	}
	trigger := false
	for _, t := range shortTriggers {
		if bytes.Contains(norm, []byte(t)) {
			trigger = true
			break
		}
	}
	if !trigger {
		return false
	}
	words := splitWords(k)
	hasCode, hasKey, codeOK, keyOK := false, false, false, false
	for _, w := range words {
		switch {
		case secretWords[w]:
			return true
		case w == "code":
			hasCode = true
		case w == "key":
			hasKey = true
		}
		if codeQualifiers[w] {
			codeOK = true
		}
		if keyQualifiers[w] {
			keyOK = true
		}
	}
	return hasCode && !codeOK || hasKey && !keyOK
}

// splitWords splits a key into lower-case words at non-alphanumerics and
// camelCase boundaries: "otpCode" → [otp code], "HTTPStatusCode" → [http
// status code].
func splitWords(k string) []string {
	var words []string
	var cur []byte
	flush := func() {
		if len(cur) > 0 {
			words = append(words, string(cur))
			cur = cur[:0]
		}
	}
	isUpper := func(c byte) bool { return c >= 'A' && c <= 'Z' }
	isLower := func(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }
	for i := 0; i < len(k); i++ {
		c := k[i]
		switch {
		case isUpper(c):
			if i > 0 && (isLower(k[i-1]) || isUpper(k[i-1]) && i+1 < len(k) && k[i+1] >= 'a' && k[i+1] <= 'z') {
				flush()
			}
			cur = append(cur, c+'a'-'A')
		case isLower(c):
			cur = append(cur, c)
		default:
			flush()
		}
	}
	flush()
	return words
}
