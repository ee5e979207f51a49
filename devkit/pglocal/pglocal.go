// Package pglocal runs a local PostgreSQL cluster for development: a data
// directory initialised on first use and kept between runs, served by a
// postgres process on 127.0.0.1 that this package starts and stops.
//
// It is used by `go run ./cmd/dev` when DATABASE_URL is not set, and by tests.
// When the process runs as root, initdb and postgres run as the unprivileged
// user "postgres" (or "nobody"), since PostgreSQL refuses to run as root.
package pglocal

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/uptrace/bun/driver/pgdriver"
	"go.uber.org/zap"
)

const (
	// DefaultPort is the TCP port used when Options.Port is 0.
	DefaultPort = 54329
	// Superuser is the cluster's superuser (initdb -U), trusted without password.
	Superuser = "postgres"
	// Database is the application database created on start if missing.
	Database = "doithoai"
	// DefaultStartTimeout bounds Start when its context has no deadline.
	DefaultStartTimeout = 2 * time.Minute

	logFileName = "pglocal.log"
	// maxSocketPath is the longest Unix socket path PostgreSQL accepts
	// (sizeof(sun_path) - 1).
	maxSocketPath = 107
)

// Options configures Start.
type Options struct {
	// Dir is the data directory. It is created if missing and initialised
	// (initdb) if empty; an existing cluster in it is reused as is.
	Dir string
	// Port is the TCP port on 127.0.0.1; default DefaultPort (54329).
	Port int
	// Logger receives progress messages; nil discards them. The server's own
	// log goes to pglocal.log in Dir.
	Logger *zap.Logger
}

// Cluster is a running local PostgreSQL server. Release it with Stop.
type Cluster struct {
	dir      string
	port     int
	logger   *zap.Logger
	logFile  *os.File // nil when an already running server was adopted
	logStart int64    // offset in logFile where this run's output starts

	// Exactly one of cmd (we started the postmaster) and adoptedPID (it was
	// already running for this data directory) is set.
	cmd        *exec.Cmd
	exited     chan struct{} // closed when cmd.Wait returns
	adoptedPID int

	stopOnce sync.Once
	stopErr  error
}

// Start initialises Dir if needed, starts PostgreSQL listening on
// 127.0.0.1:Port (Unix socket inside Dir), waits until it accepts
// connections, and creates the database "doithoai" if missing. If a
// postmaster left running by an earlier crashed run is serving Dir on Port,
// it is adopted instead (and stopped by Stop). ctx bounds the whole start-up;
// without a deadline DefaultStartTimeout applies.
//
// It returns an error wrapping ErrNoPostgres if no PostgreSQL binaries are
// installed.
func Start(ctx context.Context, opts Options) (*Cluster, error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, DefaultStartTimeout)
		defer cancel()
	}
	if opts.Dir == "" {
		return nil, errors.New("pglocal: Options.Dir is required")
	}
	dir, err := filepath.Abs(opts.Dir)
	if err != nil {
		return nil, fmt.Errorf("pglocal: resolve data directory %q: %w", opts.Dir, err)
	}
	if opts.Port == 0 {
		opts.Port = DefaultPort
	}
	if opts.Port < 0 || opts.Port > 65535 {
		return nil, fmt.Errorf("pglocal: invalid port %d", opts.Port)
	}
	logger := opts.Logger
	if logger == nil {
		logger = zap.NewNop()
	}
	logger = logger.With(zap.String("dir", dir), zap.Int("port", opts.Port))

	bin, err := findBinaries(ctx)
	if err != nil {
		return nil, fmt.Errorf("pglocal: %w", err)
	}
	acct, err := serverAccount()
	if err != nil {
		return nil, fmt.Errorf("pglocal: %w", err)
	}

	if err := prepareDir(dir, acct); err != nil {
		return nil, fmt.Errorf("pglocal: %w", err)
	}
	if err := ensureInitialized(ctx, dir, bin, acct, logger); err != nil {
		return nil, fmt.Errorf("pglocal: %w", err)
	}

	c := &Cluster{dir: dir, port: opts.Port, logger: logger}

	pid, pidPort, running := runningPostmaster(dir)
	switch {
	case running && pidPort == opts.Port:
		logger.Info("adopting PostgreSQL left running by an earlier run", zap.Int("pid", pid))
		c.adoptedPID = pid
	case running:
		return nil, fmt.Errorf("pglocal: a PostgreSQL server (pid %d) is already running on %s with port %d, not %d: "+
			"stop it (kill -INT %d) or use port %d", pid, dir, pidPort, opts.Port, pid, pidPort)
	default:
		if err := c.launch(bin, acct); err != nil {
			return nil, fmt.Errorf("pglocal: %w", err)
		}
	}

	if err := c.waitReady(ctx); err != nil {
		_ = c.Stop()
		return nil, fmt.Errorf("pglocal: wait for PostgreSQL on 127.0.0.1:%d: %w", c.port, err)
	}
	if err := c.ensureDatabase(ctx); err != nil {
		_ = c.Stop()
		return nil, fmt.Errorf("pglocal: %w", err)
	}
	logger.Info("PostgreSQL ready", zap.String("version", bin.version), zap.String("url", c.URL()))
	return c, nil
}

