package upload

import (
	"context"
	"errors"
	"net/http"
)

// Sentinel errors. Every rejection of an upload is an [*Error] that wraps
// one of them; check with [errors.Is] and turn any error into an HTTP
// status with [HTTPStatus].
var (
	// ErrTooLarge: the file is bigger than Config.MaxSize (413).
	ErrTooLarge = errors.New("upload: file too large")

	// ErrEmpty: the file has no content (400).
	ErrEmpty = errors.New("upload: empty file")

	// ErrNoFile: the request carries no file in the expected form field, or
	// is not multipart/form-data (400).
	ErrNoFile = errors.New("upload: no file in request")

	// ErrExtension: the file name's extension is not in the allowlist, or
	// the name hides a script extension (x.php.png) (415).
	ErrExtension = errors.New("upload: file extension not allowed")

	// ErrType: the content, identified from its magic bytes, is not an
	// allowed image type (an SVG, HTML page, script, archive …) (415).
	ErrType = errors.New("upload: file type not allowed")

	// ErrTypeMismatch: the content is an allowed image type but not the one
	// the extension names (a GIF called .png) (415).
	ErrTypeMismatch = errors.New("upload: file content does not match its extension")

	// ErrUnsafeContent: the image carries something besides the image: HTML
	// or script markup, or data after the image's end marker (a polyglot)
	// (415).
	ErrUnsafeContent = errors.New("upload: file contains unsafe content")

	// ErrDimensions: the image's declared width, height or pixel count is
	// above the configured limit (a pixel flood) (413).
	ErrDimensions = errors.New("upload: image dimensions too large")

	// ErrCorrupt: the file claims to be an image but cannot be read as one (400).
	ErrCorrupt = errors.New("upload: image is damaged or incomplete")

	// ErrInfected: the virus scanner reported the file (400).
	ErrInfected = errors.New("upload: file rejected by virus scanner")

	// ErrScanFailed: the virus scanner could not give an answer; the upload
	// is refused rather than stored unscanned (503).
	ErrScanFailed = errors.New("upload: virus scan failed")

	// ErrName: a stored-file name given to [Store.Open] or [Store.Remove] is
	// not one [Store] generates (404 when served).
	ErrName = errors.New("upload: invalid stored file name")
)

// Error is a rejected upload. Message is written for the person who sent
// the file ("the file is 12.3 MiB; the limit is 10 MiB") and is safe to
// return in a response: it never holds paths or internal details, which
// stay in Cause.
type Error struct {
	// Kind is one of the package's sentinel errors, such as [ErrTooLarge].
	Kind error
	// Message explains the rejection to the uploader.
	Message string
	// Cause is the underlying error, if any, for logs.
	Cause error
}

func (e *Error) Error() string { return "upload: " + e.Message }

// Unwrap returns Kind and Cause, so [errors.Is] matches either.
func (e *Error) Unwrap() []error {
	if e.Cause == nil {
		return []error{e.Kind}
	}
	return []error{e.Kind, e.Cause}
}

// Status returns the HTTP status code for the rejection: 413 for size and
// dimension limits, 415 for file types, 503 when the scanner failed, 400
// otherwise.
func (e *Error) Status() int {
	switch e.Kind {
	case ErrTooLarge, ErrDimensions:
		return http.StatusRequestEntityTooLarge
	case ErrExtension, ErrType, ErrTypeMismatch, ErrUnsafeContent:
		return http.StatusUnsupportedMediaType
	case ErrScanFailed:
		return http.StatusServiceUnavailable
	case ErrName:
		return http.StatusNotFound
	default:
		return http.StatusBadRequest
	}
}

// HTTPStatus maps err to an HTTP status code: the [*Error.Status] of an
// upload rejection, 413 for an [*http.MaxBytesError], 400 for a cancelled
// or timed-out upload, 200 for nil, and 500 for anything else (a disk
// error, say), which should not be shown to the client.
func HTTPStatus(err error) int {
	if err == nil {
		return http.StatusOK
	}
	var ue *Error
	if errors.As(err, &ue) {
		return ue.Status()
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return http.StatusRequestEntityTooLarge
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return http.StatusBadRequest
	}
	return http.StatusInternalServerError
}

func reject(kind error, msg string, cause error) *Error {
	return &Error{Kind: kind, Message: msg, Cause: cause}
}
