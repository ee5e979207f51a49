package workflows

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/doithoai/doithoai/activities"
	"github.com/doithoai/doithoai/internal/calendar"
	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/internal/lifecycle"
)

// taskRecorder collects what a task workflow did, on the test clock.
type taskRecorder struct {
	mu        sync.Mutex
	alerts    []activities.TaskAlertInput
	alertAt   []time.Time
	notices   []activities.TaskNoticeInput
	noticeAt  []time.Time
	states    []activities.TaskStateInput
	delivered int
	// deliverErr, when set, fails every delivery (a dead webhook).
	deliverErr    error
	undelivered   []activities.UndeliveredInput
	undeliveredAt []time.Time
	reports       []string
	*fanout
}

func (r *taskRecorder) levels() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for i, a := range r.alerts {
		out = append(out, fmt.Sprintf("g%d/L%d@%s", a.State.Generation, a.Level, r.alertAt[i].In(domain.Location).Format("01-02 15:04")))
	}
	return out
}

func (r *taskRecorder) reminders() []time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []time.Time
	for i, n := range r.notices {
		if n.Kind == "reminder" {
			out = append(out, r.noticeAt[i])
		}
	}
	return out
}

func newTaskEnv(t *testing.T, start time.Time) (*testsuite.TestWorkflowEnvironment, *taskRecorder) {
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	env.SetStartTime(start)
	env.RegisterWorkflowWithOptions(Task, workflowOpts(TaskWorkflowName))
	env.RegisterWorkflowWithOptions(Dialogue, workflowOpts(DialogueWorkflowName))
	cal, err := calendar.New(calendar.Options{})
	if err != nil {
		t.Fatal(err)
	}
	a := &activities.Activities{Calendar: cal}
	env.RegisterActivity(a)
	rec := &taskRecorder{fanout: mockFanout(env)}
	env.OnActivity(a.RaiseTaskAlerts, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.TaskAlertInput) (activities.TaskAlertResult, error) {
		rec.mu.Lock()
		defer rec.mu.Unlock()
		rec.alerts = append(rec.alerts, in)
		rec.alertAt = append(rec.alertAt, env.Now())
		ids := []string{}
		for _, r := range in.Recipients {
			ids = append(ids, fmt.Sprintf("%s-%d-%d-%s", in.State.TaskID, in.State.Generation, in.Level, r))
		}
		return activities.TaskAlertResult{AlertIDs: ids, DeliverIDs: ids, Created: len(ids)}, nil // the units have channels
	}).Maybe()
	env.OnActivity(a.SendTaskNotice, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.TaskNoticeInput) (activities.TaskNoticeResult, error) {
		rec.mu.Lock()
		defer rec.mu.Unlock()
		rec.notices = append(rec.notices, in)
		rec.noticeAt = append(rec.noticeAt, env.Now())
		return activities.TaskNoticeResult{ID: in.Key, Created: true, Deliver: true}, nil // the unit has channels
	}).Maybe()
	env.OnActivity(a.SaveTaskState, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.TaskStateInput) error {
		rec.mu.Lock()
		defer rec.mu.Unlock()
		rec.states = append(rec.states, in)
		return nil
	}).Maybe()
	env.OnActivity(a.Deliver, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.DeliverInput) (activities.DeliverResult, error) {
		rec.mu.Lock()
		defer rec.mu.Unlock()
		rec.delivered++
		if rec.deliverErr != nil {
			return activities.DeliverResult{}, rec.deliverErr
		}
		return activities.DeliverResult{Sent: 1}, nil
	}).Maybe()
	env.OnActivity(a.RecordUndelivered, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.UndeliveredInput) error {
		rec.mu.Lock()
		defer rec.mu.Unlock()
		rec.undelivered = append(rec.undelivered, in)
		rec.undeliveredAt = append(rec.undeliveredAt, env.Now())
		return nil
	}).Maybe()
	for _, m := range []any{a.SetDialoguePhase, a.SaveSession, a.SaveTasks, a.RescheduleDialogue} {
		env.OnActivity(m, mock.Anything, mock.Anything).Return(nil).Maybe()
	}
	env.OnActivity(a.CloseSurvey, mock.Anything, mock.Anything).Return(activities.CloseSurveyResult{}, nil).Maybe()
	env.OnActivity(a.GenerateReport, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.ReportInput) (activities.ReportResult, error) {
		rec.mu.Lock()
		defer rec.mu.Unlock()
		rec.reports = append(rec.reports, in.Kind+"/"+in.ID)
		return activities.ReportResult{}, nil
	}).Maybe()
	env.OnActivity(a.RaiseSessionMissed, mock.Anything, mock.Anything).Return(activities.SessionMissedResult{}, nil).Maybe()
	return env, rec
}

