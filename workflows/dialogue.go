package workflows

import (
	"fmt"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/workflow"

	"github.com/doithoai/doithoai/activities"
	"github.com/doithoai/doithoai/internal/domain"
)

// DialogueInput starts a dialogue workflow.
type DialogueInput struct {
	DialogueID string              `json:"dialogue_id"`
	PlanID     string              `json:"plan_id"`
	UnitID     string              `json:"unit_id"`
	PlanYear   int                 `json:"plan_year"`
	Spec       domain.DialogueSpec `json:"spec"`
	Policy     domain.Policy       `json:"policy"`
}

// DialogueState is the live state of a dialogue, answered by QueryState and
// by every Update.
type DialogueState struct {
	DialogueID   string        `json:"dialogue_id"`
	Phase        string        `json:"phase"`
	ScheduledAt  time.Time     `json:"scheduled_at"`
	Window       domain.Window `json:"window"`
	Generation   int           `json:"reschedule_count"`
	CancelReason string        `json:"cancel_reason,omitempty"`
	// NextEvent names what the workflow waits for next, and NextEventAt when.
	NextEvent   string     `json:"next_event,omitempty"`
	NextEventAt *time.Time `json:"next_event_at,omitempty"`
	// SessionMissedAlerted is true once the missed-session alert has been
	// raised for the current date.
	SessionMissedAlerted bool `json:"session_missed_alerted"`
}

// DialogueResult is how a dialogue ended.
type DialogueResult struct {
	DialogueID string `json:"dialogue_id"`
	Phase      string `json:"phase"`
}

// RescheduleRequest is the argument of UpdateReschedule.
type RescheduleRequest struct {
	ScheduledAt time.Time    `json:"scheduled_at"`
	Place       string       `json:"place,omitempty"`
	Reason      string       `json:"reason,omitempty"`
	Actor       domain.Actor `json:"actor"`
}

// CancelRequest is the argument of UpdateCancel.
type CancelRequest struct {
	Reason string       `json:"reason"`
	Actor  domain.Actor `json:"actor"`
}

// RecordSessionRequest is the argument of UpdateRecordSession.
type RecordSessionRequest struct {
	Session domain.Session `json:"session"`
	Actor   domain.Actor   `json:"actor"`
}

// dialogue is the state of one running dialogue workflow.
type dialogue struct {
	in           DialogueInput
	phase        string
	scheduledAt  time.Time
	window       domain.Window
	generation   int
	cancelled    bool
	cancelReason string
	recorded     bool
	alertedGen   int // generation+1 for which the missed alert was raised; 0 = none
	nextEvent    string
	nextEventAt  time.Time

	// Follow-up (versionFollowUp >= 1).
	tasksEnabled bool
	heldAt       time.Time
	conclusions  map[string]bool
	tasks        []TaskInput // every task, in the order assigned
	started      int         // tasks[:started] have workflows
	openTasks    int
	followUpOver bool // no more tasks are taken

	// mu serialises the commands (reschedule, cancel, session, tasks) since
	// versionSerialise: each re-checks the state it sees under the lock.
	mu        workflow.Mutex
	serialise bool
	// deliveries counts deliveries of alerts and notices still running.
	deliveries int
}

// versionSerialise guards serialising the commands of a dialogue or a task
// with a workflow mutex (each re-checked under it), the task's ladder under
// the same mutex, and the dialogue's stricter follow-up loop.
const versionSerialise = "serialise-commands"

// versionDeliveries guards delivering the dialogue's own alerts (missed
// session) and notices (survey summary to the hosts) by webhook and e-mail.
const versionDeliveries = "dialogue-deliveries"

// versionFollowUp guards the change that made conclusions become task
// workflows the dialogue waits for; histories from before it close the
// dialogue right after the session.
const versionFollowUp = "follow-up-tasks"

