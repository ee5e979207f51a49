package config

import (
	"testing"
	"time"
)

// The HTTP server's limits have their documented defaults.
func TestHTTPLimitDefaults(t *testing.T) {
	c := Defaults()
	if c.ReadHeaderTimeout != 10*time.Second || c.ReadTimeout != 60*time.Second || c.PublicBodyTimeout != 10*time.Second ||
		c.MaxConns != 1024 || c.MaxConnsPerClient != 64 {
		t.Errorf("defaults: header %v, read %v, public body %v, conns %d, per client %d",
			c.ReadHeaderTimeout, c.ReadTimeout, c.PublicBodyTimeout, c.MaxConns, c.MaxConnsPerClient)
	}
}

// The sticky cache is left to the command when unset (the worker process
// takes WorkerWorkflowCacheSize, the all-in-one processes the SDK's
// default), and read when set.
func TestWorkflowCacheSize(t *testing.T) {
	if c := Defaults(); c.WorkflowCacheSize != 0 {
		t.Errorf("default WorkflowCacheSize = %d, want 0 (the command decides)", c.WorkflowCacheSize)
	}
	if WorkerWorkflowCacheSize <= 0 {
		t.Errorf("WorkerWorkflowCacheSize = %d", WorkerWorkflowCacheSize)
	}
	t.Setenv("WORKER_WORKFLOW_CACHE_SIZE", "5000")
	if c, err := Load(); err != nil || c.WorkflowCacheSize != 5000 {
		t.Errorf("Load with WORKER_WORKFLOW_CACHE_SIZE=5000: %d, %v", c.WorkflowCacheSize, err)
	}
}