// taskInput builds a task assigned at `at`, due `due`, scheduled with the
// real working-day calendar and the default policy.
func taskInput(t *testing.T, at, due time.Time) TaskInput {
	cal, err := calendar.New(calendar.Options{})
	if err != nil {
		t.Fatal(err)
	}
	pol := domain.DefaultPolicy()
	sched := lifecycle.ComputeSchedule(cal, lifecycle.ScheduleInput{AssignedAt: at, DueAt: &due, Policy: pol})
	return TaskInput{
		State: lifecycle.TaskState{
			TaskID: "t1", DialogueID: "d1", PlanID: "p1", UnitID: "u1", Title: "Thu gom rác ngõ 105",
			Assignee: domain.Assignee{Agency: "UBND phường Láng Thượng", Officer: "Phạm Văn Đức", UnitID: "w1"}, Monitor: "Đ/c Hoàng",
			Status: domain.TaskAssigned, AssignedAt: at, DueAt: sched.DueAt, OriginalDueAt: sched.DueAt, Version: 1,
		},
		Schedule: sched, Policy: pol,
	}
}

func vnTime(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, domain.Location)
}

type taskUpdate struct {
	rejected, err error
	view          TaskView
	done          bool
}

func sendTaskUpdate(env *testsuite.TestWorkflowEnvironment, at time.Time, start time.Time, name string, arg any) *taskUpdate {
	res := &taskUpdate{}
	env.RegisterDelayedCallback(func() {
		env.UpdateWorkflow(name, fmt.Sprintf("%s@%s", name, at), &testsuite.TestUpdateCallback{
			OnAccept: func() {},
			OnReject: func(err error) { res.rejected, res.done = err, true },
			OnComplete: func(v any, err error) {
				res.err, res.done = err, true
				if tv, ok := v.(TaskView); ok {
					res.view = tv
				}
			},
		}, arg)
	}, at.Sub(start))
	return res
}

// The default ladder: at the deadline (Fri 6 March 17:00), 3 working days
// later (Wed 11 March 17:00) and 10 working days later (Fri 20 March 17:00).
func TestTaskLadderClimbsOnceInOrder(t *testing.T) {
	start := vnTime(2026, 3, 2, 9, 0) // Monday
	env, rec := newTaskEnv(t, start)
	in := taskInput(t, start, vnTime(2026, 3, 6, 17, 0))
	cancel := sendTaskUpdate(env, vnTime(2026, 4, 1, 9, 0), start, UpdateCancelTask, CancelTaskRequest{Reason: "kết thúc kiểm tra"})
	env.ExecuteWorkflow(TaskWorkflowName, in)
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	if cancel.err != nil || cancel.rejected != nil {
		t.Fatalf("cancel: %+v", cancel)
	}
	want := []string{"g0/L1@03-06 17:00", "g0/L2@03-11 17:00", "g0/L3@03-20 17:00"}
	if got := rec.levels(); !equal(got, want) {
		t.Fatalf("ladder %v, want %v", got, want)
	}
	if r := rec.alerts[0].Recipients; len(r) != 2 || r[0] != domain.RecipientAssignee || r[1] != domain.RecipientMonitor {
		t.Errorf("level 1 recipients %v", r)
	}
	if r := rec.alerts[2].Recipients; len(r) != 2 || r[0] != domain.RecipientParentMTTQ {
		t.Errorf("level 3 recipients %v", r)
	}
	// Reminders: 3 and 1 working days before, at 08:00: Tue 3 and Thu 5 March.
	rem := rec.reminders()
	if len(rem) != 2 || !rem[0].Equal(vnTime(2026, 3, 3, 8, 0)) || !rem[1].Equal(vnTime(2026, 3, 5, 8, 0)) {
		t.Errorf("reminders at %v", rem)
	}
	var res TaskResult
	if err := env.GetWorkflowResult(&res); err != nil || res.Status != domain.TaskCancelled {
		t.Errorf("result %+v %v", res, err)
	}
	if rec.delivered < 6+2 {
		t.Errorf("delivered %d alerts and notices, want every one handed to delivery", rec.delivered)
	}
}

