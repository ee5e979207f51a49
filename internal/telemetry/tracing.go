package telemetry

import (
	"context"
	"fmt"
	"strings"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	tracenoop "go.opentelemetry.io/otel/trace/noop"
	temporalotel "go.temporal.io/sdk/contrib/opentelemetry"
	"go.temporal.io/sdk/interceptor"
)

// TraceOptions say where spans go.
type TraceOptions struct {
	// ServiceName is the service.name of every span (OTEL_SERVICE_NAME).
	ServiceName string
	// Endpoint is the OTLP base endpoint (OTEL_EXPORTER_OTLP_ENDPOINT:
	// http/protobuf sends to its /v1/traces), TracesEndpoint the traces
	// endpoint taken as it is (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, which
	// wins). Both empty with no Exporter turns tracing off.
	Endpoint, TracesEndpoint string
	// Protocol is grpc or http/protobuf (the default, as the OpenTelemetry
	// specification says).
	Protocol string
	// Exporter, when set, takes every span synchronously instead of OTLP
	// (tests: tracetest.InMemoryExporter).
	Exporter sdktrace.SpanExporter
}

// Tracing is a process's tracer provider and propagator. A nil *Tracing
// is tracing off: every method still answers (with no-op values).
type Tracing struct {
	Provider   *sdktrace.TracerProvider
	Propagator propagation.TextMapPropagator
}

// NewTracing builds the tracer provider of o, or nil when tracing is off
// (no endpoint, no exporter). The OTLP exporter also honours the other
// standard OTEL_EXPORTER_OTLP_* variables (headers, certificate, timeout)
// and the provider OTEL_TRACES_SAMPLER.
func NewTracing(ctx context.Context, o TraceOptions) (*Tracing, error) {
	var opt sdktrace.TracerProviderOption
	switch {
	case o.Exporter != nil:
		opt = sdktrace.WithSyncer(o.Exporter)
	case o.Endpoint != "" || o.TracesEndpoint != "":
		exp, err := otlpExporter(ctx, o)
		if err != nil {
			return nil, err
		}
		opt = sdktrace.WithBatcher(exp)
	default:
		return nil, nil
	}
	res, err := resource.Merge(resource.Default(), resource.NewSchemaless(attribute.String("service.name", o.ServiceName)))
	if err != nil {
		return nil, fmt.Errorf("trace resource: %w", err)
	}
	return &Tracing{
		Provider:   sdktrace.NewTracerProvider(opt, sdktrace.WithResource(res)),
		Propagator: propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}),
	}, nil
}

func otlpExporter(ctx context.Context, o TraceOptions) (sdktrace.SpanExporter, error) {
	url, full := o.TracesEndpoint, true
	if url == "" {
		url, full = strings.TrimSuffix(o.Endpoint, "/"), false
	}
	if !strings.Contains(url, "://") {
		url = "http://" + url
	}
	var (
		exp sdktrace.SpanExporter
		err error
	)
	switch o.Protocol {
	case "grpc":
		exp, err = otlptracegrpc.New(ctx, otlptracegrpc.WithEndpointURL(url))
	case "", "http/protobuf":
		if !full {
			url += "/v1/traces"
		}
		exp, err = otlptracehttp.New(ctx, otlptracehttp.WithEndpointURL(url))
	default:
		return nil, fmt.Errorf("OTEL_EXPORTER_OTLP_PROTOCOL: want grpc or http/protobuf, got %q", o.Protocol)
	}
	if err != nil {
		return nil, fmt.Errorf("OTLP trace exporter for %s: %w", url, err)
	}
	return exp, nil
}

// TracerProvider is the provider, or a no-op one when tracing is off.
func (t *Tracing) TracerProvider() trace.TracerProvider {
	if t == nil {
		return tracenoop.NewTracerProvider()
	}
	return t.Provider
}

// TemporalInterceptor is the Temporal SDK's OpenTelemetry tracing
// interceptor: on the client it starts a span per workflow start, Update
// and signal and carries it in the Temporal headers; on the workers made
// from that client it continues the trace into workflow, Update handler
// and activity spans (workflow spans are made deterministically, from
// history, as the SDK designs them). Nil when tracing is off.
func (t *Tracing) TemporalInterceptor() (interceptor.ClientInterceptor, error) {
	if t == nil {
		return nil, nil
	}
	i, err := temporalotel.NewTracingInterceptor(temporalotel.TracerOptions{
		Tracer:            t.Provider.Tracer("temporal-sdk-go"),
		TextMapPropagator: t.Propagator,
	})
	if err != nil {
		return nil, fmt.Errorf("temporal tracing interceptor: %w", err)
	}
	return i, nil
}

// Shutdown flushes the spans still buffered and stops the exporter.
func (t *Tracing) Shutdown(ctx context.Context) error {
	if t == nil {
		return nil
	}
	return t.Provider.Shutdown(ctx)
}
