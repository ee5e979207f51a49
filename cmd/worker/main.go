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

	"github.com/doithoai/doithoai/app"
	"github.com/doithoai/doithoai/internal/config"
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
	flag.BoolVar(&cfg.MigrateOnStart, "migrate", cfg.MigrateOnStart, "apply pending database migrations on start")
	flag.Parse()
	if cfg.WorkflowCacheSize <= 0 {
		// The worker process's memory stays within its budget however
		// many workflows are open.
		cfg.WorkflowCacheSize = config.WorkerWorkflowCacheSize
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	a, err := app.New(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	return a.RunWorker(ctx)
}
