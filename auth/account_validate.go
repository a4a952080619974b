package auth

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/go-playground/validator/v10"

	"github.com/autospot/autospot/password"
)

// Field limits of a registration.
const (
	MinUsernameLen = 3
	MaxUsernameLen = 30
	MinFullNameLen = 2
	MaxFullNameLen = 100
	// MaxEmailLen is RFC 5321's limit on a forward path.
	MaxEmailLen = 254
)

// FieldError is one invalid field of a request.
type FieldError struct {
	// Field is the JSON-style name: "email", "username", "full_name",
	// "password".
	Field string
	// Code is a stable identifier: "required", "invalid", "too_short",
	// "too_long", "blocked_domain", "policy".
	Code string
	// Violations lists the failed password rules when Code is "policy".
	Violations []password.Violation
}

// ValidationError lists the invalid fields of a request. It matches
// [ErrInvalidInput]; get it with errors.As. It never says whether an email
// or username is registered.
type ValidationError struct {
	Fields []FieldError
}

func (e *ValidationError) Error() string {
	parts := make([]string, 0, len(e.Fields))
	for _, f := range e.Fields {
		parts = append(parts, f.Field+": "+f.Code)
	}
	return "auth: invalid input: " + strings.Join(parts, ", ")
}

// Unwrap returns [ErrInvalidInput], and also [password.ErrPolicy] when the
// password failed the policy, so callers can tell that case apart.
func (e *ValidationError) Unwrap() []error {
	if e.Has("password", "policy") {
		return []error{ErrInvalidInput, password.ErrPolicy}
	}
	return []error{ErrInvalidInput}
}

// Has reports whether field failed with code.
func (e *ValidationError) Has(field, code string) bool {
	for _, f := range e.Fields {
		if f.Field == field && f.Code == code {
			return true
		}
	}
	return false
}

// registration is what the validator checks; fields are already trimmed.
type registration struct {
	Email    string `validate:"required,max=254,email"`
	Username string `validate:"required,min=3,max=30,autospot_username"`
	FullName string `validate:"required,min=2,max=100,autospot_fullname"`
	Password string `validate:"required,autospot_password=Email Username FullName"`
}

var fieldNames = map[string]string{
	"Email":    "email",
	"Username": "username",
	"FullName": "full_name",
	"Password": "password",
}

func newAccountValidator(p password.Policy) (*validator.Validate, error) {
	v := validator.New(validator.WithRequiredStructEnabled())
	if err := v.RegisterValidation("autospot_username", func(fl validator.FieldLevel) bool {
		return validUsername(fl.Field().String())
	}); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidConfig, err)
	}
	if err := v.RegisterValidation("autospot_fullname", func(fl validator.FieldLevel) bool {
		return validFullName(fl.Field().String())
	}); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidConfig, err)
	}
	if err := password.RegisterValidation(v, "autospot_password", p); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidConfig, err)
	}
	return v, nil
}

// validUsername reports whether s is 3–30 of [A-Za-z0-9_].
func validUsername(s string) bool {
	if len(s) < MinUsernameLen || len(s) > MaxUsernameLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// validFullName reports whether s is valid UTF-8 of printable characters
// (letters, marks, spaces, punctuation …), without control or format
// characters such as CR, LF or bidi overrides.
func validFullName(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError {
			return false
		}
		if !unicode.IsPrint(r) && r != ' ' {
			return false
		}
	}
	return true
}

// NormalizeEmail trims and lower-cases an email address, the form stored
// and looked up. It does not validate.
func NormalizeEmail(s string) string {
	return strings.ToLower(strings.TrimSpace(s))
}

// NormalizeUsername trims and lower-cases a username: usernames are
// unique without regard to case.
func NormalizeUsername(s string) string {
	return strings.ToLower(strings.TrimSpace(s))
}

