// Package testenv brings up the real parts the end-to-end tests and the
// benchmarks run against: a fresh PostgreSQL database (from DATABASE_URL,
// or the local server at 127.0.0.1:5432), an in-process Temporal dev server,
// a worker and the HTTP API on a loopback port. Nothing here is mocked.
package testenv

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun/driver/pgdriver"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.temporal.io/sdk/client"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/doithoai/doithoai/api"
	"github.com/doithoai/doithoai/app"
	"github.com/doithoai/doithoai/devkit/devserver"
	"github.com/doithoai/doithoai/internal/calendar"
	"github.com/doithoai/doithoai/internal/config"
	"github.com/doithoai/doithoai/internal/store"
	"github.com/doithoai/doithoai/web"
	"github.com/doithoai/doithoai/worker"
)

// DefaultDatabaseURL is used when DATABASE_URL is not set.
const DefaultDatabaseURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// TaskQueue is the task queue of the test worker.
const TaskQueue = "doithoai-test"

// Env is a running stack.
type Env struct {
	Store    *store.Store
	DBURL    string
	Temporal *devserver.Server
	// App is the service assembled over them, the way the commands do.
	App     *app.App
	Client  client.Client
	Worker  *worker.Worker
	API     *api.Server
	Feed    *store.Feed
	BaseURL string
	// MetricsURL is the API process's /metrics (Options.Metrics).
	MetricsURL string
	Logger     *zap.Logger
	// DevLogin is the pages' dev sign-in: SetUsers offers users on /login.
	DevLogin *web.DevLogin
}

// DatabaseURL returns DATABASE_URL or the default local server.
func DatabaseURL() string {
	if u := os.Getenv("DATABASE_URL"); u != "" {
		return u
	}
	return DefaultDatabaseURL
}

// NewDatabase creates a fresh, migrated database on the server of
// DATABASE_URL and drops it when the test ends. It fails the test with
// instructions when PostgreSQL cannot be reached.
func NewDatabase(tb testing.TB) (*store.Store, string) {
	tb.Helper()
	return NewDatabaseAt(tb, DatabaseURL())
}

