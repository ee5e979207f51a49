package devserver

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"go.temporal.io/server/common/cluster"
	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/dynamicconfig"
	sqliteplugin "go.temporal.io/server/common/persistence/sql/sqlplugin/sqlite"
	"go.temporal.io/server/common/primitives"
	sqliteschema "go.temporal.io/server/schema/sqlite"
)

const (
	// storeName is the persistence data store name used for both the default
	// and the visibility store.
	storeName = "sqlite-default"
	// clusterName is the name of the single, local cluster.
	clusterName = "active"
)

// defaultDynamicConfig returns the dev-server dynamic config; Options.DynamicConfig
// entries are applied on top of it. Keys are taken from the server's own setting
// definitions so that a key renamed or removed upstream fails to compile.
func defaultDynamicConfig() map[dynamicconfig.Key]any {
	return map[dynamicconfig.Key]any{
		// Timers are loaded ahead of time by up to this much and may fire up to
		// this late; the default of 1s is too coarse for second-scale tests.
		dynamicconfig.TimerProcessorMaxTimeShift.Key(): 100 * time.Millisecond,
		// Update and update-with-start. On by default in v1.32; set explicitly so
		// the dev server does not depend on upstream defaults.
		dynamicconfig.FrontendEnableUpdateWorkflowExecution.Key():              true,
		dynamicconfig.FrontendEnableUpdateWorkflowExecutionAsyncAccepted.Key(): true,
		// Make new search attributes and Nexus endpoints visible immediately
		// (as the Temporal CLI dev server does).
		dynamicconfig.ForceSearchAttributesCacheRefreshOnRead.Key(): true,
		dynamicconfig.ForceNexusEndpointRefreshOnRead.Key():         true,
		// The forced refreshes above cost queries; raise the persistence QPS
		// limits accordingly (same values as the CLI dev server).
		dynamicconfig.FrontendPersistenceMaxQPS.Key(): 10000,
		dynamicconfig.HistoryPersistenceMaxQPS.Key():  45000,
		// Visibility (list/count) calls from the UI and tests.
		dynamicconfig.FrontendMaxNamespaceVisibilityRPSPerInstance.Key(): 100,
		// One partition per task queue: with the few pollers of a dev worker,
		// tasks written to an unpolled partition wait to be forwarded, which
		// adds latency to every workflow and activity task.
		dynamicconfig.MatchingNumTaskqueueReadPartitions.Key():  1,
		dynamicconfig.MatchingNumTaskqueueWritePartitions.Key(): 1,
		// A smaller host-level mutable state cache than production's default.
		dynamicconfig.HistoryCacheHostLevelMaxSize.Key(): 8096,
		// The worker service starts SDK workers for these system jobs and never
		// stops them (upstream TODO in service/worker): after Stop they would keep
		// polling the dead frontend forever, and could attach to a later server
		// that reuses its port. None is needed on a dev server: the scanners
		// garbage-collect task queues and history branches, and with the
		// parent-close-policy worker off, history applies parent close
		// policies inline instead.
		dynamicconfig.TaskQueueScannerEnabled.Key():       false,
		dynamicconfig.HistoryScannerEnabled.Key():         false,
		dynamicconfig.ExecutionsScannerEnabled.Key():      false,
		dynamicconfig.BuildIdScavengerEnabled.Key():       false,
		dynamicconfig.EnableParentClosePolicyWorker.Key(): false,
	}
}

// buildDynamicConfig merges caller overrides over the defaults.
func buildDynamicConfig(overrides map[string]any) dynamicconfig.StaticClient {
	dc := dynamicconfig.StaticClient(defaultDynamicConfig())
	for k, v := range overrides {
		dc[dynamicconfig.MakeKey(k)] = v
	}
	return dc
}

// sqlConfig describes the SQLite store and whether its schema must be created.
type sqlConfig struct {
	cfg         *config.SQL
	needsSchema bool
}

