package app

import (
	"context"
	"errors"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/uptrace/bun/extra/bunotel"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.temporal.io/sdk/interceptor"
	"go.uber.org/zap"

	"github.com/doithoai/doithoai/api"
	"github.com/doithoai/doithoai/internal/telemetry"
)

// WithSpanExporter sends every span to exp, synchronously, whether or not
// an OTLP endpoint is configured (tests: an in-memory exporter).
func WithSpanExporter(exp sdktrace.SpanExporter) Option {
	return func(o *options) { o.spanExporter = exp }
}

// WithMetricsListener serves /metrics on ln instead of listening on
// Config.MetricsAddr (RunAPI) or Config.WorkerMetricsAddr (RunWorker).
func WithMetricsListener(ln net.Listener) Option {
	return func(o *options) { o.metricsListener = ln }
}

// openTelemetry builds the process's metrics registry and, when an OTLP
// endpoint or a span exporter is given, its tracer provider.
func (a *App) openTelemetry(ctx context.Context) error {
	m, err := telemetry.NewMetrics(a.Logger)
	if err != nil {
		return err
	}
	a.Metrics = m
	a.closers = append(a.closers, func() error { return m.MeterProvider.Shutdown(context.Background()) })
	cfg := a.Config
	a.Tracing, err = telemetry.NewTracing(ctx, telemetry.TraceOptions{
		ServiceName: cfg.ServiceName, Endpoint: cfg.OTLPEndpoint, TracesEndpoint: cfg.OTLPTracesEndpoint,
		Protocol: cfg.OTLPProtocol, Exporter: a.opts.spanExporter,
	})
	if err != nil {
		return err
	}
	if a.Tracing != nil {
		a.Logger.Info("tracing on", zap.String("service", cfg.ServiceName), zap.String("otlp", cfg.OTLPEndpoint+cfg.OTLPTracesEndpoint))
		a.closers = append(a.closers, func() error {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			return a.Tracing.Shutdown(ctx)
		})
	}
	return nil
}

// instrumentStore reports the store's connection pool and, when tracing
// is on, a span per SQL query (bun's OpenTelemetry hook).
func (a *App) instrumentStore() {
	a.Metrics.Registry.MustRegister(collectors.NewDBStatsCollector(a.Store.DB.DB, "doithoai"))
	if a.Tracing != nil {
		a.Store.DB.AddQueryHook(bunotel.NewQueryHook(bunotel.WithDBName("doithoai"),
			bunotel.WithTracerProvider(a.Tracing.TracerProvider()), bunotel.WithMeterProvider(a.Metrics.MeterProvider)))
	}
}

// temporalInterceptors are the Temporal client's interceptors: tracing
// when on.
func (a *App) temporalInterceptors() ([]interceptor.ClientInterceptor, error) {
	i, err := a.Tracing.TemporalInterceptor()
	if err != nil || i == nil {
		return nil, err
	}
	return []interceptor.ClientInterceptor{i}, nil
}

// apiTelemetry registers what the API reports on the process's registry:
// the HTTP requests, the survey answers and the business gauges.
func (a *App) apiTelemetry() api.Telemetry {
	reg := a.Metrics.Registry
	reg.MustRegister(telemetry.NewBusiness(a.Store.DB, a.Logger, a.Config.BusinessGaugesTTL))
	return api.Telemetry{HTTP: telemetry.NewHTTP(reg), Survey: telemetry.NewSurvey(reg), Tracing: a.Tracing}
}

// serveMetrics serves /metrics on the listener of WithMetricsListener or
// on addr ("" : off) until the returned stop is called. A listener that
// cannot be opened is logged, not fatal: the service runs on, and
// Prometheus sees the target down.
func (a *App) serveMetrics(addr string) (stop func()) {
	ln := a.opts.metricsListener
	if ln == nil {
		if addr == "" {
			return func() {}
		}
		var err error
		if ln, err = net.Listen("tcp", addr); err != nil {
			a.Logger.Error("metrics not served", zap.String("addr", addr), zap.Error(err))
			return func() {}
		}
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", a.Metrics.Handler())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second, WriteTimeout: 60 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			a.Logger.Error("metrics server stopped", zap.Error(err))
		}
	}()
	a.Logger.Info("metrics listening", zap.String("addr", ln.Addr().String()))
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		<-done
	}
}
