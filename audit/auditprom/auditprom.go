// Package auditprom exports an [audit.Logger]'s counters to Prometheus.
//
// The audit package keeps plain atomic counters ([audit.Snapshot]) and
// does not import client_golang; this package adapts them:
//
//	reg.MustRegister(auditprom.NewCollector(auditLogger))
//
// Metrics (namespace "autospot", subsystem "audit" by default):
//
//	autospot_audit_events_total                    counter
//	autospot_audit_auth_failures_total             counter
//	autospot_audit_lockouts_total                  counter
//	autospot_audit_rate_limit_rejections_total     counter
//	autospot_audit_records_written_total{sink}     counter
//	autospot_audit_records_dropped_total{sink}     counter  queue full or closed
//	autospot_audit_sink_errors_total{sink}         counter
//	autospot_audit_queue_length{sink}              gauge
//
// Alert on records_dropped_total and sink_errors_total: each is an audit
// record that did not reach its sink.
package auditprom

import (
	"github.com/autospot/autospot/audit"
	"github.com/prometheus/client_golang/prometheus"
)

// Source is what the collector reads; [*audit.Logger] implements it.
type Source interface {
	Snapshot() audit.Snapshot
}

// Option configures [NewCollector].
type Option func(*options)

type options struct {
	namespace, subsystem string
	constLabels          prometheus.Labels
}

// WithNamespace sets the metric namespace (default "autospot").
func WithNamespace(ns string) Option { return func(o *options) { o.namespace = ns } }

// WithSubsystem sets the metric subsystem (default "audit").
func WithSubsystem(s string) Option { return func(o *options) { o.subsystem = s } }

// WithConstLabels adds constant labels to every metric.
func WithConstLabels(l prometheus.Labels) Option { return func(o *options) { o.constLabels = l } }

// Collector is a [prometheus.Collector] over a [Source]. It is safe for
// concurrent use.
type Collector struct {
	src                                         Source
	events, authFailures, lockouts, rateLimited *prometheus.Desc
	written, dropped, sinkErrors, queueLength   *prometheus.Desc
}

var _ prometheus.Collector = (*Collector)(nil)

// NewCollector returns a collector reading src at each scrape.
func NewCollector(src Source, opts ...Option) *Collector {
	o := options{namespace: "autospot", subsystem: "audit"}
	for _, f := range opts {
		f(&o)
	}
	d := func(name, help string, labels ...string) *prometheus.Desc {
		return prometheus.NewDesc(prometheus.BuildFQName(o.namespace, o.subsystem, name), help, labels, o.constLabels)
	}
	return &Collector{
		src:          src,
		events:       d("events_total", "Audit events logged."),
		authFailures: d("auth_failures_total", "Authentication failures (auth.* events with outcome failure or denied)."),
		lockouts:     d("lockouts_total", "Account lockouts."),
		rateLimited:  d("rate_limit_rejections_total", "Requests rejected by rate limiting."),
		written:      d("records_written_total", "Audit records accepted by a sink.", "sink"),
		dropped:      d("records_dropped_total", "Audit records dropped because a sink's queue was full or the logger closed.", "sink"),
		sinkErrors:   d("sink_errors_total", "Audit records a sink failed to write.", "sink"),
		queueLength:  d("queue_length", "Audit records waiting in a sink's queue.", "sink"),
	}
}

// Describe implements [prometheus.Collector].
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.events, c.authFailures, c.lockouts, c.rateLimited, c.written, c.dropped, c.sinkErrors, c.queueLength} {
		ch <- d
	}
}

// Collect implements [prometheus.Collector].
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	s := c.src.Snapshot()
	counter := func(d *prometheus.Desc, v uint64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, float64(v), labels...)
	}
	counter(c.events, s.Events)
	counter(c.authFailures, s.AuthFailures)
	counter(c.lockouts, s.Lockouts)
	counter(c.rateLimited, s.RateLimitRejections)
	for _, st := range s.Sinks {
		counter(c.written, st.Written, st.Name)
		counter(c.dropped, st.Dropped, st.Name)
		counter(c.sinkErrors, st.Failed, st.Name)
		ch <- prometheus.MustNewConstMetric(c.queueLength, prometheus.GaugeValue, float64(st.Queued), st.Name)
	}
}
