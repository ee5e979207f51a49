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
	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/doithoai/doithoai/activities"
	"github.com/doithoai/doithoai/api"
	"github.com/doithoai/doithoai/devkit/devserver"
	"github.com/doithoai/doithoai/internal/calendar"
	"github.com/doithoai/doithoai/internal/logging"
	"github.com/doithoai/doithoai/internal/notify"
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
	Client   client.Client
	Worker   sdkworker.Worker
	API      *api.Server
	Feed     *api.Feed
	BaseURL  string
	Logger   *zap.Logger
	// DevLogin is the pages' dev sign-in: SetUsers offers users on /login.
	DevLogin *web.DevLogin

	acts   *activities.Activities
	stopAP func()
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
	base := DatabaseURL()
	admin := sql.OpenDB(pgdriver.NewConnector(pgdriver.WithDSN(base), pgdriver.WithTimeout(5*time.Second)))
	tb.Cleanup(func() { admin.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := admin.PingContext(ctx); err != nil {
		tb.Fatalf("PostgreSQL is needed at %s and did not answer (%v).\n"+
			"Start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start\n"+
			"or point DATABASE_URL at a server where the user may CREATE DATABASE.", redact(base), err)
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

func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "(unparseable DATABASE_URL)"
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxx")
	}
	return u.String()
}

// Options tunes Start.
type Options struct {
	// Quiet sends logs nowhere instead of the test log.
	Quiet bool
	// SMTPAddr turns e-mail delivery on, to this server.
	SMTPAddr string
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
	e.Store, e.DBURL = NewDatabase(tb)

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
	e.Client, err = client.DialContext(ctx, client.Options{HostPort: ts.FrontendHostPort(), Namespace: ts.Namespace(), Logger: logging.ForTemporal(log)})
	if err != nil {
		tb.Fatalf("dial Temporal: %v", err)
	}
	tb.Cleanup(e.Client.Close)

	cal, err := calendar.New(calendar.Options{})
	if err != nil {
		tb.Fatalf("calendar: %v", err)
	}
	e.acts = &activities.Activities{Store: e.Store, Logger: log, Webhook: &notify.Webhook{}, Calendar: cal, Temporal: e.Client}
	if opts.SMTPAddr != "" {
		e.acts.Mailer = &notify.Mailer{Addr: opts.SMTPAddr, From: "doithoai@localhost"}
	}
	e.StartWorker(tb)
	tb.Cleanup(e.StopWorker)

	feedCtx, stopFeed := context.WithCancel(context.Background())
	e.Feed = api.NewFeed(e.Store, nil, log)
	feedDone := make(chan struct{})
	go func() { defer close(feedDone); _ = e.Feed.Run(feedCtx) }()
	e.API = &api.Server{Store: e.Store, Temporal: e.Client, TaskQueue: TaskQueue, Logger: log, Feed: e.Feed, Auth: Tokens(tb),
		SurveyLimit: api.RateLimit{Every: time.Millisecond, Burst: 1000}}
	// The web pages too, with the dev sign-in (users added by the test).
	e.DevLogin = &web.DevLogin{Minter: Tokens(tb)}
	e.API.Pages = &web.Server{Verifier: Tokens(tb), Dev: e.DevLogin, Logger: log}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("listen: %v", err)
	}
	e.BaseURL = "http://" + ln.Addr().String()
	apiCtx, stopAPI := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- api.Serve(apiCtx, ln, e.API.Handler(), log) }()
	e.stopAP = func() { stopAPI(); <-done }
	tb.Cleanup(e.stopAP)
	// Cleanups run last-first: the feed stops before the API drains, so
	// open streams end at once.
	tb.Cleanup(func() { stopFeed(); <-feedDone })
	return e
}

// StartWorker starts a (new) worker on the test task queue.
func (e *Env) StartWorker(tb testing.TB) {
	tb.Helper()
	e.Worker = worker.New(e.Client, e.acts, worker.Options{TaskQueue: TaskQueue})
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
