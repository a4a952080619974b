package headers

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
)

// ok is a handler that answers 200 "ok".
var ok = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	_, _ = w.Write([]byte("ok"))
})

// checkJSONError asserts rec holds the package's JSON error shape.
func checkJSONError(t *testing.T, rec *httptest.ResponseRecorder, status int, code string) {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("status = %d, want %d (body %q)", rec.Code, status, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); ct != ContentTypeJSON {
		t.Errorf("Content-Type = %q, want %q", ct, ContentTypeJSON)
	}
	var body ErrorBody
	dec := json.NewDecoder(rec.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil {
		t.Fatalf("body is not the JSON error shape: %v", err)
	}
	if body.ErrorCode != code || body.Detail == "" {
		t.Errorf("body = %+v, want error_code %q and a detail", body, code)
	}
}