// A deadline right after Tết 2027: reminders skip the holiday block.
func TestTaskRemindersOnlyOnWorkingDaysAcrossTet(t *testing.T) {
	start := vnTime(2027, 2, 3, 10, 0) // Wednesday before Tết
	env, rec := newTaskEnv(t, start)
	cal, _ := calendar.New(calendar.Options{})
	in := taskInput(t, start, cal.AddWorkingDays(start, 5))
	if !in.Schedule.DueAt.Equal(vnTime(2027, 2, 17, 17, 0)) {
		t.Fatalf("5 working days from 3 Feb 2027 = %v, want 17 Feb 17:00", in.Schedule.DueAt)
	}
	sendTaskUpdate(env, vnTime(2027, 2, 17, 9, 0), start, UpdateSubmitResult, SubmitResultRequest{Text: "Đã hoàn thành"})
	sendTaskUpdate(env, vnTime(2027, 2, 17, 10, 0), start, UpdateReview, ReviewRequest{Decision: "accept"})
	env.ExecuteWorkflow(TaskWorkflowName, in)
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	rem := rec.reminders()
	if len(rem) != 2 {
		t.Fatalf("reminders %v", rem)
	}
	for _, r := range rem {
		if !cal.IsWorkingDay(r) {
			t.Errorf("reminder on a day off: %v", r.In(domain.Location))
		}
	}
	if !rem[0].Equal(vnTime(2027, 2, 12, 8, 0)) || !rem[1].Equal(vnTime(2027, 2, 16, 8, 0)) {
		t.Errorf("reminders at %v, want 12 and 16 Feb 08:00", rem)
	}
	if len(rec.alerts) != 0 {
		t.Errorf("a task accepted on time raised %d alerts", len(rec.alerts))
	}
}

func TestTaskExtensionAfterFirstEscalationRestartsLadder(t *testing.T) {
	start := vnTime(2026, 3, 2, 9, 0)
	env, rec := newTaskEnv(t, start)
	in := taskInput(t, start, vnTime(2026, 3, 6, 17, 0))
	newDue := vnTime(2026, 3, 13, 17, 0)
	req := sendTaskUpdate(env, vnTime(2026, 3, 9, 9, 0), start, UpdateRequestExtension, ExtensionRequest{Reason: "chờ kinh phí", ProposedDueAt: newDue})
	dup := sendTaskUpdate(env, vnTime(2026, 3, 9, 9, 30), start, UpdateRequestExtension, ExtensionRequest{Reason: "lần hai", ProposedDueAt: newDue.Add(time.Hour)})
	dec := sendTaskUpdate(env, vnTime(2026, 3, 9, 10, 0), start, UpdateDecideExtension, ExtensionDecision{Approve: true})
	sendTaskUpdate(env, vnTime(2026, 3, 18, 9, 0), start, UpdateSubmitResult, SubmitResultRequest{Text: "Xong"})
	sendTaskUpdate(env, vnTime(2026, 3, 18, 10, 0), start, UpdateReview, ReviewRequest{Decision: "accept"})
	env.ExecuteWorkflow(TaskWorkflowName, in)
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	if req.err != nil || req.rejected != nil || dec.err != nil || dec.rejected != nil {
		t.Fatalf("extension: %+v %+v", req, dec)
	}
	if dup.rejected == nil {
		t.Errorf("a second request while one is pending must be refused")
	}
	if dec.view.State.Overdue || !dec.view.State.DueAt.Equal(newDue) || dec.view.State.Generation != 1 {
		t.Errorf("after approval: %+v", dec.view.State)
	}
	// Level 1 at the first deadline; after approval the ladder starts again
	// from 13 March (level 1 there, level 2 three working days later on 18
	// March 17:00 — after the result was accepted that morning, so not raised).
	want := []string{"g0/L1@03-06 17:00", "g1/L1@03-13 17:00"}
	if got := rec.levels(); !equal(got, want) {
		t.Fatalf("ladder %v, want %v", got, want)
	}
	var res TaskResult
	if err := env.GetWorkflowResult(&res); err != nil || res.Status != domain.TaskDone || !res.Late {
		t.Errorf("result %+v %v (submitted after the new deadline: late)", res, err)
	}
}

