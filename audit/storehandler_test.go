package audit_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/netip"
	"testing"

	"github.com/autospot/autospot/audit"
	"github.com/autospot/autospot/store/memory"
)

func TestStoreSink(t *testing.T) {
	st := memory.NewAuditStore()
	chain, err := audit.NewHMACChain(bytes.Repeat([]byte("k"), 32))
	if err != nil {
		t.Fatal(err)
	}
	var jsonBuf syncBuffer
	lg, err := audit.New(
		audit.WithClock(fixedClock),
		audit.WithSink(audit.Sink{Name: "json", Handler: slog.NewJSONHandler(&jsonBuf, nil)}),
		audit.WithSink(audit.Sink{Name: "store", Handler: audit.NewStoreHandler(st, chain)}),
	)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	ip := netip.MustParseAddr("192.0.2.1")
	lg.AuthAttempt(ctx, "alice@example.com", false, ip, slog.String("password", "hunter2"))
	lg.AuthAttempt(ctx, "alice@example.com", true, ip)
	lg.SensitiveOperation(ctx, audit.Actor{ID: "admin-1", Role: "admin"}, "user.delete", "user:42")
	if err := lg.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := chain.Verify(ctx, st, 1, 0); err != nil {
		t.Fatal(err)
	}
	p, err := st.Query(ctx, audit.Query{Actor: "alice@example.com", Outcome: "failure"})
	if err != nil || len(p.Records) != 1 {
		t.Fatalf("query: %+v, %v", p, err)
	}
	r := p.Records[0]
	if r.Action != audit.ActionLogin || r.Seq != 1 || !r.Time.Equal(fixedNow) {
		t.Fatalf("indexed fields: %+v", r)
	}
	// The stored record is byte-for-byte the JSON sink's first line.
	first, _, _ := bytes.Cut(jsonBuf.Bytes(), []byte("\n"))
	if !bytes.Equal(r.Data, first) {
		t.Fatalf("store data %s\n != json line %s", r.Data, first)
	}
	if bytes.Contains(r.Data, []byte("hunter2")) {
		t.Fatal("secret reached the store")
	}
	p, _ = st.Query(ctx, audit.Query{Actor: "admin-1"})
	if len(p.Records) != 1 || p.Records[0].Action != "user.delete" || p.Records[0].Outcome != "success" {
		t.Fatalf("admin query: %+v", p)
	}
}

type failingStore struct{ audit.Store }

func (failingStore) Append(context.Context, audit.SealFunc) (audit.Record, error) {
	return audit.Record{}, errors.New("store down")
}

func TestStoreSinkFailureIsCounted(t *testing.T) {
	lg, err := audit.New(audit.WithSink(audit.Sink{Name: "store", Handler: audit.NewStoreHandler(failingStore{memory.NewAuditStore()}, audit.NewChain())}))
	if err != nil {
		t.Fatal(err)
	}
	lg.AuthAttempt(t.Context(), "a@x.io", false, netip.Addr{})
	err = lg.Close()
	if !errors.Is(err, audit.ErrRecordsLost) {
		t.Fatalf("Close = %v, want ErrRecordsLost", err)
	}
	if s := lg.Snapshot().Sinks[0]; s.Failed != 1 {
		t.Fatalf("stats %+v", s)
	}
}

func TestStoreHandlerWithGroupsAndAttrs(t *testing.T) {
	st := memory.NewAuditStore()
	h := audit.NewStoreHandler(st, audit.NewChain())
	lg := slog.New(h).With("svc", "api")
	lg.Info("plain message", "action", "x.y", "outcome", "success", slog.Group("actor", "id", "u1"))
	lg.WithGroup("g").Info("grouped", "action", "ignored")
	var recs []audit.Record
	_ = st.Range(t.Context(), 1, 0, func(r audit.Record) error { recs = append(recs, r); return nil })
	if len(recs) != 2 || recs[0].Action != "x.y" || recs[0].Actor != "u1" || recs[0].Outcome != "success" ||
		!bytes.Contains(recs[0].Data, []byte(`"svc":"api"`)) {
		t.Fatalf("record 1: %+v", recs)
	}
	if recs[1].Action != "grouped" || !bytes.Contains(recs[1].Data, []byte(`"g":{"action":"ignored"}`)) {
		t.Fatalf("record 2: %+v %s", recs[1], recs[1].Data)
	}
}