// URL returns the connection URL of the application database, e.g.
// postgres://postgres@127.0.0.1:54329/doithoai?sslmode=disable.
func (c *Cluster) URL() string {
	return c.urlFor(Database)
}

func (c *Cluster) urlFor(db string) string {
	u := url.URL{
		Scheme:   "postgres",
		User:     url.User(Superuser),
		Host:     net.JoinHostPort("127.0.0.1", strconv.Itoa(c.port)),
		Path:     "/" + db,
		RawQuery: "sslmode=disable",
	}
	return u.String()
}

// Dir returns the absolute data directory.
func (c *Cluster) Dir() string { return c.dir }

// Port returns the TCP port the server listens on.
func (c *Cluster) Port() int { return c.port }

// Stop shuts the server down in "fast" mode (SIGINT: roll back open
// transactions, disconnect clients, checkpoint) and waits for it to exit.
// It is safe to call more than once; later calls return the first result.
func (c *Cluster) Stop() error {
	c.stopOnce.Do(func() {
		c.stopErr = c.stop()
		if c.logFile != nil {
			_ = c.logFile.Close()
		}
		if c.stopErr == nil {
			c.logger.Info("PostgreSQL stopped")
		}
	})
	return c.stopErr
}

func (c *Cluster) stop() error {
	switch {
	case c.cmd != nil:
		return stopChild(c.cmd.Process, c.exited)
	case c.adoptedPID != 0:
		return stopAdopted(c.adoptedPID, c.dir)
	default:
		return nil
	}
}

// stopChild stops a postmaster we started: SIGINT (fast shutdown), then
// SIGQUIT (immediate) and SIGKILL if it takes too long.
func stopChild(p *os.Process, exited <-chan struct{}) error {
	steps := []struct {
		sig  os.Signal
		wait time.Duration
	}{
		{syscall.SIGINT, 60 * time.Second},
		{syscall.SIGQUIT, 10 * time.Second},
		{syscall.SIGKILL, 10 * time.Second},
	}
	for _, s := range steps {
		if err := p.Signal(s.sig); err != nil {
			if errors.Is(err, os.ErrProcessDone) {
				<-exited
				return nil
			}
			return fmt.Errorf("pglocal: signal postmaster (pid %d): %w", p.Pid, err)
		}
		select {
		case <-exited:
			if s.sig != syscall.SIGINT {
				return fmt.Errorf("pglocal: postmaster (pid %d) ignored fast shutdown, stopped with %v", p.Pid, s.sig)
			}
			return nil
		case <-time.After(s.wait):
		}
	}
	return fmt.Errorf("pglocal: postmaster (pid %d) did not exit", p.Pid)
}

// stopAdopted stops a postmaster started by an earlier run. It is not our
// child, so we watch for its pid file to disappear (a clean shutdown removes
// it) or the process to vanish.
func stopAdopted(pid int, dir string) error {
	if err := syscall.Kill(pid, syscall.SIGINT); err != nil {
		if errors.Is(err, syscall.ESRCH) {
			return nil
		}
		return fmt.Errorf("pglocal: signal postmaster (pid %d): %w", pid, err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if _, err := os.Stat(filepath.Join(dir, "postmaster.pid")); errors.Is(err, os.ErrNotExist) {
			return nil
		}
		if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("pglocal: postmaster (pid %d) did not exit within 60s of SIGINT", pid)
}

// prepareDir creates the data directory and makes it usable by the account
// that runs PostgreSQL.
func prepareDir(dir string, acct *account) error {
	// Missing parents get the usual 0755 so another user can traverse them;
	// the data directory itself is private.
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return fmt.Errorf("create parent of data directory: %w", err)
	}
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, os.ErrExist) {
		return fmt.Errorf("create data directory: %w", err)
	}
	if err := acct.checkTraversable(dir); err != nil {
		return err
	}
	if err := acct.chownTree(dir); err != nil {
		return err
	}
	// PostgreSQL requires 0700 or 0750 on the data directory.
	st, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("stat data directory: %w", err)
	}
	if st.Mode().Perm()&0o027 != 0 {
		if err := os.Chmod(dir, 0o700); err != nil {
			return fmt.Errorf("restrict data directory permissions: %w", err)
		}
	}
	return nil
}

