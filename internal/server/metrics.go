package server

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/autospot/autospot/audit/auditprom"
)

// metrics are the server's Prometheus metrics (namespace "autospot"):
//
//	autospot_http_requests_total{route,method,status}      counter
//	autospot_http_request_duration_seconds{route,method}   histogram
//	autospot_http_in_flight_requests                       gauge
//	autospot_http_rate_limited_total{rule}                 counter
//	autospot_ratelimit_decisions_total{decision}           counter (Limiter.Stats)
//	autospot_audit_*                                       (auditprom: auth failures, lockouts …)
//
// The route label is the mux pattern ("POST /auth/login"), never the raw
// path, so a client cannot grow the label set.
type metrics struct {
	requests    *prometheus.CounterVec
	duration    *prometheus.HistogramVec
	inFlight    prometheus.Gauge
	rateLimited *prometheus.CounterVec
	emf         func() *emfWriter
}

func newMetrics(reg *prometheus.Registry, s *Server) (*metrics, error) {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "autospot", Subsystem: "http", Name: "requests_total",
			Help: "HTTP requests by route pattern, method and status.",
		}, []string{"route", "method", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "autospot", Subsystem: "http", Name: "request_duration_seconds",
			Help:    "HTTP request latency by route pattern and method.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"route", "method"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: "autospot", Subsystem: "http", Name: "in_flight_requests",
			Help: "Requests being served.",
		}),
		rateLimited: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "autospot", Subsystem: "http", Name: "rate_limited_total",
			Help: "Requests answered 429 by rate-limit rule.",
		}, []string{"rule"}),
		emf: func() *emfWriter { return s.emf },
	}
	for _, c := range []prometheus.Collector{
		m.requests, m.duration, m.inFlight, m.rateLimited,
		auditprom.NewCollector(s.audit),
		&limiterCollector{s: s},
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// routeHolder carries the matched pattern from inside the mux out to the
// metrics middleware (the mux sets Pattern on its own copy of the request).
type routeHolder struct{ pattern string }

type routeKey struct{}

// routeOf returns the matched pattern of r, or "unmatched".
func routeOf(r *http.Request) string {
	if r.Pattern != "" {
		return r.Pattern
	}
	if h, ok := r.Context().Value(routeKey{}).(*routeHolder); ok && h.pattern != "" {
		return h.pattern
	}
	return "unmatched"
}

func (m *metrics) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		holder := &routeHolder{}
		sw := &statusWriter{ResponseWriter: w}
		m.inFlight.Inc()
		defer m.inFlight.Dec()
		next.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), routeKey{}, holder)))
		route := holder.pattern
		if route == "" {
			route = "unmatched"
		}
		status := sw.status
		if status == 0 {
			status = http.StatusOK
		}
		d := time.Since(start)
		m.requests.WithLabelValues(route, r.Method, strconv.Itoa(status)).Inc()
		m.duration.WithLabelValues(route, r.Method).Observe(d.Seconds())
		if e := m.emf(); e != nil {
			e.request(route, r.Method, status, d)
		}
	})
}

// statusWriter records the status code.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(p)
}

func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// limiterCollector exports ratelimit.Limiter.Stats.
type limiterCollector struct{ s *Server }

var limiterDesc = prometheus.NewDesc("autospot_ratelimit_decisions_total",
	"Rate-limit decisions since start, by decision.", []string{"decision"}, nil)

func (c *limiterCollector) Describe(ch chan<- *prometheus.Desc) { ch <- limiterDesc }

func (c *limiterCollector) Collect(ch chan<- prometheus.Metric) {
	if c.s.limiter == nil {
		return
	}
	st := c.s.limiter.Stats()
	for _, v := range []struct {
		name string
		n    uint64
	}{{"allowed", st.Allowed}, {"denied", st.Denied}, {"backend_error", st.BackendErrors}, {"failed_open", st.FailedOpen}, {"failed_closed", st.FailedClosed}} {
		ch <- prometheus.MustNewConstMetric(limiterDesc, prometheus.CounterValue, float64(v.n), v.name)
	}
}
