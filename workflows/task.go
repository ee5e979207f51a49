package workflows

import (
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/doithoai/doithoai/activities"
	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/internal/lifecycle"
)

// Task workflow names.
const (
	// TaskWorkflowName is the registered name of Task.
	TaskWorkflowName = "Task"

	// UpdateSubmitResult reports a task's result.
	UpdateSubmitResult = "task.submit_result"
	// UpdateReview accepts or returns a submitted result.
	UpdateReview = "task.review"
	// UpdateRequestExtension asks for a later deadline.
	UpdateRequestExtension = "task.request_extension"
	// UpdateDecideExtension approves or denies a pending extension.
	UpdateDecideExtension = "task.decide_extension"
	// UpdateReassign gives the task to another agency or officer.
	UpdateReassign = "task.reassign"
	// UpdateCancelTask cancels the task.
	UpdateCancelTask = "task.cancel"
	// UpdateMoveUnit moves the task from a unit that merged to its
	// successor.
	UpdateMoveUnit = "task.move_unit"
)

// TaskWorkflowID is the workflow ID of a task.
func TaskWorkflowID(taskID string) string { return "task/" + taskID }

// TaskInput starts a task workflow: its state as first saved and its
// timetable.
type TaskInput struct {
	State    lifecycle.TaskState    `json:"state"`
	Schedule lifecycle.TaskSchedule `json:"schedule"`
	Policy   domain.Policy          `json:"policy"`
	// Resume is set when the workflow continues as new.
	Resume *TaskResume `json:"resume,omitempty"`
	// HistoryLimit overrides the history length after which the task
	// continues as new (0: historyLimit); tests set it low.
	HistoryLimit int `json:"history_limit,omitempty"`
}

// TaskResume is what a task carries across continue-as-new besides its
// state and schedule.
type TaskResume struct {
	Reminded []bool `json:"reminded"`
	Raised   int    `json:"raised"`
}

// TaskResult is how a task ended.
type TaskResult struct {
	TaskID string `json:"task_id"`
	Status string `json:"status"`
	Late   bool   `json:"late"`
}

// TaskView is the live state of a task workflow (QueryState and every
// Update answer).
type TaskView struct {
	State    lifecycle.TaskState    `json:"state"`
	Schedule lifecycle.TaskSchedule `json:"schedule"`
	// RemindersSent and StepsRaised count what has gone out for the
	// current deadline.
	RemindersSent int        `json:"reminders_sent"`
	StepsRaised   int        `json:"steps_raised"`
	NextEvent     string     `json:"next_event,omitempty"`
	NextEventAt   *time.Time `json:"next_event_at,omitempty"`
}

// SubmitResultRequest is the argument of UpdateSubmitResult.
type SubmitResultRequest struct {
	Text  string       `json:"text"`
	Links []string     `json:"links,omitempty"`
	Actor domain.Actor `json:"actor"`
}

// ReviewRequest is the argument of UpdateReview.
type ReviewRequest struct {
	// Decision is "accept" or "return".
	Decision string       `json:"decision"`
	Reason   string       `json:"reason,omitempty"`
	Actor    domain.Actor `json:"actor"`
}

// ExtensionRequest is the argument of UpdateRequestExtension.
type ExtensionRequest struct {
	Reason        string       `json:"reason"`
	ProposedDueAt time.Time    `json:"proposed_due_at"`
	Actor         domain.Actor `json:"actor"`
}

// ExtensionDecision is the argument of UpdateDecideExtension.
type ExtensionDecision struct {
	Approve bool `json:"approve"`
	// DueAt overrides the proposed deadline when approving.
	DueAt *time.Time   `json:"due_at,omitempty"`
	Note  string       `json:"note,omitempty"`
	Actor domain.Actor `json:"actor"`
}

// ReassignRequest is the argument of UpdateReassign.
type ReassignRequest struct {
	Assignee domain.Assignee `json:"assignee"`
	Reason   string          `json:"reason,omitempty"`
	Actor    domain.Actor    `json:"actor"`
}

// MoveUnitRequest is the argument of UpdateMoveUnit (and of the
// dialogue's UpdateDialogueMoveUnit): the records of From now belong to To,
// by the merger MergerID.
type MoveUnitRequest struct {
	From     string       `json:"from"`
	To       string       `json:"to"`
	MergerID string       `json:"merger_id"`
	Actor    domain.Actor `json:"actor"`
}