func TestTaskLateSubmissionAcceptedStopsLadder(t *testing.T) {
	start := vnTime(2026, 3, 2, 9, 0)
	env, rec := newTaskEnv(t, start)
	in := taskInput(t, start, vnTime(2026, 3, 6, 17, 0))
	sub := sendTaskUpdate(env, vnTime(2026, 3, 9, 9, 0), start, UpdateSubmitResult, SubmitResultRequest{Text: "Đã thu gom", Links: []string{"https://example.org/bao-cao.pdf"}})
	// Still climbing while a late result waits: level 2 on 11 March.
	acc := sendTaskUpdate(env, vnTime(2026, 3, 12, 9, 0), start, UpdateReview, ReviewRequest{Decision: "accept"})
	env.ExecuteWorkflow(TaskWorkflowName, in)
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	if !sub.view.State.Late || sub.err != nil {
		t.Errorf("late submission: %+v", sub)
	}
	if acc.err != nil || acc.view.State.Status != domain.TaskDone {
		t.Errorf("accept: %+v", acc)
	}
	want := []string{"g0/L1@03-06 17:00", "g0/L2@03-11 17:00"}
	if got := rec.levels(); !equal(got, want) {
		t.Fatalf("ladder %v, want %v (no level 3 after acceptance)", got, want)
	}
}

func TestTaskReturnedResultKeepsDeadline(t *testing.T) {
	start := vnTime(2026, 3, 2, 9, 0)
	env, rec := newTaskEnv(t, start)
	in := taskInput(t, start, vnTime(2026, 3, 6, 17, 0))
	sendTaskUpdate(env, vnTime(2026, 3, 4, 9, 0), start, UpdateSubmitResult, SubmitResultRequest{Text: "Báo cáo sơ bộ"})
	bad := sendTaskUpdate(env, vnTime(2026, 3, 4, 10, 0), start, UpdateReview, ReviewRequest{Decision: "return"})
	ret := sendTaskUpdate(env, vnTime(2026, 3, 9, 9, 0), start, UpdateReview, ReviewRequest{Decision: "return", Reason: "Thiếu số liệu"})
	sendTaskUpdate(env, vnTime(2026, 3, 10, 9, 0), start, UpdateSubmitResult, SubmitResultRequest{Text: "Bổ sung số liệu"})
	sendTaskUpdate(env, vnTime(2026, 3, 10, 10, 0), start, UpdateReview, ReviewRequest{Decision: "accept"})
	env.ExecuteWorkflow(TaskWorkflowName, in)
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	if bad.rejected == nil {
		t.Errorf("a return without a reason must be refused")
	}
	if ret.err != nil || ret.view.State.Status != domain.TaskInProgress || !ret.view.State.DueAt.Equal(in.State.DueAt) || ret.view.State.ReturnedCount != 1 {
		t.Errorf("returned: %+v", ret.view.State)
	}
	// Submitted on time, so the ladder waited at the deadline; once the
	// result came back on 9 March the overdue rung fired at once.
	want := []string{"g0/L1@03-09 09:00"}
	if got := rec.levels(); !equal(got, want) {
		t.Fatalf("ladder %v, want %v", got, want)
	}
	var res TaskResult
	if err := env.GetWorkflowResult(&res); err != nil || res.Status != domain.TaskDone || !res.Late {
		t.Errorf("result %+v %v", res, err)
	}
}

func TestTaskReassignMidLadderNamesNewAssignee(t *testing.T) {
	start := vnTime(2026, 3, 2, 9, 0)
	env, rec := newTaskEnv(t, start)
	in := taskInput(t, start, vnTime(2026, 3, 6, 17, 0))
	newA := domain.Assignee{Agency: "Phòng Tài nguyên và Môi trường", Officer: "Ngô Thị Hạnh", UnitID: "u1"}
	re := sendTaskUpdate(env, vnTime(2026, 3, 9, 9, 0), start, UpdateReassign, ReassignRequest{Assignee: newA, Reason: "đúng chức năng"})
	sendTaskUpdate(env, vnTime(2026, 3, 12, 9, 0), start, UpdateCancelTask, CancelTaskRequest{Reason: "đã gộp nhiệm vụ"})
	late := sendTaskUpdate(env, vnTime(2026, 3, 13, 9, 0), start, UpdateSubmitResult, SubmitResultRequest{Text: "x"})
	env.ExecuteWorkflow(TaskWorkflowName, in)
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	if re.err != nil || re.rejected != nil {
		t.Fatalf("reassign: %+v", re)
	}
	if len(rec.alerts) != 2 {
		t.Fatalf("alerts %v", rec.levels())
	}
	if a := rec.alerts[0].State.Assignee; a.Officer != "Phạm Văn Đức" {
		t.Errorf("level 1 names %+v", a)
	}
	if a := rec.alerts[1].State.Assignee; a != newA {
		t.Errorf("level 2 names %+v, want the new assignee", a)
	}
	if late.done && late.rejected == nil && late.err == nil {
		t.Errorf("a result for a cancelled task must not be accepted")
	}
}

