package telemetry

import (
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// UnmatchedRoute is the route label of a request no route matched (a 404
// or 405), so a scan of random paths adds no series.
const UnmatchedRoute = "unmatched"

// HTTP counts the requests of the HTTP server by route template (never the
// raw path, which would make a series per id), method and status, and
// their latency.
type HTTP struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

// NewHTTP registers the HTTP metrics on reg:
// doithoai_http_requests_total and doithoai_http_request_duration_seconds.
func NewHTTP(reg prometheus.Registerer) *HTTP {
	h := &HTTP{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: Namespace, Subsystem: "http", Name: "requests_total",
			Help: "HTTP requests answered, by route template, method and status.",
		}, []string{"route", "method", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: Namespace, Subsystem: "http", Name: "request_duration_seconds",
			Help:    "Time to answer an HTTP request, by route template, method and status (the alert stream lasts as long as its client).",
			Buckets: secondsBuckets,
		}, []string{"route", "method", "status"}),
	}
	reg.MustRegister(h.requests, h.duration)
	return h
}

// Observe records one answered request. route is the route template
// ("/api/v1/tasks/:id/result"); "" counts as UnmatchedRoute.
func (h *HTTP) Observe(route, method string, status int, took time.Duration) {
	if h == nil {
		return
	}
	if route == "" {
		route = UnmatchedRoute
	}
	s := strconv.Itoa(status)
	h.requests.WithLabelValues(route, method, s).Inc()
	h.duration.WithLabelValues(route, method, s).Observe(took.Seconds())
}

// Survey counts the survey answers the API stored.
type Survey struct {
	answers *prometheus.CounterVec
}

// NewSurvey registers doithoai_survey_answers_ingested_total on reg.
func NewSurvey(reg prometheus.Registerer) *Survey {
	s := &Survey{answers: prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: Namespace, Subsystem: "survey", Name: "answers_ingested_total",
		Help: "Survey answers stored by this process, by source: batch (a planner's upload) or link (the public survey link).",
	}, []string{"source"})}
	for _, src := range []string{SurveySourceBatch, SurveySourceLink} {
		s.answers.WithLabelValues(src)
	}
	reg.MustRegister(s.answers)
	return s
}

// The sources of survey answers.
const (
	SurveySourceBatch = "batch"
	SurveySourceLink  = "link"
)

// Ingested adds n stored answers from source.
func (s *Survey) Ingested(source string, n int) {
	if s == nil || n <= 0 {
		return
	}
	s.answers.WithLabelValues(source).Add(float64(n))
}
