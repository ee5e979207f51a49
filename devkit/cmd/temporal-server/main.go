// Command temporal-server runs a Temporal server persisted in PostgreSQL
// (history and visibility, several history shards) as a process of its
// own, its schema made by Temporal's SQL schema tool: the cluster of the
// production-topology test (deploy) and a stand-in for a real cluster on a
// developer's machine. It prints "ready" once the namespace answers, and
// stops on SIGINT or SIGTERM. Never linked by cmd/api or cmd/worker.
//
//	go run ./devkit/cmd/temporal-server -db-url postgres://postgres@127.0.0.1:5432/postgres \
//	    -db temporal -visibility-db temporal_visibility -shards 4 -port 7233
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"go.temporal.io/server/common/log"

	"github.com/doithoai/doithoai/devkit/cluster"
)

func main() {
	var o cluster.ServerOptions
	flag.StringVar(&o.DatabaseURL, "db-url", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable", "PostgreSQL server (a role that may CREATE DATABASE)")
	flag.StringVar(&o.Database, "db", "temporal", "database of history, created if missing")
	flag.StringVar(&o.VisibilityDatabase, "visibility-db", "temporal_visibility", "database of visibility, created if missing")
	flag.IntVar(&o.Shards, "shards", 4, "history shards (fixed once the database is made)")
	flag.IntVar(&o.Port, "port", 7233, "frontend gRPC port on 127.0.0.1 (the services take the next four)")
	flag.StringVar(&o.Namespace, "namespace", "default", "namespace to register")
	flag.DurationVar(&o.Retention, "retention", 72*time.Hour, "retention of closed workflows in the namespace")
	flag.IntVar(&o.Partitions, "partitions", 0, "task queue partitions (0: the server's default, 4)")
	level := flag.String("log-level", "warn", "server log level: debug, info, warn, error")
	flag.Parse()
	o.Logger = log.NewZapLogger(log.BuildZapLogger(log.Config{Level: *level, Format: "json"}))

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := cluster.Serve(ctx, o, func() {
		fmt.Printf("ready %s namespace %s shards %d\n", fmt.Sprintf("127.0.0.1:%d", o.Port), o.Namespace, o.Shards)
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "temporal-server:", err)
		os.Exit(1)
	}
}