// CancelTaskRequest is the argument of UpdateCancelTask.
type CancelTaskRequest struct {
	Reason string       `json:"reason"`
	Actor  domain.Actor `json:"actor"`
}

type task struct {
	in       TaskInput
	st       lifecycle.TaskState
	sched    lifecycle.TaskSchedule
	policy   domain.Policy
	reminded []bool // per reminder of the current schedule
	raised   int    // ladder steps raised for the current schedule
	changed  int    // bumped by every command, to re-plan the timers
	next     string
	nextAt   time.Time
	// lock serialises every change of st: commands run as concurrent
	// handlers, and the ladder changes st too.
	lock       commandLock
	deliveries deliveries
	notices    int // notices being stored in the background
}

var systemActor = domain.Actor{ID: "system"}

// Task runs one follow-up task: reminders before its deadline, then the
// escalation ladder while it stays overdue, until its result is accepted or
// it is cancelled. Commands arrive as Updates with validators.
func Task(ctx workflow.Context, in TaskInput) (TaskResult, error) {
	if in.State.TaskID == "" || in.Schedule.DueAt.IsZero() {
		return TaskResult{}, invalid("task input needs an id and a deadline")
	}
	t := &task{in: in, st: in.State, sched: in.Schedule, policy: in.Policy, reminded: make([]bool, len(in.Schedule.Reminders)), lock: newCommandLock(ctx), deliveries: newDeliveries(in.Policy)}
	if in.Resume != nil {
		t.reminded, t.raised = in.Resume.Reminded, in.Resume.Raised
	}
	if err := t.setup(ctx); err != nil {
		return TaskResult{}, err
	}
	if in.Resume == nil {
		if err := t.open(ctx); err != nil {
			return TaskResult{}, err
		}
	}
	if err := t.run(ctx); err != nil {
		return TaskResult{}, err // continue-as-new
	}
	// Deliveries still retrying finish (or, past their bound, are recorded
	// as undelivered) before the task ends, so none is abandoned and none
	// holds back the dialogue for longer than the bound.
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) && t.deliveries.idle() && t.notices == 0 }); err != nil {
		return TaskResult{}, err
	}
	t.tellDialogue(ctx)
	return TaskResult{TaskID: t.st.TaskID, Status: t.st.Status, Late: t.st.Late}, nil
}

// open tells the assignee and marks the task in progress.
func (t *task) open(ctx workflow.Context) error {
	t.notify(ctx, fmt.Sprintf("task/%s/assigned", t.st.TaskID), lifecycle.AssignmentNotice(t.st))
	if t.st.Status != domain.TaskAssigned {
		return nil
	}
	next := t.st
	next.Status = domain.TaskInProgress
	next.Version++
	return t.save(ctx, false, next, "task.in_progress", systemActor, nil)
}

// tellDialogue signals the dialogue that this task has settled. A dialogue
// that has already closed (its supervision date passed) is no error.
func (t *task) tellDialogue(ctx workflow.Context) {
	err := workflow.SignalExternalWorkflow(ctx, DialogueWorkflowID(t.st.DialogueID), "", SignalTaskSettled,
		TaskSettled{TaskID: t.st.TaskID, Status: t.st.Status}).Get(ctx, nil)
	if err != nil {
		workflow.GetLogger(ctx).Info("dialogue not told of the task's end", "dialogue_id", t.st.DialogueID, "error", err)
	}
}

// continueAsNew carries the task's state, schedule and ladder progress into
// a new run with an empty history.
func (t *task) continueAsNew(ctx workflow.Context) error {
	next := t.in
	next.State, next.Schedule, next.Policy = t.st, t.sched, t.policy
	next.Resume = &TaskResume{Reminded: append([]bool{}, t.reminded...), Raised: t.raised}
	return workflow.NewContinueAsNewError(ctx, TaskWorkflowName, next)
}

// shouldContinue is true once the history is large and nothing is in
// flight that must finish in this run.
func (t *task) shouldContinue(ctx workflow.Context) bool {
	return continueSuggested(ctx, t.in.HistoryLimit) && workflow.AllHandlersFinished(ctx) && t.deliveries.idle() && t.notices == 0
}

