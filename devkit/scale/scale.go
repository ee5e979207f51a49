// Package scale holds the scale tests: thousands of dialogues and tasks
// through the HTTP API against the in-process Temporal server, checking
// that no plan or dialogue has a limit but the domain's and that no
// workflow history grows past Temporal's warning. The tests live in
// packages of their own (scale/plans: 2,500 dialogues in one plan;
// scale/tasks: 2,500 tasks in one dialogue), so each stays well inside go
// test's per-package time limit and they run in parallel; this package
// holds what they share.
package scale

import (
	"context"
	"testing"

	enumspb "go.temporal.io/api/enums/v1"

	"github.com/doithoai/doithoai/devkit/testenv"
)

// HistoryWarning is where Temporal warns about one history's length; no
// run may reach it.
const HistoryWarning = 10240

// CheckContinuedAsNew fails t unless the workflow continued as new at
// least once and each of its runs stayed under HistoryWarning; it logs
// what it saw.
func CheckContinuedAsNew(t *testing.T, env *testenv.Env, workflowID string) {
	t.Helper()
	runs, longest := HistoryRuns(t, env, workflowID)
	t.Logf("%s: %d runs, longest history %d events", workflowID, runs, longest)
	if runs < 2 {
		t.Errorf("%s never continued as new (%d run, %d events)", workflowID, runs, longest)
	}
	if longest >= HistoryWarning {
		t.Errorf("%s has a run of %d events, past Temporal's warning", workflowID, longest)
	}
}

// HistoryRuns walks a workflow's runs from the latest back through
// continue-as-new and returns how many there are and the longest history.
func HistoryRuns(t testing.TB, env *testenv.Env, workflowID string) (runs, longest int) {
	t.Helper()
	ctx := context.Background()
	runID := ""
	for {
		it := env.Client.GetWorkflowHistory(ctx, workflowID, runID, false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
		n := 0
		prev := ""
		for it.HasNext() {
			ev, err := it.Next()
			if err != nil {
				t.Fatalf("history of %s/%s: %v", workflowID, runID, err)
			}
			if a := ev.GetWorkflowExecutionStartedEventAttributes(); a != nil {
				prev = a.GetContinuedExecutionRunId()
			}
			n++
		}
		runs++
		longest = max(longest, n)
		if prev == "" {
			return runs, longest
		}
		runID = prev
	}
}
