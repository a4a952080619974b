package openapi_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"

	"github.com/autospot/autospot/internal/openapi"
)

var methods = []string{"get", "put", "post", "delete", "patch", "head", "options", "trace"}

func parse(t *testing.T) map[string]any {
	t.Helper()
	var doc map[string]any
	dec := json.NewDecoder(strings.NewReader(string(openapi.Document())))
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if dec.More() {
		t.Fatal("trailing data after the document")
	}
	return doc
}

// documented is the document's (METHOD, normalised path) set.
func documented(t *testing.T, doc map[string]any) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	paths, _ := doc["paths"].(map[string]any)
	for p, item := range paths {
		for _, m := range methods {
			if _, ok := item.(map[string]any)[m]; ok {
				out[strings.ToUpper(m)+" "+normalise(p)] = true
			}
		}
	}
	return out
}

// TestDocumentMatchesRoutes: the document lists exactly the routes the
// server registers (its own table, /metrics, the parking API, opsapi and
// this handler), parameter names aside. A failure lists what is missing
// from the document and what it has extra.
func TestDocumentMatchesRoutes(t *testing.T) {
	doc := documented(t, parse(t))
	reg := map[string]bool{}
	for _, rt := range registeredRoutes(t) {
		if reg[rt.key()] {
			t.Errorf("route %s registered twice", rt.key())
		}
		reg[rt.key()] = true
	}
	var missing, extra []string
	for k := range reg {
		if !doc[k] {
			missing = append(missing, k)
		}
	}
	for k := range doc {
		if !reg[k] {
			extra = append(extra, k)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing) > 0 || len(extra) > 0 {
		t.Fatalf("document out of date (go test ./internal/openapi -run TestGenerate -update)\nmissing: %s\nextra: %s",
			strings.Join(missing, ", "), strings.Join(extra, ", "))
	}
	if len(reg) < 80 {
		t.Fatalf("only %d routes gathered", len(reg))
	}
}

// TestDocumentWellFormed: OpenAPI 3.1.0; every operation has responses,
// a unique operationId and security; path templates and path parameters
// agree both ways; protected operations answer 401 and 403 and every
// operation 429, all with the error envelope; every $ref resolves.
func TestDocumentWellFormed(t *testing.T) {
	doc := parse(t)
	if doc["openapi"] != "3.1.0" {
		t.Fatalf("openapi = %v", doc["openapi"])
	}
	comps := doc["components"].(map[string]any)
	schemes := comps["securitySchemes"].(map[string]any)
	for _, s := range []string{"bearerAuth", "cookieAuth", "csrfHeader"} {
		if schemes[s] == nil {
			t.Errorf("no security scheme %s", s)
		}
	}
	envelope := comps["schemas"].(map[string]any)["Error"].(map[string]any)["properties"].(map[string]any)
	for _, f := range []string{"detail", "error_code", "request_id"} {
		if envelope[f] == nil {
			t.Errorf("error envelope lacks %s", f)
		}
	}
	ids := map[string]string{}
	paths := doc["paths"].(map[string]any)
	for p, raw := range paths {
		item := raw.(map[string]any)
		tmpl := map[string]bool{}
		for _, n := range pathParams(p) {
			tmpl[n] = true
		}
		for _, m := range methods {
			raw, ok := item[m]
			if !ok {
				continue
			}
			name := strings.ToUpper(m) + " " + p
			t.Run(name, func(t *testing.T) {
				op := raw.(map[string]any)
				id, _ := op["operationId"].(string)
				if id == "" || ids[id] != "" {
					t.Errorf("operationId %q missing or also used by %s", id, ids[id])
				}
				ids[id] = name
				res, _ := op["responses"].(map[string]any)
				if len(res) == 0 {
					t.Fatal("no responses")
				}
				sec, ok := op["security"].([]any)
				if !ok {
					t.Fatal("no security requirement")
				}
				if len(sec) > 0 {
					for _, c := range []string{"401", "403"} {
						if res[c] == nil {
							t.Errorf("protected operation without %s", c)
						}
					}
				}
				if res["429"] == nil {
					t.Error("no 429")
				}
				declared := map[string]bool{}
				params, _ := op["parameters"].([]any)
				for _, pr := range params {
					pm := pr.(map[string]any)
					if pm["in"] == "path" {
						if pm["required"] != true {
							t.Errorf("path parameter %v not required", pm["name"])
						}
						declared[pm["name"].(string)] = true
					}
				}
				for n := range tmpl {
					if !declared[n] {
						t.Errorf("path parameter {%s} not declared", n)
					}
				}
				for n := range declared {
					if !tmpl[n] {
						t.Errorf("declared path parameter %s not in the path", n)
					}
				}
				if strings.Contains(p, "{") != (len(declared) > 0) {
					t.Error("path parameters inconsistent")
				}
			})
		}
	}
	// Every $ref points at an existing component.
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if r, ok := x["$ref"].(string); ok {
				parts := strings.Split(strings.TrimPrefix(r, "#/components/"), "/")
				if len(parts) != 2 || comps[parts[0]] == nil || comps[parts[0]].(map[string]any)[parts[1]] == nil {
					t.Errorf("dangling $ref %s", r)
				}
			}
			for _, e := range x {
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(doc)
}

// TestMainBodiesDocumented: the main POST and PUT routes carry a request
// body schema.
func TestMainBodiesDocumented(t *testing.T) {
	paths := parse(t)["paths"].(map[string]any)
	for _, k := range []string{
		"post /auth/register", "post /auth/login", "post /auth/refresh", "post /auth/reset-password", "post /auth/change-password",
		"put /auth/profile", "post /admin/operators", "post /session/start", "post /session/end", "post /wallet/add-money",
		"post /wallet/payment-methods", "post /subscription/upgrade", "post /qr/scan", "post /emissions/estimate", "post /parking/predict-fare",
		"put /operator/facilities/{facility}/slots", "post /parking/upload-map",
	} {
		m, p, _ := strings.Cut(k, " ")
		op, _ := paths[p].(map[string]any)[m].(map[string]any)
		if op == nil {
			t.Errorf("%s not documented", k)
			continue
		}
		if op["requestBody"] == nil && k != "post /subscription/upgrade" {
			t.Errorf("%s has no request body", k)
		}
	}
}

// TestHandler: GET serves the document as application/json (with an
// ETag honoured by If-None-Match); other methods are refused.
func TestHandler(t *testing.T) {
	mux := http.NewServeMux()
	mux.Handle(openapi.Pattern, openapi.Handler())
	tests := []struct {
		name, method, etag string
		status             int
	}{
		{"get", "GET", "", 200},
		{"head", "HEAD", "", 200},
		{"post", "POST", "", 405},
	}
	var etag string
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			mux.ServeHTTP(w, httptest.NewRequest(tc.method, "/openapi.json", nil))
			if w.Code != tc.status {
				t.Fatalf("status %d", w.Code)
			}
			if tc.status != 200 {
				return
			}
			if ct := w.Header().Get("Content-Type"); ct != "application/json" {
				t.Fatalf("Content-Type %q", ct)
			}
			etag = w.Header().Get("ETag")
			if tc.method == "GET" && w.Body.String() != string(openapi.Document()) {
				t.Fatal("body differs from the document")
			}
		})
	}
	r := httptest.NewRequest("GET", "/openapi.json", nil)
	r.Header.Set("If-None-Match", etag)
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, r)
	if etag == "" || w.Code != http.StatusNotModified {
		t.Fatalf("conditional GET: etag %q status %d", etag, w.Code)
	}
}

// TestDocumentIsCopy: callers cannot change what the handler serves.
func TestDocumentIsCopy(t *testing.T) {
	d := openapi.Document()
	d[0] = 'X'
	if openapi.Document()[0] == 'X' {
		t.Fatal("Document returned the embedded bytes")
	}
}

// TestMountedInServer: mounted on the reference server (server.Mount), the
// document is served publicly, as JSON, through the server's whole chain.
func TestMountedInServer(t *testing.T) {
	_, h := openServer(t)
	r := httptest.NewRequest("GET", "/openapi.json", nil)
	r.RemoteAddr = "192.0.2.1:1"
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") {
		t.Fatalf("%d %q", w.Code, w.Header().Get("Content-Type"))
	}
	if w.Body.String() != string(openapi.Document()) {
		t.Fatal("the server answered something else")
	}
}
