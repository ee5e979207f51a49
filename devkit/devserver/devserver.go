// Package devserver runs a complete Temporal server (frontend, history,
// matching and worker services on one history shard) inside the current
// process, backed by SQLite, optionally with the Temporal Web UI.
//
// It is meant for `go run ./cmd/dev` and for end-to-end tests; production
// binaries must not import it.
package devserver

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/server/common/authorization"
	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/log"
	"go.temporal.io/server/common/membership/static"
	"go.temporal.io/server/common/primitives"
	"go.temporal.io/server/temporal"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// DefaultStartTimeout bounds Start when its context has no deadline.
const DefaultStartTimeout = 2 * time.Minute

// Options configures Start. The zero value is a usable in-memory server on
// 127.0.0.1 with free ports, the Web UI, and the "default" namespace.
type Options struct {
	// DBFile is the SQLite database file; "" means a private in-memory
	// database (tests). A file is created with its schema on first use and
	// reused as is afterwards, so workflows survive restarts.
	DBFile string
	// IP is the address the frontend and the UI bind to; default "127.0.0.1".
	// Internal services always bind to 127.0.0.1.
	IP string
	// FrontendPort is the frontend gRPC port; 0 picks a free port.
	FrontendPort int
	// UIPort is the Web UI port; 0 picks a free port, -1 disables the UI.
	UIPort int
	// Namespace is registered (24h retention) if it does not exist yet;
	// default "default".
	Namespace string
	// ClusterID identifies the cluster; default a random UUID. For a DBFile
	// that already holds cluster metadata the stored ID wins.
	ClusterID string
	// Logger receives the server's logs (at LogLevel and above); nil discards them.
	Logger *zap.Logger
	// LogLevel is the minimum level of server logs: "debug", "info", "warn"
	// (default), "error", or "off".
	LogLevel string
	// DynamicConfig overrides dynamic config values by key, on top of the
	// dev defaults (see defaultDynamicConfig), e.g.
	// "history.timerProcessorMaxTimeShift": 100*time.Millisecond. Integer
	// settings need Go int values, durations time.Duration or strings like "2s".
	// Unknown keys are ignored by the server.
	DynamicConfig map[string]any
}

// Server is a running in-process Temporal dev server. Create it with Start
// and release it with Stop.
type Server struct {
	temporal  temporal.Server
	ui        *uiServer
	frontend  string
	namespace string
	logLevel  zap.AtomicLevel

	stopOnce sync.Once
	stopErr  error
}

// Start builds and starts the server and returns once the frontend answers
// health checks and the namespace can be described (and, unless disabled, the
// UI answers). ctx bounds the whole start-up; without a deadline
// DefaultStartTimeout applies. On failure everything started so far is stopped.
func Start(ctx context.Context, opts Options) (*Server, error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, DefaultStartTimeout)
		defer cancel()
	}

	// Defaults and validation.
	if opts.IP == "" || opts.IP == "localhost" {
		opts.IP = "127.0.0.1"
	}
	if net.ParseIP(opts.IP) == nil {
		return nil, fmt.Errorf("devserver: invalid IP %q (need a literal IP address)", opts.IP)
	}
	if opts.Namespace == "" {
		opts.Namespace = "default"
	}
	if opts.ClusterID == "" {
		opts.ClusterID = uuid.NewString()
	}
	if opts.Logger == nil {
		opts.Logger = zap.NewNop()
	}
	level, err := parseLevel(opts.LogLevel)
	if err != nil {
		return nil, fmt.Errorf("devserver: %w", err)
	}
	logger, logLevel := newServerLogger(opts.Logger, level)

	// Persistence.
	sc, err := buildSQLConfig(opts.DBFile)
	if err != nil {
		return nil, fmt.Errorf("devserver: %w", err)
	}
	if err := prepareStore(sc, opts.Namespace); err != nil {
		return nil, fmt.Errorf("devserver: %w", err)
	}

	// Ports and server. A free port is found by listening and closing, so
	// another process (a test package starting its own server at the same
	// moment) may take it before the server binds it: the server is then
	// built again on fresh ports, a few times.
	var (
		ts           temporal.Server
		frontendAddr string
		uiPort       int
	)
	for attempt := 1; ; attempt++ {
		ts, frontendAddr, uiPort, err = buildAndStart(opts, sc, logger)
		if err == nil || attempt == startAttempts || !strings.Contains(err.Error(), "address already in use") {
			break
		}
		logger.Warn("devserver: a port was taken before the server bound it; trying fresh ports")
	}
	if err != nil {
		return nil, err
	}

	s := &Server{
		temporal:  ts,
		frontend:  frontendAddr,
		namespace: opts.Namespace,
		logLevel:  logLevel,
	}
	if err := waitFrontend(ctx, frontendAddr, opts.Namespace, logger); err != nil {
		_ = s.Stop()
		return nil, fmt.Errorf("devserver: wait for frontend %s: %w", frontendAddr, err)
	}
	if uiPort != -1 {
		ui, err := startUI(ctx, opts.IP, uiPort, frontendAddr, opts.Namespace)
		if err != nil {
			_ = s.Stop()
			return nil, fmt.Errorf("devserver: %w", err)
		}
		s.ui = ui
	}
	return s, nil
}