// Dialogue runs one dialogue: open survey → close survey → await session →
// follow up → close. Reschedule moves every pending timer; cancel ends it.
func Dialogue(ctx workflow.Context, in DialogueInput) (DialogueResult, error) {
	if err := validateDialogueInput(in); err != nil {
		return DialogueResult{}, err
	}
	d := &dialogue{in: in, phase: domain.PhaseScheduled, scheduledAt: in.Spec.ScheduledAt, window: domain.WindowFor(in.Spec.ScheduledAt, in.Policy), mu: workflow.NewMutex(ctx)}
	if err := d.setup(ctx); err != nil {
		return DialogueResult{}, err
	}
	d.serialise = workflow.GetVersion(ctx, versionSerialise, workflow.DefaultVersion, 1) >= 1
	if d.openSurvey(ctx) && d.closeSurvey(ctx) && d.awaitSession(ctx) {
		d.followUp(ctx)
		d.close(ctx)
	}
	// Let Update handlers and deliveries in flight finish before the
	// workflow completes.
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) && d.deliveries == 0 }); err != nil {
		return DialogueResult{}, err
	}
	return DialogueResult{DialogueID: in.DialogueID, Phase: d.phase}, nil
}

func validateDialogueInput(in DialogueInput) error {
	switch {
	case in.DialogueID == "" || in.PlanID == "" || in.UnitID == "":
		return invalid("dialogue input needs dialogue, plan and unit ids")
	case in.Spec.ScheduledAt.IsZero():
		return invalid("dialogue input needs a date")
	case in.Policy.SurveyClose > in.Policy.SurveyLead:
		return invalid("survey must close after it opens")
	}
	return nil
}

// setup registers the query and the Updates.
func (d *dialogue) setup(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, QueryState, func() (DialogueState, error) { return d.state(), nil }); err != nil {
		return fmt.Errorf("register query: %w", err)
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateReschedule, d.reschedule,
		workflow.UpdateHandlerOptions{Validator: d.validateReschedule}); err != nil {
		return fmt.Errorf("register reschedule: %w", err)
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateCancel, d.cancel,
		workflow.UpdateHandlerOptions{Validator: d.validateCancel}); err != nil {
		return fmt.Errorf("register cancel: %w", err)
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateRecordSession, d.recordSession,
		workflow.UpdateHandlerOptions{Validator: d.validateRecordSession}); err != nil {
		return fmt.Errorf("register record session: %w", err)
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateAddTasks, d.addTasks,
		workflow.UpdateHandlerOptions{Validator: d.validateAddTasks}); err != nil {
		return fmt.Errorf("register add tasks: %w", err)
	}
	return nil
}

func (d *dialogue) state() DialogueState {
	st := DialogueState{
		DialogueID: d.in.DialogueID, Phase: d.phase, ScheduledAt: d.scheduledAt, Window: d.window,
		Generation: d.generation, CancelReason: d.cancelReason, NextEvent: d.nextEvent,
		SessionMissedAlerted: d.alertedGen == d.generation+1,
	}
	if !d.nextEventAt.IsZero() {
		t := d.nextEventAt
		st.NextEventAt = &t
	}
	return st
}

func (d *dialogue) terminal() bool {
	return d.phase == domain.PhaseClosed || d.phase == domain.PhaseCancelled
}

// lock takes the dialogue's mutex for a command (since versionSerialise)
// and checks the command again against the state it now sees; on a refusal
// it releases the mutex. The returned func releases it.
func (d *dialogue) lock(ctx workflow.Context, validate func() error) (func(), error) {
	if !d.serialise {
		return func() {}, nil
	}
	if err := d.mu.Lock(ctx); err != nil {
		return nil, err
	}
	if err := validate(); err != nil {
		d.mu.Unlock()
		return nil, err
	}
	return d.mu.Unlock, nil
}

// sleepUntil waits until target() is reached, re-reading the target after
// every reschedule. It returns false if the dialogue was cancelled, and true
// when the target passed or done() became true.
func (d *dialogue) sleepUntil(ctx workflow.Context, event string, target func() time.Time, done func() bool) bool {
	for {
		if d.cancelled {
			return false
		}
		if done != nil && done() {
			return true
		}
		at := target()
		wait := at.Sub(workflow.Now(ctx))
		if wait <= 0 {
			return true
		}
		d.nextEvent, d.nextEventAt = event, at
		gen := d.generation
		changed, err := workflow.AwaitWithTimeout(ctx, wait, func() bool {
			return d.cancelled || d.generation != gen || (done != nil && done())
		})
		if err != nil {
			return false // the workflow itself is being cancelled
		}
		if !changed {
			return true // the timer fired
		}
	}
}

