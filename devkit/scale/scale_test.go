package scale

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	enumspb "go.temporal.io/api/enums/v1"

	"github.com/doithoai/doithoai/devkit/bench"
	"github.com/doithoai/doithoai/devkit/testenv"
	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/internal/store"
	"github.com/doithoai/doithoai/workflows"
)

// Temporal warns at 10,240 events in one history; no run may reach it.
const historyWarning = 10240

// TestNoLimitOnDialoguesOrTasks adds 2,500 ad hoc dialogues to one plan,
// four at a time, and 2,500 tasks to one dialogue, through the HTTP API:
// none answers 5xx, every dialogue and task runs its own workflow, and no
// run's history passes Temporal's warning, because the plan and the
// dialogue continue as new (both are seen to). Then every task is
// cancelled, and the dialogue, having heard each of them end, closes.
func TestNoLimitOnDialoguesOrTasks(t *testing.T) {
	const dialogues, tasks = 2500, 2500
	env := testenv.Start(t, testenv.Options{Quiet: true})
	ctx := context.Background()
	unit := env.NewClient(t).CreateUnit("Tỉnh Quy Mô", "province", "")
	c := env.NewClient(t).As(testenv.Staff(unit))

	planID := scaleAddDialogues(t, env, unit, dialogues)
	dlg := scaleAddTasks(t, env, c, unit, tasks)

	// Every dialogue of the plan runs its own workflow.
	var planDialogues []store.Dialogue
	if err := env.Store.DB.NewSelect().Model(&planDialogues).Where("plan_id = ?", planID).Scan(ctx); err != nil {
		t.Fatal(err)
	}
	if len(planDialogues) != dialogues+1 {
		t.Fatalf("plan has %d dialogues, want %d", len(planDialogues), dialogues+1)
	}
	seqs := map[int]bool{}
	for _, d := range planDialogues {
		seqs[d.Seq] = true
		desc, err := env.Client.DescribeWorkflowExecution(ctx, workflows.DialogueWorkflowID(d.ID), "")
		if err != nil {
			t.Fatalf("dialogue %s has no workflow: %v", d.ID, err)
		}
		if s := desc.WorkflowExecutionInfo.Status; s != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
			t.Fatalf("dialogue %s workflow is %v", d.ID, s)
		}
	}
	if len(seqs) != dialogues+1 {
		t.Errorf("dialogue numbers repeat: %d distinct for %d dialogues", len(seqs), dialogues+1)
	}

	scaleCancelTasks(t, env, unit, dlg)
	testenv.WaitFor(t, 3*time.Minute, "the dialogue to close once every task is cancelled", func() bool {
		d, err := env.Store.GetDialogue(ctx, dlg)
		return err == nil && d.Phase == domain.PhaseClosed
	})

	for _, id := range []string{workflows.PlanWorkflowID(planID), workflows.DialogueWorkflowID(dlg)} {
		runs, longest := historyRuns(t, env, id)
		t.Logf("%s: %d runs, longest history %d events", id, runs, longest)
		if runs < 2 {
			t.Errorf("%s never continued as new (%d run, %d events)", id, runs, longest)
		}
		if longest >= historyWarning {
			t.Errorf("%s has a run of %d events, past Temporal's warning", id, longest)
		}
	}
}

// scaleAddDialogues creates next year's plan of unit and adds n ad hoc
// dialogues to it, four requests at a time; it returns the plan id.
func scaleAddDialogues(t *testing.T, env *testenv.Env, unit string, n int) string {
	t.Helper()
	c := env.NewClient(t).As(testenv.Staff(unit))
	year := time.Now().In(domain.Location).Year() + 1
	first := time.Date(year, time.January, 5, 8, 0, 0, 0, domain.Location)
	r := c.Do(http.MethodPost, "/api/v1/plans", map[string]any{
		"unit_id": unit, "year": year, "reference_no": "QM-" + uuid.NewString()[:8], "issuing_body": "Tỉnh ủy",
		"dialogues": []map[string]any{{"scheduled_at": first.Format(time.RFC3339), "kind": "periodic", "hosts": []map[string]any{{"name": "Chủ tịch UBND"}}}},
	})
	if r.Status != http.StatusCreated {
		t.Fatalf("plan: %d %s", r.Status, r.Body)
	}
	var p created
	r.Decode(t, &p)
	var next, failed atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			wc := env.NewClient(t).As(testenv.Staff(unit))
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				at := first.Add(time.Duration(i%350) * 24 * time.Hour).Add(time.Duration(i/350) * time.Hour)
				r := wc.Do(http.MethodPost, "/api/v1/plans/"+p.ID+"/dialogues", map[string]any{
					"scheduled_at": at.Format(time.RFC3339), "kind": "adhoc", "topic": fmt.Sprintf("Điểm nóng %d", i),
					"hosts": []map[string]any{{"name": "Bí thư"}},
				})
				if r.Status != http.StatusCreated {
					failed.Add(1)
					t.Errorf("add dialogue %d: %d %.300s", i, r.Status, r.Body)
				}
			}
		}()
	}
	wg.Wait()
	if failed.Load() > 0 {
		t.Fatalf("%d of %d additions failed", failed.Load(), n)
	}
	return p.ID
}

