// Package telemetry is what operators see of a running process: the
// Prometheus registry behind /metrics (the Temporal SDK's own metrics, the
// HTTP requests, the business gauges), the OpenTelemetry tracer provider
// (exported by OTLP when configured, off otherwise) and the Temporal
// client's tracing interceptor. The composition root (app) builds one
// Telemetry per process and hands its parts to the Temporal client, the
// store, the API and the worker.
package telemetry

import (
	"fmt"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/prometheus/otlptranslator"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	"go.opentelemetry.io/otel/metric"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.temporal.io/sdk/client"
	temporalotel "go.temporal.io/sdk/contrib/opentelemetry"
	"go.uber.org/zap"
)

// Namespace prefixes the service's own metrics (the SDK's start with
// temporal_).
const Namespace = "doithoai"

// secondsBuckets are the histogram buckets of every duration in seconds
// (the SDK's latencies, HTTP requests): 5 ms to 1 min. OpenTelemetry's
// default buckets are meant for milliseconds and would put every Temporal
// latency in the first one.
var secondsBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60}

// Metrics is a process's Prometheus registry and the OpenTelemetry meter
// provider that exports into it (for the Temporal SDK's metrics).
type Metrics struct {
	// Registry holds every metric of the process; Handler serves it.
	Registry *prometheus.Registry
	// MeterProvider exports OpenTelemetry instruments (the SDK's, the SQL
	// hook's) into Registry.
	MeterProvider *sdkmetric.MeterProvider
	log           *zap.Logger
}

// NewMetrics builds a registry with the Go runtime and process collectors
// and an OpenTelemetry meter provider exporting into it.
func NewMetrics(log *zap.Logger) (*Metrics, error) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	exp, err := otelprom.New(
		otelprom.WithRegisterer(reg),
		otelprom.WithTranslationStrategy(otlptranslator.UnderscoreEscapingWithSuffixes),
		otelprom.WithoutScopeInfo(),
		otelprom.WithoutTargetInfo(),
	)
	if err != nil {
		return nil, fmt.Errorf("prometheus exporter: %w", err)
	}
	seconds := sdkmetric.NewView(
		sdkmetric.Instrument{Name: "*", Kind: sdkmetric.InstrumentKindHistogram, Unit: "s"},
		sdkmetric.Stream{Aggregation: sdkmetric.AggregationExplicitBucketHistogram{Boundaries: secondsBuckets}},
	)
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(exp), sdkmetric.WithView(seconds))
	return &Metrics{Registry: reg, MeterProvider: mp, log: log}, nil
}

// Handler serves the registry in the Prometheus text format (and
// OpenMetrics when asked).
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{Registry: m.Registry, EnableOpenMetrics: true})
}

// Meter is a meter of the provider, for instrumentation libraries.
func (m *Metrics) Meter(name string) metric.Meter { return m.MeterProvider.Meter(name) }

// TemporalHandler is the Temporal SDK's metrics handler for a client (and
// the workers made from it): the SDK's OpenTelemetry handler over this
// provider, with monotonic counters so they export as Prometheus counters
// (temporal_workflow_task_execution_failed_total, temporal_request_total …)
// and latencies as histograms in seconds.
func (m *Metrics) TemporalHandler() client.MetricsHandler {
	return temporalotel.NewMetricsHandler(temporalotel.MetricsHandlerOptions{
		Meter:                m.Meter("temporal-sdk-go"),
		UseMonotonicCounters: true,
		OnError: func(err error) {
			m.log.Warn("temporal sdk metric", zap.Error(err))
		},
	})
}
