package server

import (
	"encoding/json"
	"io"
	"os"
	"sync"
	"time"
)

// emfWriter writes one CloudWatch Embedded Metric Format line per request:
// a JSON object whose "_aws" envelope declares the metrics, so the
// CloudWatch agent (or Lambda/ECS log drivers) turns log lines into metrics
// with no AWS SDK in the server. Namespace defaults to the seed's
// "AutoSpot/Production"; dimensions are Route and Method (and ErrorType
// for 5xx, mirroring the seed's AutoSpot/Errors ErrorCount).
type emfWriter struct {
	mu        sync.Mutex
	w         io.Writer
	namespace string
}

func newEMFWriter(namespace string, w io.Writer) *emfWriter {
	if w == nil {
		w = os.Stdout
	}
	return &emfWriter{w: w, namespace: namespace}
}

type emfMetric struct {
	Name string `json:"Name"`
	Unit string `json:"Unit"`
}

type emfDirective struct {
	Namespace  string      `json:"Namespace"`
	Dimensions [][]string  `json:"Dimensions"`
	Metrics    []emfMetric `json:"Metrics"`
}

type emfMeta struct {
	Timestamp         int64          `json:"Timestamp"`
	CloudWatchMetrics []emfDirective `json:"CloudWatchMetrics"`
}

func (e *emfWriter) request(route, method string, status int, d time.Duration) {
	errs := 0
	if status >= 500 {
		errs = 1
	}
	line := map[string]any{
		"_aws": emfMeta{
			Timestamp: time.Now().UnixMilli(),
			CloudWatchMetrics: []emfDirective{{
				Namespace:  e.namespace,
				Dimensions: [][]string{{"Route", "Method"}},
				Metrics:    []emfMetric{{"RequestCount", "Count"}, {"Latency", "Milliseconds"}, {"ErrorCount", "Count"}},
			}},
		},
		"Route":        route,
		"Method":       method,
		"StatusCode":   status,
		"RequestCount": 1,
		"Latency":      float64(d.Microseconds()) / 1000,
		"ErrorCount":   errs,
	}
	b, err := json.Marshal(line)
	if err != nil {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	_, _ = e.w.Write(append(b, '\n'))
}