func (d *dialogue) setPhase(ctx workflow.Context, phase string, actor domain.Actor, reason string) {
	in := activities.PhaseInput{DialogueID: d.in.DialogueID, UnitID: d.in.UnitID, Phase: phase, At: workflow.Now(ctx), Reason: reason, Actor: actor}
	var acts *activities.Activities
	if err := workflow.ExecuteActivity(backgroundActivity(ctx), acts.SetDialoguePhase, in).Get(ctx, nil); err != nil {
		workflow.GetLogger(ctx).Error("set dialogue phase failed", "phase", phase, "error", err)
	}
	if !d.cancelled {
		d.phase = phase
	}
}

// openSurvey waits for the survey window to open, then opens it.
func (d *dialogue) openSurvey(ctx workflow.Context) bool {
	if !d.sleepUntil(ctx, "survey_opens", func() time.Time { return d.window.SurveyOpensAt }, nil) {
		return false
	}
	d.setPhase(ctx, domain.PhaseSurveyOpen, domain.Actor{ID: "system"}, "")
	return !d.cancelled
}

// closeSurvey waits for the survey window to close, then closes it: the
// summary by field is written and the hosts get a notice.
func (d *dialogue) closeSurvey(ctx workflow.Context) bool {
	if !d.sleepUntil(ctx, "survey_closes", func() time.Time { return d.window.SurveyClosesAt }, nil) {
		return false
	}
	var acts *activities.Activities
	in := activities.CloseSurveyInput{
		DialogueID: d.in.DialogueID, PlanID: d.in.PlanID, UnitID: d.in.UnitID, Title: d.title(),
		SessionAt: d.scheduledAt, Hosts: d.in.Spec.Hosts, At: workflow.Now(ctx),
	}
	var res activities.CloseSurveyResult
	if err := workflow.ExecuteActivity(backgroundActivity(ctx), acts.CloseSurvey, in).Get(ctx, &res); err != nil {
		workflow.GetLogger(ctx).Error("close survey failed", "error", err)
	}
	for _, id := range res.NoticeIDs {
		d.deliver(ctx, "notification", id)
	}
	if !d.cancelled {
		d.phase = domain.PhaseAwaitingSession
	}
	return !d.cancelled
}

// awaitSession waits for the session to be recorded. Once the grace after
// the date has passed, it raises the missed-session alert (once per date)
// and keeps waiting.
func (d *dialogue) awaitSession(ctx workflow.Context) bool {
	for !d.recorded && !d.cancelled {
		if d.alertedGen != d.generation+1 {
			if !d.sleepUntil(ctx, "session_due", func() time.Time { return d.window.SessionDueBy }, func() bool { return d.recorded }) {
				return false
			}
			if d.recorded {
				break
			}
			if !d.window.SessionDueBy.After(workflow.Now(ctx)) && d.alertedGen != d.generation+1 {
				d.raiseSessionMissed(ctx)
			}
			continue
		}
		d.nextEvent, d.nextEventAt = "session_recorded", time.Time{}
		gen := d.generation
		if err := workflow.Await(ctx, func() bool { return d.recorded || d.cancelled || d.generation != gen }); err != nil {
			return false
		}
	}
	d.nextEvent, d.nextEventAt = "", time.Time{}
	return d.recorded && !d.cancelled
}

func (d *dialogue) raiseSessionMissed(ctx workflow.Context) {
	var acts *activities.Activities
	in := activities.SessionMissedInput{
		DialogueID: d.in.DialogueID, PlanID: d.in.PlanID, UnitID: d.in.UnitID, Title: d.title(),
		ScheduledAt: d.scheduledAt, DueBy: d.window.SessionDueBy, Generation: d.generation,
	}
	var res activities.SessionMissedResult
	if err := workflow.ExecuteActivity(backgroundActivity(ctx), acts.RaiseSessionMissed, in).Get(ctx, &res); err != nil {
		workflow.GetLogger(ctx).Error("raise session missed failed", "error", err)
		return
	}
	d.alertedGen = d.generation + 1
	for _, id := range res.AlertIDs {
		d.deliver(ctx, "alert", id)
	}
}

// deliver sends an alert or notice to its unit's webhook and e-mail
// contacts in the background (since versionDeliveries); Temporal retries
// failures, and the dialogue waits for them before it completes.
func (d *dialogue) deliver(ctx workflow.Context, kind, id string) {
	if workflow.GetVersion(ctx, versionDeliveries, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return
	}
	d.deliveries++
	workflow.Go(ctx, func(gctx workflow.Context) {
		defer func() { d.deliveries-- }()
		var acts *activities.Activities
		var res activities.DeliverResult
		actx := workflow.WithActivityOptions(gctx, deliveryOptions)
		if err := workflow.ExecuteActivity(actx, acts.Deliver, activities.DeliverInput{ItemKind: kind, ItemID: id}).Get(gctx, &res); err != nil {
			workflow.GetLogger(gctx).Error("delivery gave up", "kind", kind, "id", id, "error", err)
		}
	})
}

