// Command worker runs the doithoai Temporal worker: the plan and dialogue
// workflows and their activities. Scale it independently of the API.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"go.uber.org/zap"

	"github.com/doithoai/doithoai/internal/config"
	"github.com/doithoai/doithoai/internal/logging"
	"github.com/doithoai/doithoai/internal/store"
	"github.com/doithoai/doithoai/internal/temporalx"
	"github.com/doithoai/doithoai/worker"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "worker:", err)
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
	tc, err := temporalx.Dial(ctx, temporalx.Options{HostPort: cfg.TemporalAddress, Namespace: cfg.TemporalNamespace, Logger: log})
	if err != nil {
		return err
	}
	defer tc.Close()
	w, err := worker.FromConfig(tc, cfg, st, log)
	if err != nil {
		return err
	}
	log.Info("worker running", zap.String("task_queue", cfg.TaskQueue), zap.String("temporal", cfg.TemporalAddress))
	return worker.Run(ctx, w)
}