// ensureInitialized runs initdb if dir holds no cluster, and checks that an
// existing cluster matches the binaries' major version.
func ensureInitialized(ctx context.Context, dir string, bin binaries, acct *account, logger *zap.Logger) error {
	raw, err := os.ReadFile(filepath.Join(dir, "PG_VERSION"))
	switch {
	case err == nil:
		have := strings.TrimSpace(string(raw))
		if have != strconv.Itoa(bin.major) {
			return fmt.Errorf("data directory %s was created by PostgreSQL %s but the newest installed server is %d (%s): "+
				"install PostgreSQL %s, or move the directory away to start with an empty database", dir, have, bin.major, bin.dir, have)
		}
		return nil
	case !errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("read PG_VERSION: %w", err)
	}

	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("read data directory: %w", err)
	}
	if len(entries) > 0 {
		return fmt.Errorf("data directory %s is not empty but holds no PostgreSQL cluster (no PG_VERSION): "+
			"empty it or choose another directory", dir)
	}

	logger.Info("initialising PostgreSQL data directory", zap.String("initdb", bin.initdb))
	// C.UTF-8 gives Unicode-aware upper/lower/ILIKE (Vietnamese text); fall
	// back to plain C where that locale is not installed.
	var lastErr error
	for _, locale := range []string{"C.UTF-8", "C"} {
		lastErr = runInitdb(ctx, dir, bin, acct, locale)
		if lastErr == nil {
			return nil
		}
		// initdb removes what it created on failure; make sure before retrying.
		if err := emptyDir(dir); err != nil {
			return errors.Join(lastErr, err)
		}
	}
	return lastErr
}

func runInitdb(ctx context.Context, dir string, bin binaries, acct *account, locale string) error {
	cmd := exec.CommandContext(ctx, bin.initdb,
		"-D", dir,
		"-U", Superuser,
		"--auth=trust",
		"--encoding=UTF8",
		"--locale="+locale,
	)
	cmd.Dir = dir
	cmd.Env = childEnv()
	acct.apply(cmd)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("initdb --locale=%s in %s: %w\n%s", locale, dir, err, bytes.TrimSpace(out))
	}
	return nil
}

func emptyDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("read data directory: %w", err)
	}
	for _, e := range entries {
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			return fmt.Errorf("clean data directory after failed initdb: %w", err)
		}
	}
	return nil
}

// runningPostmaster reads dir/postmaster.pid and reports whether the
// postmaster it names is alive and serving dir. A stale file (dead process,
// or a pid reused by an unrelated process) is removed so postgres can start.
func runningPostmaster(dir string) (pid, port int, running bool) {
	pidFile := filepath.Join(dir, "postmaster.pid")
	raw, err := os.ReadFile(pidFile)
	if err != nil {
		return 0, 0, false
	}
	// Lines: pid, data directory, start time, port, socket dir, listen addr, ...
	lines := strings.Split(string(raw), "\n")
	if len(lines) >= 4 {
		pid, _ = strconv.Atoi(strings.TrimSpace(lines[0]))
		port, _ = strconv.Atoi(strings.TrimSpace(lines[3]))
	}
	if pid > 0 && processAlive(pid) {
		// The postmaster's working directory is its data directory.
		cwd, err := os.Readlink(fmt.Sprintf("/proc/%d/cwd", pid))
		if err != nil || sameDir(cwd, dir) {
			return pid, port, true
		}
	}
	_ = os.Remove(pidFile)
	return 0, 0, false
}

func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

func sameDir(a, b string) bool {
	sa, errA := os.Stat(a)
	sb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(sa, sb)
}