func TestTaskCommandsRefusedInWrongState(t *testing.T) {
	start := vnTime(2026, 3, 2, 9, 0)
	env, rec := newTaskEnv(t, start)
	in := taskInput(t, start, vnTime(2026, 3, 6, 17, 0))
	review := sendTaskUpdate(env, vnTime(2026, 3, 2, 10, 0), start, UpdateReview, ReviewRequest{Decision: "accept"})
	decide := sendTaskUpdate(env, vnTime(2026, 3, 2, 11, 0), start, UpdateDecideExtension, ExtensionDecision{Approve: true})
	past := sendTaskUpdate(env, vnTime(2026, 3, 2, 12, 0), start, UpdateRequestExtension, ExtensionRequest{Reason: "x", ProposedDueAt: vnTime(2026, 3, 1, 0, 0)})
	empty := sendTaskUpdate(env, vnTime(2026, 3, 2, 13, 0), start, UpdateSubmitResult, SubmitResultRequest{Text: " "})
	sendTaskUpdate(env, vnTime(2026, 3, 3, 9, 0), start, UpdateCancelTask, CancelTaskRequest{Reason: "trùng"})
	env.ExecuteWorkflow(TaskWorkflowName, in)
	for name, u := range map[string]*taskUpdate{"review before result": review, "decide without request": decide, "extension into the past": past, "empty result": empty} {
		if u.rejected == nil {
			t.Errorf("%s: want refusal, got %+v", name, u)
		}
	}
	// The state conflicts are refused by the lifecycle rules, in their words.
	for name, c := range map[string]struct {
		u      *taskUpdate
		reason string
	}{"review before result": {review, lifecycle.ReasonNoResult}, "decide without request": {decide, lifecycle.ReasonNoExtension}} {
		if r, ok := refusalOf(c.u.rejected); !ok || r.Reason != c.reason {
			t.Errorf("%s: rejected with %v (refusal %+v), want reason %s", name, c.u.rejected, r, c.reason)
		}
	}
	for _, s := range rec.states {
		if s.Action != "task.in_progress" && s.Action != "task.cancelled" {
			t.Errorf("a refused command reached the database: %s", s.Action)
		}
	}
}

// refusalOf reads the lifecycle Refusal an Update was rejected with, as the
// client would after the rejection crossed the wire.
func refusalOf(rejected error) (lifecycle.Refusal, bool) {
	if rejected == nil {
		return lifecycle.Refusal{}, false
	}
	fc := temporal.GetDefaultFailureConverter()
	var appErr *temporal.ApplicationError
	if !errors.As(fc.FailureToError(fc.ErrorToFailure(rejected)), &appErr) {
		return lifecycle.Refusal{}, false
	}
	return RefusalOf(appErr)
}

