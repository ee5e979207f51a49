package workflows_test

import (
	"path/filepath"
	"testing"

	"go.temporal.io/sdk/worker"

	wk "github.com/doithoai/doithoai/worker"
)

// TestReplayKeptHistories replays histories recorded from real runs (the
// end-to-end test writes them with DOITHOAI_KEEP_HISTORIES=1) against the
// current workflow code. A change that is not guarded by workflow.GetVersion
// fails here with a non-determinism error.
func TestReplayKeptHistories(t *testing.T) {
	files, err := filepath.Glob("testdata/histories/*.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 2 {
		t.Fatalf("expected kept histories in workflows/testdata/histories (found %d); "+
			"record them with: DOITHOAI_KEEP_HISTORIES=1 go test ./devkit/e2e/ -run 'TestLifecycle|TestFollowUp|TestCitizenFollowsOpinionToResult'", len(files))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			r := worker.NewWorkflowReplayer()
			wk.RegisterWorkflows(r)
			if err := r.ReplayWorkflowHistoryFromJSONFile(nil, f); err != nil {
				t.Fatalf("replay %s: %v", f, err)
			}
		})
	}
}