// launch starts the postmaster as a child process in its own process group
// (so a terminal's Ctrl-C reaches only us, and Stop decides when the
// database goes away), logging to dir/pglocal.log.
func (c *Cluster) launch(bin binaries, acct *account) error {
	if err := checkPortFree(c.port); err != nil {
		return err
	}
	logPath := filepath.Join(c.dir, logFileName)
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("open server log: %w", err)
	}
	if err := acct.chown(logPath); err != nil {
		_ = logFile.Close()
		return err
	}
	logStart, _ := logFile.Seek(0, io.SeekEnd)

	socketDir := c.dir
	if len(filepath.Join(socketDir, ".s.PGSQL."+strconv.Itoa(c.port))) > maxSocketPath {
		// Path too long for a Unix socket: TCP only.
		socketDir = ""
		c.logger.Warn("data directory path too long for a Unix socket; listening on TCP only")
	}
	cmd := exec.Command(bin.postgres,
		"-D", c.dir,
		"-p", strconv.Itoa(c.port),
		"-c", "listen_addresses=127.0.0.1",
		"-c", "unix_socket_directories="+socketDir,
	)
	cmd.Dir = c.dir
	cmd.Env = childEnv()
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	acct.apply(cmd)
	cmd.SysProcAttr.Setpgid = true
	if err := cmd.Start(); err != nil {
		_ = logFile.Close()
		return fmt.Errorf("start %s: %w", bin.postgres, err)
	}
	c.logger.Info("started PostgreSQL", zap.Int("pid", cmd.Process.Pid), zap.String("log", logPath))

	c.cmd = cmd
	c.logFile = logFile
	c.exited = make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(c.exited)
	}()
	c.logStart = logStart
	return nil
}

func checkPortFree(port int) error {
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return fmt.Errorf("port %d on 127.0.0.1 is not free (another PostgreSQL?): use another port, or set DATABASE_URL: %w", port, err)
	}
	if err := l.Close(); err != nil {
		return fmt.Errorf("release probe listener on port %d: %w", port, err)
	}
	return nil
}

// openDB opens a database/sql handle on db through pgdriver.
func (c *Cluster) openDB(db string) *sql.DB {
	return sql.OpenDB(pgdriver.NewConnector(
		pgdriver.WithNetwork("tcp"),
		pgdriver.WithAddr(net.JoinHostPort("127.0.0.1", strconv.Itoa(c.port))),
		pgdriver.WithUser(Superuser),
		pgdriver.WithDatabase(db),
		pgdriver.WithInsecure(true),
		pgdriver.WithApplicationName("pglocal"),
		pgdriver.WithDialTimeout(2*time.Second),
		pgdriver.WithReadTimeout(10*time.Second),
		pgdriver.WithWriteTimeout(10*time.Second),
	))
}

// waitReady polls until the server accepts connections and is the one
// serving our data directory.
func (c *Cluster) waitReady(ctx context.Context) error {
	db := c.openDB("postgres")
	defer func() { _ = db.Close() }()
	db.SetMaxIdleConns(0)

	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		err := c.checkServer(ctx, db)
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w (last error: %v)%s", ctx.Err(), err, c.logTail())
		case <-c.exited: // nil, never ready, for an adopted server
			return fmt.Errorf("postgres exited during start-up%s", c.logTail())
		case <-tick.C:
		}
	}
}

func (c *Cluster) checkServer(ctx context.Context, db *sql.DB) error {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	var dataDir string
	if err := db.QueryRowContext(ctx, "SHOW data_directory").Scan(&dataDir); err != nil {
		return err
	}
	if !sameDir(dataDir, c.dir) {
		return fmt.Errorf("the server on port %d serves %s, not %s", c.port, dataDir, c.dir)
	}
	return nil
}

// ensureDatabase creates the application database if it does not exist.
func (c *Cluster) ensureDatabase(ctx context.Context) error {
	db := c.openDB("postgres")
	defer func() { _ = db.Close() }()
	var exists bool
	if err := db.QueryRowContext(ctx,
		"SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", Database).Scan(&exists); err != nil {
		return fmt.Errorf("check database %q: %w", Database, err)
	}
	if exists {
		return nil
	}
	if _, err := db.ExecContext(ctx, "CREATE DATABASE "+Database); err != nil {
		var pgErr pgdriver.Error
		if errors.As(err, &pgErr) && pgErr.Field('C') == "42P04" { // duplicate_database: created concurrently
			return nil
		}
		return fmt.Errorf("create database %q: %w", Database, err)
	}
	c.logger.Info("created database", zap.String("database", Database))
	return nil
}

// logTail returns the end of this run's server log, formatted for appending
// to an error message.
func (c *Cluster) logTail() string {
	if c.logFile == nil {
		return ""
	}
	raw, err := os.ReadFile(filepath.Join(c.dir, logFileName))
	if err != nil || int64(len(raw)) <= c.logStart {
		return ""
	}
	raw = raw[c.logStart:]
	const max = 4000
	if len(raw) > max {
		raw = raw[len(raw)-max:]
	}
	return "; server log:\n" + string(bytes.TrimSpace(raw))
}
