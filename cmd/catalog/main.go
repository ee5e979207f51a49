// Command catalog loads the official catalogue of administrative units
// (internal/catalog: 34 provinces and 3,321 communes since 1 July 2025, and
// the old map of Hưng Yên and Thái Bình merged into today's units) into
// the database named by DATABASE_URL, applying the schema migrations
// first. Running it again changes nothing; a stored unit that differs from
// the catalogue is reported, not rewritten.
//
//	go run ./cmd/catalog import
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/doithoai/doithoai/internal/catalog"
	"github.com/doithoai/doithoai/internal/config"
	"github.com/doithoai/doithoai/internal/store"
)

func main() {
	if len(os.Args) != 2 || os.Args[1] != "import" {
		fmt.Fprintln(os.Stderr, "usage: catalog import   (DATABASE_URL names the database)")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "catalog:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	cfg, err := config.Load()
	if err != nil {
		return err
	}
	st, err := store.Open(cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		return err
	}
	return catalog.Run(ctx, st, os.Stderr, os.Stdout)
}