func (t *task) setup(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, QueryState, func() (TaskView, error) { return t.view(), nil }); err != nil {
		return fmt.Errorf("register query: %w", err)
	}
	return registerUpdates(ctx, []update{
		{UpdateSubmitResult, t.submitResult, t.validateSubmit},
		{UpdateReview, t.review, t.validateReview},
		{UpdateRequestExtension, t.requestExtension, t.validateRequestExtension},
		{UpdateDecideExtension, t.decideExtension, t.validateDecideExtension},
		{UpdateReassign, t.reassign, t.validateReassign},
		{UpdateCancelTask, t.cancel, t.validateCancel},
		{UpdateMoveUnit, t.moveUnit, validateMoveUnit},
	})
}

func (t *task) view() TaskView {
	v := TaskView{State: t.st, Schedule: t.sched, StepsRaised: t.raised, NextEvent: t.next}
	for _, r := range t.reminded {
		if r {
			v.RemindersSent++
		}
	}
	if !t.nextAt.IsZero() {
		at := t.nextAt
		v.NextEventAt = &at
	}
	return v
}

// ladderPaused is true while a result handed in on time waits for review:
// the assignee has done their part, so the ladder waits for the decision.
func (t *task) ladderPaused() bool {
	return t.st.Status == domain.TaskSubmitted && !t.st.Late
}

// nextTimer picks what fires next: a reminder still due before the
// deadline, or the next rung of the ladder.
func (t *task) nextTimer(now time.Time) (kind string, idx int, at time.Time) {
	if t.st.Status == domain.TaskAssigned || t.st.Status == domain.TaskInProgress {
		for i, r := range t.sched.Reminders {
			if t.reminded[i] {
				continue
			}
			if !r.At.Before(t.st.DueAt) || now.After(t.st.DueAt) {
				t.reminded[i] = true // past its use
				continue
			}
			return "reminder", i, r.At
		}
	}
	if t.raised < len(t.sched.Steps) && !t.ladderPaused() {
		return "step", t.raised, t.sched.Steps[t.raised].At
	}
	return "", 0, time.Time{}
}

// run is the timer loop: wait for the next reminder or rung (re-planned
// after every command) until the task settles. It returns a
// continue-as-new error when the history has grown large.
func (t *task) run(ctx workflow.Context) error {
	for !t.st.Settled() {
		if t.shouldContinue(ctx) {
			return t.continueAsNew(ctx)
		}
		now := workflow.Now(ctx)
		kind, idx, at := t.nextTimer(now)
		seen := t.changed
		wake := func() bool { return t.changed != seen || t.st.Settled() || t.shouldContinue(ctx) }
		t.next, t.nextAt = kind, at
		if kind == "" {
			if err := workflow.Await(ctx, wake); err != nil {
				return nil
			}
			continue
		}
		if wait := at.Sub(now); wait > 0 {
			woken, err := workflow.AwaitWithTimeout(ctx, wait, wake)
			if err != nil {
				return nil
			}
			if woken {
				continue
			}
		}
		switch kind {
		case "reminder":
			t.remind(ctx, idx)
		case "step":
			t.escalate(ctx, idx, seen)
		}
	}
	t.next, t.nextAt = "", time.Time{}
	return nil
}

func (t *task) remind(ctx workflow.Context, idx int) {
	r := t.sched.Reminders[idx]
	// Marked sent only once the notice is stored: the write is retried
	// until the database answers.
	t.notify(ctx, fmt.Sprintf("task/%s/g%d/reminder/%d", t.st.TaskID, t.st.Generation, idx), lifecycle.ReminderNotice(t.st, r))
	t.reminded[idx] = true
}

// escalate raises the alerts of rung idx, marks the task overdue, and
// delivers the alerts in the background.
func (t *task) escalate(ctx workflow.Context, idx, seen int) {
	// A command changed the task while the rung waited for the lock (an
	// approved extension brings a new ladder): plan again.
	unlock, err := t.lock.acquire(ctx, func() error {
		if t.changed != seen || t.st.Settled() || t.ladderPaused() {
			return errReplan
		}
		return nil
	})
	if err != nil {
		return
	}
	defer unlock()
	step := t.sched.Steps[idx]
	var acts *activities.Activities
	var res activities.TaskAlertResult
	in := activities.TaskAlertInput{State: t.st, Level: step.Level, Recipients: step.Recipients, At: workflow.Now(ctx)}
	if err := t.write(ctx, false, acts.RaiseTaskAlerts, in, &res); err != nil {
		workflow.GetLogger(ctx).Error("raise task alerts failed", "level", step.Level, "error", err)
		return
	}
	t.raised = idx + 1
	next := t.st
	next.Overdue, next.EscalationLevel = true, step.Level
	next.Version++
	if err := t.save(ctx, false, next, "task.escalated", systemActor, map[string]any{"level": step.Level, "recipients": step.Recipients}); err != nil {
		workflow.GetLogger(ctx).Error("save escalation failed", "error", err)
	}
	for _, id := range res.DeliverIDs {
		t.deliveries.send(ctx, "alert", id)
	}
}