// followUp starts a task workflow for every task of the conclusions (and
// any added later) and waits until all of them settle, or until the
// supervision date, whichever comes first.
func (d *dialogue) followUp(ctx workflow.Context) {
	if workflow.GetVersion(ctx, versionFollowUp, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return
	}
	due := d.heldAt.Add(d.in.Policy.SupervisionWithin)
	for {
		d.startTasks(ctx)
		if d.openTasks == 0 && (!d.serialise || d.started == len(d.tasks)) {
			d.nextEvent, d.nextEventAt = "", time.Time{}
			break
		}
		d.nextEvent, d.nextEventAt = "tasks_settled", due
		wait := due.Sub(workflow.Now(ctx))
		if wait <= 0 {
			break
		}
		started := len(d.tasks)
		more, err := workflow.AwaitWithTimeout(ctx, wait, func() bool {
			if d.serialise {
				return d.openTasks == 0 || len(d.tasks) != d.started
			}
			return d.openTasks == 0 || len(d.tasks) != started
		})
		if err != nil || !more {
			break // supervision date reached with tasks still open: they go on on their own
		}
	}
	if d.serialise {
		// Tasks added from here on would never start: refuse them, and
		// start those a command added meanwhile.
		if err := d.mu.Lock(ctx); err == nil {
			d.followUpOver = true
			d.mu.Unlock()
		}
		d.startTasks(ctx)
	}
	d.report(ctx)
}

// versionReport guards producing the dialogue's supervision report when
// its follow-up ends.
const versionReport = "dialogue-report"

// report drafts the dialogue's supervision report once its tasks settle
// (or its supervision date comes); MTTQ then adds the assessment and
// finalises it through the API.
func (d *dialogue) report(ctx workflow.Context) {
	if workflow.GetVersion(ctx, versionReport, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return
	}
	var acts *activities.Activities
	var res activities.ReportResult
	in := activities.ReportInput{Kind: "dialogue", ID: d.in.DialogueID}
	if err := workflow.ExecuteActivity(backgroundActivity(ctx), acts.GenerateReport, in).Get(ctx, &res); err != nil {
		workflow.GetLogger(ctx).Error("dialogue report failed", "error", err)
	}
}

// startTasks starts a workflow for every task not started yet — all the
// starts go out in one batch — and counts each open until it ends.
func (d *dialogue) startTasks(ctx workflow.Context) {
	type started struct {
		id  string
		fut workflow.ChildWorkflowFuture
	}
	var batch []started
	for ; d.started < len(d.tasks); d.started++ {
		in := d.tasks[d.started]
		cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
			WorkflowID: TaskWorkflowID(in.State.TaskID),
			// A task outlives its dialogue's supervision date.
			ParentClosePolicy:     enumspb.PARENT_CLOSE_POLICY_ABANDON,
			WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		})
		batch = append(batch, started{in.State.TaskID, workflow.ExecuteChildWorkflow(cctx, TaskWorkflowName, in)})
	}
	for _, b := range batch {
		if err := b.fut.GetChildWorkflowExecution().Get(ctx, nil); err != nil {
			workflow.GetLogger(ctx).Error("start task workflow", "task_id", b.id, "error", err)
			continue
		}
		d.openTasks++
		fut, id := b.fut, b.id
		workflow.Go(ctx, func(gctx workflow.Context) {
			var res TaskResult
			if err := fut.Get(gctx, &res); err != nil {
				workflow.GetLogger(gctx).Error("task workflow failed", "task_id", id, "error", err)
			}
			d.openTasks--
		})
	}
}

