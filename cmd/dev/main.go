// Command dev runs the whole doithoai service in one process on embedded
// defaults: an in-process Temporal dev server (SQLite file, Web UI),
// PostgreSQL from DATABASE_URL or a local cluster kept in the data folder,
// migrations, the worker and the HTTP API. Ctrl-C stops everything cleanly;
// running it again keeps the data.
//
//	go run ./cmd/dev            # start
//	go run ./cmd/dev --demo     # start and load a small demo plan
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"go.uber.org/zap"

	"github.com/doithoai/doithoai/api"
	"github.com/doithoai/doithoai/app"
	"github.com/doithoai/doithoai/devkit/devserver"
	"github.com/doithoai/doithoai/devkit/pglocal"
	"github.com/doithoai/doithoai/internal/auth"
	"github.com/doithoai/doithoai/internal/config"
	"github.com/doithoai/doithoai/internal/logging"
	"github.com/doithoai/doithoai/web"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "\ndev:", err)
		os.Exit(1)
	}
}

type flags struct {
	dataDir      string
	httpAddr     string
	temporalPort int
	uiPort       int
	pgPort       int
	demo         bool
	logLevel     string
}

// parseFlags reads the command line; -migrate goes straight into cfg.
func parseFlags(cfg *config.Config) flags {
	var f flags
	flag.StringVar(&f.dataDir, "data", ".doithoai-dev", "folder for the Temporal SQLite file and the local PostgreSQL cluster (kept between runs)")
	flag.StringVar(&f.httpAddr, "http", "127.0.0.1:8080", "listen address of the HTTP API")
	flag.StringVar(&cfg.MetricsAddr, "metrics", "127.0.0.1:9091", "listen address of /metrics (the API's and the worker's: one process; empty: off)")
	flag.IntVar(&f.temporalPort, "temporal-port", 7233, "port of the Temporal frontend (gRPC)")
	flag.IntVar(&f.uiPort, "ui-port", 8233, "port of the Temporal Web UI (-1: no UI)")
	flag.IntVar(&f.pgPort, "pg-port", pglocal.DefaultPort, "port of the local PostgreSQL cluster (when DATABASE_URL is not set)")
	flag.BoolVar(&cfg.MigrateOnStart, "migrate", cfg.MigrateOnStart, "apply pending database migrations on start")
	flag.BoolVar(&f.demo, "demo", false, "load a small demo: a district with three wards and a plan whose first survey opens within a minute")
	flag.StringVar(&f.logLevel, "log-level", cfg.LogLevel, "log level: debug, info, warn, error")
	flag.Parse()
	return f
}

func run() error {
	cfg, err := config.Load()
	if err != nil {
		return err
	}
	if len(os.Args) > 1 && os.Args[1] == "token" {
		return runToken(os.Args[2:], cfg)
	}
	f := parseFlags(&cfg)
	log, err := logging.New(f.logLevel, "console")
	if err != nil {
		return err
	}
	defer log.Sync() //nolint:errcheck
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	dataDir, err := filepath.Abs(f.dataDir)
	if err != nil {
		return fmt.Errorf("data folder: %w", err)
	}
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return fmt.Errorf("create data folder: %w", err)
	}
	stopPG, err := startPostgres(ctx, &cfg, dataDir, f.pgPort, log)
	if err != nil {
		return err
	}
	defer stopPG()
	ts, err := startTemporal(ctx, &cfg, dataDir, f, log)
	if err != nil {
		return err
	}
	defer func() {
		if err := ts.Stop(); err != nil {
			log.Warn("stop Temporal", zap.Error(err))
		}
	}()
	return serve(ctx, cfg, f, dataDir, ts, log)
}

// startPostgres points cfg at DATABASE_URL or, without it, at a local
// cluster in the data folder, which the returned function stops.
func startPostgres(ctx context.Context, cfg *config.Config, dataDir string, port int, log *zap.Logger) (stop func(), err error) {
	if cfg.DatabaseURL != "" {
		return func() {}, nil
	}
	dir := filepath.Join(dataDir, "postgres")
	log.Info("DATABASE_URL not set: starting a local PostgreSQL cluster", zap.String("dir", dir))
	cluster, err := pglocal.Start(ctx, pglocal.Options{Dir: dir, Port: port, Logger: log})
	if errors.Is(err, pglocal.ErrNoPostgres) {
		return nil, fmt.Errorf("no PostgreSQL available.\n"+
			"  Either point DATABASE_URL at a server, e.g.\n"+
			"    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable go run ./cmd/dev\n"+
			"  or install PostgreSQL so a local cluster can be made: apt-get install postgresql\n"+
			"  (%v)", err)
	}
	if err != nil {
		return nil, fmt.Errorf("start local PostgreSQL: %w", err)
	}
	cfg.DatabaseURL = cluster.URL()
	return func() {
		if err := cluster.Stop(); err != nil {
			log.Warn("stop PostgreSQL", zap.Error(err))
		}
	}, nil
}

