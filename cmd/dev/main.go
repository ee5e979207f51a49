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
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"go.uber.org/zap"

	"github.com/doithoai/doithoai/api"
	"github.com/doithoai/doithoai/devkit/devserver"
	"github.com/doithoai/doithoai/devkit/pglocal"
	"github.com/doithoai/doithoai/internal/auth"
	"github.com/doithoai/doithoai/internal/config"
	"github.com/doithoai/doithoai/internal/logging"
	"github.com/doithoai/doithoai/internal/store"
	"github.com/doithoai/doithoai/internal/temporalx"
	"github.com/doithoai/doithoai/web"
	"github.com/doithoai/doithoai/worker"
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
	migrate      bool
	demo         bool
	logLevel     string
}

func run() error {
	cfg, err := config.Load()
	if err != nil {
		return err
	}
	if len(os.Args) > 1 && os.Args[1] == "token" {
		return runToken(os.Args[2:], cfg)
	}
	var f flags
	flag.StringVar(&f.dataDir, "data", ".doithoai-dev", "folder for the Temporal SQLite file and the local PostgreSQL cluster (kept between runs)")
	flag.StringVar(&f.httpAddr, "http", "127.0.0.1:8080", "listen address of the HTTP API")
	flag.IntVar(&f.temporalPort, "temporal-port", 7233, "port of the Temporal frontend (gRPC)")
	flag.IntVar(&f.uiPort, "ui-port", 8233, "port of the Temporal Web UI (-1: no UI)")
	flag.IntVar(&f.pgPort, "pg-port", pglocal.DefaultPort, "port of the local PostgreSQL cluster (when DATABASE_URL is not set)")
	flag.BoolVar(&f.migrate, "migrate", cfg.MigrateOnStart, "apply pending database migrations on start")
	flag.BoolVar(&f.demo, "demo", false, "load a small demo: a district with three wards and a plan whose first survey opens within a minute")
	flag.StringVar(&f.logLevel, "log-level", cfg.LogLevel, "log level: debug, info, warn, error")
	flag.Parse()

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

	// PostgreSQL: DATABASE_URL, or a local cluster in the data folder.
	dbURL := cfg.DatabaseURL
	if dbURL == "" {
		log.Info("DATABASE_URL not set: starting a local PostgreSQL cluster", zap.String("dir", filepath.Join(dataDir, "postgres")))
		cluster, err := pglocal.Start(ctx, pglocal.Options{Dir: filepath.Join(dataDir, "postgres"), Port: f.pgPort, Logger: log})
		if err != nil {
			if errors.Is(err, pglocal.ErrNoPostgres) {
				return fmt.Errorf("no PostgreSQL available.\n"+
					"  Either point DATABASE_URL at a server, e.g.\n"+
					"    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable go run ./cmd/dev\n"+
					"  or install PostgreSQL so a local cluster can be made: apt-get install postgresql\n"+
					"  (%v)", err)
			}
			return fmt.Errorf("start local PostgreSQL: %w", err)
		}
		defer func() {
			if err := cluster.Stop(); err != nil {
				log.Warn("stop PostgreSQL", zap.Error(err))
			}
		}()
		dbURL = cluster.URL()
	}
	st, err := store.Open(dbURL)
	if err != nil {
		return err
	}
	defer st.Close()
	pingCtx, cancel := context.WithTimeout(ctx, 15*time.Second)
	err = st.Ping(pingCtx)
	cancel()
	if err != nil {
		return fmt.Errorf("PostgreSQL at %s does not answer: %w", redact(dbURL), err)
	}
	cal, err := cfg.Calendar()
	if err != nil {
		return err
	}
	applied, err := st.Prepare(ctx, f.migrate, cal)
	if err != nil {
		return err
	}
	log.Info("database ready", zap.Strings("migrations_applied", applied))

	// Temporal: an in-process dev server on a SQLite file in the data folder.
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
		return fmt.Errorf("start Temporal dev server: %w", err)
	}
	defer func() {
		if err := ts.Stop(); err != nil {
			log.Warn("stop Temporal", zap.Error(err))
		}
	}()
	tc, err := temporalx.Dial(ctx, temporalx.Options{HostPort: ts.FrontendHostPort(), Namespace: ts.Namespace(), Logger: log})
	if err != nil {
		return err
	}
	defer tc.Close()

	w, err := worker.FromConfig(tc, cfg, st, log)
	if err != nil {
		return err
	}
	if err := w.Start(); err != nil {
		return fmt.Errorf("start worker: %w", err)
	}
	defer w.Stop()

	ln, err := net.Listen("tcp", f.httpAddr)
	if err != nil {
		return fmt.Errorf("listen on %s (use --http to pick another address): %w", f.httpAddr, err)
	}
	// Tokens: HS256 with AUTH_HS256_SECRET or a secret kept in the data
	// folder, so cmd/dev can print ready tokens; an OIDC issuer when
	// AUTH_OIDC_ISSUER_URL is set.
	secret, err := devSecret(cfg.AuthHS256Secret, dataDir)
	if err != nil {
		return err
	}
	minter, err := auth.NewHS256(auth.HS256Config{Secret: secret, Issuer: cfg.AuthIssuer, Audience: cfg.AuthAudience})
	if err != nil {
		return err
	}
	var verifier auth.Verifier = minter
	if cfg.AuthOIDCIssuerURL != "" {
		if verifier, err = api.NewVerifier(ctx, cfg); err != nil {
			return err
		}
	}
	adminToken, err := minter.Mint(devAdmin, devTokenTTL)
	if err != nil {
		return err
	}
	srv := api.NewServer(cfg, st, tc, log, verifier)
	// The web pages: sign in by choosing a demo user (the admin, and each
	// demo user once the demo units exist).
	devLogin := &web.DevLogin{Minter: minter}
	devLogin.SetUsers(webUsers(ctx, st))
	srv.Pages = &web.Server{Verifier: verifier, Dev: devLogin, Logger: log}
	apiURL := "http://" + ln.Addr().String()
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Run(ctx, ln) }()

	fmt.Printf("\n  doithoai dev stack is running (Ctrl-C to stop)\n\n")
	fmt.Printf("  Web pages        %s/  (sign in by choosing a demo user)\n", apiURL)
	fmt.Printf("  API              %s/api/v1\n", apiURL)
	fmt.Printf("  OpenAPI spec     %s/api/v1/openapi.yaml\n", apiURL)
	fmt.Printf("  Ready check      %s/readyz\n", apiURL)
	fmt.Printf("  Temporal         %s  (namespace %s, task queue %s)\n", ts.FrontendHostPort(), ts.Namespace(), cfg.TaskQueue)
	if ui := ts.UIURL(); ui != "" {
		fmt.Printf("  Temporal Web UI  %s/namespaces/%s/workflows\n", ui, ts.Namespace())
	}
	fmt.Printf("  PostgreSQL       %s\n", redact(dbURL))
	fmt.Printf("  Data folder      %s\n\n", dataDir)
	fmt.Printf("  Admin token (creates units; valid %d days):\n    %s\n\n", int(devTokenTTL.Hours()/24), adminToken)
	if !f.demo {
		fmt.Printf("  Run with --demo for a demo district and a ready token for each role.\n\n")
	}

	if f.demo {
		go func() {
			if err := loadDemo(ctx, apiURL, minter, devLogin, st, log); err != nil && ctx.Err() == nil {
				log.Error("demo", zap.Error(err))
			}
		}()
	}

	select {
	case err := <-serveErr:
		if err != nil {
			return err
		}
	case <-ctx.Done():
		log.Info("stopping: draining HTTP, stopping the worker, Temporal and PostgreSQL")
		if err := <-serveErr; err != nil {
			log.Warn("http shutdown", zap.Error(err))
		}
	}
	return nil
}

func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "(DATABASE_URL)"
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxx")
	}
	return u.String()
}