// notifyLater stores and delivers a notice in the background, so a command
// answers once its own change is saved while the notice's write is retried
// for as long as the database is away. The task waits for it before it
// completes or continues as new.
func (t *task) notifyLater(ctx workflow.Context, key string, n lifecycle.Notice) {
	t.notices++
	st := t.st // the state the notice speaks of, whatever comes next
	workflow.Go(ctx, func(gctx workflow.Context) {
		defer func() { t.notices-- }()
		t.store(gctx, st, key, n)
	})
}

// notify stores a notice about the task as it is now and delivers it.
func (t *task) notify(ctx workflow.Context, key string, n lifecycle.Notice) {
	t.store(ctx, t.st, key, n)
}

// store writes a notice about st to the assignee (retried until the
// database answers) and hands it to delivery where its unit has channels.
func (t *task) store(ctx workflow.Context, st lifecycle.TaskState, key string, n lifecycle.Notice) {
	var acts *activities.Activities
	var res activities.TaskNoticeResult
	in := activities.TaskNoticeInput{State: st, Kind: n.Kind, Key: key, SubjectVI: n.SubjectVI, SubjectEN: n.SubjectEN, BodyVI: n.BodyVI, BodyEN: n.BodyEN}
	if err := t.write(ctx, false, acts.SendTaskNotice, in, &res); err != nil {
		workflow.GetLogger(ctx).Error("task notice failed", "kind", n.Kind, "error", err)
		return
	}
	if res.Deliver {
		t.deliveries.send(ctx, "notification", res.ID)
	}
}

// write runs a short, idempotent database write as a local activity (no
// round trip through the server). Commands (a caller waits) give up after a
// few attempts; background writes retry until they succeed.
func (t *task) write(ctx workflow.Context, command bool, activity, arg, result any) error {
	opts := localWriteOptions
	if command {
		opts = localCommandOptions
	}
	return workflow.ExecuteLocalActivity(workflow.WithLocalActivityOptions(ctx, opts), activity, arg).Get(ctx, result)
}

// errReplan refuses a rung whose task changed while it waited for the lock.
var errReplan = errors.New("the task changed: plan the ladder again")

// save writes next as the task's state; only on success does it become the
// workflow's state, so a failed command leaves nothing changed.
func (t *task) save(ctx workflow.Context, command bool, next lifecycle.TaskState, action string, actor domain.Actor, data map[string]any) error {
	var acts *activities.Activities
	in := activities.TaskStateInput{State: next, Action: action, Actor: actor, Data: data}
	if err := t.write(ctx, command, acts.SaveTaskState, in, nil); err != nil {
		return fmt.Errorf("save task: %w", err)
	}
	t.st = next
	t.changed++
	return nil
}

func (t *task) validateSubmit(ctx workflow.Context, r SubmitResultRequest) error {
	if err := refuse(t.st.RefuseSubmit()); err != nil {
		return err
	}
	return invalidFields(lifecycle.Required("text", r.Text))
}

func (t *task) submitResult(ctx workflow.Context, r SubmitResultRequest) (TaskView, error) {
	unlock, err := t.lock.acquire(ctx, func() error { return t.validateSubmit(ctx, r) })
	if err != nil {
		return TaskView{}, err
	}
	defer unlock()
	now := workflow.Now(ctx)
	next := t.st
	next.Status = domain.TaskSubmitted
	next.SubmittedAt = &now
	next.Late = now.After(t.st.DueAt)
	next.Result = &lifecycle.TaskResult{Text: r.Text, Links: r.Links, SubmittedBy: r.Actor.ID, SubmittedAt: now}
	next.Version++
	if err := t.save(ctx, true, next, "task.result_submitted", r.Actor, map[string]any{"late": next.Late, "links": len(r.Links)}); err != nil {
		return TaskView{}, err
	}
	return t.view(), nil
}

func (t *task) validateReview(ctx workflow.Context, r ReviewRequest) error {
	if err := refuse(t.st.RefuseReview()); err != nil {
		return err
	}
	return invalidFields(lifecycle.ValidateReview(r.Decision, r.Reason))
}

