package tasks

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/doithoai/doithoai/devkit/bench"
	"github.com/doithoai/doithoai/devkit/scale"
	"github.com/doithoai/doithoai/devkit/testenv"
	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/internal/store"
	"github.com/doithoai/doithoai/workflows"
)

// TestNoLimitOnTasksInADialogue adds 2,500 tasks to one dialogue through
// the HTTP API: none answers 5xx, every task runs its own workflow, and
// no run of the dialogue's history passes Temporal's warning, because the
// dialogue continues as new (it is seen to). Then every task is
// cancelled, and the dialogue, having heard each of them end, closes.
func TestNoLimitOnTasksInADialogue(t *testing.T) {
	const tasks = 2500
	env := testenv.Start(t, testenv.Options{Quiet: true})
	ctx := context.Background()
	unit := env.NewClient(t).CreateUnit("Tỉnh Quy Mô", "province", "")
	c := env.NewClient(t).As(testenv.Staff(unit))
	dlg := scaleAddTasks(t, env, c, unit, tasks)

	scaleCancelTasks(t, env, unit, dlg)
	testenv.WaitFor(t, 3*time.Minute, "the dialogue to close once every task is cancelled", func() bool {
		d, err := env.Store.GetDialogue(ctx, dlg)
		return err == nil && d.Phase == domain.PhaseClosed
	})
	scale.CheckContinuedAsNew(t, env, workflows.DialogueWorkflowID(dlg))
}

// scaleAddTasks records a session in a dialogue of this year with 200
// tasks and adds the rest 200 at a time, then waits until every task's
// workflow has it in progress; it returns the dialogue id.
func scaleAddTasks(t *testing.T, env *testenv.Env, c *testenv.Client, unit string, n int) string {
	t.Helper()
	ctx := context.Background()
	dlg := bench.ReadyForSession(t, env.Store, c, unit, nil)
	due := time.Now().Add(30 * 24 * time.Hour)
	bench.OpenTasks(t, c, dlg, n, func(int) time.Time { return due })
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