// scaleAddTasks records a session in a dialogue of this year with 200
// tasks and adds the rest 200 at a time, then waits until every task's
// workflow has it in progress; it returns the dialogue id.
func scaleAddTasks(t *testing.T, env *testenv.Env, c *testenv.Client, unit string, n int) string {
	t.Helper()
	ctx := context.Background()
	dlg := bench.ReadyForSession(t, env.Store, c, unit, nil)
	at := time.Now()
	due := time.Now().Add(30 * 24 * time.Hour).Format(time.RFC3339)
	batch := func(from, to int) []map[string]any {
		var out []map[string]any
		for j := from; j < to; j++ {
			out = append(out, map[string]any{"title": fmt.Sprintf("Nhiệm vụ %d", j), "assignee": map[string]any{"agency": "UBND xã"}, "due_at": due})
		}
		return out
	}
	r := c.Do(http.MethodPost, "/api/v1/dialogues/"+dlg+"/session", map[string]any{"held_at": at.Format(time.RFC3339), "attendance": map[string]any{"total": 1},
		"conclusions": []map[string]any{{"content": "Kết luận", "tasks": batch(0, 200)}}})
	if r.Status != http.StatusOK {
		t.Fatalf("session: %d %.500s", r.Status, r.Body)
	}
	var sess struct {
		Session struct {
			Conclusions []struct{ ID string } `json:"conclusions"`
		} `json:"session"`
	}
	r.Decode(t, &sess)
	for i := 200; i < n; i += 200 {
		r = c.Do(http.MethodPost, "/api/v1/dialogues/"+dlg+"/tasks", map[string]any{"conclusion_id": sess.Session.Conclusions[0].ID, "tasks": batch(i, min(n, i+200))})
		if r.Status != http.StatusCreated {
			t.Fatalf("add tasks from %d: %d %.500s", i, r.Status, r.Body)
		}
	}
	testenv.WaitFor(t, 3*time.Minute, "every task to be in progress", func() bool {
		_, k, err := env.Store.ListTasks(ctx, store.TaskFilter{DialogueID: dlg, Status: domain.TaskInProgress, Limit: 1})
		return err == nil && k == n
	})
	return dlg
}

// scaleCancelTasks cancels every task of a dialogue, eight at a time.
func scaleCancelTasks(t *testing.T, env *testenv.Env, unit, dlg string) {
	t.Helper()
	var ids []string
	if err := env.Store.DB.NewSelect().Table("tasks").Column("id").Where("dialogue_id = ?", dlg).Scan(context.Background(), &ids); err != nil {
		t.Fatal(err)
	}
	work := make(chan string)
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			wc := env.NewClient(t).As(testenv.Staff(unit))
			for id := range work {
				if r := wc.Do(http.MethodPost, "/api/v1/tasks/"+id+"/cancel", map[string]any{"reason": "Kiểm tra quy mô"}); r.Status != http.StatusOK {
					t.Errorf("cancel %s: %d %.300s", id, r.Status, r.Body)
				}
			}
		}()
	}
	for _, id := range ids {
		work <- id
	}
	close(work)
	wg.Wait()
}

// historyRuns walks a workflow's runs from the latest back through
// continue-as-new and returns how many there are and the longest history.
func historyRuns(t *testing.T, env *testenv.Env, workflowID string) (runs, longest int) {
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

// created is the id of a created resource.
type created struct {
	ID string `json:"id"`
}