// emailDomain returns the part after the last "@".
func emailDomain(email string) string {
	if i := strings.LastIndexByte(email, '@'); i >= 0 {
		return email[i+1:]
	}
	return ""
}

func (a *Accounts) blockedDomain(email string) bool {
	d := emailDomain(email)
	for _, b := range a.blocked {
		if d == b || strings.HasSuffix(d, "."+b) {
			return true
		}
	}
	return false
}

// validateRegistration normalises r in place and checks it. It returns nil
// or a *ValidationError.
func (a *Accounts) validateRegistration(r *RegisterRequest) error {
	r.Email = NormalizeEmail(r.Email)
	r.Username = strings.TrimSpace(r.Username)
	r.FullName = strings.TrimSpace(r.FullName)
	verr, err := checkAccountFields(a.validate, a.policy, registration{Email: r.Email, Username: r.Username, FullName: r.FullName, Password: r.Password})
	if err != nil {
		return err
	}
	if !verr.Has("email", "invalid") && !verr.Has("email", "required") && !verr.Has("email", "too_long") && a.blockedDomain(r.Email) {
		verr.Fields = append(verr.Fields, FieldError{Field: "email", Code: "blocked_domain"})
	}
	if len(verr.Fields) > 0 {
		return verr
	}
	r.Username = NormalizeUsername(r.Username)
	return nil
}

// ValidateAccount checks the fields of an account that is created without
// the registration flow (an administrator or operator provisioned by an
// administrator or on the command line) by the rules [Accounts.Register]
// applies: email (trimmed and lower-cased first), username 3–30 of
// [A-Za-z0-9_], full name 2–100 printable characters (no control, format
// or bidi characters), and password by policy with the account's details
// as context. The email domain blocklist, an option of [Accounts], is not
// applied. It returns nil or a *[ValidationError] (matching
// [ErrInvalidInput]).
func ValidateAccount(email, username, fullName, pw string, policy password.Policy) error {
	v, err := newAccountValidator(policy)
	if err != nil {
		return err
	}
	verr, err := checkAccountFields(v, policy, registration{Email: NormalizeEmail(email),
		Username: strings.TrimSpace(username), FullName: strings.TrimSpace(fullName), Password: pw})
	if err != nil {
		return err
	}
	if len(verr.Fields) > 0 {
		return verr
	}
	return nil
}

// checkAccountFields runs the registration rules over in and lists every
// failed field (an empty list when all pass).
func checkAccountFields(v *validator.Validate, policy password.Policy, in registration) (*ValidationError, error) {
	verr := &ValidationError{}
	err := v.Struct(in)
	var ves validator.ValidationErrors
	if err != nil && !errors.As(err, &ves) {
		return nil, fmt.Errorf("auth: validate account: %w", err)
	}
	for _, fe := range ves {
		f := FieldError{Field: fieldNames[fe.StructField()], Code: "invalid"}
		switch fe.Tag() {
		case "required":
			f.Code = "required"
		case "min":
			f.Code = "too_short"
		case "max":
			f.Code = "too_long"
		case "autospot_password":
			f.Code = "policy"
			var pe *password.PolicyError
			if errors.As(policy.Check(in.Password, password.UserInfo{Email: in.Email, Username: in.Username, Name: in.FullName}), &pe) {
				f.Violations = pe.Violations
			}
		}
		verr.Fields = append(verr.Fields, f)
	}
	return verr, nil
}

// checkNewPassword checks a new password (change, reset) against the
// policy with the user's details.
func (a *Accounts) checkNewPassword(pw string, u User) error {
	err := a.policy.Check(pw, password.UserInfo{Email: u.Email, Username: u.Username, Name: u.FullName})
	if err == nil {
		return nil
	}
	var pe *password.PolicyError
	if errors.As(err, &pe) {
		return &ValidationError{Fields: []FieldError{{Field: "password", Code: "policy", Violations: pe.Violations}}}
	}
	return fmt.Errorf("auth: password policy: %w", err)
}
