package opsapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/autospot/autospot/audit"
	"github.com/autospot/autospot/auth"
	"github.com/autospot/autospot/internal/emissions"
	"github.com/autospot/autospot/internal/entryqr"
	"github.com/autospot/autospot/internal/live"
	"github.com/autospot/autospot/internal/opsapi"
	"github.com/autospot/autospot/internal/parking"
	"github.com/autospot/autospot/internal/qrscan"
	"github.com/autospot/autospot/internal/session"
	"github.com/autospot/autospot/internal/subscription"
	"github.com/autospot/autospot/internal/wallet"
	"github.com/autospot/autospot/store/memory"
)

// Monday 2024-01-15 08:00 in Sydney (AEDT, UTC+11): a weekday peak start.
var t0 = time.Date(2024, 1, 14, 21, 0, 0, 0, time.UTC)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type harness struct {
	t      testing.TB
	srv    *httptest.Server
	clk    *clock
	tokens *auth.Service
	maps   *parking.MemoryStore
	qr     *entryqr.Signer
	hub    *live.Local
	tok    map[string]string // principal → access token
	// auditLog captures the audit records.
	auditLog *lockedBuffer
	deps     opsapi.Deps
}

// lockedBuffer is a goroutine-safe capture of the audit log.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

const (
	facSydney = "fac-sydney"
	facOther  = "fac-other"
	building  = "Westfield Sydney"
)

// newHarness serves the handlers over memory repositories with two
// facilities: "Westfield Sydney" (the original's example map, priced with
// the original's rates) and "Elsewhere".
func newHarness(t testing.TB) *harness { return newHarnessOn(t, "memory") }

// eachBackend runs f on a fresh harness per repository backend: memory,
// bolt, and MongoDB when AUTOSPOT_TEST_MONGODB_URI is set.
func eachBackend(t *testing.T, f func(t *testing.T, h *harness)) {
	for _, be := range []string{"memory", "bolt", "mongo"} {
		t.Run(be, func(t *testing.T) { f(t, newHarnessOn(t, be)) })
	}
}

type repos struct {
	sessions session.Repository
	wallets  wallet.Repository
	subs     subscription.Repository
	ems      emissions.Repository
	scans    qrscan.Repository
}

var dbSeq atomic.Int64

func newRepos(t testing.TB, backend string) repos {
	t.Helper()
	switch backend {
	case "bolt":
		db, err := bbolt.Open(filepath.Join(t.TempDir(), "ops.db"), 0o600, &bbolt.Options{Timeout: time.Second})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		s, err1 := session.NewBolt(db)
		w, err2 := wallet.NewBolt(db)
		sb, err3 := subscription.NewBolt(db)
		e, err4 := emissions.NewBolt(db)
		q, err5 := qrscan.NewBolt(db)
		if err := errors.Join(err1, err2, err3, err4, err5); err != nil {
			t.Fatal(err)
		}
		return repos{s, w, sb, e, q}
	case "mongo":
		uri := os.Getenv("AUTOSPOT_TEST_MONGODB_URI")
		if uri == "" {
			t.Skip("AUTOSPOT_TEST_MONGODB_URI is not set; skipping the MongoDB backend")
		}
		ctx := context.Background()
		c, err := mongo.Connect(options.Client().ApplyURI(uri).SetTimeout(20 * time.Second))
		if err != nil {
			t.Fatal(err)
		}
		db := c.Database(fmt.Sprintf("opsapitest_%d_%d", os.Getpid(), dbSeq.Add(1)))
		t.Cleanup(func() { _ = db.Drop(ctx); _ = c.Disconnect(ctx) })
		s, err1 := session.NewMongo(ctx, db)
		w, err2 := wallet.NewMongo(ctx, db)
		sb, err3 := subscription.NewMongo(ctx, db)
		e, err4 := emissions.NewMongo(ctx, db)
		q, err5 := qrscan.NewMongo(ctx, db)
		if err := errors.Join(err1, err2, err3, err4, err5); err != nil {
			t.Fatal(err)
		}
		return repos{s, w, sb, e, q}
	}
	return repos{session.NewMemory(), wallet.NewMemory(), subscription.NewMemory(), emissions.NewMemory(), qrscan.NewMemory()}
}

