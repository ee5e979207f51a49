package e2e

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/worker"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/doithoai/doithoai/devkit/testenv"
	wk "github.com/doithoai/doithoai/worker"
)

// historyDir is where replay tests keep histories of real runs.
const historyDir = "../../workflows/testdata/histories"

// replayAndKeep fetches a workflow's full history from the server, replays
// it against the current workflow code (a non-determinism fails the test),
// and, with DOITHOAI_KEEP_HISTORIES=1, stores it for the replay tests of
// package workflows.
func replayAndKeep(t *testing.T, env *testenv.Env, workflowID, name string) {
	t.Helper()
	ctx := context.Background()
	it := env.Client.GetWorkflowHistory(ctx, workflowID, "", false, 0)
	h := &historypb.History{}
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			t.Fatalf("history of %s: %v", workflowID, err)
		}
		h.Events = append(h.Events, ev)
	}
	r := worker.NewWorkflowReplayer()
	wk.RegisterWorkflows(r)
	if err := r.ReplayWorkflowHistory(nil, h); err != nil {
		t.Errorf("replay %s: %v", workflowID, err)
	}
	if os.Getenv("DOITHOAI_KEEP_HISTORIES") != "1" {
		return
	}
	b, err := protojson.MarshalOptions{Indent: "  "}.Marshal(h)
	if err != nil {
		t.Fatalf("encode history: %v", err)
	}
	if err := os.MkdirAll(historyDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(historyDir, name+".json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("kept history of %s in %s.json", workflowID, name)
}
