// Package store is the PostgreSQL side of the service: bun models, the
// embedded schema migrations, and every query the activities and the API
// run. Writes are idempotent (keyed by domain IDs or dedup keys) so a retried
// activity changes nothing twice.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/driver/pgdriver"
	"github.com/uptrace/bun/migrate"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Errors callers map to API statuses.
var (
	// ErrNotFound means the row asked for does not exist.
	ErrNotFound = errors.New("not found")
	// ErrConflict means the write clashes with existing data or state.
	ErrConflict = errors.New("conflict")
)

// Store wraps the bun database handle.
type Store struct {
	DB *bun.DB
}

// Open connects to PostgreSQL at dsn. It does not ping; call Ping to check.
func Open(dsn string) (*Store, error) {
	if dsn == "" {
		return nil, errors.New("open database: DATABASE_URL is empty")
	}
	connector := pgdriver.NewConnector(
		pgdriver.WithDSN(dsn),
		pgdriver.WithTimeout(10*time.Second),
		pgdriver.WithApplicationName("doithoai"),
	)
	sqldb := sql.OpenDB(connector)
	sqldb.SetMaxOpenConns(20)
	sqldb.SetMaxIdleConns(10)
	sqldb.SetConnMaxIdleTime(5 * time.Minute)
	return &Store{DB: bun.NewDB(sqldb, pgdialect.New())}, nil
}

// Close closes the connection pool.
func (s *Store) Close() error { return s.DB.Close() }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.DB.PingContext(ctx); err != nil {
		return fmt.Errorf("ping database: %w", err)
	}
	return nil
}

func newMigrator(db *bun.DB) (*migrate.Migrator, error) {
	m := migrate.NewMigrations()
	if err := m.Discover(migrationFiles); err != nil {
		return nil, fmt.Errorf("discover migrations: %w", err)
	}
	return migrate.NewMigrator(db, m, migrate.WithMarkAppliedOnSuccess(true)), nil
}

// Migrate applies every pending migration under an advisory lock, so
// several processes starting at once apply each migration exactly once.
// It returns the names of the migrations it applied.
func (s *Store) Migrate(ctx context.Context) ([]string, error) {
	m, err := newMigrator(s.DB)
	if err != nil {
		return nil, err
	}
	conn, err := s.DB.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrate: get connection: %w", err)
	}
	defer conn.Close()
	// A session-level advisory lock held on one connection serialises
	// migrators across processes.
	const lockID = 72_026_1126
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock(?)", lockID); err != nil {
		return nil, fmt.Errorf("migrate: take lock: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock(?)", lockID) //nolint:errcheck
	if err := m.Init(ctx); err != nil {
		return nil, fmt.Errorf("migrate: init tables: %w", err)
	}
	group, err := m.Migrate(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrate: apply: %w", err)
	}
	var names []string
	for _, mg := range group.Migrations {
		names = append(names, mg.Name)
	}
	return names, nil
}

// Rollback undoes the last applied migration group (used by tests and by
// operators who need to step back).
func (s *Store) Rollback(ctx context.Context) ([]string, error) {
	m, err := newMigrator(s.DB)
	if err != nil {
		return nil, err
	}
	group, err := m.Rollback(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrate: rollback: %w", err)
	}
	var names []string
	for _, mg := range group.Migrations {
		names = append(names, mg.Name)
	}
	return names, nil
}

// isUniqueViolation reports whether err is a PostgreSQL unique violation.
func isUniqueViolation(err error) bool {
	var pgErr pgdriver.Error
	if errors.As(err, &pgErr) {
		return pgErr.Field('C') == "23505"
	}
	return false
}

// isForeignKeyViolation reports whether err is a foreign key violation.
func isForeignKeyViolation(err error) bool {
	var pgErr pgdriver.Error
	if errors.As(err, &pgErr) {
		return pgErr.Field('C') == "23503"
	}
	return false
}

func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	return fmt.Errorf("%s: %w", what, err)
}
