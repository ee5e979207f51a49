// Package app is the composition root of the service: the one place where
// configuration → logger → store (migrations, calendar) → Temporal client →
// worker and API server (with the web pages mounted on it) are put
// together. The api, worker and dev commands and the test environment all
// build their stack with New and run it with Run, RunAPI or RunWorker.
//
// It never embeds the Temporal server (production binaries must not link
// it): cmd/dev and the tests start one themselves and pass its address in
// the configuration.
package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.temporal.io/sdk/client"
	"go.uber.org/zap"

	"github.com/doithoai/doithoai/api"
	"github.com/doithoai/doithoai/internal/auth"
	"github.com/doithoai/doithoai/internal/calendar"
	"github.com/doithoai/doithoai/internal/config"
	"github.com/doithoai/doithoai/internal/logging"
	"github.com/doithoai/doithoai/internal/store"
	"github.com/doithoai/doithoai/internal/telemetry"
	"github.com/doithoai/doithoai/internal/temporalx"
	"github.com/doithoai/doithoai/web"
)

// pingTimeout bounds the first contact with PostgreSQL.
const pingTimeout = 15 * time.Second

// App is the service assembled from one configuration. Its exported fields
// are set by New and read-only afterwards.
type App struct {
	Config   config.Config
	Logger   *zap.Logger
	Store    *store.Store
	Calendar *calendar.Calendar
	Temporal client.Client
	// Metrics is the process's Prometheus registry (served on /metrics).
	Metrics *telemetry.Metrics
	// Tracing is the tracer provider; nil when tracing is off.
	Tracing *telemetry.Tracing

	opts options
	// api is built on the first call of API.
	api *api.Server
	// closers release what New opened, in reverse order.
	closers []func() error
}

// Option changes how New builds an App.
type Option func(*options)

type options struct {
	logger       *zap.Logger
	store        *store.Store
	temporal     client.Client
	lazyTemporal bool
	verifier     auth.Verifier
	devLogin     *web.DevLogin
	listener     net.Listener

	spanExporter    sdktrace.SpanExporter
	metricsListener net.Listener
}

// WithLogger logs to l instead of a logger built from the configuration;
// the caller keeps it (Close does not sync it).
func WithLogger(l *zap.Logger) Option { return func(o *options) { o.logger = l } }

// WithStore uses an open store instead of opening Config.DatabaseURL; the
// caller keeps it (Close does not close it). Migrations still run when
// Config.MigrateOnStart is set, and the calendar is still ensured.
func WithStore(st *store.Store) Option { return func(o *options) { o.store = st } }

// WithTemporal uses a Temporal client the caller dialled and keeps (Close
// does not close it) instead of dialling Config.TemporalAddress.
func WithTemporal(c client.Client) Option { return func(o *options) { o.temporal = c } }

// WithLazyTemporal connects to Temporal on first use instead of waiting for
// it in New, so the process starts (and reports not ready) while Temporal
// is still coming up: the API's way. Without it New retries until Temporal
// answers: the worker's way.
func WithLazyTemporal() Option { return func(o *options) { o.lazyTemporal = true } }

// WithVerifier verifies bearer tokens (and the pages' sessions) with v
// instead of the verifier the configuration names (api.NewVerifier).
func WithVerifier(v auth.Verifier) Option { return func(o *options) { o.verifier = v } }

// WithDevLogin offers the demo users of d on the pages' sign-in page (dev
// and tests), instead of the OIDC sign-in the configuration names.
func WithDevLogin(d *web.DevLogin) Option { return func(o *options) { o.devLogin = d } }

// WithListener serves the API on ln instead of listening on
// Config.HTTPAddr; RunAPI closes it.
func WithListener(ln net.Listener) Option { return func(o *options) { o.listener = ln } }

// New assembles the service: the logger, the metrics registry and the
// tracer provider (internal/telemetry), the store (pinged, migrated when
// cfg.MigrateOnStart is set, its calendar_days filled from the configured
// calendar) and the Temporal client. The API server and the workers are
// built when asked for (API, NewWorker) or run (Run). On error New releases
// whatever it opened; otherwise Close does.
func New(ctx context.Context, cfg config.Config, opts ...Option) (*App, error) {
	a := &App{Config: cfg}
	for _, o := range opts {
		o(&a.opts)
	}
	if err := a.open(ctx); err != nil {
		_ = a.Close()
		return nil, err
	}
	return a, nil
}

func (a *App) open(ctx context.Context) error {
	if err := a.openLogger(); err != nil {
		return err
	}
	if err := a.openTelemetry(ctx); err != nil {
		return err
	}
	if err := a.openStore(ctx); err != nil {
		return err
	}
	return a.openTemporal(ctx)
}

func (a *App) openLogger() error {
	if a.opts.logger != nil {
		a.Logger = a.opts.logger
		return nil
	}
	log, err := logging.New(a.Config.LogLevel, a.Config.LogFormat)
	if err != nil {
		return err
	}
	a.Logger = log
	a.closers = append(a.closers, func() error { _ = log.Sync(); return nil })
	return nil
}

// openStore opens (or takes) the store, checks that PostgreSQL answers,
// and prepares the database: migrations when asked, then the calendar.
func (a *App) openStore(ctx context.Context) error {
	cal, err := a.Config.Calendar()
	if err != nil {
		return err
	}
	a.Calendar = cal
	a.Store = a.opts.store
	if a.Store == nil {
		if a.Store, err = store.Open(a.Config.DatabaseURL); err != nil {
			return err
		}
		a.closers = append(a.closers, a.Store.Close)
	}
	a.instrumentStore()
	pingCtx, cancel := context.WithTimeout(ctx, pingTimeout)
	err = a.Store.Ping(pingCtx)
	cancel()
	if err != nil {
		return fmt.Errorf("PostgreSQL at %s does not answer: %w", Redact(a.Config.DatabaseURL), err)
	}
	applied, err := a.Store.Prepare(ctx, a.Config.MigrateOnStart, cal)
	if err != nil {
		return err
	}
	a.Logger.Info("database ready", zap.Strings("migrations_applied", applied))
	return nil
}

func (a *App) openTemporal(ctx context.Context) error {
	if a.opts.temporal != nil {
		a.Temporal = a.opts.temporal
		return nil
	}
	ics, err := a.temporalInterceptors()
	if err != nil {
		return err
	}
	o := temporalx.Options{HostPort: a.Config.TemporalAddress, Namespace: a.Config.TemporalNamespace, Logger: a.Logger,
		MetricsHandler: a.Metrics.TemporalHandler(), Interceptors: ics}
	if a.opts.lazyTemporal {
		a.Temporal, err = temporalx.Lazy(o)
	} else {
		a.Temporal, err = temporalx.Dial(ctx, o)
	}
	if err != nil {
		return err
	}
	a.closers = append(a.closers, func() error { a.Temporal.Close(); return nil })
	return nil
}

// Close releases what New opened, last first: the Temporal client, the
// store, the logger's buffer. What the caller passed in stays open.
func (a *App) Close() error {
	var errs []error
	for i := len(a.closers) - 1; i >= 0; i-- {
		errs = append(errs, a.closers[i]())
	}
	a.closers = nil
	return errors.Join(errs...)
}

// Redact hides the password of a database URL, for logs and messages.
func Redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "(DATABASE_URL)"
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxx")
	}
	return u.String()
}
