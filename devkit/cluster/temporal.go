// Package cluster runs the service in its production topology on one
// machine: a Temporal server as a process of its own, persisted (history
// and visibility) in PostgreSQL with several history shards and a schema
// made by Temporal's own SQL schema tool, and several API and worker
// processes built from cmd/api and cmd/worker, all on one store database.
//
// The Temporal side (Serve, SetupSchema) is the body of
// devkit/cmd/temporal-server; the rest (Start) drives those processes from
// a test or a benchmark. Production binaries never import it.
package cluster

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/server/common/cluster"
	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/dynamicconfig"
	"go.temporal.io/server/common/log"
	"go.temporal.io/server/common/membership/static"
	postgresql "go.temporal.io/server/common/persistence/sql/sqlplugin/postgresql"
	"go.temporal.io/server/common/primitives"
	"go.temporal.io/server/temporal"
	"go.temporal.io/server/tools/common/schema"
	sqltool "go.temporal.io/server/tools/sql"
	"google.golang.org/protobuf/types/known/durationpb"
)

// The embedded schemas of Temporal's PostgreSQL plugin (schema/postgresql
// in the server module), applied by its schema tool.
const (
	historySchema    = "postgresql/v12/temporal"
	visibilitySchema = "postgresql/v12/visibility"
	clusterName      = "active"
)

// ServerOptions configures Serve.
type ServerOptions struct {
	// DatabaseURL is the PostgreSQL server (postgres://user:pass@host:port/…);
	// its path is ignored: Temporal uses Database and VisibilityDatabase.
	DatabaseURL                  string
	Database, VisibilityDatabase string
	// Shards is the number of history shards (fixed for the life of the
	// databases); default 4.
	Shards int
	// Port is the frontend gRPC port on 127.0.0.1; the other services take
	// the next four ports.
	Port int
	// Namespace is registered (retention Retention, default 72h) if it does
	// not exist.
	Namespace string
	Retention time.Duration
	// Partitions is the number of partitions of each task queue (the
	// server's default is 4).
	Partitions int
	Logger     log.Logger
}

// sqlConfig is Temporal's connection to one database of the server at
// DatabaseURL.
func sqlConfig(dbURL, database string, maxConns int) (*config.SQL, error) {
	u, err := url.Parse(dbURL)
	if err != nil {
		return nil, fmt.Errorf("parse database URL: %w", err)
	}
	host := u.Host
	if u.Port() == "" {
		host = net.JoinHostPort(u.Hostname(), "5432")
	}
	pass, _ := u.User.Password()
	attrs := map[string]string{}
	if mode := u.Query().Get("sslmode"); mode != "" {
		attrs["sslmode"] = mode
	}
	return &config.SQL{
		PluginName: postgresql.PluginName, DatabaseName: database,
		ConnectAddr: host, ConnectProtocol: "tcp",
		User: u.User.Username(), Password: pass, ConnectAttributes: attrs,
		MaxConns: maxConns, MaxIdleConns: maxConns, MaxConnLifetime: time.Hour,
	}, nil
}

// SetupSchema creates database on the server at dbURL if it is missing and
// brings it to the latest version of the named embedded schema, with
// Temporal's SQL schema tool (what temporal-sql-tool create-database,
// setup-schema -v 0.0 and update-schema do).
func SetupSchema(dbURL, database, schemaName string, logger log.Logger) error {
	cfg, err := sqlConfig(dbURL, database, 2)
	if err != nil {
		return err
	}
	admin := *cfg
	if err := sqltool.DoCreateDatabase(&admin, "postgres", logger); err != nil {
		return fmt.Errorf("create database %s: %w", database, err)
	}
	conn, err := sqltool.NewConnection(cfg, logger)
	if err != nil {
		return fmt.Errorf("connect to %s: %w", database, err)
	}
	defer conn.Close()
	if err := schema.NewSetupSchemaTask(conn, &schema.SetupConfig{InitialVersion: "0.0"}, logger).Run(); err != nil {
		return fmt.Errorf("set up schema versioning in %s: %w", database, err)
	}
	if err := schema.NewUpdateSchemaTask(conn, &schema.UpdateConfig{DBName: database, SchemaName: schemaName}, logger).Run(); err != nil {
		return fmt.Errorf("update schema %s in %s: %w", schemaName, database, err)
	}
	return nil
}

// Serve sets up both databases' schemas, runs the Temporal server (the
// frontend, history, matching and worker services in this process, their
// state in PostgreSQL) and registers the namespace; ready is called once
// the namespace answers. It returns when ctx is cancelled and the server
// has stopped.
func Serve(ctx context.Context, o ServerOptions, ready func()) error {
	if o.Shards <= 0 {
		o.Shards = 4
	}
	if o.Retention <= 0 {
		o.Retention = 72 * time.Hour
	}
	if o.Logger == nil {
		o.Logger = log.NewNoopLogger()
	}
	for db, name := range map[string]string{o.Database: historySchema, o.VisibilityDatabase: visibilitySchema} {
		if err := SetupSchema(o.DatabaseURL, db, name, o.Logger); err != nil {
			return err
		}
	}
	conf, err := serverConfig(o)
	if err != nil {
		return err
	}
	host := func(svc primitives.ServiceName) static.Hosts {
		return static.SingleLocalHost(net.JoinHostPort("127.0.0.1", strconv.Itoa(conf.Services[string(svc)].RPC.GRPCPort)))
	}
	srv, err := temporal.NewServer(
		temporal.WithConfig(conf),
		temporal.ForServices(temporal.DefaultServices),
		temporal.WithStaticHosts(map[primitives.ServiceName]static.Hosts{
			primitives.FrontendService: host(primitives.FrontendService),
			primitives.HistoryService:  host(primitives.HistoryService),
			primitives.MatchingService: host(primitives.MatchingService),
			primitives.WorkerService:   host(primitives.WorkerService),
		}),
		temporal.WithLogger(o.Logger),
		temporal.WithDynamicConfigClient(dynamicConfig(o)),
	)
	if err != nil {
		return fmt.Errorf("build Temporal server: %w", err)
	}
	if err := srv.Start(); err != nil {
		return fmt.Errorf("start Temporal server: %w", err)
	}
	defer srv.Stop()
	if err := registerNamespace(ctx, conf.PublicClient.HostPort, o); err != nil {
		return err
	}
	if ready != nil {
		ready()
	}
	<-ctx.Done()
	return nil
}

