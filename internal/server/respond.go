package server

import (
	"encoding/json"
	"net/http"

	"github.com/autospot/autospot/headers"
)

// ErrorBody is the one error shape of every response the server writes,
// including those of the library middlewares (rewritten by [envelope]) and
// the mux's 404 and 405.
type ErrorBody struct {
	Detail    string `json:"detail"`
	ErrorCode string `json:"error_code"`
	RequestID string `json:"request_id"`
}

// Error codes written by the server's own handlers.
const (
	CodeBadRequest       = "bad_request"
	CodeInvalidJSON      = "invalid_json"
	CodeValidation       = "validation_error"
	CodeUnsupportedMedia = "unsupported_media_type"
	CodeNotFound         = "not_found"
	CodeMethodNotAllowed = "method_not_allowed"
	CodeBodyTooLarge     = "body_too_large"
	CodeInternal         = "internal_error"
	CodeUnavailable      = "unavailable"
	CodeBadCredentials   = "invalid_credentials"
	CodeConflict         = "conflict"
	CodeForbidden        = "forbidden"
)

// apiError is an error a handler answers with.
type apiError struct {
	Status int
	Code   string
	Detail string
}

func (e *apiError) Error() string { return e.Code + ": " + e.Detail }

func badRequest(code, detail string) *apiError {
	return &apiError{Status: http.StatusBadRequest, Code: code, Detail: detail}
}

// writeJSON writes v as JSON with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", headers.ContentTypeJSON)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeError writes the one error body. The envelope adds request_id
// when it is missing, so this and the library middlewares agree.
func writeError(w http.ResponseWriter, r *http.Request, e *apiError) {
	writeJSON(w, e.Status, ErrorBody{Detail: e.Detail, ErrorCode: e.Code, RequestID: headers.RequestID(r.Context())})
}

// codeFor names the error code of a status when the writer gave none.
func codeFor(status int) string {
	switch status {
	case http.StatusNotFound:
		return CodeNotFound
	case http.StatusMethodNotAllowed:
		return CodeMethodNotAllowed
	case http.StatusRequestEntityTooLarge:
		return CodeBodyTooLarge
	case http.StatusUnauthorized:
		return "not_authenticated"
	case http.StatusForbidden:
		return CodeForbidden
	case http.StatusTooManyRequests:
		return "rate_limited"
	case http.StatusServiceUnavailable:
		return CodeUnavailable
	}
	if status >= 500 {
		return CodeInternal
	}
	return CodeBadRequest
}
