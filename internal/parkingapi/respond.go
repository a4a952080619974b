package parkingapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/autospot/autospot/headers"
	"github.com/autospot/autospot/internal/parking"
	"github.com/autospot/autospot/internal/parking/fare"
	"github.com/autospot/autospot/internal/parking/mapimage"
	"github.com/autospot/autospot/internal/parking/route"
	"github.com/autospot/autospot/upload"
)

// ErrorBody is the error shape of every response of this package, the
// same as the reference server's.
type ErrorBody struct {
	Detail    string `json:"detail"`
	ErrorCode string `json:"error_code"`
	RequestID string `json:"request_id"`
}

// apiError is an error a handler answers with.
type apiError struct {
	status int
	code   string
	detail string
}

func (e *apiError) Error() string { return e.code + ": " + e.detail }

func errorf(status int, code, format string, args ...any) *apiError {
	return &apiError{status: status, code: code, detail: fmt.Sprintf(format, args...)}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", headers.ContentTypeJSON)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// fail writes err as the error body: an *apiError as it is, the domain
// packages' sentinels mapped to their statuses, anything else as a 500
// (logged, never shown).
func (a *API) fail(w http.ResponseWriter, r *http.Request, err error) {
	e := a.classify(err)
	if e.status >= 500 {
		a.log.ErrorContext(r.Context(), "parkingapi: request failed", "pattern", r.Pattern, "err", err)
	}
	w.Header().Set("Content-Type", headers.ContentTypeJSON)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(e.status)
	_ = json.NewEncoder(w).Encode(ErrorBody{Detail: e.detail, ErrorCode: e.code, RequestID: headers.RequestID(r.Context())})
}

func (a *API) classify(err error) *apiError {
	var (
		ae  *apiError
		ue  *upload.Error
		mbe *http.MaxBytesError
	)
	switch {
	case errors.As(err, &ae):
		return ae
	case errors.As(err, &ue):
		return &apiError{status: ue.Status(), code: CodeUpload, detail: ue.Message}
	case errors.As(err, &mbe):
		return errorf(http.StatusRequestEntityTooLarge, CodeTooLarge, "the body is larger than %d bytes", mbe.Limit)
	case errors.Is(err, route.ErrInvalidPoint):
		return errorf(http.StatusBadRequest, CodeInvalidPoint, "%s", trimPrefix(err))
	case errors.Is(err, route.ErrWrongKind):
		return errorf(http.StatusBadRequest, CodeWrongKind, "%s", trimPrefix(err))
	case errors.Is(err, route.ErrNotFound):
		return errorf(http.StatusNotFound, CodeNotFound, "%s", trimPrefix(err))
	case errors.Is(err, route.ErrNoPath):
		return errorf(http.StatusNotFound, CodeNoPath, "%s", trimPrefix(err))
	case errors.Is(err, route.ErrNoSlot):
		return errorf(http.StatusNotFound, CodeNoSlot, "%s", trimPrefix(err))
	case errors.Is(err, parking.ErrTooLarge):
		return errorf(http.StatusRequestEntityTooLarge, CodeTooLarge, "the map document is larger than %d bytes", parking.MaxMapJSONBytes)
	case errors.Is(err, parking.ErrInvalidMap):
		return errorf(http.StatusBadRequest, CodeValidation, "%s", trimPrefix(err))
	case errors.Is(err, parking.ErrNotFound):
		return errorf(http.StatusNotFound, CodeNotFound, "not found")
	case errors.Is(err, parking.ErrVersionConflict):
		return errorf(http.StatusConflict, CodeConflict, "%s; read it again and retry", trimPrefix(err))
	case errors.Is(err, parking.ErrDuplicate):
		return errorf(http.StatusConflict, CodeConflict, "%s", trimPrefix(err))
	case errors.Is(err, fare.ErrMalformed), errors.Is(err, fare.ErrInvalidDuration):
		return errorf(http.StatusUnprocessableEntity, CodeMalformed, "%s", trimPrefix(err))
	case errors.Is(err, fare.ErrOutOfRange):
		return errorf(http.StatusBadRequest, CodeBadRequest, "%s", trimPrefix(err))
	case errors.Is(err, fare.ErrInvalidRates):
		return errorf(http.StatusBadRequest, CodeValidation, "%s", trimPrefix(err))
	case errors.Is(err, mapimage.ErrUnrecognised):
		return errorf(http.StatusUnprocessableEntity, CodeUnrecognised, "%s", trimPrefix(err))
	case errors.Is(err, mapimage.ErrTooLarge):
		return errorf(http.StatusRequestEntityTooLarge, CodeTooLarge, "%s", trimPrefix(err))
	case errors.Is(err, mapimage.ErrDecode), errors.Is(err, mapimage.ErrTooSmall), errors.Is(err, mapimage.ErrOptions):
		return errorf(http.StatusBadRequest, CodeBadRequest, "%s", trimPrefix(err))
	}
	return errorf(http.StatusInternalServerError, CodeInternal, "internal error")
}

// trimPrefix drops the "pkg: " prefix of a library error for the client.
func trimPrefix(err error) string {
	s := err.Error()
	for _, p := range []string{"parking: ", "route: ", "fare: ", "mapimage: "} {
		s = strings.TrimPrefix(s, p)
	}
	return s
}

// decodeJSON reads exactly one JSON value of at most limit bytes into dst:
// Content-Type must be application/json (415), unknown fields, trailing
// data and wrong types are 400, an oversized body 413.
func decodeJSON(w http.ResponseWriter, r *http.Request, dst any, limit int64) error {
	body, err := readJSONBody(w, r, limit)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errorf(http.StatusBadRequest, CodeInvalidJSON, "the body must hold exactly one JSON value")
	}
	return nil
}

// readJSONBody checks the content type and reads at most limit bytes.
func readJSONBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return nil, errorf(http.StatusUnsupportedMediaType, CodeUnsupportedMedia, "Content-Type must be application/json")
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, err
		}
		return nil, errorf(http.StatusBadRequest, CodeInvalidJSON, "the body could not be read")
	}
	return body, nil
}

func jsonError(err error) error {
	var (
		se  *json.SyntaxError
		ute *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &se):
		return errorf(http.StatusBadRequest, CodeInvalidJSON, "the body is not valid JSON")
	case errors.As(err, &ute):
		if ute.Field != "" {
			return errorf(http.StatusBadRequest, CodeInvalidJSON, "field %q has the wrong JSON type", ute.Field)
		}
		return errorf(http.StatusBadRequest, CodeInvalidJSON, "the body must be a JSON object")
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return errorf(http.StatusBadRequest, CodeInvalidJSON, "the body is empty or truncated")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return errorf(http.StatusBadRequest, CodeInvalidJSON, "unknown field %s", strings.TrimPrefix(err.Error(), "json: unknown field "))
	}
	return errorf(http.StatusBadRequest, CodeInvalidJSON, "the body is not valid JSON")
}