func newHarnessOn(t testing.TB, backend string) *harness {
	t.Helper()
	rp := newRepos(t, backend)
	clk := &clock{t: t0}
	key, _ := auth.NewHMACKey("k1", bytes.Repeat([]byte("s"), 32))
	ring, _ := auth.NewKeyRing(key)
	tokens, err := auth.NewService(ring, memory.NewRefreshStore(), memory.NewRevocationStore(),
		auth.WithClock(clk.Now), auth.WithAccessTTL(24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	maps := parking.NewMemoryStore()
	ex := parking.ExampleMap()
	ex.ID, ex.FacilityID, ex.Building = "m-sydney", facSydney, building
	other := parking.ExampleMap()
	other.ID, other.FacilityID, other.Building = "m-other", facOther, "Elsewhere"
	for _, m := range []*parking.Map{ex, other} {
		if _, err := maps.CreateMap(context.Background(), m); err != nil {
			t.Fatal(err)
		}
	}
	qr, err := entryqr.New(bytes.Repeat([]byte("q"), 32), entryqr.WithClock(clk.Now))
	if err != nil {
		t.Fatal(err)
	}
	hub, _ := live.NewLocal()
	h := &harness{t: t, clk: clk, tokens: tokens, maps: maps, qr: qr, hub: hub, tok: map[string]string{}, auditLog: &lockedBuffer{}}
	al, err := audit.New(audit.WithSink(audit.Sink{Handler: slog.NewJSONHandler(h.auditLog, nil), Buffer: -1}))
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	h.deps = opsapi.Deps{
		Auth: tokens, Maps: maps, Sessions: rp.sessions, Wallets: rp.wallets,
		Subscriptions: rp.subs, Emissions: rp.ems, Scans: rp.scans, QR: qr, Hub: hub,
		Now: clk.Now, SSEHeartbeat: time.Hour, Audit: al,
	}
	err = opsapi.Register(mux, h.deps)
	if err != nil {
		t.Fatal(err)
	}
	h.srv = httptest.NewServer(mux)
	t.Cleanup(h.srv.Close)
	for name, sub := range map[string]auth.Subject{
		"alice":    {ID: "u-alice", Roles: []auth.Role{auth.RoleDriver}},
		"bob":      {ID: "u-bob", Roles: []auth.Role{auth.RoleDriver}},
		"operator": {ID: "u-op", Roles: []auth.Role{auth.RoleOperator}, Facility: facSydney},
		"otherop":  {ID: "u-op2", Roles: []auth.Role{auth.RoleOperator}, Facility: facOther},
		"admin":    {ID: "u-admin", Roles: []auth.Role{auth.RoleAdmin}},
	} {
		p, err := tokens.IssuePair(context.Background(), sub)
		if err != nil {
			t.Fatal(err)
		}
		h.tok[name] = p.AccessToken
	}
	return h
}

func (h *harness) driverToken(id string) string {
	p, err := h.tokens.IssuePair(context.Background(), auth.Subject{ID: id, Roles: []auth.Role{auth.RoleDriver}})
	if err != nil {
		h.t.Fatal(err)
	}
	return p.AccessToken
}

type resp struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r resp) json(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("body %q: %v", r.Body, err)
	}
	return m
}

// do sends a request as who ("" anonymous, a principal name, or "tok:" +
// a raw token). body is JSON-encoded unless it is a string.
func (h *harness) do(who, method, path string, body any, hdr ...string) resp {
	h.t.Helper()
	var rd io.Reader
	if body != nil {
		if s, ok := body.(string); ok {
			rd = strings.NewReader(s)
		} else {
			raw, _ := json.Marshal(body)
			rd = bytes.NewReader(raw)
		}
	}
	req, _ := http.NewRequest(method, h.srv.URL+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	switch {
	case who == "":
	case strings.HasPrefix(who, "tok:"):
		req.Header.Set("Authorization", "Bearer "+who[4:])
	default:
		req.Header.Set("Authorization", "Bearer "+h.tok[who])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return resp{res.StatusCode, res.Header, b}
}

func (h *harness) must(r resp, status int) resp {
	h.t.Helper()
	if r.Status != status {
		h.t.Fatalf("status %d, want %d: %s", r.Status, status, r.Body)
	}
	return r
}

// card is a valid Visa test number.
const visa = "4111 1111 1111 1111"

func (h *harness) addCard(who string) string {
	h.t.Helper()
	r := h.must(h.do(who, "POST", "/wallet/payment-methods", map[string]any{
		"card_number": visa, "expiry_month": "12", "expiry_year": "2030", "cvv": "123", "cardholder_name": "Alice Driver", "is_default": true,
	}), http.StatusCreated)
	return r.json(h.t)["payment_method_id"].(string)
}

func (h *harness) topUp(who string, cents int) {
	h.t.Helper()
	pm := h.addCard(who)
	h.must(h.do(who, "POST", "/wallet/add-money", map[string]any{"amount_cents": cents, "payment_method_id": pm}), http.StatusOK)
}

func (h *harness) balance(who string) int64 {
	h.t.Helper()
	return int64(h.must(h.do(who, "GET", "/wallet/balance", nil), 200).json(h.t)["balance_cents"].(float64))
}

func (h *harness) code(entrance string) string {
	h.t.Helper()
	r := h.must(h.do("operator", "GET", "/qr/entrance-code?format=json&building=Westfield+Sydney&entrance_id="+entrance, nil), 200)
	return r.json(h.t)["qr_content"].(string)
}
