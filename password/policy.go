package password

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/trustelem/zxcvbn"
	"golang.org/x/text/unicode/norm"
)

// Policy says which new passwords are acceptable. Build one from a preset,
// [AutoSpot], [NIST] or [NISTSingleFactor], and adjust its fields if needed;
// zero fields take the defaults documented on them. A Policy is a value:
// safe for concurrent use as long as nobody changes it.
type Policy struct {
	// MinLength is the minimum length in characters (Unicode code points,
	// counted after NFC normalisation). Default 8.
	MinLength int
	// MaxLength is the maximum length in characters. Default 128, the
	// seed's; at most 256, so that any accepted password fits
	// [MaxPasswordBytes].
	MaxLength int
	// Composition rules of the seed (not recommended by NIST SP 800-63B or
	// ASVS 6.2.5, which say to use length and a blocklist instead).
	// "Special" is any character that is not a letter or a digit, such as
	// punctuation, symbols and spaces.
	RequireUpper, RequireLower, RequireDigit, RequireSpecial bool
	// MinScore is the lowest zxcvbn strength score (1–4) accepted. Default
	// 3, "safely unguessable" (about 10^8 guesses and up). zxcvbn's lists of
	// common passwords, names and words, its keyboard, date, repeat and
	// l33t patterns, and the user's own details all lower the score.
	MinScore int
	// ContextWords are words of the service that no password may contain,
	// compared without case (for example "autospot").
	ContextWords []string
}

// AutoSpot is the seed's policy: 8 to 128 characters with at least one
// upper-case letter, lower-case letter, digit and special character, not a
// common or guessable password (zxcvbn score ≥ 3), and not containing the
// user's details or the service's name.
func AutoSpot() Policy {
	return Policy{
		MinLength: 8, MaxLength: 128,
		RequireUpper: true, RequireLower: true, RequireDigit: true, RequireSpecial: true,
		MinScore:     DefaultMinScore,
		ContextWords: []string{"autospot"},
	}
}

// NIST follows NIST SP 800-63B-4 for a password used with a second factor:
// at least 8 characters, at most 128 (the standard asks for ≥ 64 to be
// allowed), no composition rules, and a blocklist of common, guessable and
// context-specific passwords (zxcvbn score ≥ 3, the user's details).
func NIST() Policy {
	return Policy{MinLength: 8, MaxLength: 128, MinScore: DefaultMinScore}
}

// NISTSingleFactor is [NIST] for a password that is the only factor: SP
// 800-63B-4 then asks for at least 15 characters.
func NISTSingleFactor() Policy {
	p := NIST()
	p.MinLength = 15
	return p
}

const (
	// DefaultMinScore is [Policy.MinScore]'s default.
	DefaultMinScore = 3
	// maxPolicyLength keeps every accepted password within MaxPasswordBytes.
	maxPolicyLength = MaxPasswordBytes / utf8.UTFMax
	// strengthWindow is how many leading characters zxcvbn scores. Its
	// matching is quadratic in the length times the l33t substitutions
	// tried: about 0.3 s for 128 crafted characters, 15 ms for 32, 3 ms for
	// 24 on an idle core. Scoring a prefix only ever rejects more: a
	// password whose first 24 characters are guessable fails, and one whose
	// first 24 are strong is strong. User details are searched in the whole
	// password all the same.
	strengthWindow = 24
	// minContextWord is the shortest user detail looked for in a password
	// (the seed's usernames have at least 3 characters).
	minContextWord = 3
)

// Code is the stable identifier of a failed rule, for forms and APIs.
type Code string

// The rules a password can fail.
const (
	CodeTooShort         Code = "too_short"
	CodeTooLong          Code = "too_long"
	CodeMissingUpper     Code = "missing_upper"
	CodeMissingLower     Code = "missing_lower"
	CodeMissingDigit     Code = "missing_digit"
	CodeMissingSpecial   Code = "missing_special"
	CodeInvalidCharacter Code = "invalid_character" // control characters or invalid UTF-8
	CodeCommon           Code = "common"            // is, or is built from, a common password
	CodeGuessable        Code = "guessable"         // low zxcvbn score for another reason
	CodeUserInfo         Code = "contains_user_info"
)

// Violation is one failed rule: a stable Code and an English Message fit
// to show the user.
type Violation struct {
	Code    Code
	Message string
}

// ErrPolicy is matched (with [errors.Is]) by every [*PolicyError].
var ErrPolicy = errors.New("password: password does not meet the policy")

// PolicyError lists every rule a password failed, in a fixed order, so a
// form can show them all at once. Get it with [errors.As].
type PolicyError struct {
	Violations []Violation
}

func (e *PolicyError) Error() string {
	codes := make([]string, len(e.Violations))
	for i, v := range e.Violations {
		codes[i] = string(v.Code)
	}
	return ErrPolicy.Error() + ": " + strings.Join(codes, ", ")
}

// Unwrap returns [ErrPolicy].
func (e *PolicyError) Unwrap() error { return ErrPolicy }

// Has reports whether the error lists code.
func (e *PolicyError) Has(code Code) bool {
	for _, v := range e.Violations {
		if v.Code == code {
			return true
		}
	}
	return false
}

// UserInfo is what is known about the user whose password is checked; a
// password may not contain any of it. Every field may be empty.
type UserInfo struct {
	// Email: only the local part (before the last "@") is used, whole and
	// split at ".", "_", "-", "+" and the like.
	Email string
	// Username, whole and split like the email's local part.
	Username string
	// Name, whole and word by word.
	Name string
	// Other details (phone number, car plate …), each used like Username.
	Other []string
}

