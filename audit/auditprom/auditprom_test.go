package auditprom_test

import (
	"io"
	"log/slog"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/autospot/autospot/audit"
	"github.com/autospot/autospot/audit/auditprom"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

type fixed audit.Snapshot

func (f fixed) Snapshot() audit.Snapshot { return audit.Snapshot(f) }

func TestCollectorFixed(t *testing.T) {
	c := auditprom.NewCollector(fixed{
		Events: 10, AuthFailures: 4, Lockouts: 1, RateLimitRejections: 3,
		Sinks: []audit.SinkStats{{Name: "file", Queued: 2, Written: 7, Dropped: 5, Failed: 1}},
	})
	want := `
# HELP autospot_audit_auth_failures_total Authentication failures (auth.* events with outcome failure or denied).
# TYPE autospot_audit_auth_failures_total counter
autospot_audit_auth_failures_total 4
# HELP autospot_audit_events_total Audit events logged.
# TYPE autospot_audit_events_total counter
autospot_audit_events_total 10
# HELP autospot_audit_lockouts_total Account lockouts.
# TYPE autospot_audit_lockouts_total counter
autospot_audit_lockouts_total 1
# HELP autospot_audit_queue_length Audit records waiting in a sink's queue.
# TYPE autospot_audit_queue_length gauge
autospot_audit_queue_length{sink="file"} 2
# HELP autospot_audit_rate_limit_rejections_total Requests rejected by rate limiting.
# TYPE autospot_audit_rate_limit_rejections_total counter
autospot_audit_rate_limit_rejections_total 3
# HELP autospot_audit_records_dropped_total Audit records dropped because a sink's queue was full or the logger closed.
# TYPE autospot_audit_records_dropped_total counter
autospot_audit_records_dropped_total{sink="file"} 5
# HELP autospot_audit_records_written_total Audit records accepted by a sink.
# TYPE autospot_audit_records_written_total counter
autospot_audit_records_written_total{sink="file"} 7
# HELP autospot_audit_sink_errors_total Audit records a sink failed to write.
# TYPE autospot_audit_sink_errors_total counter
autospot_audit_sink_errors_total{sink="file"} 1
`
	if err := testutil.CollectAndCompare(c, strings.NewReader(want)); err != nil {
		t.Fatal(err)
	}
}

func TestCollectorLiveLogger(t *testing.T) {
	lg, err := audit.New(audit.WithSink(audit.Sink{Name: "discard", Handler: slog.NewJSONHandler(io.Discard, nil), Buffer: -1}))
	if err != nil {
		t.Fatal(err)
	}
	defer lg.Close()
	reg := prometheus.NewPedanticRegistry()
	c := auditprom.NewCollector(lg, auditprom.WithNamespace("x"), auditprom.WithSubsystem("y"),
		auditprom.WithConstLabels(prometheus.Labels{"replica": "a"}))
	if err := reg.Register(c); err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	ip := netip.MustParseAddr("192.0.2.1")
	lg.AuthAttempt(ctx, "a@x.io", false, ip)
	lg.AuthAttempt(ctx, "a@x.io", false, ip)
	lg.AuthAttempt(ctx, "a@x.io", true, ip)
	lg.Lockout(ctx, "a@x.io", ip, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	lg.RateLimited(ctx, "login", ip)
	want := `
# HELP x_y_auth_failures_total Authentication failures (auth.* events with outcome failure or denied).
# TYPE x_y_auth_failures_total counter
x_y_auth_failures_total{replica="a"} 2
# HELP x_y_lockouts_total Account lockouts.
# TYPE x_y_lockouts_total counter
x_y_lockouts_total{replica="a"} 1
# HELP x_y_rate_limit_rejections_total Requests rejected by rate limiting.
# TYPE x_y_rate_limit_rejections_total counter
x_y_rate_limit_rejections_total{replica="a"} 1
# HELP x_y_records_written_total Audit records accepted by a sink.
# TYPE x_y_records_written_total counter
x_y_records_written_total{replica="a",sink="discard"} 5
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want),
		"x_y_auth_failures_total", "x_y_lockouts_total", "x_y_rate_limit_rejections_total", "x_y_records_written_total"); err != nil {
		t.Fatal(err)
	}
	if n := testutil.CollectAndCount(c); n != 8 {
		t.Fatalf("%d metrics, want 8 (4 totals + 4 per sink)", n)
	}
}
