// Command api serves the doithoai HTTP API. It applies pending database
// migrations on start (unless MIGRATE_ON_START=false or -migrate=false) and
// talks to a Temporal server it does not embed.
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
		fmt.Fprintln(os.Stderr, "api:", err)
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
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	// Temporal is reached on first use: the API starts, and says it is not
	// ready, while Temporal is still coming up.
	a, err := app.New(ctx, cfg, app.WithLazyTemporal())
	if err != nil {
		return err
	}
	defer a.Close()
	return a.RunAPI(ctx)
}