// FrontendHostPort returns the address clients dial, e.g. "127.0.0.1:7233".
func (s *Server) FrontendHostPort() string { return s.frontend }

// UIURL returns the Web UI's base URL, e.g. "http://127.0.0.1:8233", or "" if
// the UI is disabled.
func (s *Server) UIURL() string {
	if s.ui == nil {
		return ""
	}
	return s.ui.url
}

// Namespace returns the namespace registered at start.
func (s *Server) Namespace() string { return s.namespace }

// Stop stops the UI and all Temporal services and waits for them to finish.
// It is safe to call more than once; later calls return the first result.
//
// A stopped server leaves a little behind, by upstream design: the SQLite
// plugin keeps one connection per database in a process-wide pool for the
// life of the process (a later Start on the same DBFile reuses it; an
// in-memory database stays allocated), and a few dozen idle gRPC client
// goroutines remain. None of it affects a later Start. The system workers
// that upstream never stops (scanners, parent-close-policy) are disabled in
// the dev dynamic config for this reason.
func (s *Server) Stop() error {
	s.stopOnce.Do(func() {
		// Pollers and connections failing while services go down are
		// expected; keep errors only.
		if s.logLevel.Level() < zapcore.ErrorLevel {
			s.logLevel.SetLevel(zapcore.ErrorLevel)
		}
		if s.ui != nil {
			s.ui.stop()
		}
		if err := catchFatal(s.temporal.Stop); err != nil {
			s.stopErr = fmt.Errorf("devserver: stop Temporal server: %w", err)
		}
	})
	return s.stopErr
}

// catchFatal runs fn and turns a *fatalError panic raised by serverLogger.Fatal
// into an error. Other panics propagate.
func catchFatal(fn func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			fe, ok := r.(*fatalError)
			if !ok {
				panic(r)
			}
			err = fmt.Errorf("fatal server error: %w", fe)
		}
	}()
	return fn()
}