// NewDatabaseAt is NewDatabase on the server at base (a role there may
// CREATE DATABASE), e.g. a private cluster a fault test stops and starts.
func NewDatabaseAt(tb testing.TB, base string) (*store.Store, string) {
	tb.Helper()
	admin := sql.OpenDB(pgdriver.NewConnector(pgdriver.WithDSN(base), pgdriver.WithTimeout(5*time.Second)))
	tb.Cleanup(func() { admin.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := admin.PingContext(ctx); err != nil {
		tb.Fatalf("PostgreSQL is needed at %s and did not answer (%v).\n"+
			"Start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start\n"+
			"or point DATABASE_URL at a server where the user may CREATE DATABASE.", app.Redact(base), err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "doithoai_test_" + hex.EncodeToString(b[:])
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		tb.Fatalf("create test database %s: %v", name, err)
	}
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("parse DATABASE_URL: %v", err)
	}
	u.Path = "/" + name
	dsn := u.String()
	st, err := store.Open(dsn)
	if err != nil {
		tb.Fatalf("open test database: %v", err)
	}
	tb.Cleanup(func() {
		st.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			tb.Logf("drop test database %s: %v", name, err)
		}
	})
	if _, err := st.Migrate(ctx); err != nil {
		tb.Fatalf("migrate test database: %v", err)
	}
	cal, err := calendar.New(calendar.Options{})
	if err != nil {
		tb.Fatalf("calendar: %v", err)
	}
	if err := st.EnsureCalendar(ctx, cal); err != nil {
		tb.Fatalf("fill calendar_days: %v", err)
	}
	return st, dsn
}

// Options tunes Start.
type Options struct {
	// Quiet sends logs nowhere instead of the test log.
	Quiet bool
	// SMTPAddr turns e-mail delivery on, to this server.
	SMTPAddr string
	// SMSGatewayURL turns text messages to respondents on, to this gateway.
	SMSGatewayURL string
	// ContactRetention is how long respondents' contacts are kept after
	// their dialogue closes (default: the production default).
	ContactRetention time.Duration
	// DatabaseURL is the server the test database is made on (default:
	// DATABASE_URL).
	DatabaseURL string
	// Metrics serves the API process's /metrics on a loopback port
	// (Env.MetricsURL).
	Metrics bool
	// SpanExporter turns tracing on, every span going to it synchronously
	// (tracetest.NewInMemoryExporter).
	SpanExporter sdktrace.SpanExporter
}

// testConfig is the configuration of the test stack: the test task queue, a
// survey link limit no test reaches, e-mail to opts.SMTPAddr when set.
func testConfig(ts *devserver.Server, opts Options) config.Config {
	c := config.Defaults()
	c.TemporalAddress, c.TemporalNamespace, c.TaskQueue = ts.FrontendHostPort(), ts.Namespace(), TaskQueue
	c.SurveyRatePerMinute, c.SurveyRateBurst = 60_000, 1000
	c.SurveyDeviceEvery, c.SurveyDeviceBurst = time.Millisecond, 1000
	c.SurveyAddressEvery, c.SurveyAddressBurst = time.Millisecond, 1000
	c.SurveyLinkEvery, c.SurveyLinkBurst = time.Millisecond, 1000
	c.SMTPAddr, c.SMTPFrom = opts.SMTPAddr, "doithoai@localhost"
	c.SMSGatewayURL = opts.SMSGatewayURL
	if opts.ContactRetention > 0 {
		c.ContactRetention = opts.ContactRetention
	}
	c.MigrateOnStart = false
	// No fixed ports: /metrics only on a listener of the test's own.
	c.MetricsAddr, c.WorkerMetricsAddr = "", ""
	c.BusinessGaugesTTL = 200 * time.Millisecond
	return c
}

// Start brings up database, Temporal, worker and API, and tears them down
// when the test ends.
func Start(tb testing.TB, opts Options) *Env {
	tb.Helper()
	log := zap.NewNop()
	if !opts.Quiet {
		log = zaptest.NewLogger(tb, zaptest.Level(zap.WarnLevel))
	}
	e := &Env{Logger: log}
	if opts.DatabaseURL != "" {
		e.Store, e.DBURL = NewDatabaseAt(tb, opts.DatabaseURL)
	} else {
		e.Store, e.DBURL = NewDatabase(tb)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	ts, err := devserver.Start(ctx, devserver.Options{
		UIPort:   -1,
		Logger:   log,
		LogLevel: "error",
		DynamicConfig: map[string]any{
			"history.timerProcessorMaxTimeShift": 50 * time.Millisecond,
		},
	})
	if err != nil {
		tb.Fatalf("start in-process Temporal server: %v", err)
	}
	tb.Cleanup(func() {
		if err := ts.Stop(); err != nil {
			tb.Logf("stop Temporal: %v", err)
		}
	})
	e.Temporal = ts
	e.startApp(ctx, tb, opts)
	e.StartWorker(tb)
	tb.Cleanup(e.StopWorker)
	e.serve(tb)
	return e
}

// startApp assembles the service over the test database and Temporal
// server, with the test tokens and the pages' dev sign-in (users added by
// the test).
func (e *Env) startApp(ctx context.Context, tb testing.TB, opts Options) {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("listen: %v", err)
	}
	e.BaseURL = "http://" + ln.Addr().String()
	e.DevLogin = &web.DevLogin{Minter: Tokens(tb)}
	appOpts := []app.Option{app.WithLogger(e.Logger), app.WithStore(e.Store),
		app.WithVerifier(Tokens(tb)), app.WithDevLogin(e.DevLogin), app.WithListener(ln)}
	if opts.Metrics {
		mln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			tb.Fatalf("listen: %v", err)
		}
		e.MetricsURL = "http://" + mln.Addr().String() + "/metrics"
		appOpts = append(appOpts, app.WithMetricsListener(mln))
	}
	if opts.SpanExporter != nil {
		appOpts = append(appOpts, app.WithSpanExporter(opts.SpanExporter))
	}
	e.App, err = app.New(ctx, testConfig(e.Temporal, opts), appOpts...)
	if err != nil {
		ln.Close()
		tb.Fatalf("assemble the service: %v", err)
	}
	tb.Cleanup(func() { _ = e.App.Close() })
	e.Client = e.App.Temporal
	if e.API, err = e.App.API(ctx); err != nil {
		tb.Fatalf("build the API: %v", err)
	}
	e.Feed = e.API.Feed
}

// serve runs the API (with its alert feed) until the test ends. Stopping
// it stops the feed first, so open streams end at once, then drains.
func (e *Env) serve(tb testing.TB) {
	apiCtx, stopAPI := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.App.RunAPI(apiCtx) }()
	tb.Cleanup(func() {
		stopAPI()
		if err := <-done; err != nil {
			tb.Logf("stop API: %v", err)
		}
	})
}

// StartWorker starts a (new) worker on the test task queue.
func (e *Env) StartWorker(tb testing.TB) {
	tb.Helper()
	w, err := e.App.NewWorker()
	if err != nil {
		tb.Fatalf("build worker: %v", err)
	}
	e.Worker = w
	if err := e.Worker.Start(); err != nil {
		tb.Fatalf("start worker: %v", err)
	}
}

// StopWorker stops the running worker (to simulate a crash or a deploy).
func (e *Env) StopWorker() {
	if e.Worker != nil {
		e.Worker.Stop()
		e.Worker = nil
	}
}

// Exec runs SQL on the test database (for assertions).
func (e *Env) Exec(ctx context.Context, query string, args ...any) error {
	_, err := e.Store.DB.ExecContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("exec %s: %w", strings.Fields(query)[0], err)
	}
	return nil
}
