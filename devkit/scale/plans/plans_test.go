package plans

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

	"github.com/doithoai/doithoai/devkit/scale"
	"github.com/doithoai/doithoai/devkit/testenv"
	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/internal/store"
	"github.com/doithoai/doithoai/workflows"
)

// TestNoLimitOnDialoguesInAPlan adds 2,500 ad hoc dialogues to one plan,
// four at a time, through the HTTP API: none answers 5xx, every dialogue
// runs its own workflow with its own number, and no run of the plan's
// history passes Temporal's warning, because the plan continues as new
// (it is seen to).
func TestNoLimitOnDialoguesInAPlan(t *testing.T) {
	const dialogues = 2500
	env := testenv.Start(t, testenv.Options{Quiet: true})
	ctx := context.Background()
	unit := env.NewClient(t).CreateUnit("Tỉnh Quy Mô", "province", "")
	planID := scaleAddDialogues(t, env, unit, dialogues)

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
	scale.CheckContinuedAsNew(t, env, workflows.PlanWorkflowID(planID))
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

// created is the id of a created resource.
type created struct {
	ID string `json:"id"`
}