func (t *task) review(ctx workflow.Context, r ReviewRequest) (TaskView, error) {
	unlock, err := t.lock.acquire(ctx, func() error { return t.validateReview(ctx, r) })
	if err != nil {
		return TaskView{}, err
	}
	defer unlock()
	now := workflow.Now(ctx)
	next := t.st
	res := *t.st.Result
	next.Result = &res
	action := "task.accepted"
	if r.Decision == "accept" {
		next.Status = domain.TaskDone
		next.CompletedAt = &now
	} else {
		action = "task.returned"
		next.Status = domain.TaskInProgress
		next.ReturnedCount++
		next.Result.ReturnReason = r.Reason
	}
	next.Version++
	if err := t.save(ctx, true, next, action, r.Actor, map[string]any{"reason": r.Reason, "late": next.Late}); err != nil {
		return TaskView{}, err
	}
	if r.Decision == "return" {
		t.notifyLater(ctx, fmt.Sprintf("task/%s/returned/%d", t.st.TaskID, next.ReturnedCount), lifecycle.ReturnedNotice(t.st, r.Reason))
	} else {
		// A result accepted may complete what respondents were promised:
		// those who left a contact are told.
		t.deliveries.send(ctx, activities.DeliverItemRespondents, t.st.DialogueID)
	}
	return t.view(), nil
}

func (t *task) validateRequestExtension(ctx workflow.Context, r ExtensionRequest) error {
	if err := refuse(t.st.RefuseExtensionRequest()); err != nil {
		return err
	}
	if err := invalidFields(lifecycle.Required("reason", r.Reason)); err != nil {
		return err
	}
	return invalidFields(lifecycle.LaterDeadline("proposed_due_at", r.ProposedDueAt, t.st.DueAt, workflow.Now(ctx)))
}

func (t *task) requestExtension(ctx workflow.Context, r ExtensionRequest) (TaskView, error) {
	unlock, err := t.lock.acquire(ctx, func() error { return t.validateRequestExtension(ctx, r) })
	if err != nil {
		return TaskView{}, err
	}
	defer unlock()
	next := t.st
	next.Extension = &lifecycle.TaskExtension{Reason: r.Reason, ProposedDueAt: r.ProposedDueAt, RequestedBy: r.Actor.ID, RequestedAt: workflow.Now(ctx), Status: lifecycle.ExtensionPending}
	next.Version++
	if err := t.save(ctx, true, next, "task.extension_requested", r.Actor, map[string]any{"proposed_due_at": r.ProposedDueAt, "reason": r.Reason}); err != nil {
		return TaskView{}, err
	}
	return t.view(), nil
}

func (t *task) validateDecideExtension(ctx workflow.Context, r ExtensionDecision) error {
	if err := refuse(t.st.RefuseExtensionDecision()); err != nil {
		return err
	}
	if r.Approve {
		due := t.st.Extension.ProposedDueAt
		if r.DueAt != nil {
			due = *r.DueAt
		}
		if err := invalidFields(lifecycle.InFuture("due_at", due, workflow.Now(ctx))); err != nil {
			return err
		}
	}
	return nil
}

// decideExtension approves (new deadline: reminders and the ladder re-armed
// from it) or denies a pending extension.
func (t *task) decideExtension(ctx workflow.Context, r ExtensionDecision) (TaskView, error) {
	unlock, err := t.lock.acquire(ctx, func() error { return t.validateDecideExtension(ctx, r) })
	if err != nil {
		return TaskView{}, err
	}
	defer unlock()
	now := workflow.Now(ctx)
	next := t.st
	ext := *t.st.Extension
	next.Extension = &ext
	ext.DecidedBy, ext.DecidedAt, ext.DecisionNote = r.Actor.ID, &now, r.Note
	sched := t.sched
	action := "task.extension_denied"
	if r.Approve {
		action = "task.extension_approved"
		due := ext.ProposedDueAt
		if r.DueAt != nil {
			due = *r.DueAt
		}
		ext.Status, ext.NewDueAt = lifecycle.ExtensionApproved, &due
		var acts *activities.Activities
		var out []lifecycle.TaskSchedule
		lctx := workflow.WithLocalActivityOptions(ctx, localOptions)
		in := []lifecycle.ScheduleInput{{AssignedAt: now, DueAt: &due, Policy: t.policy}}
		if err := workflow.ExecuteLocalActivity(lctx, acts.ComputeTaskSchedules, in).Get(ctx, &out); err != nil {
			return TaskView{}, fmt.Errorf("compute new schedule: %w", err)
		}
		sched = out[0]
		next.DueAt, next.Overdue, next.EscalationLevel = due, false, 0
		next.Generation++
	} else {
		ext.Status = lifecycle.ExtensionDenied
	}
	next.Version++
	if err := t.save(ctx, true, next, action, r.Actor, map[string]any{"new_due_at": ext.NewDueAt, "note": r.Note}); err != nil {
		return TaskView{}, err
	}
	if r.Approve {
		t.sched, t.reminded, t.raised = sched, make([]bool, len(sched.Reminders)), 0
		t.changed++
	}
	t.notifyLater(ctx, fmt.Sprintf("task/%s/extension/v%d", t.st.TaskID, next.Version), lifecycle.ExtensionNotice(t.st, r.Approve, next.DueAt))
	return t.view(), nil
}