// startTemporal starts an in-process Temporal dev server on a SQLite file
// in the data folder and points cfg at it.
func startTemporal(ctx context.Context, cfg *config.Config, dataDir string, f flags, log *zap.Logger) (*devserver.Server, error) {
	ts, err := devserver.Start(ctx, devserver.Options{
		DBFile:       filepath.Join(dataDir, "temporal.db"),
		FrontendPort: f.temporalPort,
		UIPort:       f.uiPort,
		Namespace:    cfg.TemporalNamespace,
		Logger:       log,
		LogLevel:     "warn",
		DynamicConfig: map[string]any{
			"history.timerProcessorMaxTimeShift": 100 * time.Millisecond,
		},
	})
	if err != nil {
		return nil, fmt.Errorf("start Temporal dev server: %w", err)
	}
	cfg.TemporalAddress, cfg.TemporalNamespace = ts.FrontendHostPort(), ts.Namespace()
	return ts, nil
}

// serve assembles the service over the dev server and PostgreSQL and runs
// the worker and the API (with the pages and their dev sign-in) until ctx
// is cancelled.
func serve(ctx context.Context, cfg config.Config, f flags, dataDir string, ts *devserver.Server, log *zap.Logger) error {
	minter, verifier, err := devTokens(ctx, cfg, dataDir)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", f.httpAddr)
	if err != nil {
		return fmt.Errorf("listen on %s (use --http to pick another address): %w", f.httpAddr, err)
	}
	defer ln.Close()
	// The web pages: sign in by choosing a demo user (the admin, and each
	// demo user once the demo units exist).
	devLogin := &web.DevLogin{Minter: minter}
	a, err := app.New(ctx, cfg, app.WithLogger(log), app.WithVerifier(verifier), app.WithDevLogin(devLogin), app.WithListener(ln))
	if err != nil {
		return err
	}
	defer a.Close()
	devLogin.SetUsers(webUsers(ctx, a.Store))
	apiURL := "http://" + ln.Addr().String()
	if err := printBanner(cfg, f, dataDir, apiURL, ts, minter); err != nil {
		return err
	}
	if f.demo {
		go func() {
			if err := loadDemo(ctx, apiURL, minter, devLogin, a.Store, log); err != nil && ctx.Err() == nil {
				log.Error("demo", zap.Error(err))
			}
		}()
	}
	context.AfterFunc(ctx, func() { log.Info("stopping: draining HTTP, stopping the worker, Temporal and PostgreSQL") })
	err = a.Run(ctx, app.RoleWorker, app.RoleAPI)
	if err != nil && ctx.Err() != nil {
		log.Warn("shutdown", zap.Error(err))
		return nil
	}
	return err
}

// devTokens are the dev token minter (HS256 with AUTH_HS256_SECRET or a
// secret kept in the data folder, so the tokens printed stay valid) and
// the verifier: the minter, or an OIDC issuer when AUTH_OIDC_ISSUER_URL is
// set.
func devTokens(ctx context.Context, cfg config.Config, dataDir string) (*auth.HS256, auth.Verifier, error) {
	secret, err := devSecret(cfg.AuthHS256Secret, dataDir)
	if err != nil {
		return nil, nil, err
	}
	minter, err := auth.NewHS256(auth.HS256Config{Secret: secret, Issuer: cfg.AuthIssuer, Audience: cfg.AuthAudience})
	if err != nil {
		return nil, nil, err
	}
	if cfg.AuthOIDCIssuerURL == "" {
		return minter, minter, nil
	}
	verifier, err := api.NewVerifier(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	return minter, verifier, nil
}

// printBanner prints where everything is, and an admin token.
func printBanner(cfg config.Config, f flags, dataDir, apiURL string, ts *devserver.Server, minter *auth.HS256) error {
	adminToken, err := minter.Mint(devAdmin, devTokenTTL)
	if err != nil {
		return err
	}
	fmt.Printf("\n  doithoai dev stack is running (Ctrl-C to stop)\n\n")
	fmt.Printf("  Web pages        %s/  (sign in by choosing a demo user)\n", apiURL)
	fmt.Printf("  API              %s/api/v1\n", apiURL)
	fmt.Printf("  OpenAPI spec     %s/api/v1/openapi.yaml\n", apiURL)
	fmt.Printf("  Ready check      %s/readyz\n", apiURL)
	if cfg.MetricsAddr != "" {
		fmt.Printf("  Metrics          http://%s/metrics  (Prometheus: API and worker)\n", cfg.MetricsAddr)
	}
	fmt.Printf("  Temporal         %s  (namespace %s, task queue %s)\n", ts.FrontendHostPort(), ts.Namespace(), cfg.TaskQueue)
	if ui := ts.UIURL(); ui != "" {
		fmt.Printf("  Temporal Web UI  %s/namespaces/%s/workflows\n", ui, ts.Namespace())
	}
	fmt.Printf("  PostgreSQL       %s\n", app.Redact(cfg.DatabaseURL))
	fmt.Printf("  Data folder      %s\n\n", dataDir)
	fmt.Printf("  Admin token (creates units; valid %d days):\n    %s\n\n", int(devTokenTTL.Hours()/24), adminToken)
	if !f.demo {
		fmt.Printf("  Run with --demo for a demo district and a ready token for each role.\n\n")
	}
	return nil
}
