package workflows

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/doithoai/doithoai/internal/domain"
)

// continuedWith reads the input a workflow continued as new with; the test
// fails if the workflow did not continue as new.
func continuedWith(t *testing.T, env *testsuite.TestWorkflowEnvironment, wantType string, into any) {
	t.Helper()
	var can *workflow.ContinueAsNewError
	if err := env.GetWorkflowError(); !errors.As(err, &can) {
		t.Fatalf("workflow ended with %v, want continue-as-new", err)
	}
	if can.WorkflowType.Name != wantType {
		t.Fatalf("continued as %s, want %s", can.WorkflowType.Name, wantType)
	}
	if err := converter.GetDefaultDataConverter().FromPayloads(can.Input, into); err != nil {
		t.Fatalf("decode continue-as-new input: %v", err)
	}
}

// A plan whose history grows large continues as new with the dialogues
// still open, and the new run ends when they close after the year.
func TestPlanContinuesAsNewAndResumes(t *testing.T) {
	env := newEnv(t)
	rec := mockActivities(env)
	in := planInput(t0.Add(20*24*time.Hour), t0.Add(60*24*time.Hour))
	env.RegisterDelayedCallback(func() {
		env.SignalWorkflow(SignalDialogueClosed, DialogueClosed{DialogueID: "d1", Phase: domain.PhaseCancelled})
	}, time.Hour)
	// The suggestion comes with the next workflow task (here: a signal of a
	// dialogue the plan does not know).
	env.RegisterDelayedCallback(func() {
		env.SetContinueAsNewSuggested(true)
		env.SignalWorkflow(SignalDialogueClosed, DialogueClosed{DialogueID: "dx"})
	}, 2*time.Hour)
	env.ExecuteWorkflow(PlanWorkflowName, in)
	var next PlanInput
	continuedWith(t, env, PlanWorkflowName, &next)
	if next.Resume == nil || fmt.Sprint(next.Resume.Open) != "[d2]" || next.Resume.Started != 2 || len(next.Dialogues) != 0 {
		t.Fatalf("continued with resume %+v and %d dialogues", next.Resume, len(next.Dialogues))
	}
	if rec.plans != 1 || len(rec.startedIDs()) != 2 {
		t.Fatalf("first run: SavePlan %d times, started %v", rec.plans, rec.startedIDs())
	}

	env2 := newEnv(t)
	rec2 := mockActivities(env2)
	env2.RegisterDelayedCallback(func() {
		env2.SignalWorkflow(SignalDialogueClosed, DialogueClosed{DialogueID: "d2", Phase: domain.PhaseClosed})
	}, 90*24*time.Hour)
	env2.ExecuteWorkflow(PlanWorkflowName, next)
	if err := env2.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	var res PlanResult
	if err := env2.GetWorkflowResult(&res); err != nil || res.Dialogues != 2 {
		t.Errorf("result %+v %v", res, err)
	}
	if rec2.plans != 0 || len(rec2.startedIDs()) != 0 {
		t.Errorf("resumed run saved the plan %d times and started %v again", rec2.plans, rec2.startedIDs())
	}
	if len(rec2.reports) != 1 {
		t.Errorf("reports %v, want the plan's once", rec2.reports)
	}
}