// Check returns nil if pw meets the policy, a [*PolicyError] listing every
// failed rule if not, or an error wrapping [ErrInvalidConfig] if the policy
// itself is out of range. Parts of words shorter than 3 characters are not
// looked for.
func (p Policy) Check(pw string, u UserInfo) error {
	p, err := p.withDefaults()
	if err != nil {
		return err
	}
	var vs []Violation
	add := func(c Code, format string, args ...any) {
		vs = append(vs, Violation{Code: c, Message: fmt.Sprintf(format, args...)})
	}
	n := Normalize(pw)
	length := utf8.RuneCountInString(n)
	if length < p.MinLength {
		add(CodeTooShort, "Password must be at least %d characters long.", p.MinLength)
	}
	if length > p.MaxLength || len(pw) > MaxPasswordBytes {
		add(CodeTooLong, "Password must be at most %d characters long.", p.MaxLength)
	}
	var upper, lower, digit, special, invalid bool
	for _, r := range n {
		switch {
		case r == utf8.RuneError || unicode.IsControl(r):
			invalid = true
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsLower(r):
			lower = true
		case unicode.IsDigit(r):
			digit = true
		case !unicode.IsLetter(r) && !unicode.IsNumber(r):
			special = true
		}
	}
	if p.RequireUpper && !upper {
		add(CodeMissingUpper, "Password must contain an upper-case letter.")
	}
	if p.RequireLower && !lower {
		add(CodeMissingLower, "Password must contain a lower-case letter.")
	}
	if p.RequireDigit && !digit {
		add(CodeMissingDigit, "Password must contain a digit.")
	}
	if p.RequireSpecial && !special {
		add(CodeMissingSpecial, "Password must contain a special character (one that is not a letter or digit).")
	}
	if invalid || !utf8.ValidString(pw) {
		add(CodeInvalidCharacter, "Password must not contain control characters.")
	}

	words := contextWords(u, p.ContextWords)
	lowerPw := strings.ToLower(n)
	userInfo := false
	for _, w := range words {
		if strings.Contains(lowerPw, w) {
			userInfo = true
		}
	}
	window := strings.ToValidUTF8(n, "\uFFFD") // zxcvbn scores invalid UTF-8 as 0
	if length > strengthWindow {
		window = string([]rune(window)[:strengthWindow])
	}
	res := zxcvbn.PasswordStrength(window, words)
	common := false
	for _, m := range res.Sequence {
		switch {
		case m.DictionaryName == "user_inputs" && utf8.RuneCountInString(m.Token) >= minContextWord:
			userInfo = true // l33t or reversed user details that plain search missed
		case m.DictionaryName == "passwords":
			common = true
		}
	}
	if userInfo {
		add(CodeUserInfo, "Password must not contain your name, username, email address or the name of this service.")
	}
	if res.Score < p.MinScore {
		if common {
			add(CodeCommon, "Password is a commonly used password, or is built from one.")
		} else {
			add(CodeGuessable, "Password is too easy to guess: avoid words, names, dates, repeats and keyboard patterns, or make it longer.")
		}
	}
	if len(vs) > 0 {
		return &PolicyError{Violations: vs}
	}
	return nil
}

func (p Policy) withDefaults() (Policy, error) {
	if p.MinLength == 0 {
		p.MinLength = 8
	}
	if p.MaxLength == 0 {
		p.MaxLength = 128
	}
	if p.MinScore == 0 {
		p.MinScore = DefaultMinScore
	}
	switch {
	case p.MinLength < 1 || p.MinLength > p.MaxLength:
		return p, fmt.Errorf("%w: MinLength %d must be in 1..MaxLength (%d)", ErrInvalidConfig, p.MinLength, p.MaxLength)
	case p.MaxLength > maxPolicyLength:
		return p, fmt.Errorf("%w: MaxLength %d > %d", ErrInvalidConfig, p.MaxLength, maxPolicyLength)
	case p.MinScore < 1 || p.MinScore > 4:
		return p, fmt.Errorf("%w: MinScore %d outside 1..4", ErrInvalidConfig, p.MinScore)
	}
	return p, nil
}

// Normalize returns pw in Unicode Normalization Form C, as RFC 8265's
// OpaqueString profile prescribes, so that "é" typed as one code point or as
// "e" plus a combining accent is the same password. [Policy.Check] counts
// and compares characters of the normalised form. [Hasher] hashes the bytes
// it is given: to make the two forms log in alike, pass Normalize(pw) to
// both Hash and Verify (passlib did not normalise; almost every input
// method already sends NFC, so existing hashes keep verifying).
func Normalize(pw string) string { return norm.NFC.String(pw) }

// contextWords lists, lower-cased and normalised, the user's details and the
// service's words a password may not contain: each value whole (an email
// cut at its last "@"), its parts split at anything that is not a letter or
// digit, and those parts run together; only those of 3 characters or more.
func contextWords(u UserInfo, service []string) []string {
	var words []string
	seen := map[string]bool{}
	add := func(w string) {
		if utf8.RuneCountInString(w) >= minContextWord && !seen[w] {
			seen[w] = true
			words = append(words, w)
		}
	}
	values := append([]string{u.Email, u.Username, u.Name}, u.Other...)
	values = append(values, service...)
	for _, v := range values {
		v = strings.ToLower(Normalize(strings.TrimSpace(v)))
		if i := strings.LastIndexByte(v, '@'); i >= 0 {
			v = v[:i]
		}
		add(v)
		parts := strings.FieldsFunc(v, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) })
		for _, part := range parts {
			add(part)
		}
		if len(parts) > 1 {
			add(strings.Join(parts, ""))
		}
	}
	return words
}
