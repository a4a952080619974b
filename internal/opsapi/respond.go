package opsapi

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strconv"

	"github.com/autospot/autospot/audit"
	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/internal/parking"
)

// apiError is a failure with its HTTP status and machine-readable code.
type apiError struct {
	Status int
	Code   string
	Detail string
}

func badRequest(code, detail string) *apiError {
	return &apiError{Status: http.StatusBadRequest, Code: code, Detail: detail}
}

func notFound(detail string) *apiError {
	return &apiError{Status: http.StatusNotFound, Code: "not_found", Detail: detail}
}

func conflict(code, detail string) *apiError {
	return &apiError{Status: http.StatusConflict, Code: code, Detail: detail}
}

var errInternal = &apiError{Status: http.StatusInternalServerError, Code: "internal_error", Detail: "Internal server error"}

func writeErr(w http.ResponseWriter, e *apiError) { auth.WriteError(w, e.Status, e.Code, e.Detail) }

func forbidden(w http.ResponseWriter) {
	auth.WriteError(w, http.StatusForbidden, "forbidden", "Insufficient permissions")
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// internal logs a store failure (never request data) and answers 500.
func (a *api) internal(w http.ResponseWriter, r *http.Request, op string, err error) {
	a.d.Logger.ErrorContext(r.Context(), "opsapi: store failure", "op", op, "error", err.Error())
	writeErr(w, errInternal)
}

// decode reads exactly one JSON object into dst: Content-Type
// application/json (415), at most MaxBodyBytes (413), no unknown fields,
// no trailing data, types as declared — an object where a string is
// expected ({"$ne": ""}) is a 400, so no client map reaches a query.
func (a *api) decode(w http.ResponseWriter, r *http.Request, dst any) *apiError {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return &apiError{Status: http.StatusUnsupportedMediaType, Code: "unsupported_media_type", Detail: "Content-Type must be application/json"}
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, a.d.MaxBodyBytes))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return &apiError{Status: http.StatusRequestEntityTooLarge, Code: "body_too_large", Detail: "request body too large"}
		}
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return badRequest("invalid_json", "field "+strconv.Quote(te.Field)+" has the wrong type")
		}
		return badRequest("invalid_json", "malformed JSON body")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return badRequest("invalid_json", "the body must hold exactly one JSON value")
	}
	return nil
}

// driver returns the caller's user id from the token: identity is never
// taken from a parameter.
func driver(r *http.Request) string {
	c, _ := auth.ClaimsFrom(r.Context())
	if c == nil {
		return ""
	}
	return c.Subject
}

// intParam parses an optional integer query parameter within [lo, hi].
func intParam(r *http.Request, name string, def, lo, hi int) (int, *apiError) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, &apiError{Status: http.StatusUnprocessableEntity, Code: "invalid_parameter",
			Detail: name + " must be an integer from " + strconv.Itoa(lo) + " to " + strconv.Itoa(hi)}
	}
	return n, nil
}

// audit records a sensitive operation by the caller when Deps.Audit is
// set. Targets are ids, never card data or tokens.
func (a *api) audit(r *http.Request, action, target string, outcome audit.Outcome, reason string, extra ...slog.Attr) {
	if a.d.Audit == nil {
		return
	}
	actor := audit.Actor{}
	if c, ok := auth.ClaimsFrom(r.Context()); ok {
		actor.ID = c.Subject
		if len(c.Roles) > 0 {
			actor.Role = string(c.Roles[0])
		}
	}
	a.d.Audit.Log(r.Context(), audit.Event{Action: action, Outcome: outcome, Reason: reason, Actor: actor, Target: target, Extra: extra})
}

func slotTarget(r parking.SlotRef) string {
	return r.Building + "/" + strconv.Itoa(r.Level) + "/" + r.ID
}
