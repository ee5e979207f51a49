package cluster

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun/driver/pgdriver"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"

	"github.com/doithoai/doithoai/devkit/testenv"
	"github.com/doithoai/doithoai/internal/store"
)

// Options shapes the cluster Start brings up.
type Options struct {
	// APIs and Workers are the numbers of replicas (default 2 each).
	APIs, Workers int
	// Shards is the number of history shards (default 4).
	Shards int
	// Partitions is the number of task queue partitions (0: the server's
	// default).
	Partitions int
	// Env is added to every API and worker's environment (e.g.
	// SURVEY_RATE_PER_MINUTE).
	Env map[string]string
}

// Cluster is the running topology: a Temporal server process, API and
// worker processes, the store database and a Temporal client of the test's
// own.
type Cluster struct {
	Options
	Store *store.Store
	// DBURL is the store database every replica uses.
	DBURL     string
	Namespace string
	TaskQueue string
	// Temporal is a client of the cluster's frontend for the test itself.
	Temporal client.Client
	Server   *Process
	APIs     []*Process
	Workers  []*Process
	// Built is how long building the three binaries took.
	Built time.Duration
	// Ready is how long the Temporal server took to set up its schema and
	// answer.
	Ready time.Duration

	tb      testing.TB
	bin     string
	logs    string
	baseEnv []string
}

// Start builds cmd/api, cmd/worker and devkit/cmd/temporal-server, makes
// the store database and Temporal's two databases (unique names, dropped
// at the end), and starts the Temporal server, the workers and the APIs as
// processes; it returns once every API answers /readyz. Everything stops
// when the test ends; a failed test gets the tail of every process's log.
func Start(tb testing.TB, opts Options) *Cluster {
	tb.Helper()
	if opts.APIs <= 0 {
		opts.APIs = 2
	}
	if opts.Workers <= 0 {
		opts.Workers = 2
	}
	if opts.Shards <= 0 {
		opts.Shards = 4
	}
	c := &Cluster{Options: opts, tb: tb, Namespace: "default", TaskQueue: "doithoai",
		bin: tb.TempDir(), logs: tb.TempDir()}
	c.build()
	c.Store, c.DBURL = testenv.NewDatabase(tb)
	c.startTemporal()
	c.baseEnv = []string{
		"DATABASE_URL=" + c.DBURL,
		"TEMPORAL_ADDRESS=" + c.Server.Addr,
		"TEMPORAL_NAMESPACE=" + c.Namespace,
		"TEMPORAL_TASK_QUEUE=" + c.TaskQueue,
		"AUTH_MODE=hs256",
		"AUTH_HS256_SECRET=" + testenv.TokenSecret,
		"LOG_FORMAT=json",
		"LOG_LEVEL=warn",
		// Several processes on one host: each serves its metrics on a
		// port of its own choosing, so none clashes.
		"METRICS_ADDR=127.0.0.1:0",
		"WORKER_METRICS_ADDR=127.0.0.1:0",
	}
	for k, v := range opts.Env {
		c.baseEnv = append(c.baseEnv, k+"="+v)
	}
	for i := range opts.Workers {
		c.Workers = append(c.Workers, c.StartWorker(i))
	}
	for i := range opts.APIs {
		c.APIs = append(c.APIs, c.StartAPI(i))
	}
	for _, a := range c.APIs {
		c.waitReady(a)
	}
	tb.Cleanup(func() {
		if tb.Failed() {
			c.dumpLogs()
		}
	})
	return c
}

// build compiles the three binaries into a temporary directory.
func (c *Cluster) build() {
	c.tb.Helper()
	root, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}").Output()
	if err != nil {
		c.tb.Fatalf("find the module root with go list: %v (is the go command on PATH?)", err)
	}
	start := time.Now()
	cmd := exec.Command("go", "build", "-o", c.bin+string(filepath.Separator), "./cmd/api", "./cmd/worker", "./devkit/cmd/temporal-server")
	cmd.Dir = strings.TrimSpace(string(root))
	if out, err := cmd.CombinedOutput(); err != nil {
		c.tb.Fatalf("go build: %v\n%s", err, out)
	}
	c.Built = time.Since(start)
}

