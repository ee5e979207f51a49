package pglocal_test

import (
	"context"
	"database/sql"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun/driver/pgdriver"
	"go.uber.org/zap/zaptest"

	"github.com/doithoai/doithoai/devkit/pglocal"
)

// tempDir returns a fresh directory under /tmp that an unprivileged user can
// traverse (t.TempDir's parent is 0700, which breaks running postgres as
// another user when the tests run as root).
func tempDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("/tmp", "pglocal-test-")
	if err != nil {
		t.Fatalf("create temp dir: %v", err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatalf("chmod temp dir: %v", err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	return dir
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("pick a free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func start(t *testing.T, opts pglocal.Options) *pglocal.Cluster {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c, err := pglocal.Start(ctx, opts)
	if errors.Is(err, pglocal.ErrNoPostgres) {
		t.Fatalf("PostgreSQL is required for this test and was not found: %v", err)
	}
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	return c
}

func open(t *testing.T, url string) *sql.DB {
	t.Helper()
	db := sql.OpenDB(pgdriver.NewConnector(pgdriver.WithDSN(url)))
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func TestStartPersistsAcrossRestart(t *testing.T) {
	dataDir := filepath.Join(tempDir(t), "data")
	opts := pglocal.Options{Dir: dataDir, Port: freePort(t), Logger: zaptest.NewLogger(t)}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	first := start(t, opts)
	if !strings.HasSuffix(first.URL(), "/doithoai?sslmode=disable") || !strings.HasPrefix(first.URL(), "postgres://postgres@127.0.0.1:") {
		t.Errorf("URL() = %q, want postgres://postgres@127.0.0.1:<port>/doithoai?sslmode=disable", first.URL())
	}
	db1 := open(t, first.URL())
	if _, err := db1.ExecContext(ctx, "CREATE TABLE survival (id int PRIMARY KEY, note text NOT NULL)"); err != nil {
		_ = first.Stop()
		t.Fatalf("create table: %v", err)
	}
	if _, err := db1.ExecContext(ctx, "INSERT INTO survival VALUES (1, 'xin chào')"); err != nil {
		_ = first.Stop()
		t.Fatalf("insert: %v", err)
	}
	_ = db1.Close()
	if err := first.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if err := first.Stop(); err != nil {
		t.Fatalf("second Stop call: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dataDir, "postmaster.pid")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("postmaster.pid still present after Stop (err=%v)", err)
	}

	second := start(t, opts)
	t.Cleanup(func() {
		if err := second.Stop(); err != nil {
			t.Errorf("Stop: %v", err)
		}
	})
	db2 := open(t, second.URL())
	var note string
	if err := db2.QueryRowContext(ctx, "SELECT note FROM survival WHERE id = 1").Scan(&note); err != nil {
		t.Fatalf("select after restart: %v", err)
	}
	if note != "xin chào" {
		t.Errorf("note = %q, want %q", note, "xin chào")
	}
	var upper string
	if err := db2.QueryRowContext(ctx, "SELECT upper(note) FROM survival WHERE id = 1").Scan(&upper); err != nil {
		t.Fatalf("upper: %v", err)
	}
	t.Logf("upper(%q) = %q", note, upper)
}

func TestStartRejectsNonEmptyNonClusterDir(t *testing.T) {
	dir := tempDir(t)
	if err := os.WriteFile(filepath.Join(dir, "stray.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := pglocal.Start(ctx, pglocal.Options{Dir: dir, Port: freePort(t)})
	if errors.Is(err, pglocal.ErrNoPostgres) {
		t.Fatalf("PostgreSQL is required for this test and was not found: %v", err)
	}
	if err == nil {
		_ = c.Stop()
		t.Fatal("Start succeeded on a non-empty directory without a cluster")
	}
	if !strings.Contains(err.Error(), "not empty") {
		t.Errorf("error = %v, want it to mention the directory is not empty", err)
	}
}
