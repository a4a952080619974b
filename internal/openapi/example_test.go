package openapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/autospot/autospot/internal/openapi"
)

// Mount the handler and fetch the document.
func ExampleHandler() {
	mux := http.NewServeMux()
	mux.Handle(openapi.Pattern, openapi.Handler())

	w := httptest.NewRecorder()
	mux.ServeHTTP(w, httptest.NewRequest("GET", "/openapi.json", nil))
	var doc struct {
		OpenAPI string `json:"openapi"`
	}
	_ = json.Unmarshal(w.Body.Bytes(), &doc)
	fmt.Println(w.Code, w.Header().Get("Content-Type"), doc.OpenAPI)
	// Output: 200 application/json 3.1.0
}

// Anything but GET or HEAD is refused with the JSON error envelope.
func ExampleHandler_methodNotAllowed() {
	w := httptest.NewRecorder()
	openapi.Handler().ServeHTTP(w, httptest.NewRequest("DELETE", "/openapi.json", nil))
	fmt.Println(w.Code, w.Header().Get("Allow"))
	// Output: 405 GET, HEAD
}

// Read an operation's access rule from the document.
func ExampleDocument() {
	var doc struct {
		Paths map[string]map[string]struct {
			Access string `json:"x-autospot-access"`
			Perm   string `json:"x-autospot-permission"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(openapi.Document(), &doc); err != nil {
		fmt.Println(err)
		return
	}
	op := doc.Paths["/wallet/balance"]["get"]
	fmt.Println(op.Access, op.Perm)
	// Output: authenticated wallet:own
}