// A task settles while its workflow still runs (a delivery retries within
// its bound), so its record says done or cancelled while the workflow
// answers: every command is refused by the validators with the one
// settled rule — the reason and the words the API gives when the record
// answers for a workflow that has completed.
func TestTaskSettledCommandsRefusedInTheRuleWords(t *testing.T) {
	commands := func(env *testsuite.TestWorkflowEnvironment, at, start time.Time) map[string]*taskUpdate {
		later := vnTime(2026, 4, 30, 17, 0)
		return map[string]*taskUpdate{
			UpdateSubmitResult:     sendTaskUpdate(env, at, start, UpdateSubmitResult, SubmitResultRequest{Text: "Bổ sung"}),
			UpdateReview:           sendTaskUpdate(env, at.Add(10*time.Second), start, UpdateReview, ReviewRequest{Decision: "accept"}),
			UpdateRequestExtension: sendTaskUpdate(env, at.Add(20*time.Second), start, UpdateRequestExtension, ExtensionRequest{Reason: "x", ProposedDueAt: later}),
			UpdateDecideExtension:  sendTaskUpdate(env, at.Add(30*time.Second), start, UpdateDecideExtension, ExtensionDecision{Approve: true, DueAt: &later}),
			UpdateReassign:         sendTaskUpdate(env, at.Add(40*time.Second), start, UpdateReassign, ReassignRequest{Assignee: domain.Assignee{Agency: "Công an phường"}}),
			UpdateCancelTask:       sendTaskUpdate(env, at.Add(50*time.Second), start, UpdateCancelTask, CancelTaskRequest{Reason: "trùng"}),
		}
	}
	for _, status := range []string{domain.TaskDone, domain.TaskCancelled} {
		t.Run(status, func(t *testing.T) {
			start := vnTime(2026, 3, 2, 9, 0)
			env, rec := newTaskEnv(t, start)
			// The assignment notice's delivery fails and retries (about a
			// few minutes of backoff on the test clock), so the
			// workflow runs on after the task settles at 9:03.
			rec.deliverErr = errors.New("webhook: connection refused")
			in := taskInput(t, start, vnTime(2026, 3, 20, 17, 0))
			// A pending extension request, so the decision has something to
			// decide but for the task having settled.
			sendTaskUpdate(env, vnTime(2026, 3, 2, 9, 1), start, UpdateRequestExtension, ExtensionRequest{Reason: "Chờ vật tư", ProposedDueAt: vnTime(2026, 3, 27, 17, 0)})
			var settle *taskUpdate
			if status == domain.TaskDone {
				sendTaskUpdate(env, vnTime(2026, 3, 2, 9, 2), start, UpdateSubmitResult, SubmitResultRequest{Text: "Đã thu gom"})
				settle = sendTaskUpdate(env, vnTime(2026, 3, 2, 9, 3), start, UpdateReview, ReviewRequest{Decision: "accept"})
			} else {
				settle = sendTaskUpdate(env, vnTime(2026, 3, 2, 9, 3), start, UpdateCancelTask, CancelTaskRequest{Reason: "trùng"})
			}
			cmds := commands(env, vnTime(2026, 3, 2, 9, 4), start)
			env.ExecuteWorkflow(TaskWorkflowName, in)
			if err := env.GetWorkflowError(); err != nil {
				t.Fatal(err)
			}
			if settle.err != nil || settle.view.State.Status != status {
				t.Fatalf("settling: %+v", settle)
			}
			want := *lifecycle.TaskSettled(status)
			for name, u := range cmds {
				if !u.done {
					t.Errorf("%s: no answer (the workflow ended before it came?)", name)
					continue
				}
				r, ok := refusalOf(u.rejected)
				if !ok || r != want {
					t.Errorf("%s: rejected with %v (refusal %+v), want %+v", name, u.rejected, r, want)
				}
			}
			for _, s := range rec.states {
				switch s.Action {
				case "task.in_progress", "task.extension_requested", "task.result_submitted", "task.accepted", "task.cancelled":
				default:
					t.Errorf("a refused command reached the database: %s", s.Action)
				}
			}
			if n := len(rec.states); n > 4 {
				t.Errorf("%d states saved, want at most 4 (a command on the settled task was taken)", n)
			}
		})
	}
}

// The dialogue starts its tasks' workflows and closes only once every task
// of its conclusions has told it that it settled.
func TestDialogueClosesWhenAllTasksSettle(t *testing.T) {
	env, trec := newTaskEnv(t, t0)
	at := t0.Add(20 * 24 * time.Hour)
	due1 := at.Add(5 * 24 * time.Hour)
	due2 := at.Add(10 * 24 * time.Hour)
	sess := session(at)
	sess.Conclusions[0].Tasks = []domain.TaskSpec{
		{ID: "t1", Title: "Rà soát hồ sơ", Assignee: domain.Assignee{Agency: "UBND phường"}, DueAt: &due1},
		{ID: "t2", Title: "Báo cáo kết quả", Assignee: domain.Assignee{Agency: "Phòng TN&MT"}, DueAt: &due2},
	}
	rec := sendUpdate(env, 20*24*time.Hour+time.Hour, UpdateRecordSession, RecordSessionRequest{Session: sess})
	var startedBySettle []string
	settled2 := t0.Add(40 * 24 * time.Hour)
	env.RegisterDelayedCallback(func() {
		startedBySettle = trec.startedIDs()
		env.SignalWorkflow(SignalTaskSettled, TaskSettled{TaskID: "t1", Status: domain.TaskCancelled})
	}, 22*24*time.Hour)
	env.RegisterDelayedCallback(func() {
		env.SignalWorkflow(SignalTaskSettled, TaskSettled{TaskID: "t2", Status: domain.TaskDone})
	}, 40*24*time.Hour)
	env.ExecuteWorkflow(DialogueWorkflowName, dialogueInput(at))
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	if rec.err != nil || rec.rejected != nil {
		t.Fatalf("session: %+v", rec)
	}
	if got := fmt.Sprint(startedBySettle); got != "[task/t1 task/t2]" {
		t.Errorf("task workflows started after the session: %s", got)
	}
	if env.Now().Before(settled2) {
		t.Errorf("dialogue closed at %v, before its last task settled at %v", env.Now(), settled2)
	}
	if len(trec.reports) != 1 || trec.reports[0] != "dialogue/d1" {
		t.Errorf("reports drafted: %v, want the dialogue's once", trec.reports)
	}
	sent := trec.sent()
	if len(sent) != 1 || sent[0].WorkflowID != "plan/p1" || sent[0].Name != SignalDialogueClosed {
		t.Errorf("signals sent: %+v, want the plan told once", sent)
	}
}

