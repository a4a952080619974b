package parkingapi

import "errors"

// ErrInvalidDeps reports a [Deps] missing a required field or holding an
// unusable value (a rate-limit policy that does not parse).
var ErrInvalidDeps = errors.New("parkingapi: invalid dependencies")

// Error codes of the error body, besides the server's own (bad_request,
// invalid_json, validation_error, not_found, conflict, forbidden,
// unsupported_media_type, body_too_large, internal_error).
const (
	CodeBadRequest       = "bad_request"
	CodeInvalidJSON      = "invalid_json"
	CodeValidation       = "validation_error"
	CodeUnsupportedMedia = "unsupported_media_type"
	CodeNotFound         = "not_found"
	CodeConflict         = "conflict"
	CodeForbidden        = "forbidden"
	CodeTooLarge         = "body_too_large"
	CodeInternal         = "internal_error"
	CodeInvalidPoint     = "invalid_point"   // malformed "level,x,y" or id
	CodeWrongKind        = "wrong_kind"      // an id of the wrong kind for the query
	CodeNoPath           = "no_path"         // nothing joins the points
	CodeNoSlot           = "no_slot"         // no available slot reachable
	CodeMalformed        = "malformed_input" // a fare field that does not match its pattern (422)
	CodeUnrecognised     = "unrecognised_image"
	CodeUpload           = "upload_rejected"
)
