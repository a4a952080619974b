package openapi

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"net/http"
	"time"
)

// Pattern is the route of [Handler] (net/http ServeMux syntax).
const Pattern = "GET /openapi.json"

//go:embed openapi.json
var document []byte

// Document returns a copy of the embedded OpenAPI 3.1 document (JSON).
func Document() []byte { return bytes.Clone(document) }

// Handler serves the document at GET /openapi.json: Content-Type
// application/json, a strong ETag (conditional GETs get 304), cacheable
// for five minutes, nosniff. It is public: the document names routes and
// access rules, never data. Methods other than GET and HEAD are refused
// with 405 (a mux pattern with "GET " already does so).
func Handler() http.Handler {
	sum := sha256.Sum256(document)
	etag := `"` + hex.EncodeToString(sum[:16]) + `"`
	modified := time.Time{}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusMethodNotAllowed)
			_, _ = w.Write([]byte(`{"detail":"Method not allowed","error_code":"method_not_allowed"}` + "\n"))
			return
		}
		h := w.Header()
		h.Set("Content-Type", "application/json")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Cache-Control", "public, max-age=300")
		h.Set("ETag", etag)
		http.ServeContent(w, r, "", modified, bytes.NewReader(document))
	})
}