// planTasks turns task specs into first task states with their timetables
// (computed with the working-day calendar in a local activity).
func (d *dialogue) planTasks(ctx workflow.Context, specs []domain.TaskSpec) ([]TaskInput, error) {
	if len(specs) == 0 {
		return nil, nil
	}
	now := workflow.Now(ctx)
	ins := make([]activities.ScheduleInput, len(specs))
	for i, sp := range specs {
		ins[i] = activities.ScheduleInput{AssignedAt: now, DueAt: sp.DueAt, DueInWorkingDays: sp.DueInWorkingDays, Policy: d.in.Policy}
	}
	var scheds []activities.TaskSchedule
	lctx := workflow.WithLocalActivityOptions(ctx, localOptions)
	if err := workflow.ExecuteLocalActivity(lctx, activities.ComputeTaskSchedulesName, ins).Get(ctx, &scheds); err != nil {
		return nil, fmt.Errorf("compute task deadlines: %w", err)
	}
	out := make([]TaskInput, len(specs))
	for i, sp := range specs {
		a := sp.Assignee
		if a.UnitID == "" {
			a.UnitID = d.in.UnitID
		}
		spec := map[string]any{}
		if sp.DueAt != nil {
			spec["due_at"] = *sp.DueAt
		} else {
			spec["due_in_working_days"] = sp.DueInWorkingDays
		}
		out[i] = TaskInput{
			State: activities.TaskState{
				TaskID: sp.ID, DialogueID: d.in.DialogueID, ConclusionID: sp.ConclusionID, PlanID: d.in.PlanID, UnitID: d.in.UnitID,
				Title: sp.Title, Description: sp.Description, Assignee: a, Monitor: sp.Monitor, Status: domain.TaskAssigned,
				AssignedAt: now, DueAt: scheds[i].DueAt, OriginalDueAt: scheds[i].DueAt, DeadlineSpec: spec, Version: 1,
			},
			Schedule: scheds[i],
			Policy:   d.in.Policy,
		}
	}
	return out, nil
}

// AddTasksRequest is the argument of UpdateAddTasks.
type AddTasksRequest struct {
	Tasks []domain.TaskSpec `json:"tasks"`
	Actor domain.Actor      `json:"actor"`
}

// AddTasksResult lists the tasks added.
type AddTasksResult struct {
	TaskIDs []string `json:"task_ids"`
}

func (d *dialogue) validateAddTasks(ctx workflow.Context, r AddTasksRequest) error {
	switch {
	case d.terminal() || d.cancelled:
		return conflict(fmt.Sprintf("dialogue is %s", d.phase))
	case !d.recorded:
		return conflict("tasks come from conclusions: record the session first")
	case !d.tasksEnabled:
		return conflict("this dialogue was recorded before follow-up tasks existed")
	case d.followUpOver:
		return conflict("the follow-up of this dialogue is over: its report has been drafted")
	case len(r.Tasks) == 0:
		return invalid("no tasks given")
	}
	seen := map[string]bool{}
	for _, t := range d.tasks {
		seen[t.State.TaskID] = true
	}
	for i, t := range r.Tasks {
		if !d.conclusions[t.ConclusionID] {
			return invalid(fmt.Sprintf("tasks[%d]: unknown conclusion %s", i, t.ConclusionID))
		}
		if seen[t.ID] {
			return conflict(fmt.Sprintf("tasks[%d]: task %s already exists", i, t.ID))
		}
		seen[t.ID] = true
		if err := validateTaskSpec(t, workflow.Now(ctx)); err != nil {
			return invalid(fmt.Sprintf("tasks[%d]: %s", i, err))
		}
	}
	return nil
}

func validateTaskSpec(t domain.TaskSpec, now time.Time) error {
	switch {
	case t.ID == "":
		return fmt.Errorf("id is required")
	case strings.TrimSpace(t.Title) == "":
		return fmt.Errorf("title is required")
	case strings.TrimSpace(t.Assignee.Agency) == "":
		return fmt.Errorf("assignee agency is required")
	case t.DueAt == nil && t.DueInWorkingDays <= 0:
		return fmt.Errorf("a deadline (due_at or due_in_working_days) is required")
	case t.DueAt != nil && t.DueInWorkingDays > 0:
		return fmt.Errorf("give due_at or due_in_working_days, not both")
	case t.DueAt != nil && !t.DueAt.After(now):
		return fmt.Errorf("the deadline is in the past")
	}
	return nil
}

