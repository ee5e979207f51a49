// Command api serves the doithoai HTTP API. It applies pending database
// migrations on start (unless MIGRATE_ON_START=false or -migrate=false) and
// talks to a Temporal server it does not embed.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"go.uber.org/zap"

	"github.com/doithoai/doithoai/api"
	"github.com/doithoai/doithoai/internal/auth"
	"github.com/doithoai/doithoai/internal/config"
	"github.com/doithoai/doithoai/internal/logging"
	"github.com/doithoai/doithoai/internal/store"
	"github.com/doithoai/doithoai/internal/temporalx"
	"github.com/doithoai/doithoai/web"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "api:", err)
		os.Exit(1)
	}
}

func run() error {
	cfg, err := config.Load()
	if err != nil {
		return err
	}
	migrate := flag.Bool("migrate", cfg.MigrateOnStart, "apply pending database migrations on start")
	flag.Parse()
	log, err := logging.New(cfg.LogLevel, cfg.LogFormat)
	if err != nil {
		return err
	}
	defer log.Sync() //nolint:errcheck
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	st, err := store.Open(cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer st.Close()
	cal, err := cfg.Calendar()
	if err != nil {
		return err
	}
	applied, err := st.Prepare(ctx, *migrate, cal)
	if err != nil {
		return err
	}
	log.Info("database ready", zap.Strings("migrations_applied", applied))
	tc, err := temporalx.Lazy(temporalx.Options{HostPort: cfg.TemporalAddress, Namespace: cfg.TemporalNamespace, Logger: log})
	if err != nil {
		return err
	}
	defer tc.Close()
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.HTTPAddr, err)
	}
	verifier, err := api.NewVerifier(ctx, cfg)
	if errors.Is(err, api.ErrNoAuth) {
		// Start anyway so health checks and the logs say what is missing;
		// every authenticated request is refused (503) until it is set.
		log.Error("authentication is not configured: every request but health checks and the survey link is refused", zap.Error(err))
	} else if err != nil {
		return err
	}
	srv := api.NewServer(cfg, st, tc, log, verifier)
	pages := &web.Server{Verifier: verifier, Logger: log, SecureCookies: strings.HasPrefix(cfg.PublicURL, "https://")}
	if o, ok := verifier.(*auth.OIDC); ok && cfg.AuthOIDCClientID != "" {
		authURL, tokenURL := o.Endpoints()
		if authURL == "" || cfg.PublicURL == "" {
			return errors.New("web sign-in with OIDC needs the provider's discovery (no AUTH_OIDC_JWKS_URL override) and PUBLIC_URL")
		}
		pages.OIDC = web.OIDCFromEndpoints(authURL, tokenURL, cfg.AuthOIDCClientID, cfg.AuthOIDCClientSecret, cfg.PublicURL)
	}
	srv.Pages = pages
	log.Info("api listening", zap.String("addr", ln.Addr().String()), zap.String("temporal", cfg.TemporalAddress))
	return srv.Run(ctx, ln)
}
