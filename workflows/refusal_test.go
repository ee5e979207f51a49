package workflows

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/internal/lifecycle"
)

// fieldErrorsOf reads the lifecycle field errors an Update was rejected
// with, as the client would after the rejection crossed the wire.
func fieldErrorsOf(rejected error) ([]lifecycle.FieldError, bool) {
	if rejected == nil {
		return nil, false
	}
	fc := temporal.GetDefaultFailureConverter()
	var appErr *temporal.ApplicationError
	if !errors.As(fc.FailureToError(fc.ErrorToFailure(rejected)), &appErr) {
		return nil, false
	}
	return FieldErrorsOf(appErr)
}

// The dialogue's validators refuse by the lifecycle rules, in their words:
// a state conflict as the rule's Refusal, a bad field as the rule's field
// errors, the very values the API gets from the same rules.
func TestDialogueRefusalsInTheRuleWords(t *testing.T) {
	env, _ := newTaskEnv(t, t0)
	at := t0.Add(20 * 24 * time.Hour)
	due := at.Add(5 * 24 * time.Hour)
	sess := session(at)
	sess.Conclusions[0].Tasks = []domain.TaskSpec{{ID: "t1", Title: "Rà soát hồ sơ", Assignee: domain.Assignee{Agency: "UBND phường"}, DueAt: &due}}
	later := at.Add(3 * 24 * time.Hour)
	newTask := func(id, conclusion string) AddTasksRequest {
		return AddTasksRequest{Tasks: []domain.TaskSpec{{ID: id, ConclusionID: conclusion, Title: "Kiểm tra", Assignee: domain.Assignee{Agency: "Công an phường"}, DueAt: &due}}}
	}
	open := lifecycle.DialogueState{Phase: domain.PhaseScheduled}
	recorded := lifecycle.DialogueState{Phase: domain.PhaseSessionRecorded, Recorded: true}
	conflicts := map[string]struct {
		u    *updateResult
		want *lifecycle.Refusal
	}{
		"record before the survey closed": {sendUpdate(env, time.Hour, UpdateRecordSession, RecordSessionRequest{Session: sess}), open.RefuseRecordSession()},
		"tasks before the session":        {sendUpdate(env, 2*time.Hour, UpdateAddTasks, newTask("t2", "c1")), open.RefuseAddTasks()},
		"reschedule after the session":    {sendUpdate(env, 20*24*time.Hour+2*time.Hour, UpdateReschedule, RescheduleRequest{ScheduledAt: later}), recorded.RefuseReschedule()},
		"cancel after the session":        {sendUpdate(env, 20*24*time.Hour+3*time.Hour, UpdateCancel, CancelRequest{Reason: "Thay đổi kế hoạch"}), recorded.RefuseCancel()},
		"record twice":                    {sendUpdate(env, 20*24*time.Hour+4*time.Hour, UpdateRecordSession, RecordSessionRequest{Session: sess}), recorded.RefuseRecordSession()},
		"a task added twice":              {sendUpdate(env, 20*24*time.Hour+5*time.Hour, UpdateAddTasks, newTask("t1", "c1")), lifecycle.TaskExists("tasks[0]", "t1", true)},
	}
	invalids := map[string]struct {
		u    *updateResult
		want []lifecycle.FieldError
	}{
		"reschedule into the past": {sendUpdate(env, 3*time.Hour, UpdateReschedule, RescheduleRequest{ScheduledAt: t0}),
			lifecycle.ValidateReschedule(t0, at, 2026, t0.Add(3*time.Hour))},
		"reschedule outside the year": {sendUpdate(env, 4*time.Hour, UpdateReschedule, RescheduleRequest{ScheduledAt: time.Date(2027, 1, 5, 8, 0, 0, 0, domain.Location)}),
			lifecycle.InPlanYear("scheduled_at", time.Date(2027, 1, 5, 8, 0, 0, 0, domain.Location), 2026)},
		"cancel without a reason": {sendUpdate(env, 5*time.Hour, UpdateCancel, CancelRequest{Reason: "  "}), lifecycle.Required("reason", "")},
		"a task of no conclusion": {sendUpdate(env, 20*24*time.Hour+6*time.Hour, UpdateAddTasks, newTask("t3", "c9")), lifecycle.KnownConclusion("conclusion_id", false)},
		"no tasks":                {sendUpdate(env, 20*24*time.Hour+7*time.Hour, UpdateAddTasks, AddTasksRequest{}), lifecycle.NotEmpty("tasks", 0)},
	}
	session := sendUpdate(env, 20*24*time.Hour+time.Hour, UpdateRecordSession, RecordSessionRequest{Session: sess})
	// The task settles later: the dialogue follows it up until then.
	env.RegisterDelayedCallback(func() {
		env.SignalWorkflow(SignalTaskSettled, TaskSettled{TaskID: "t1", Status: domain.TaskDone})
	}, 22*24*time.Hour)
	env.ExecuteWorkflow(DialogueWorkflowName, dialogueInput(at))
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	if session.err != nil || session.rejected != nil {
		t.Fatalf("session: %+v", session)
	}
	for name, c := range conflicts {
		if c.want == nil {
			t.Fatalf("%s: the rule lets the command through", name)
		}
		r, ok := refusalOf(c.u.rejected)
		if !c.u.done || !ok || r != *c.want {
			t.Errorf("%s: rejected with %v (refusal %+v), want %+v", name, c.u.rejected, r, *c.want)
		}
	}
	for name, c := range invalids {
		if len(c.want) == 0 {
			t.Fatalf("%s: the rule finds no fault", name)
		}
		got, ok := fieldErrorsOf(c.u.rejected)
		if !c.u.done || !ok || fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("%s: rejected with %v (fields %+v), want %+v", name, c.u.rejected, got, c.want)
		}
	}
}
