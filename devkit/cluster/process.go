package cluster

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Process is one process of the cluster, its output in a log file.
type Process struct {
	Name string
	// Addr is the address it serves (the frontend, an API); BaseURL an
	// API's http:// base.
	Addr, BaseURL string

	cmd   *exec.Cmd
	done  chan struct{}
	mu    sync.Mutex
	lines []string
}

// spawn starts bin with env added to this process's environment, its
// output going to <logs>/<name>.log; it is stopped (SIGTERM, then SIGKILL
// after 15 s) when the test ends.
func (c *Cluster) spawn(name, bin string, env []string, args ...string) *Process {
	c.tb.Helper()
	f, err := os.Create(filepath.Join(c.logs, name+".log"))
	if err != nil {
		c.tb.Fatal(err)
	}
	p := &Process{Name: name, cmd: exec.Command(bin, args...), done: make(chan struct{})}
	p.cmd.Env = append(os.Environ(), env...)
	pr, pw := io.Pipe()
	p.cmd.Stdout, p.cmd.Stderr = pw, pw
	if err := p.cmd.Start(); err != nil {
		c.tb.Fatalf("start %s: %v", name, err)
	}
	go func() {
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			_, _ = f.WriteString(line + "\n")
			if len(line) < 200 {
				p.mu.Lock()
				p.lines = append(p.lines, line)
				p.mu.Unlock()
			}
		}
		_, _ = io.Copy(io.Discard, pr)
		f.Close()
	}()
	go func() {
		_ = p.cmd.Wait()
		pw.Close()
		close(p.done)
	}()
	c.tb.Cleanup(p.Stop)
	return p
}

// waitLine waits until the process has printed a line starting with
// prefix; false if it exits or the time is up first.
func (p *Process) waitLine(prefix string, within time.Duration) bool {
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		p.mu.Lock()
		for _, l := range p.lines {
			if strings.HasPrefix(l, prefix) {
				p.mu.Unlock()
				return true
			}
		}
		p.mu.Unlock()
		if p.Exited() {
			return false
		}
		time.Sleep(50 * time.Millisecond)
	}
	return false
}

// Exited says whether the process has ended.
func (p *Process) Exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// Kill ends the process at once (SIGKILL: no drain, no cleanup) and waits
// for it.
func (p *Process) Kill() {
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

// Stop asks the process to stop (SIGTERM) and kills it after 15 s.
func (p *Process) Stop() {
	if p.Exited() {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(15 * time.Second):
		p.Kill()
	}
}

// Pid is the process's id.
func (p *Process) Pid() int { return p.cmd.Process.Pid }

// Memory reads the process's resident set size now (VmRSS) and at its
// peak so far (VmHWM) from /proc/<pid>/status, in bytes (Linux only).
func (p *Process) Memory() (rss, peak int64, err error) {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(p.Pid()), "status"))
	if err != nil {
		return 0, 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok || (k != "VmRSS" && k != "VmHWM") {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
		if err != nil {
			return 0, 0, fmt.Errorf("read %s of %s: %w", k, p.Name, err)
		}
		if k == "VmRSS" {
			rss = kb << 10
		} else {
			peak = kb << 10
		}
	}
	if rss == 0 {
		return 0, 0, fmt.Errorf("no VmRSS in /proc/%d/status", p.Pid())
	}
	return rss, peak, nil
}
