package auditprom_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"time"

	"github.com/autospot/autospot/audit"
	"github.com/autospot/autospot/audit/auditprom"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

func ExampleNewCollector() {
	lg, err := audit.New(audit.WithSink(audit.Sink{Name: "stdout", Handler: slog.NewJSONHandler(io.Discard, nil)}))
	if err != nil {
		fmt.Println(err)
		return
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(auditprom.NewCollector(lg))

	ip := netip.MustParseAddr("192.0.2.1")
	lg.AuthAttempt(context.Background(), "alice@example.com", false, ip)
	lg.Lockout(context.Background(), "alice@example.com", ip, time.Time{})
	if err := lg.Close(); err != nil {
		fmt.Println(err)
	}

	n, _ := testutil.GatherAndCount(reg, "autospot_audit_auth_failures_total", "autospot_audit_lockouts_total")
	fmt.Println(n, "series")
	mfs, _ := reg.Gather()
	for _, mf := range mfs {
		switch mf.GetName() {
		case "autospot_audit_auth_failures_total", "autospot_audit_lockouts_total", "autospot_audit_records_written_total":
			fmt.Println(mf.GetName(), mf.GetMetric()[0].GetCounter().GetValue())
		}
	}
	// Output:
	// 2 series
	// autospot_audit_auth_failures_total 1
	// autospot_audit_lockouts_total 1
	// autospot_audit_records_written_total 2
}
