package telemetry

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
)

// Requests are counted by route template; a request no route matched
// counts as "unmatched", so random paths add no series.
func TestHTTPByRoute(t *testing.T) {
	m, err := NewMetrics(zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	h := NewHTTP(m.Registry)
	h.Observe("/api/v1/tasks/:id", http.MethodGet, 200, 30*time.Millisecond)
	h.Observe("/api/v1/tasks/:id", http.MethodGet, 200, 3*time.Second)
	h.Observe("", http.MethodGet, 404, time.Millisecond)
	var nilHTTP *HTTP
	nilHTTP.Observe("/x", http.MethodGet, 200, time.Millisecond) // off: no panic

	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	body := rec.Body.String()
	for _, want := range []string{
		`doithoai_http_requests_total{method="GET",route="/api/v1/tasks/:id",status="200"} 2`,
		`doithoai_http_requests_total{method="GET",route="unmatched",status="404"} 1`,
		`doithoai_http_request_duration_seconds_bucket{method="GET",route="/api/v1/tasks/:id",status="200",le="0.05"} 1`,
		`go_goroutines`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

// The Temporal SDK's counters and timers export with Prometheus names:
// counters _total, timers histograms in seconds with our buckets.
func TestTemporalHandlerNames(t *testing.T) {
	m, err := NewMetrics(zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	th := m.TemporalHandler().WithTags(map[string]string{"workflow_type": "Plan"})
	th.Counter("temporal_workflow_task_execution_failed").Inc(2)
	th.Timer("temporal_workflow_task_execution_latency").Record(20 * time.Millisecond)
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	body := rec.Body.String()
	for _, want := range []string{
		`temporal_workflow_task_execution_failed_total{workflow_type="Plan"} 2`,
		`temporal_workflow_task_execution_latency_seconds_bucket{workflow_type="Plan",le="0.025"} 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s:\n%s", want, grep(body, "temporal_"))
		}
	}
}

func grep(s, prefix string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
