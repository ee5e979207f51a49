package pglocal

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"time"
)

// ErrNoPostgres is returned (wrapped) by Start when no PostgreSQL server
// binaries can be found.
var ErrNoPostgres = errors.New("no PostgreSQL server binaries (initdb and postgres) found in /usr/lib/postgresql/*/bin, " +
	"/usr/pgsql-*/bin, /usr/local/pgsql/bin or PATH: set DATABASE_URL to use an existing PostgreSQL server, " +
	"or install one with `apt-get install postgresql`")

// binaries is one PostgreSQL installation.
type binaries struct {
	dir      string
	major    int
	version  string // e.g. "15.13"
	initdb   string
	postgres string
}

var versionRE = regexp.MustCompile(`\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?`)

// findBinaries returns the newest installation that has both initdb and
// postgres, looking in the usual install directories and in PATH.
func findBinaries(ctx context.Context) (binaries, error) {
	var dirs []string
	// The usual install locations of versioned PostgreSQL binaries
	// (Debian/Ubuntu, RHEL/PGDG, source builds).
	for _, g := range []string{"/usr/lib/postgresql/*/bin", "/usr/pgsql-*/bin", "/usr/local/pgsql/bin"} {
		matches, _ := filepath.Glob(g) // only ErrBadPattern, and the patterns are constant
		dirs = append(dirs, matches...)
	}
	if p, err := exec.LookPath("postgres"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			p = real
		}
		dirs = append(dirs, filepath.Dir(p))
	}

	var found []binaries
	seen := map[string]bool{}
	for _, dir := range dirs {
		if real, err := filepath.EvalSymlinks(dir); err == nil {
			dir = real
		}
		if seen[dir] {
			continue
		}
		seen[dir] = true
		b := binaries{
			dir:      dir,
			initdb:   filepath.Join(dir, "initdb"),
			postgres: filepath.Join(dir, "postgres"),
		}
		if !isExecutable(b.initdb) || !isExecutable(b.postgres) {
			continue
		}
		major, version, err := serverVersion(ctx, b.postgres)
		if err != nil {
			continue
		}
		b.major, b.version = major, version
		found = append(found, b)
	}
	if len(found) == 0 {
		return binaries{}, ErrNoPostgres
	}
	// Newest major first; ties keep discovery order.
	slices.SortStableFunc(found, func(a, b binaries) int { return b.major - a.major })
	return found[0], nil
}

func isExecutable(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0
}

// serverVersion runs `postgres --version` (allowed as root) and parses it.
func serverVersion(ctx context.Context, postgres string) (major int, version string, err error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, postgres, "--version").Output()
	if err != nil {
		return 0, "", fmt.Errorf("run %s --version: %w", postgres, err)
	}
	m := versionRE.FindSubmatch(out)
	if m == nil {
		return 0, "", fmt.Errorf("unrecognised output of %s --version: %q", postgres, out)
	}
	major, err = strconv.Atoi(string(m[1]))
	if err != nil {
		return 0, "", fmt.Errorf("parse version %q: %w", m[1], err)
	}
	version = string(m[1])
	if len(m[2]) > 0 {
		version += "." + string(m[2])
	}
	return major, version, nil
}
