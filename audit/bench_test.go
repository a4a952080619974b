package audit_test

import (
	"context"
	"io"
	"log/slog"
	"net/netip"
	"testing"

	"github.com/autospot/autospot/audit"
	"github.com/autospot/autospot/store/memory"
)

const (
	benchEmail = "alice@example.com"
	benchUA    = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"
	benchReqID = "01J0Z8Q2W3E4R5T6Y7U8I9O0PA"
)

var benchIP = netip.MustParseAddr("203.0.113.9")

func benchFields(context.Context) (string, string, string) { return benchReqID, "", benchUA }

// BenchmarkAuditEvent compares one audited authentication failure with a
// bare slog.Logger.Info carrying the same attributes, each ending in a
// JSON handler on io.Discard.
func BenchmarkAuditEvent(b *testing.B) {
	ctx := context.Background()
	b.Run("bare-slog-info", func(b *testing.B) {
		lg := slog.New(slog.NewJSONHandler(io.Discard, nil))
		b.ReportAllocs()
		for b.Loop() {
			lg.Info(audit.ActionLogin,
				"action", audit.ActionLogin, "outcome", "failure",
				slog.Group("actor", "id", benchEmail),
				"client_ip", benchIP.String(), "user_agent", benchUA, "request_id", benchReqID)
		}
	})
	b.Run("redacting-handler-slog-info", func(b *testing.B) {
		lg := slog.New(audit.NewRedactingHandler(slog.NewJSONHandler(io.Discard, nil), audit.RedactOptions{}))
		b.ReportAllocs()
		for b.Loop() {
			lg.Info(audit.ActionLogin,
				"action", audit.ActionLogin, "outcome", "failure",
				slog.Group("actor", "id", benchEmail),
				"client_ip", benchIP.String(), "user_agent", benchUA, "request_id", benchReqID)
		}
	})
	b.Run("audit-sync-json", func(b *testing.B) {
		lg, _ := audit.New(audit.WithSink(audit.Sink{Handler: slog.NewJSONHandler(io.Discard, nil), Buffer: -1}),
			audit.WithContextFields(benchFields))
		defer lg.Close()
		b.ReportAllocs()
		for b.Loop() {
			lg.AuthAttempt(ctx, benchEmail, false, benchIP)
		}
	})
	b.Run("audit-async-json", func(b *testing.B) {
		// What the request pays: redaction and a queue hand-off; the JSON
		// encoding runs on the sink's worker.
		lg, _ := audit.New(audit.WithSink(audit.Sink{Handler: slog.NewJSONHandler(io.Discard, nil), Buffer: 1 << 16}),
			audit.WithContextFields(benchFields))
		b.ReportAllocs()
		for b.Loop() {
			lg.AuthAttempt(ctx, benchEmail, false, benchIP)
		}
		b.StopTimer()
		lg.Close()
		b.ReportMetric(float64(lg.Dropped())/float64(b.N), "drops/op")
	})
	b.Run("audit-sync-store-hmac", func(b *testing.B) {
		chain, _ := audit.NewHMACChain(make([]byte, 32))
		lg, _ := audit.New(audit.WithSink(audit.Sink{Handler: audit.NewStoreHandler(memory.NewAuditStore(), chain), Buffer: -1}),
			audit.WithContextFields(benchFields))
		defer lg.Close()
		b.ReportAllocs()
		for b.Loop() {
			lg.AuthAttempt(ctx, benchEmail, false, benchIP)
		}
	})
}

func BenchmarkRedactorString(b *testing.B) {
	rd := audit.NewRedactor(audit.RedactOptions{})
	for _, bc := range []struct{ name, s string }{
		{"clean", benchUA},
		{"jwt", "Bearer " + testJWT},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = rd.String(bc.s)
			}
		})
	}
}

func BenchmarkChainSeal(b *testing.B) {
	data := make([]byte, 400)
	for _, bc := range []struct {
		name  string
		chain func() *audit.Chain
	}{
		{"sha256", audit.NewChain},
		{"hmac-sha256", func() *audit.Chain { c, _ := audit.NewHMACChain(make([]byte, 32)); return c }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			c := bc.chain()
			head := audit.Link{Seq: 1, Hash: make([]byte, 32)}
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				_ = c.Seal(head, audit.Entry{Time: fixedNow, Action: audit.ActionLogin, Outcome: "failure", Actor: benchEmail, Data: data})
			}
		})
	}
}
