package devserver_test

import (
	"context"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/doithoai/doithoai/devkit/devserver"
)

// testLogger writes warnings and errors to stderr. zaptest is avoided on
// purpose: server goroutines may still log briefly after a test returns.
func testLogger(t *testing.T) *zap.Logger {
	t.Helper()
	cfg := zap.NewDevelopmentConfig()
	cfg.Level = zap.NewAtomicLevelAt(zapcore.WarnLevel)
	cfg.DisableStacktrace = true
	l, err := cfg.Build()
	if err != nil {
		t.Fatalf("build logger: %v", err)
	}
	return l
}

func startServer(t *testing.T, opts devserver.Options) *devserver.Server {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s, err := devserver.Start(ctx, opts)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Stop(); err != nil {
			t.Errorf("Stop: %v", err)
		}
	})
	return s
}

func dial(t *testing.T, s *devserver.Server) client.Client {
	t.Helper()
	c, err := client.Dial(client.Options{HostPort: s.FrontendHostPort(), Namespace: s.Namespace()})
	if err != nil {
		t.Fatalf("dial %s: %v", s.FrontendHostPort(), err)
	}
	t.Cleanup(c.Close)
	return c
}

// TimerWorkflow sleeps on a one-second durable timer and returns its input.
func TimerWorkflow(ctx workflow.Context, name string) (string, error) {
	if err := workflow.Sleep(ctx, time.Second); err != nil {
		return "", err
	}
	return "hello " + name, nil
}

// WaitWorkflow blocks until it receives a "done" signal.
func WaitWorkflow(ctx workflow.Context) error {
	workflow.GetSignalChannel(ctx, "done").Receive(ctx, nil)
	return nil
}

func TestInMemoryTimerWorkflow(t *testing.T) {
	s := startServer(t, devserver.Options{Logger: testLogger(t), Namespace: "devtest"})
	if s.Namespace() != "devtest" {
		t.Fatalf("Namespace() = %q, want devtest", s.Namespace())
	}
	if s.FrontendHostPort() == "" {
		t.Fatal("FrontendHostPort() is empty")
	}

	// The UI is on by default and must answer.
	if s.UIURL() == "" {
		t.Fatal("UIURL() is empty with the UI enabled")
	}
	resp, err := http.Get(s.UIURL() + "/healthz")
	if err != nil {
		t.Fatalf("UI health: %v", err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("UI health: %s", resp.Status)
	}

	c := dial(t, s)
	const taskQueue = "devserver-test"
	w := worker.New(c, taskQueue, worker.Options{})
	w.RegisterWorkflow(TimerWorkflow)
	if err := w.Start(); err != nil {
		t.Fatalf("start worker: %v", err)
	}
	t.Cleanup(w.Stop)

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:        "timer-1",
		TaskQueue: taskQueue,
	}, TimerWorkflow, "dev")
	if err != nil {
		t.Fatalf("start workflow: %v", err)
	}
	var got string
	if err := run.Get(ctx, &got); err != nil {
		t.Fatalf("workflow result: %v", err)
	}
	if got != "hello dev" {
		t.Fatalf("result = %q, want %q", got, "hello dev")
	}
}

func TestFileBackedPersistsAcrossRestart(t *testing.T) {
	dbFile := filepath.Join(t.TempDir(), "temporal.db")
	opts := devserver.Options{DBFile: dbFile, UIPort: -1, Logger: testLogger(t)}
	const (
		workflowID = "persisted-1"
		taskQueue  = "devserver-persist"
	)

	// First run: start a workflow that waits for a signal (no worker needed).
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	first, err := devserver.Start(ctx, opts)
	if err != nil {
		t.Fatalf("first Start: %v", err)
	}
	if first.UIURL() != "" {
		t.Errorf("UIURL() = %q with UIPort -1, want empty", first.UIURL())
	}
	c1, err := client.Dial(client.Options{HostPort: first.FrontendHostPort(), Namespace: first.Namespace()})
	if err != nil {
		_ = first.Stop()
		t.Fatalf("dial first server: %v", err)
	}
	run, err := c1.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: workflowID, TaskQueue: taskQueue}, WaitWorkflow)
	c1.Close()
	if err != nil {
		_ = first.Stop()
		t.Fatalf("start workflow: %v", err)
	}
	if err := first.Stop(); err != nil {
		t.Fatalf("first Stop: %v", err)
	}
	if err := first.Stop(); err != nil {
		t.Fatalf("second Stop call on a stopped server: %v", err)
	}

	// Second run on the same file: the workflow is still there and running.
	second := startServer(t, opts)
	c2 := dial(t, second)
	desc, err := c2.DescribeWorkflowExecution(ctx, workflowID, "")
	if err != nil {
		t.Fatalf("describe workflow after restart: %v", err)
	}
	info := desc.GetWorkflowExecutionInfo()
	if got := info.GetExecution().GetRunId(); got != run.GetRunID() {
		t.Errorf("run ID after restart = %q, want %q", got, run.GetRunID())
	}
	if info.GetStatus() != enums.WORKFLOW_EXECUTION_STATUS_RUNNING {
		t.Errorf("status after restart = %v, want RUNNING", info.GetStatus())
	}

	// And the restarted server still makes progress on it.
	w := worker.New(c2, taskQueue, worker.Options{})
	w.RegisterWorkflow(WaitWorkflow)
	if err := w.Start(); err != nil {
		t.Fatalf("start worker: %v", err)
	}
	defer w.Stop()
	if err := c2.SignalWorkflow(ctx, workflowID, "", "done", nil); err != nil {
		t.Fatalf("signal: %v", err)
	}
	if err := c2.GetWorkflow(ctx, workflowID, "").Get(ctx, nil); err != nil {
		t.Fatalf("workflow result after restart: %v", err)
	}
}
