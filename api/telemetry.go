package api

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/attribute"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/trace"

	"github.com/doithoai/doithoai/internal/telemetry"
)

// Telemetry is what the API reports to operators; every part may be nil
// (not reported).
type Telemetry struct {
	// HTTP counts requests by route template, method and status.
	HTTP *telemetry.HTTP
	// Survey counts the survey answers stored.
	Survey *telemetry.Survey
	// Tracing starts a span per request (nil: tracing off).
	Tracing *telemetry.Tracing
}

// routeNamedKey marks a request whose span already carries its route, so
// the pages' in-process calls to the API (which carry their page
// request's context) do not rename the page's span.
type routeNamedKey struct{}

// traced wraps the engine in OpenTelemetry's HTTP handler: a server span
// per request, continuing the caller's trace (W3C traceparent). The span
// is named by the route template once Gin has matched it (routeMetrics).
func (s *Server) traced(h http.Handler) http.Handler {
	t := s.Telemetry.Tracing
	if t == nil {
		return h
	}
	return otelhttp.NewHandler(h, "http",
		otelhttp.WithTracerProvider(t.TracerProvider()), otelhttp.WithPropagators(t.Propagator),
		otelhttp.WithMeterProvider(metricnoop.NewMeterProvider()))
}

// routeMetrics observes every answered request by its route template
// (never the raw path) and names its span after the route. A page's
// in-process call to the API is observed too, but leaves the page's span
// its own name.
func (s *Server) routeMetrics() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		inner := c.Request.Context().Value(routeNamedKey{}) != nil
		if !inner {
			c.Request = c.Request.WithContext(context.WithValue(c.Request.Context(), routeNamedKey{}, true))
		}
		c.Next()
		route := c.FullPath()
		s.Telemetry.HTTP.Observe(route, c.Request.Method, c.Writer.Status(), time.Since(start))
		if inner || route == "" {
			return
		}
		if span := trace.SpanFromContext(c.Request.Context()); span.IsRecording() {
			span.SetName(c.Request.Method + " " + route)
			span.SetAttributes(attribute.String("http.route", route))
		}
	}
}