func (t *task) validateReassign(ctx workflow.Context, r ReassignRequest) error {
	if err := refuse(t.st.RefuseReassign()); err != nil {
		return err
	}
	return invalidFields(lifecycle.ValidateReassign(t.st.Assignee, r.Assignee))
}

// reassign gives the task to someone else; the deadline and the ladder go
// on, and later alerts name the new assignee.
func (t *task) reassign(ctx workflow.Context, r ReassignRequest) (TaskView, error) {
	unlock, err := t.lock.acquire(ctx, func() error { return t.validateReassign(ctx, r) })
	if err != nil {
		return TaskView{}, err
	}
	defer unlock()
	next := t.st
	prev := t.st.Assignee
	next.Assignee = r.Assignee
	if next.Assignee.UnitID == "" {
		next.Assignee.UnitID = prev.UnitID
	}
	next.Version++
	if err := t.save(ctx, true, next, "task.reassigned", r.Actor, map[string]any{"from": prev, "to": next.Assignee, "reason": r.Reason}); err != nil {
		return TaskView{}, err
	}
	t.notifyLater(ctx, fmt.Sprintf("task/%s/assigned/v%d", t.st.TaskID, next.Version), lifecycle.ReassignedNotice(t.st, prev.Agency))
	return t.view(), nil
}

func validateMoveUnit(ctx workflow.Context, r MoveUnitRequest) error {
	if r.From == "" || r.To == "" || r.From == r.To {
		return invalid("a move needs two different units")
	}
	return nil
}

// moveUnit puts the task under the successor of a unit that merged: the
// task's unit and its assignee's, where they were the merged unit. The
// deadline and the ladder go on; the next rungs resolve their recipients
// from the new units, and rungs already raised are not raised again. A
// settled task, or one that names neither unit, is left as it is, so a
// repeated move changes nothing.
func (t *task) moveUnit(ctx workflow.Context, r MoveUnitRequest) (TaskView, error) {
	unlock, err := t.lock.acquire(ctx, func() error { return validateMoveUnit(ctx, r) })
	if err != nil {
		return TaskView{}, err
	}
	defer unlock()
	next := t.st
	moved := false
	if next.UnitID == r.From {
		next.UnitID, moved = r.To, true
	}
	if next.Assignee.UnitID == r.From {
		next.Assignee.UnitID, moved = r.To, true
	}
	if t.st.Settled() || !moved {
		return t.view(), nil
	}
	next.Version++
	if err := t.save(ctx, true, next, "task.unit_merged", r.Actor, map[string]any{"from": r.From, "to": r.To, "merger_id": r.MergerID}); err != nil {
		return TaskView{}, err
	}
	return t.view(), nil
}

func (t *task) validateCancel(ctx workflow.Context, r CancelTaskRequest) error {
	if err := refuse(t.st.RefuseCancel()); err != nil {
		return err
	}
	return invalidFields(lifecycle.Required("reason", r.Reason))
}

func (t *task) cancel(ctx workflow.Context, r CancelTaskRequest) (TaskView, error) {
	unlock, err := t.lock.acquire(ctx, func() error { return t.validateCancel(ctx, r) })
	if err != nil {
		return TaskView{}, err
	}
	defer unlock()
	now := workflow.Now(ctx)
	next := t.st
	next.Status, next.CancelReason, next.CompletedAt = domain.TaskCancelled, r.Reason, &now
	next.Version++
	if err := t.save(ctx, true, next, "task.cancelled", r.Actor, map[string]any{"reason": r.Reason}); err != nil {
		return TaskView{}, err
	}
	return t.view(), nil
}