// dynamicConfig is the server's dynamic config: production defaults but
// for the timer precision second-scale tests need.
func dynamicConfig(o ServerOptions) dynamicconfig.StaticClient {
	dc := dynamicconfig.StaticClient{
		// Timers may fire up to this late (default 1 s).
		dynamicconfig.TimerProcessorMaxTimeShift.Key(): 100 * time.Millisecond,
		// A namespace registered at start is seen by every service soon.
		dynamicconfig.NamespaceCacheRefreshInterval.Key(): time.Second,
	}
	if o.Partitions > 0 {
		dc[dynamicconfig.MatchingNumTaskqueueReadPartitions.Key()] = o.Partitions
		dc[dynamicconfig.MatchingNumTaskqueueWritePartitions.Key()] = o.Partitions
	}
	return dc
}

// serverConfig is the static config: PostgreSQL persistence and
// visibility, o.Shards history shards, all services on loopback ports from
// o.Port on.
func serverConfig(o ServerOptions) (*config.Config, error) {
	history, err := sqlConfig(o.DatabaseURL, o.Database, 20)
	if err != nil {
		return nil, err
	}
	visibility, err := sqlConfig(o.DatabaseURL, o.VisibilityDatabase, 5)
	if err != nil {
		return nil, err
	}
	var conf config.Config
	conf.Global.Membership.MaxJoinDuration = 30 * time.Second
	conf.Global.Membership.BroadcastAddress = "127.0.0.1"
	conf.Persistence.DefaultStore = "postgres-default"
	conf.Persistence.VisibilityStore = "postgres-visibility"
	conf.Persistence.NumHistoryShards = int32(o.Shards)
	conf.Persistence.DataStores = map[string]config.DataStore{
		"postgres-default":    {SQL: history},
		"postgres-visibility": {SQL: visibility},
	}
	frontend := net.JoinHostPort("127.0.0.1", strconv.Itoa(o.Port))
	conf.ClusterMetadata = &cluster.Config{
		FailoverVersionIncrement: 10,
		MasterClusterName:        clusterName,
		CurrentClusterName:       clusterName,
		ClusterInformation: map[string]cluster.ClusterInformation{clusterName: {
			Enabled: true, InitialFailoverVersion: 1, RPCAddress: frontend,
			HTTPAddress: net.JoinHostPort("127.0.0.1", strconv.Itoa(o.Port+1)),
		}},
	}
	conf.DCRedirectionPolicy.Policy = "noop"
	svc := func(port int) config.Service {
		var s config.Service
		s.RPC.GRPCPort, s.RPC.BindOnIP = port, "127.0.0.1"
		return s
	}
	fe := svc(o.Port)
	fe.RPC.HTTPPort = o.Port + 1
	conf.Services = map[string]config.Service{
		string(primitives.FrontendService): fe,
		string(primitives.HistoryService):  svc(o.Port + 2),
		string(primitives.MatchingService): svc(o.Port + 3),
		string(primitives.WorkerService):   svc(o.Port + 4),
	}
	conf.Archival.History.State = "disabled"
	conf.Archival.Visibility.State = "disabled"
	conf.NamespaceDefaults.Archival.History.State = "disabled"
	conf.NamespaceDefaults.Archival.Visibility.State = "disabled"
	conf.PublicClient.HostPort = frontend
	return &conf, nil
}

// registerNamespace registers o.Namespace (an existing one is kept) and
// waits until the frontend describes it.
func registerNamespace(ctx context.Context, hostPort string, o ServerOptions) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	var c client.Client
	var err error
	for {
		c, err = client.DialContext(ctx, client.Options{HostPort: hostPort, Logger: log.NewSdkLogger(o.Logger)})
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			return fmt.Errorf("dial the frontend %s: %w", hostPort, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	defer c.Close()
	for {
		_, err = c.WorkflowService().RegisterNamespace(ctx, &workflowservice.RegisterNamespaceRequest{
			Namespace: o.Namespace, WorkflowExecutionRetentionPeriod: durationpb.New(o.Retention),
		})
		var exists *serviceerror.NamespaceAlreadyExists
		if err == nil || errors.As(err, &exists) {
			_, err = c.WorkflowService().DescribeNamespace(ctx, &workflowservice.DescribeNamespaceRequest{Namespace: o.Namespace})
			if err == nil {
				return nil
			}
		}
		if ctx.Err() != nil {
			return fmt.Errorf("register namespace %s: %w", o.Namespace, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