func (d *dialogue) addTasks(ctx workflow.Context, r AddTasksRequest) (AddTasksResult, error) {
	unlock, err := d.lock(ctx, func() error { return d.validateAddTasks(ctx, r) })
	if err != nil {
		return AddTasksResult{}, err
	}
	defer unlock()
	tasks, err := d.planTasks(ctx, r.Tasks)
	if err != nil {
		return AddTasksResult{}, err
	}
	states := make([]activities.TaskState, len(tasks))
	for i, t := range tasks {
		states[i] = t.State
	}
	var acts *activities.Activities
	if err := workflow.ExecuteActivity(commandActivity(ctx), acts.SaveTasks, activities.SaveTasksInput{Tasks: states, Actor: r.Actor}).Get(ctx, nil); err != nil {
		return AddTasksResult{}, fmt.Errorf("save tasks: %w", err)
	}
	d.tasks = append(d.tasks, tasks...)
	res := AddTasksResult{TaskIDs: []string{}}
	for _, t := range tasks {
		res.TaskIDs = append(res.TaskIDs, t.State.TaskID)
	}
	return res, nil
}

func (d *dialogue) close(ctx workflow.Context) {
	d.setPhase(ctx, domain.PhaseClosed, domain.Actor{ID: "system"}, "")
}

func (d *dialogue) title() string {
	if d.in.Spec.Title != "" {
		return d.in.Spec.Title
	}
	if d.in.Spec.Topic != "" {
		return d.in.Spec.Topic
	}
	return "Hội nghị " + d.scheduledAt.In(domain.Location).Format("02/01/2006")
}

func (d *dialogue) validateReschedule(ctx workflow.Context, r RescheduleRequest) error {
	if d.terminal() || d.recorded || d.phase == domain.PhaseSessionRecorded {
		return conflict(fmt.Sprintf("dialogue is %s and can no longer be rescheduled", d.phase))
	}
	if d.cancelled {
		return conflict("dialogue is cancelled")
	}
	if r.ScheduledAt.IsZero() {
		return invalid("scheduled_at is required")
	}
	if !r.ScheduledAt.After(workflow.Now(ctx)) {
		return invalid("the new date must be in the future")
	}
	if y := r.ScheduledAt.In(domain.Location).Year(); y != d.in.PlanYear {
		return invalid(fmt.Sprintf("the new date is in %d, outside the plan year %d", y, d.in.PlanYear))
	}
	if r.ScheduledAt.Equal(d.scheduledAt) {
		return invalid("the new date is the current date")
	}
	return nil
}

func (d *dialogue) reschedule(ctx workflow.Context, r RescheduleRequest) (DialogueState, error) {
	unlock, err := d.lock(ctx, func() error { return d.validateReschedule(ctx, r) })
	if err != nil {
		return DialogueState{}, err
	}
	defer unlock()
	gen := d.generation + 1
	w := domain.WindowFor(r.ScheduledAt, d.in.Policy)
	var acts *activities.Activities
	in := activities.RescheduleInput{DialogueID: d.in.DialogueID, UnitID: d.in.UnitID, ScheduledAt: r.ScheduledAt, Window: w, Generation: gen, Place: r.Place, Reason: r.Reason, Actor: r.Actor}
	if err := workflow.ExecuteActivity(commandActivity(ctx), acts.RescheduleDialogue, in).Get(ctx, nil); err != nil {
		return DialogueState{}, fmt.Errorf("save new date: %w", err)
	}
	d.scheduledAt, d.window, d.generation = r.ScheduledAt, w, gen
	return d.state(), nil
}

func (d *dialogue) validateCancel(ctx workflow.Context, r CancelRequest) error {
	if d.terminal() || d.cancelled {
		return conflict(fmt.Sprintf("dialogue is already %s", d.phase))
	}
	if d.recorded || d.phase == domain.PhaseSessionRecorded {
		return conflict("the session has been recorded; the dialogue can no longer be cancelled")
	}
	if strings.TrimSpace(r.Reason) == "" {
		return invalid("a reason is required")
	}
	return nil
}

func (d *dialogue) cancel(ctx workflow.Context, r CancelRequest) (DialogueState, error) {
	unlock, err := d.lock(ctx, func() error { return d.validateCancel(ctx, r) })
	if err != nil {
		return DialogueState{}, err
	}
	defer unlock()
	var acts *activities.Activities
	in := activities.PhaseInput{DialogueID: d.in.DialogueID, UnitID: d.in.UnitID, Phase: domain.PhaseCancelled, At: workflow.Now(ctx), Reason: r.Reason, Actor: r.Actor}
	if err := workflow.ExecuteActivity(commandActivity(ctx), acts.SetDialoguePhase, in).Get(ctx, nil); err != nil {
		return DialogueState{}, fmt.Errorf("save cancellation: %w", err)
	}
	d.cancelled, d.cancelReason, d.phase = true, r.Reason, domain.PhaseCancelled
	d.nextEvent, d.nextEventAt = "", time.Time{}
	return d.state(), nil
}

