package parkingapi_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"os"
	"path/filepath"
	"testing"
	"time"

	driver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/headers"
	"github.com/autospot/autospot/internal/live"
	"github.com/autospot/autospot/internal/parking"
	"github.com/autospot/autospot/internal/parking/boltrepo"
	"github.com/autospot/autospot/internal/parking/fare"
	"github.com/autospot/autospot/internal/parking/mongorepo"
	"github.com/autospot/autospot/internal/parkingapi"
	"github.com/autospot/autospot/internal/session"
	"github.com/autospot/autospot/ratelimit"
	"github.com/autospot/autospot/store/memory"
)

// repos is a map and rate repository pair (one backend).
type repos interface {
	parking.MapRepository
	parking.RateRepository
}

// backends are the repositories the HTTP tests run over: memory always,
// bolt always, MongoDB when AUTOSPOT_TEST_MONGODB_URI is set.
var backends = map[string]func(t testing.TB) repos{
	"memory": func(t testing.TB) repos { return parking.NewMemoryStore() },
	"bolt": func(t testing.TB) repos {
		s, err := boltrepo.Open(filepath.Join(t.TempDir(), "parking.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close() })
		return s
	},
	"mongo": func(t testing.TB) repos {
		uri := os.Getenv("AUTOSPOT_TEST_MONGODB_URI")
		if uri == "" {
			t.Skip("AUTOSPOT_TEST_MONGODB_URI is not set: skipping the HTTP tests over MongoDB (set it to a mongodb:// URI, e.g. a FerretDB, to run them)")
		}
		client, err := driver.Connect(options.Client().ApplyURI(uri))
		if err != nil {
			t.Fatal(err)
		}
		db := client.Database("autospot_parkingapi_test_" + time.Now().Format("150405") + "_" + randHex(t))
		t.Cleanup(func() {
			_ = db.Drop(context.Background())
			_ = client.Disconnect(context.Background())
		})
		s, err := mongorepo.New(db)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.EnsureIndexes(t.Context()); err != nil {
			t.Fatal(err)
		}
		return s
	},
}

func randHex(t testing.TB) string {
	t.Helper()
	return rand.Text()[:10]
}

// Actors of the access matrix.
const (
	anon    = "anonymous"
	driverA = "driver"
	opA     = "operator-A"
	opB     = "operator-B"
	admin   = "admin"
)

var actors = []string{anon, driverA, opA, opB, admin}

// Facilities and maps of the harness.
const (
	facA, facB   = "facA", "facB"
	mapA, mapB   = "mapA", "mapB"
	buildingA    = "Alpha Centre"
	buildingB    = "Beta Plaza"
	exampleBuild = "Westfield Sydney1"
)

// harness is the API over one backend, with a token per actor.
type harness struct {
	t      testing.TB
	h      http.Handler
	store  repos
	tokens map[string]string
	now    time.Time
}

type harnessOpts struct {
	backend    string
	uploadRate string
	sessions   session.Repository
	hub        live.Hub
}

func newHarness(t testing.TB, o harnessOpts) *harness {
	t.Helper()
	if o.backend == "" {
		o.backend = "memory"
	}
	st := backends[o.backend](t)
	ctx := t.Context()
	if err := parkingapi.Seed(ctx, st, st); err != nil {
		t.Fatal(err)
	}
	for _, m := range []struct{ id, fac, b string }{{mapA, facA, buildingA}, {mapB, facB, buildingB}} {
		em := parking.ExampleMap()
		em.ID, em.FacilityID, em.Building = m.id, m.fac, m.b
		em.SetSlotStatus(1, "1C", parking.Occupied, "ABC123", "carol")
		if _, err := st.CreateMap(ctx, em); err != nil {
			t.Fatal(err)
		}
		tab := fare.OriginalTable()
		tab.Destinations[m.b] = fare.Rates{BaseCentsPerHour: 400, PeakBP: 1000}
		if _, err := st.PutRates(ctx, m.fac, tab); err != nil {
			t.Fatal(err)
		}
	}

	key, err := auth.NewHMACKey("k1", []byte("parkingapi-test-secret-0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	ring, err := auth.NewKeyRing(key)
	if err != nil {
		t.Fatal(err)
	}
	svc, err := auth.NewService(ring, memory.NewRefreshStore(), memory.NewRevocationStore())
	if err != nil {
		t.Fatal(err)
	}
	toks := map[string]string{}
	for name, sub := range map[string]auth.Subject{
		driverA: {ID: "u-driver", Roles: []auth.Role{auth.RoleDriver}},
		opA:     {ID: "u-opA", Roles: []auth.Role{auth.RoleOperator}, Facility: facA},
		opB:     {ID: "u-opB", Roles: []auth.Role{auth.RoleOperator}, Facility: facB},
		admin:   {ID: "u-admin", Roles: []auth.Role{auth.RoleAdmin}},
	} {
		p, err := svc.IssuePair(ctx, sub)
		if err != nil {
			t.Fatal(err)
		}
		toks[name] = p.AccessToken
	}
	rs, err := ratelimit.NewMemoryStore()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rs.Close() })
	lim, err := ratelimit.New(rs)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2024, 1, 15, 8, 0, 0, 0, time.UTC) // 19:00 Monday in Sydney
	q, err := fare.NewQuoter(fare.WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	if _, err := parkingapi.Register(mux, parkingapi.Deps{
		Maps: st, Rates: st, Authenticate: svc.Authenticate(), RBAC: auth.DefaultRBAC(), Limiter: lim,
		UploadRate: o.uploadRate, Quoter: q, Now: func() time.Time { return now },
		Sessions: o.sessions, Hub: o.hub,
	}); err != nil {
		t.Fatal(err)
	}
	reqID, err := headers.AssignRequestID(headers.RequestIDConfig{})
	if err != nil {
		t.Fatal(err)
	}
	return &harness{t: t, h: reqID(mux), store: st, tokens: toks, now: now}
}

// response is a decoded reply.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

// errorBody checks the error envelope and returns it.
func (r response) errorBody(t *testing.T) parkingapi.ErrorBody {
	t.Helper()
	var e parkingapi.ErrorBody
	dec := json.NewDecoder(bytes.NewReader(r.body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		t.Fatalf("error body %q is not {detail, error_code, request_id}: %v", r.body, err)
	}
	if e.Detail == "" || e.ErrorCode == "" || e.RequestID == "" {
		t.Fatalf("incomplete error body %s", r.body)
	}
	return e
}

func (h *harness) do(actor, method, target string, body io.Reader, contentType string) response {
	h.t.Helper()
	req := httptest.NewRequest(method, target, body)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if tok := h.tokens[actor]; tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	rec := httptest.NewRecorder()
	h.h.ServeHTTP(rec, req)
	return response{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
}

func (h *harness) get(actor, target string) response {
	h.t.Helper()
	return h.do(actor, http.MethodGet, target, nil, "")
}

func (h *harness) sendJSON(actor, method, target string, v any) response {
	h.t.Helper()
	var b []byte
	switch x := v.(type) {
	case string:
		b = []byte(x)
	case []byte:
		b = x
	default:
		var err error
		if b, err = json.Marshal(v); err != nil {
			h.t.Fatal(err)
		}
	}
	return h.do(actor, method, target, bytes.NewReader(b), "application/json")
}

// multipartBody builds an upload form: the file and optional extra fields.
func multipartBody(t testing.TB, filename string, file []byte, fields map[string]string) (io.Reader, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	hdr := make(textproto.MIMEHeader)
	hdr.Set("Content-Disposition", `form-data; name="file"; filename="`+filename+`"`)
	hdr.Set("Content-Type", "application/octet-stream")
	pw, err := mw.CreatePart(hdr)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = pw.Write(file)
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	_ = mw.Close()
	return &buf, mw.FormDataContentType()
}

func (h *harness) upload(actor, query, filename string, file []byte, fields map[string]string) response {
	h.t.Helper()
	body, ct := multipartBody(h.t, filename, file, fields)
	return h.do(actor, http.MethodPost, "/parking/upload-map?"+query, body, ct)
}