// A dialogue in follow-up continues as new with its tasks, and the new run
// goes on waiting for those still open.
func TestDialogueContinuesAsNewInFollowUp(t *testing.T) {
	env, trec := newTaskEnv(t, t0)
	at := t0.Add(20 * 24 * time.Hour)
	due := at.Add(30 * 24 * time.Hour)
	sess := session(at)
	sess.Conclusions[0].Tasks = []domain.TaskSpec{
		{ID: "t1", Title: "Rà soát hồ sơ", Assignee: domain.Assignee{Agency: "UBND phường"}, DueAt: &due},
		{ID: "t2", Title: "Báo cáo kết quả", Assignee: domain.Assignee{Agency: "Phòng TN&MT"}, DueAt: &due},
	}
	sendUpdate(env, 20*24*time.Hour+time.Hour, UpdateRecordSession, RecordSessionRequest{Session: sess})
	env.RegisterDelayedCallback(func() {
		env.SignalWorkflow(SignalTaskSettled, TaskSettled{TaskID: "t1", Status: domain.TaskDone})
	}, 22*24*time.Hour)
	env.RegisterDelayedCallback(func() {
		env.SetContinueAsNewSuggested(true)
		env.SignalWorkflow(SignalTaskSettled, TaskSettled{TaskID: "tx"})
	}, 23*24*time.Hour)
	env.ExecuteWorkflow(DialogueWorkflowName, dialogueInput(at))
	var next DialogueInput
	continuedWith(t, env, DialogueWorkflowName, &next)
	r := next.Resume
	if r == nil || fmt.Sprint(r.Tasks) != "[t1 t2]" || fmt.Sprint(r.Open) != "[t2]" || fmt.Sprint(r.Conclusions) != "[c1]" || !r.HeldAt.Equal(at) {
		t.Fatalf("continued with %+v", r)
	}
	if len(trec.reports) != 0 {
		t.Fatalf("report drafted before the tasks settled: %v", trec.reports)
	}

	env2, trec2 := newTaskEnv(t, t0.Add(23*24*time.Hour))
	// A task added in the new run is refused as a duplicate of one carried.
	dup := sendUpdate(env2, time.Hour, UpdateAddTasks, AddTasksRequest{Tasks: []domain.TaskSpec{
		{ID: "t1", ConclusionID: "c1", Title: "Lặp lại", Assignee: domain.Assignee{Agency: "UBND"}, DueAt: &due},
	}})
	env2.RegisterDelayedCallback(func() {
		env2.SignalWorkflow(SignalTaskSettled, TaskSettled{TaskID: "t2", Status: domain.TaskDone})
	}, 5*24*time.Hour)
	env2.ExecuteWorkflow(DialogueWorkflowName, next)
	if err := env2.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	if dup.rejected == nil {
		t.Errorf("a task id carried across continue-as-new was accepted again")
	}
	// No task is started again; the ended dialogue starts the retention of
	// its respondents' contacts, once.
	if got := trec2.startedIDs(); len(trec2.reports) != 1 || len(got) != 1 || got[0] != ContactRetentionWorkflowID("d1") {
		t.Errorf("resumed run: reports %v, started %v; want 1 report and only %s", trec2.reports, got, ContactRetentionWorkflowID("d1"))
	}
	var res DialogueResult
	if err := env2.GetWorkflowResult(&res); err != nil || res.Phase != domain.PhaseClosed {
		t.Errorf("result %+v %v", res, err)
	}
}

// A task continues as new with its ladder progress; the new run does not
// assign it again and raises only the rungs still to come.
func TestTaskContinuesAsNewWithItsLadder(t *testing.T) {
	start := vnTime(2026, 3, 2, 9, 0) // Monday
	env, rec := newTaskEnv(t, start)
	in := taskInput(t, start, vnTime(2026, 3, 6, 17, 0))
	env.RegisterDelayedCallback(func() { env.SetContinueAsNewSuggested(true) }, vnTime(2026, 3, 6, 18, 0).Sub(start))
	env.ExecuteWorkflow(TaskWorkflowName, in)
	var next TaskInput
	continuedWith(t, env, TaskWorkflowName, &next)
	if next.Resume == nil || next.Resume.Raised != 1 || !next.State.Overdue {
		t.Fatalf("continued with resume %+v, overdue %v", next.Resume, next.State.Overdue)
	}
	if got := rec.levels(); !equal(got, []string{"g0/L1@03-06 17:00"}) {
		t.Fatalf("first run ladder %v", got)
	}

	start2 := vnTime(2026, 3, 6, 17, 0)
	env2, rec2 := newTaskEnv(t, start2)
	sendTaskUpdate(env2, vnTime(2026, 4, 1, 9, 0), start2, UpdateCancelTask, CancelTaskRequest{Reason: "kết thúc kiểm tra"})
	env2.ExecuteWorkflow(TaskWorkflowName, next)
	if err := env2.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	if got := rec2.levels(); !equal(got, []string{"g0/L2@03-11 17:00", "g0/L3@03-20 17:00"}) {
		t.Errorf("resumed ladder %v", got)
	}
	for _, n := range rec2.notices {
		if n.Kind == "assignment" {
			t.Errorf("the resumed task was assigned again")
		}
	}
}
