package server

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/autospot/autospot/audit"
	"github.com/autospot/autospot/headers"
)

// TestPanicBecomes500: a panicking handler answers 500 with the one error
// body, is audited, and the server goes on serving.
func TestPanicBecomes500(t *testing.T) {
	var logs bytes.Buffer
	var auditOut bytes.Buffer
	lg, err := audit.New(audit.WithSink(audit.Sink{Name: "t", Handler: slog.NewJSONHandler(&auditOut, nil), Buffer: -1}))
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{log: slog.New(slog.NewJSONHandler(&logs, nil)), audit: lg}
	reqID, _ := headers.AssignRequestID(headers.RequestIDConfig{})
	h := reqID(envelope(s.recoverPanics(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/boom" {
			panic("kaboom")
		}
		w.WriteHeader(204)
	}))))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/boom", nil))
	if rec.Code != 500 {
		t.Fatalf("status %d", rec.Code)
	}
	var body ErrorBody
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || body.ErrorCode != CodeInternal || body.RequestID == "" {
		t.Fatalf("body %s", rec.Body)
	}
	if strings.Contains(rec.Body.String(), "kaboom") {
		t.Error("panic value leaked to the client")
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/fine", nil))
	if rec.Code != 204 {
		t.Errorf("after panic: %d", rec.Code)
	}
	_ = lg.Close()
	if !strings.Contains(auditOut.String(), `"server.panic"`) {
		t.Errorf("no audit record: %s", auditOut.String())
	}
	if !strings.Contains(logs.String(), "stack") {
		t.Error("no stack in the error log")
	}
}

// TestAbortHandlerPassesThrough: http.ErrAbortHandler keeps its meaning.
func TestAbortHandlerPassesThrough(t *testing.T) {
	lg, _ := audit.New()
	s := &Server{log: slog.New(slog.DiscardHandler), audit: lg}
	h := s.recoverPanics(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic(http.ErrAbortHandler) }))
	defer func() {
		if v := recover(); v != http.ErrAbortHandler {
			t.Errorf("recovered %v", v)
		}
	}()
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
}

func TestEMFLine(t *testing.T) {
	var out bytes.Buffer
	e := newEMFWriter("AutoSpot/Test", &out)
	e.request("POST /auth/login", "POST", 503, 1500*time.Microsecond)
	var m map[string]any
	if err := json.Unmarshal(out.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	aws := m["_aws"].(map[string]any)
	cw := aws["CloudWatchMetrics"].([]any)[0].(map[string]any)
	if cw["Namespace"] != "AutoSpot/Test" || m["Route"] != "POST /auth/login" || m["ErrorCount"] != 1.0 || m["Latency"] != 1.5 {
		t.Errorf("line %s", out.String())
	}
	if _, ok := aws["Timestamp"].(float64); !ok {
		t.Error("no Timestamp")
	}
}

func TestStrictDecoderTrailingGarbageAfterLimit(t *testing.T) {
	s := &Server{validate: newValidator()}
	s.cfg.MaxBodyBytes = 64
	var dst struct {
		A string `json:"a"`
	}
	r := httptest.NewRequestWithContext(context.Background(), "POST", "/", strings.NewReader(`{"a":"b"}`+strings.Repeat(" ", 100)))
	r.Header.Set("Content-Type", "application/json; charset=utf-8")
	if e := s.decodeJSON(httptest.NewRecorder(), r, &dst); e == nil || e.Status != 413 {
		t.Fatalf("got %v", e)
	}
}