// waitFrontend dials the frontend with the Go SDK and waits until it passes a
// health check and can describe namespace.
func waitFrontend(ctx context.Context, hostPort, namespace string, logger log.Logger) error {
	var (
		c       client.Client
		lastErr error
	)
	defer func() {
		if c != nil {
			c.Close()
		}
	}()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		lastErr = func() error {
			if c == nil {
				dialCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
				defer cancel()
				var err error
				c, err = client.DialContext(dialCtx, client.Options{
					HostPort:  hostPort,
					Namespace: namespace,
					Logger:    log.NewSdkLogger(logger),
				})
				if err != nil {
					c = nil
					return fmt.Errorf("dial: %w", err)
				}
			}
			callCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
			defer cancel()
			if _, err := c.CheckHealth(callCtx, &client.CheckHealthRequest{}); err != nil {
				return fmt.Errorf("health check: %w", err)
			}
			if _, err := c.WorkflowService().DescribeNamespace(callCtx, &workflowservice.DescribeNamespaceRequest{
				Namespace: namespace,
			}); err != nil {
				return fmt.Errorf("describe namespace %q: %w", namespace, err)
			}
			return nil
		}()
		if lastErr == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return errors.Join(ctx.Err(), lastErr)
		case <-tick.C:
		}
	}
}

// startAttempts is how many times Start builds the server on fresh ports
// when one was taken meanwhile.
const startAttempts = 5

// buildAndStart picks the ports, builds the Temporal server on them and
// starts it.
func buildAndStart(opts Options, sc sqlConfig, logger serverLogger) (temporal.Server, string, int, error) {
	var err error
	// Ports.
	var ports servicePorts
	if ports.frontend, err = resolvePort(opts.IP, opts.FrontendPort); err != nil {
		return nil, "", 0, fmt.Errorf("devserver: frontend port: %w", err)
	}
	uiPort := -1
	if opts.UIPort != -1 {
		if uiPort, err = resolvePort(opts.IP, opts.UIPort); err != nil {
			return nil, "", 0, fmt.Errorf("devserver: UI port: %w", err)
		}
	}
	if ports.frontendHTTP, err = freePort(opts.IP); err != nil {
		return nil, "", 0, fmt.Errorf("devserver: frontend HTTP port: %w", err)
	}
	for _, p := range []*int{&ports.history, &ports.matching, &ports.worker} {
		if *p, err = freePort("127.0.0.1"); err != nil {
			return nil, "", 0, fmt.Errorf("devserver: internal service port: %w", err)
		}
	}

	// Server.
	conf := buildServerConfig(opts.IP, ports, sc.cfg, opts.ClusterID)
	frontendAddr := conf.PublicClient.HostPort
	staticHost := func(svc primitives.ServiceName) static.Hosts {
		port := conf.Services[string(svc)].RPC.GRPCPort
		host := "127.0.0.1"
		if svc == primitives.FrontendService {
			host = dialIP(opts.IP)
		}
		return static.SingleLocalHost(net.JoinHostPort(host, strconv.Itoa(port)))
	}
	claimMapper := authorization.NewNoopClaimMapper()
	serverOpts := []temporal.ServerOption{
		temporal.WithConfig(conf),
		temporal.ForServices(temporal.DefaultServices),
		temporal.WithStaticHosts(map[primitives.ServiceName]static.Hosts{
			primitives.FrontendService: staticHost(primitives.FrontendService),
			primitives.HistoryService:  staticHost(primitives.HistoryService),
			primitives.MatchingService: staticHost(primitives.MatchingService),
			primitives.WorkerService:   staticHost(primitives.WorkerService),
		}),
		temporal.WithLogger(logger),
		temporal.WithAuthorizer(authorization.NewNoopAuthorizer()),
		temporal.WithClaimMapper(func(*config.Config) authorization.ClaimMapper { return claimMapper }),
		temporal.WithDynamicConfigClient(buildDynamicConfig(opts.DynamicConfig)),
	}

	var ts temporal.Server
	if err := catchFatal(func() (err error) {
		ts, err = temporal.NewServer(serverOpts...)
		return err
	}); err != nil {
		return nil, "", 0, fmt.Errorf("devserver: build Temporal server: %w", err)
	}
	if err := catchFatal(ts.Start); err != nil {
		_ = catchFatal(ts.Stop)
		return nil, "", 0, fmt.Errorf("devserver: start Temporal server: %w", err)
	}

	return ts, frontendAddr, uiPort, nil
}
