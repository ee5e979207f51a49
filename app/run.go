package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"

	"go.uber.org/zap"

	"github.com/doithoai/doithoai/api"
	"github.com/doithoai/doithoai/internal/auth"
	"github.com/doithoai/doithoai/internal/store"
	"github.com/doithoai/doithoai/web"
	"github.com/doithoai/doithoai/worker"
)

// Role is a part of the service a process runs.
type Role string

// The roles of Run.
const (
	// RoleAPI serves the HTTP API and the web pages, with the alert feed
	// and the maintenance loop.
	RoleAPI Role = "api"
	// RoleWorker runs the Temporal worker on the configured task queue.
	RoleWorker Role = "worker"
)

// Run runs the given roles (both when none is given) until ctx is
// cancelled, then stops them in order: the HTTP server drains first, so
// requests waiting on a workflow Update can still be answered, and the
// worker stops last. It returns the first error that stopped a role.
func (a *App) Run(ctx context.Context, roles ...Role) error {
	for _, r := range roles {
		if r != RoleAPI && r != RoleWorker {
			return fmt.Errorf("run: unknown role %q (want %s or %s)", r, RoleAPI, RoleWorker)
		}
	}
	all := len(roles) == 0
	runAPI, runWorker := all || slices.Contains(roles, RoleAPI), all || slices.Contains(roles, RoleWorker)
	if !runAPI {
		return a.RunWorker(ctx)
	}
	if runWorker {
		w, err := a.startWorker()
		if err != nil {
			return err
		}
		defer func() {
			a.Logger.Info("stopping the worker")
			w.Stop()
		}()
	}
	return a.RunAPI(ctx)
}

// RunWorker runs a worker (NewWorker) until ctx is cancelled, then stops
// it, serving /metrics on Config.WorkerMetricsAddr meanwhile.
func (a *App) RunWorker(ctx context.Context) error {
	w, err := a.NewWorker()
	if err != nil {
		return err
	}
	defer a.serveMetrics(a.Config.WorkerMetricsAddr)()
	a.logWorker()
	return worker.Run(ctx, w)
}

// startWorker starts a worker for Run, which stops it.
func (a *App) startWorker() (*worker.Worker, error) {
	w, err := a.NewWorker()
	if err != nil {
		return nil, err
	}
	if err := w.Start(); err != nil {
		return nil, fmt.Errorf("start worker: %w", err)
	}
	a.logWorker()
	return w, nil
}

func (a *App) logWorker() {
	a.Logger.Info("worker running", zap.String("task_queue", a.Config.TaskQueue), zap.String("temporal", a.Config.TemporalAddress))
}

// NewWorker builds a (new, not yet started) worker of the configuration:
// every workflow and activity registered on the configured task queue.
func (a *App) NewWorker() (*worker.Worker, error) {
	return worker.FromConfig(a.Temporal, a.Config, a.Store, a.Logger)
}

// RunAPI serves the API (API) on the listener of WithListener or on
// Config.HTTPAddr until ctx is cancelled, then drains it; /metrics is
// served meanwhile on Config.MetricsAddr (with the worker's metrics too
// when Run runs both in this process).
func (a *App) RunAPI(ctx context.Context) error {
	srv, err := a.API(ctx)
	if err != nil {
		return err
	}
	ln := a.opts.listener
	if ln == nil {
		if ln, err = net.Listen("tcp", a.Config.HTTPAddr); err != nil {
			return fmt.Errorf("listen on %s: %w", a.Config.HTTPAddr, err)
		}
	}
	defer a.serveMetrics(a.Config.MetricsAddr)()
	a.Logger.Info("api listening", zap.String("addr", ln.Addr().String()), zap.String("temporal", a.Config.TemporalAddress))
	return srv.Run(ctx, ln)
}

// API builds the API server, once: the token verifier, the alert feed
// (run by the server's Run) and the web pages mounted on its engine.
func (a *App) API(ctx context.Context) (*api.Server, error) {
	if a.api != nil {
		return a.api, nil
	}
	v, err := a.verifier(ctx)
	if err != nil {
		return nil, err
	}
	pages, err := a.pages(v)
	if err != nil {
		return nil, err
	}
	deps := api.Deps{Store: a.Store, Temporal: a.Temporal, Logger: a.Logger, Auth: v, Feed: store.NewFeed(a.Store.DB, a.Logger),
		Telemetry: a.apiTelemetry()}
	a.api = api.New(a.Config, deps, api.Options{Mount: pages.Register, NotFound: pages.NotFound})
	return a.api, nil
}

// verifier is the verifier of WithVerifier or of the configuration. With
// no authentication configured it is nil: the API starts anyway so health
// checks and the logs say what is missing, and refuses (503) every
// authenticated request until it is set.
func (a *App) verifier(ctx context.Context) (auth.Verifier, error) {
	if a.opts.verifier != nil {
		return a.opts.verifier, nil
	}
	v, err := api.NewVerifier(ctx, a.Config)
	if errors.Is(err, api.ErrNoAuth) {
		a.Logger.Error("authentication is not configured: every request but health checks and the survey link is refused", zap.Error(err))
		return nil, nil
	}
	return v, err
}

// pages are the web pages: with the dev sign-in of WithDevLogin, or else
// with secure cookies behind HTTPS and the provider's sign-in when an OIDC
// client is configured.
func (a *App) pages(v auth.Verifier) (*web.Server, error) {
	cfg := a.Config
	// Forms must come from the site's own origin: PUBLIC_URL's, else the
	// request's (its scheme as a trusted proxy forwards it).
	p := &web.Server{Verifier: v, Dev: a.opts.devLogin, Logger: a.Logger, PublicURL: cfg.PublicURL, TrustedProxies: cfg.TrustedProxies,
		PublicBodyTimeout: cfg.PublicBodyTimeout}
	if p.Dev != nil {
		return p, nil
	}
	p.SecureCookies = strings.HasPrefix(cfg.PublicURL, "https://")
	if o, ok := v.(*auth.OIDC); ok && cfg.AuthOIDCClientID != "" {
		authURL, tokenURL := o.Endpoints()
		if authURL == "" || cfg.PublicURL == "" {
			return nil, errors.New("web sign-in with OIDC needs the provider's discovery (no AUTH_OIDC_JWKS_URL override) and PUBLIC_URL")
		}
		p.OIDC = web.OIDCFromEndpoints(authURL, tokenURL, cfg.AuthOIDCClientID, cfg.AuthOIDCClientSecret, cfg.PublicURL)
	}
	return p, nil
}