// buildSQLConfig returns the SQLite persistence config for dbFile ("" for a
// private in-memory database).
func buildSQLConfig(dbFile string) (sqlConfig, error) {
	if dbFile == "" {
		// A unique name per server: the plugin keeps connections in a
		// process-wide pool keyed by DSN, and a shared-cache in-memory database
		// lives as long as a connection to it does.
		return sqlConfig{cfg: &config.SQL{
			PluginName:        sqliteplugin.PluginName,
			DatabaseName:      "devserver-" + rand.Text(),
			ConnectAttributes: map[string]string{"mode": "memory", "cache": "shared"},
		}}, nil
	}

	abs, err := filepath.Abs(dbFile)
	if err != nil {
		return sqlConfig{}, fmt.Errorf("resolve database file %q: %w", dbFile, err)
	}
	if st, err := os.Stat(filepath.Dir(abs)); err != nil {
		return sqlConfig{}, fmt.Errorf("check directory of database file: %w", err)
	} else if !st.IsDir() {
		return sqlConfig{}, fmt.Errorf("parent of database file %q is not a directory", abs)
	}
	needsSchema := false
	switch st, err := os.Stat(abs); {
	case errors.Is(err, fs.ErrNotExist):
		needsSchema = true
	case err != nil:
		return sqlConfig{}, fmt.Errorf("check database file: %w", err)
	case st.IsDir():
		return sqlConfig{}, fmt.Errorf("database file %q is a directory", abs)
	case st.Size() == 0:
		// Created but never written to (e.g. touched by hand).
		needsSchema = true
	}
	// Attributes other than SQLite URI parameters are passed by the plugin as
	// `_pragma=key=value` to every new connection. WAL with synchronous=NORMAL
	// avoids an fsync per commit, which otherwise dominates on a single shard.
	return sqlConfig{
		cfg: &config.SQL{
			PluginName:   sqliteplugin.PluginName,
			DatabaseName: abs,
			ConnectAttributes: map[string]string{
				"mode":         "rwc",
				"journal_mode": "wal",
				"synchronous":  "NORMAL",
				"busy_timeout": "10000",
			},
		},
		needsSchema: needsSchema,
	}, nil
}

// prepareStore creates the schema (first start of a file only) and the
// namespace if it does not exist. Registering the namespace directly in the
// database before the server starts means it is in every service's namespace
// cache from the first request, instead of after a cache refresh.
func prepareStore(sc sqlConfig, namespace string) error {
	if sc.needsSchema {
		if err := sqliteschema.SetupSchema(sc.cfg); err != nil {
			return fmt.Errorf("set up SQLite schema in %s (remove the file to start over): %w", sc.cfg.DatabaseName, err)
		}
	}
	// NewNamespaceConfig registers with a 24h retention.
	ns, err := sqliteschema.NewNamespaceConfig(clusterName, namespace, false, nil)
	if err != nil {
		return fmt.Errorf("build namespace %q config: %w", namespace, err)
	}
	if err := sqliteschema.CreateNamespaces(sc.cfg, ns); err != nil {
		return fmt.Errorf("register namespace %q: %w", namespace, err)
	}
	return nil
}

// servicePorts are the gRPC ports of the four services run in process, plus
// the frontend's HTTP API port (also used for Nexus).
type servicePorts struct {
	frontend, frontendHTTP, history, matching, worker int
}

// buildServerConfig assembles the static server config.
func buildServerConfig(bindIP string, ports servicePorts, sql *config.SQL, clusterID string) *config.Config {
	frontendAddr := net.JoinHostPort(dialIP(bindIP), strconv.Itoa(ports.frontend))
	frontendHTTPAddr := net.JoinHostPort(dialIP(bindIP), strconv.Itoa(ports.frontendHTTP))

	var conf config.Config
	conf.Global.Membership.MaxJoinDuration = 30 * time.Second
	conf.Global.Membership.BroadcastAddress = "127.0.0.1"
	// conf.Global.Metrics stays nil: the server then uses a no-op metrics handler.

	conf.Persistence.DefaultStore = storeName
	conf.Persistence.VisibilityStore = storeName
	conf.Persistence.NumHistoryShards = 1
	conf.Persistence.DataStores = map[string]config.DataStore{storeName: {SQL: sql}}

	conf.ClusterMetadata = &cluster.Config{
		EnableGlobalNamespace:    false,
		FailoverVersionIncrement: 10,
		MasterClusterName:        clusterName,
		CurrentClusterName:       clusterName,
		ClusterInformation: map[string]cluster.ClusterInformation{
			clusterName: {
				Enabled:                true,
				InitialFailoverVersion: 1,
				RPCAddress:             frontendAddr,
				HTTPAddress:            frontendHTTPAddr,
				ClusterID:              clusterID,
			},
		},
	}
	conf.DCRedirectionPolicy.Policy = "noop"

	internal := func(port int) config.Service {
		var s config.Service
		s.RPC.GRPCPort = port
		s.RPC.BindOnIP = "127.0.0.1"
		return s
	}
	frontend := internal(ports.frontend)
	frontend.RPC.BindOnIP = bindIP
	frontend.RPC.HTTPPort = ports.frontendHTTP
	conf.Services = map[string]config.Service{
		string(primitives.FrontendService): frontend,
		string(primitives.HistoryService):  internal(ports.history),
		string(primitives.MatchingService): internal(ports.matching),
		string(primitives.WorkerService):   internal(ports.worker),
	}

	conf.Archival.History.State = "disabled"
	conf.Archival.Visibility.State = "disabled"
	conf.NamespaceDefaults.Archival.History.State = "disabled"
	conf.NamespaceDefaults.Archival.Visibility.State = "disabled"
	conf.PublicClient.HostPort = frontendAddr
	return &conf
}