// startTemporal makes Temporal's two databases' names, starts the server
// process on free ports and waits for its "ready" line.
func (c *Cluster) startTemporal() {
	c.tb.Helper()
	var b [5]byte
	_, _ = rand.Read(b[:])
	db := "doithoai_temporal_" + hex.EncodeToString(b[:])
	vis := db + "_vis"
	base := testenv.DatabaseURL()
	c.tb.Cleanup(func() { dropDatabases(c.tb, base, db, vis) })
	port := freePortRun(c.tb, 5)
	start := time.Now()
	c.Server = c.spawn("temporal-server", filepath.Join(c.bin, "temporal-server"), nil,
		"-db-url", base, "-db", db, "-visibility-db", vis, "-shards", strconv.Itoa(c.Shards),
		"-port", strconv.Itoa(port), "-namespace", c.Namespace, "-retention", "24h",
		"-partitions", strconv.Itoa(c.Partitions), "-log-level", "error")
	c.Server.Addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	if !c.Server.waitLine("ready", 3*time.Minute) {
		c.dumpLogs()
		c.tb.Fatalf("the Temporal server did not say ready within 3 minutes")
	}
	c.Ready = time.Since(start)
	// The test's own client (and a benchmark's floor worker on it) logs
	// warnings and errors only.
	quiet := sdklog.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	tc, err := client.Dial(client.Options{HostPort: c.Server.Addr, Namespace: c.Namespace, Logger: quiet})
	if err != nil {
		c.tb.Fatalf("dial the cluster's frontend: %v", err)
	}
	c.tb.Cleanup(tc.Close)
	c.Temporal = tc
}

// StartWorker starts worker process i.
func (c *Cluster) StartWorker(i int) *Process {
	c.tb.Helper()
	return c.spawn(fmt.Sprintf("worker-%d", i), filepath.Join(c.bin, "worker"), append(c.baseEnv, "MIGRATE_ON_START=false"))
}

// StartAPI starts API process i on a free port (both replicas apply the
// migrations on start, as the compose file's do, under the store's lock).
func (c *Cluster) StartAPI(i int) *Process {
	c.tb.Helper()
	port := freePortRun(c.tb, 1)
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	p := c.spawn(fmt.Sprintf("api-%d", i), filepath.Join(c.bin, "api"), append(c.baseEnv, "HTTP_ADDR="+addr, "MIGRATE_ON_START=true"))
	p.Addr, p.BaseURL = addr, "http://"+addr
	return p
}

// waitReady polls an API's /readyz until it answers 200.
func (c *Cluster) waitReady(p *Process) {
	c.tb.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		resp, err := http.Get(p.BaseURL + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if p.Exited() {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	c.dumpLogs()
	c.tb.Fatalf("%s did not become ready at %s", p.Name, p.BaseURL)
}

// dumpLogs logs the tail of every process's log.
func (c *Cluster) dumpLogs() {
	entries, _ := os.ReadDir(c.logs)
	for _, e := range entries {
		b, _ := os.ReadFile(filepath.Join(c.logs, e.Name()))
		lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
		c.tb.Logf("--- %s (last %d lines) ---\n%s", e.Name(), min(40, len(lines)), strings.Join(lines[max(0, len(lines)-40):], "\n"))
	}
}

// dropDatabases drops Temporal's databases of this run.
func dropDatabases(tb testing.TB, base string, names ...string) {
	admin := sql.OpenDB(pgdriver.NewConnector(pgdriver.WithDSN(base), pgdriver.WithTimeout(5*time.Second)))
	defer admin.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, n := range names {
		if _, err := admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+n+" WITH (FORCE)"); err != nil {
			tb.Logf("drop database %s: %v", n, err)
		}
	}
}

// freePortRun finds n consecutive free loopback ports and returns the
// first.
func freePortRun(tb testing.TB, n int) int {
	tb.Helper()
	for range 200 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			tb.Fatalf("listen: %v", err)
		}
		first := ln.Addr().(*net.TCPAddr).Port
		ln.Close()
		if first+n > 65535 {
			continue
		}
		ok := true
		for p := first + 1; p < first+n && ok; p++ {
			l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(p)))
			if err != nil {
				ok = false
				continue
			}
			l.Close()
		}
		if ok {
			return first
		}
	}
	tb.Fatalf("no run of %d free ports", n)
	return 0
}

// DatabaseName is the name of the database in a PostgreSQL URL.
func DatabaseName(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return ""
	}
	return strings.TrimPrefix(u.Path, "/")
}
