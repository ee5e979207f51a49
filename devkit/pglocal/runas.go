package pglocal

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
)

// account is the unprivileged user that runs initdb and postgres when this
// process runs as root (PostgreSQL refuses to run as root).
type account struct {
	name   string
	uid    uint32
	gid    uint32
	groups []uint32
}

// serverAccount returns nil when the current user can run PostgreSQL itself,
// otherwise the existing user "postgres", or else "nobody".
func serverAccount() (*account, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	var lookupErrs []error
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			lookupErrs = append(lookupErrs, err)
			continue
		}
		return newAccount(u)
	}
	return nil, fmt.Errorf("running as root and no unprivileged user to run PostgreSQL as (tried postgres, nobody): %w",
		errors.Join(lookupErrs...))
}

func newAccount(u *user.User) (*account, error) {
	uid, err := strconv.ParseUint(u.Uid, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("parse uid %q of user %s: %w", u.Uid, u.Username, err)
	}
	gid, err := strconv.ParseUint(u.Gid, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("parse gid %q of user %s: %w", u.Gid, u.Username, err)
	}
	a := &account{name: u.Username, uid: uint32(uid), gid: uint32(gid)}
	gids, err := u.GroupIds()
	if err != nil {
		gids = []string{u.Gid}
	}
	for _, g := range gids {
		if n, err := strconv.ParseUint(g, 10, 32); err == nil {
			a.groups = append(a.groups, uint32(n))
		}
	}
	return a, nil
}

// apply makes cmd run as the account (no-op for nil).
func (a *account) apply(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	if a == nil {
		return
	}
	cmd.SysProcAttr.Credential = &syscall.Credential{Uid: a.uid, Gid: a.gid, Groups: a.groups}
}

// checkTraversable verifies that the account can reach dir: every existing
// ancestor must be searchable (x permission) by it.
func (a *account) checkTraversable(dir string) error {
	if a == nil {
		return nil
	}
	for p := filepath.Dir(dir); ; p = filepath.Dir(p) {
		st, err := os.Stat(p)
		if err != nil {
			return fmt.Errorf("stat %s: %w", p, err)
		}
		if !a.canSearch(st) {
			return fmt.Errorf("directory %s (mode %v) is not traversable by user %s (uid %d), which runs PostgreSQL "+
				"because this process runs as root: make it searchable (chmod o+x %s) or put the data directory "+
				"somewhere it can reach, e.g. under /tmp", p, st.Mode().Perm(), a.name, a.uid, p)
		}
		if p == filepath.Dir(p) {
			return nil
		}
	}
}

func (a *account) canSearch(st fs.FileInfo) bool {
	sys, ok := st.Sys().(*syscall.Stat_t)
	if !ok {
		return true // cannot tell; let PostgreSQL report it
	}
	mode := st.Mode().Perm()
	switch {
	case sys.Uid == a.uid:
		return mode&0o100 != 0
	case sys.Gid == a.gid || slices.Contains(a.groups, sys.Gid):
		return mode&0o010 != 0
	default:
		return mode&0o001 != 0
	}
}

// chownTree gives dir and everything in it to the account, if dir is not
// already owned by it.
func (a *account) chownTree(dir string) error {
	if a == nil {
		return nil
	}
	st, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("stat %s: %w", dir, err)
	}
	if sys, ok := st.Sys().(*syscall.Stat_t); ok && sys.Uid == a.uid && sys.Gid == a.gid {
		return nil
	}
	err = filepath.WalkDir(dir, func(path string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(path, int(a.uid), int(a.gid))
	})
	if err != nil {
		return fmt.Errorf("chown %s to %s: %w", dir, a.name, err)
	}
	return nil
}

// chown gives one file to the account.
func (a *account) chown(path string) error {
	if a == nil {
		return nil
	}
	if err := os.Lchown(path, int(a.uid), int(a.gid)); err != nil {
		return fmt.Errorf("chown %s to %s: %w", path, a.name, err)
	}
	return nil
}

// childEnv is the environment for initdb and postgres: ours without PG*
// connection variables and locale variables (the cluster's locale is chosen
// explicitly at initdb; an uninstalled user locale would only cause warnings).
func childEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "PG") || strings.HasPrefix(k, "LC_") || k == "LANG" || k == "LANGUAGE" {
			continue
		}
		env = append(env, kv)
	}
	return env
}
