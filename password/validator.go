package password

import (
	"reflect"
	"strings"

	"github.com/go-playground/validator/v10"
)

// RegisterValidation registers tag (for example "password") on v, so that
// request structs validate a string field with p:
//
//	Password string `validate:"required,password=Email Username FullName"`
//
// The optional parameter names sibling fields (dotted paths work too) whose
// values are the user's details: the password may not contain them. An
// email-looking value counts by its local part. A named field that does not
// exist, or a field that is not a string, fails validation. validator only
// reports the tag that failed; call [Policy.Check] for the list of rules.
//
// It returns an error wrapping [ErrInvalidConfig] if p is out of range.
// Register before validating: validator's registration is not safe for
// concurrent use.
func RegisterValidation(v *validator.Validate, tag string, p Policy) error {
	if _, err := p.withDefaults(); err != nil {
		return err
	}
	return v.RegisterValidation(tag, func(fl validator.FieldLevel) bool {
		f := fl.Field()
		if f.Kind() != reflect.String {
			return false
		}
		var u UserInfo
		for _, name := range strings.Fields(fl.Param()) {
			sib, kind, _, ok := fl.GetStructFieldOKAdvanced2(fl.Parent(), name)
			if !ok || kind != reflect.String {
				return false
			}
			u.Other = append(u.Other, sib.String())
		}
		return p.Check(f.String(), u) == nil
	})
}
