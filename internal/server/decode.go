package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"regexp"
	"strings"

	"github.com/go-playground/validator/v10"
)

// decodeJSON reads exactly one JSON object from r's body into dst and
// validates it with its `validate` struct tags. It refuses, each with 4xx
// and the one error body:
//
//   - a Content-Type other than application/json (415);
//   - a body over limit bytes (413);
//   - syntax errors, trailing data after the value, and unknown fields;
//   - a value of the wrong JSON type, such as the object in
//     {"email": {"$ne": ""}} where a string is expected (400): no
//     client-controlled map ever reaches a store query;
//   - a value failing validation (400, naming the field and rule).
func (s *Server) decodeJSON(w http.ResponseWriter, r *http.Request, dst any) *apiError {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return &apiError{Status: http.StatusUnsupportedMediaType, Code: CodeUnsupportedMedia, Detail: "Content-Type must be application/json"}
	}
	body := http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes)
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return jsonError(err)
		}
		return badRequest(CodeInvalidJSON, "the body must hold exactly one JSON value")
	}
	if err := s.validate.Struct(dst); err != nil {
		return validationError(err)
	}
	return nil
}

func jsonError(err error) *apiError {
	var (
		mbe  *http.MaxBytesError
		se   *json.SyntaxError
		ute  *json.UnmarshalTypeError
		none = "the body is not valid JSON"
	)
	switch {
	case errors.As(err, &mbe):
		return &apiError{Status: http.StatusRequestEntityTooLarge, Code: CodeBodyTooLarge, Detail: fmt.Sprintf("the body is larger than %d bytes", mbe.Limit)}
	case errors.As(err, &se):
		return badRequest(CodeInvalidJSON, none)
	case errors.As(err, &ute):
		if ute.Field != "" {
			return badRequest(CodeInvalidJSON, fmt.Sprintf("field %q must be a JSON %s", ute.Field, jsonKind(ute.Type.Kind().String())))
		}
		return badRequest(CodeInvalidJSON, "the body must be a JSON object")
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return badRequest(CodeInvalidJSON, "the body is empty or truncated")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return badRequest(CodeInvalidJSON, "unknown field "+strings.TrimPrefix(err.Error(), "json: unknown field "))
	}
	return badRequest(CodeInvalidJSON, none)
}

func jsonKind(k string) string {
	switch k {
	case "string":
		return "string"
	case "bool":
		return "boolean"
	case "slice", "array":
		return "array"
	case "struct", "map":
		return "object"
	}
	return "number"
}

func validationError(err error) *apiError {
	var ves validator.ValidationErrors
	if errors.As(err, &ves) && len(ves) > 0 {
		fe := ves[0]
		return badRequest(CodeValidation, fmt.Sprintf("field %q fails %q", jsonName(fe), fe.Tag()))
	}
	return badRequest(CodeValidation, "invalid request")
}

var (
	usernameRE = regexp.MustCompile(`^[A-Za-z0-9_]+$`)
	plateRE    = regexp.MustCompile(`^[A-Za-z0-9 -]{1,12}$`)
	phoneRE    = regexp.MustCompile(`^\+?[0-9 ()-]{6,20}$`)
)

func jsonName(fe validator.FieldError) string { return fe.Field() }

// newValidator returns a validator that names fields by their json tag.
func newValidator() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			return ""
		}
		return name
	})
	_ = v.RegisterValidation("alphanumunderscore", func(fl validator.FieldLevel) bool {
		return usernameRE.MatchString(fl.Field().String())
	})
	_ = v.RegisterValidation("plate", func(fl validator.FieldLevel) bool {
		return plateRE.MatchString(fl.Field().String())
	})
	_ = v.RegisterValidation("phone", func(fl validator.FieldLevel) bool {
		return phoneRE.MatchString(fl.Field().String())
	})
	return v
}