// A task tells its dialogue when it settles.
func TestTaskTellsItsDialogueWhenSettled(t *testing.T) {
	env, rec := newTaskEnv(t, t0)
	in := taskInput(t, t0, t0.Add(10*24*time.Hour))
	sendTaskUpdate(env, t0.Add(24*time.Hour), t0, UpdateCancelTask, CancelTaskRequest{Reason: "không còn cần"})
	env.ExecuteWorkflow(TaskWorkflowName, in)
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	sent := rec.sent()
	if len(sent) != 1 || sent[0].WorkflowID != "dialogue/d1" || sent[0].Name != SignalTaskSettled {
		t.Fatalf("signals sent: %+v, want the dialogue told once", sent)
	}
	if s, ok := sent[0].Arg.(TaskSettled); !ok || s.TaskID != "t1" || s.Status != domain.TaskCancelled {
		t.Errorf("signal argument %#v", sent[0].Arg)
	}
}

// A task whose deliveries all fail (a dead webhook) still ends soon after
// it settles: each delivery is retried for the policy's delivery_within,
// then recorded as undelivered, and only then does the task end — so its
// dialogue hears of it within the bound, not a day later.
func TestTaskDeliveriesBoundedByPolicy(t *testing.T) {
	start := vnTime(2026, 3, 2, 9, 0)
	env, rec := newTaskEnv(t, start)
	rec.deliverErr = errors.New("webhook: connection refused")
	in := taskInput(t, start, vnTime(2026, 3, 20, 17, 0))
	in.Policy.DeliveryWithin = 30 * time.Second
	sendTaskUpdate(env, vnTime(2026, 3, 2, 10, 0), start, UpdateSubmitResult, SubmitResultRequest{Text: "Đã thu gom"})
	acc := sendTaskUpdate(env, vnTime(2026, 3, 2, 11, 0), start, UpdateReview, ReviewRequest{Decision: "accept"})
	env.ExecuteWorkflow(TaskWorkflowName, in)
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	if acc.err != nil || acc.view.State.Status != domain.TaskDone {
		t.Fatalf("accept: %+v", acc)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	// The assignment notice, and the notices to the dialogue's respondents
	// the accepted result triggers: both recorded with the error.
	if len(rec.undelivered) != 2 || rec.undelivered[0].ItemKind != "notification" || rec.undelivered[1].ItemKind != activities.DeliverItemRespondents ||
		!strings.Contains(rec.undelivered[0].Reason, "connection refused") {
		t.Errorf("undelivered %+v, want the assignment notice and the respondents' notices with the error", rec.undelivered)
	}
	if rec.delivered < 2 {
		t.Errorf("%d delivery attempts, want retries within the bound", rec.delivered)
	}
	// Retries stopped at the bound (on the workflow's clock), not when a
	// day of backoff ran out, and the task ended on the hour it settled.
	if len(rec.undeliveredAt) == 1 && rec.undeliveredAt[0].After(start.Add(in.Policy.DeliveryWithin+time.Minute)) {
		t.Errorf("recorded undelivered at %v, later than the bound after %v", rec.undeliveredAt[0], start)
	}
	if end := env.Now(); end.After(vnTime(2026, 3, 2, 11, 0).Add(time.Hour)) {
		t.Errorf("the task ended at %v, after the delivery bound", end)
	}
}