func (d *dialogue) validateRecordSession(ctx workflow.Context, r RecordSessionRequest) error {
	switch {
	case d.terminal() || d.cancelled:
		return conflict(fmt.Sprintf("dialogue is %s", d.phase))
	case d.recorded:
		return conflict("the session has already been recorded")
	case d.phase == domain.PhaseScheduled || d.phase == domain.PhaseSurveyOpen:
		return conflict("the survey has not closed yet: reschedule the dialogue to an earlier date first")
	}
	return ValidateSession(r.Session, workflow.Now(ctx))
}

// ValidateSession checks a session record's content; the API runs it too so
// clients get field-level errors before anything reaches the workflow.
func ValidateSession(s domain.Session, now time.Time) error {
	var errs []string
	if s.HeldAt.IsZero() {
		errs = append(errs, "held_at is required")
	} else if s.HeldAt.After(now.Add(time.Hour)) {
		errs = append(errs, "held_at is in the future")
	}
	if s.Attendance.Total < 0 {
		errs = append(errs, "attendance.total must not be negative")
	}
	for i, o := range s.Opinions {
		if strings.TrimSpace(o.Field) == "" || strings.TrimSpace(o.Content) == "" {
			errs = append(errs, fmt.Sprintf("opinions[%d] needs field and content", i))
		}
		if o.Source != domain.SourceSurvey && o.Source != domain.SourceFloor {
			errs = append(errs, fmt.Sprintf("opinions[%d].source must be survey or floor", i))
		}
	}
	seen := map[string]bool{}
	for i, c := range s.Conclusions {
		if c.ID == "" || strings.TrimSpace(c.Content) == "" {
			errs = append(errs, fmt.Sprintf("conclusions[%d] needs id and content", i))
		}
		if seen[c.ID] {
			errs = append(errs, fmt.Sprintf("conclusions[%d] repeats id %s", i, c.ID))
		}
		seen[c.ID] = true
		for j, t := range c.Tasks {
			if seen[t.ID] {
				errs = append(errs, fmt.Sprintf("conclusions[%d].tasks[%d] repeats id %s", i, j, t.ID))
			}
			seen[t.ID] = true
			if err := validateTaskSpec(t, now); err != nil {
				errs = append(errs, fmt.Sprintf("conclusions[%d].tasks[%d]: %s", i, j, err))
			}
		}
	}
	if len(errs) > 0 {
		return invalid(strings.Join(errs, "; "))
	}
	return nil
}

func (d *dialogue) recordSession(ctx workflow.Context, r RecordSessionRequest) (DialogueState, error) {
	unlock, err := d.lock(ctx, func() error { return d.validateRecordSession(ctx, r) })
	if err != nil {
		return DialogueState{}, err
	}
	defer unlock()
	var tasks []TaskInput
	withTasks := workflow.GetVersion(ctx, versionFollowUp, workflow.DefaultVersion, 1) >= 1
	if withTasks {
		var specs []domain.TaskSpec
		for _, c := range r.Session.Conclusions {
			for _, t := range c.Tasks {
				t.ConclusionID = c.ID
				specs = append(specs, t)
			}
		}
		var err error
		if tasks, err = d.planTasks(ctx, specs); err != nil {
			return DialogueState{}, err
		}
	}
	var acts *activities.Activities
	in := activities.SaveSessionInput{DialogueID: d.in.DialogueID, UnitID: d.in.UnitID, Session: r.Session, At: workflow.Now(ctx), Actor: r.Actor}
	for _, t := range tasks {
		in.Tasks = append(in.Tasks, t.State)
	}
	if err := workflow.ExecuteActivity(commandActivity(ctx), acts.SaveSession, in).Get(ctx, nil); err != nil {
		return DialogueState{}, fmt.Errorf("save session: %w", err)
	}
	d.recorded, d.phase = true, domain.PhaseSessionRecorded
	if withTasks {
		d.tasksEnabled, d.heldAt, d.tasks = true, r.Session.HeldAt, tasks
		d.conclusions = map[string]bool{}
		for _, c := range r.Session.Conclusions {
			d.conclusions[c.ID] = true
		}
	}
	return d.state(), nil
}
