package app_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/autospot/autospot/auth"
)

// TestDomainAPIsMounted: the reference server serves the operations API
// (wallet, sessions …) and the OpenAPI document behind its own chain, with
// its tokens: a driver reads their own wallet, anonymous requests get the
// server's 401 envelope, the document is public.
func TestDomainAPIsMounted(t *testing.T) {
	a := open(t, map[string]string{"AUTOSPOT_DATA_DIR": t.TempDir(), "AUTOSPOT_BCRYPT_COST": "4"})
	h := a.Server.Handler()
	pair, err := a.Tokens.IssuePair(context.Background(), auth.Subject{ID: "driver-1", Roles: []auth.Role{auth.RoleDriver}})
	if err != nil {
		t.Fatal(err)
	}
	do := func(method, path, token string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(method, path, nil)
		r.RemoteAddr = "192.0.2.1:1"
		if token != "" {
			r.Header.Set("Authorization", "Bearer "+token)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	w := do("GET", "/wallet/balance", pair.AccessToken)
	if w.Code != http.StatusOK {
		t.Fatalf("driver's balance: %d %s", w.Code, w.Body)
	}
	var bal map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &bal); err != nil {
		t.Fatalf("balance body %s: %v", w.Body, err)
	}
	w = do("GET", "/wallet/balance", "")
	var eb struct {
		Detail    string `json:"detail"`
		ErrorCode string `json:"error_code"`
		RequestID string `json:"request_id"`
	}
	if w.Code != http.StatusUnauthorized || json.Unmarshal(w.Body.Bytes(), &eb) != nil || eb.ErrorCode == "" || eb.RequestID == "" {
		t.Fatalf("anonymous balance: %d %s", w.Code, w.Body)
	}
	if w = do("GET", "/openapi.json", ""); w.Code != http.StatusOK {
		t.Fatalf("openapi.json: %d", w.Code)
	}
	if w = do("DELETE", "/wallet/balance", pair.AccessToken); w.Code != http.StatusMethodNotAllowed {
		t.Fatalf("wrong method on a mounted route: %d", w.Code)
	}
}
