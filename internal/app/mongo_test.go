package app_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"github.com/autospot/autospot/internal/testenv"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestMongoBackedServer runs the server on MongoDB (FerretDB in CI): a
// provisioned user logs in, stores an encrypted profile, and finds both
// after a restart; readiness checks MongoDB.
func TestMongoBackedServer(t *testing.T) {
	base := testenv.MongoURI(t)
	var rnd [6]byte
	_, _ = rand.Read(rnd[:])
	uri := strings.TrimRight(base, "/") + "/autospot_app_" + hex.EncodeToString(rnd[:])
	if i := strings.Index(base, "?"); i >= 0 {
		uri = strings.TrimRight(base[:i], "/") + "/autospot_app_" + hex.EncodeToString(rnd[:]) + base[i:]
	}
	env := map[string]string{"AUTOSPOT_DATA_DIR": t.TempDir(), "MONGODB_URI": uri, "AUTOSPOT_BCRYPT_COST": "4"}
	a := open(t, env)
	h := a.Server.Handler()
	if w := get(h, "GET", "/api/health/ready", "", "192.0.2.1:1"); w.Code != 200 || !strings.Contains(w.Body.String(), "mongodb") {
		t.Fatalf("ready %d %s", w.Code, w.Body)
	}
	u, err := a.Provisioner.CreateUser(context.Background(), provisionAdmin("m"))
	if err != nil {
		t.Fatal(err)
	}
	w := get(h, "POST", "/auth/login", `{"email":"`+u.Email+`","password":"Kestrel-Parking-97!"}`, "192.0.2.1:1")
	if w.Code != 200 {
		t.Fatalf("login %d %s", w.Code, w.Body)
	}
	var tk struct {
		AccessToken string `json:"access_token"`
	}
	_ = json.Unmarshal(w.Body.Bytes(), &tk)
	authed := func(h http.Handler, method, path, body string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(method, path, strings.NewReader(body))
		r.RemoteAddr = "192.0.2.1:1"
		r.Header.Set("Authorization", "Bearer "+tk.AccessToken)
		if body != "" {
			r.Header.Set("Content-Type", "application/json")
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		return rec
	}
	if w := authed(h, "PUT", "/auth/profile", `{"licence_plate":"MGO-123"}`); w.Code != 200 {
		t.Fatalf("profile %d %s", w.Code, w.Body)
	}
	_ = a.Close()

	b := open(t, env)
	w = authed(b.Server.Handler(), "GET", "/auth/profile", "")
	if w.Code != 200 || !strings.Contains(w.Body.String(), "MGO-123") {
		t.Fatalf("after restart: %d %s", w.Code, w.Body)
	}
}
