package workflows

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/doithoai/doithoai/activities"
	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/internal/lifecycle"
)

// DialogueInput starts a dialogue workflow.
type DialogueInput struct {
	DialogueID string              `json:"dialogue_id"`
	PlanID     string              `json:"plan_id"`
	UnitID     string              `json:"unit_id"`
	PlanYear   int                 `json:"plan_year"`
	Spec       domain.DialogueSpec `json:"spec"`
	Policy     domain.Policy       `json:"policy"`
	// Resume is set when the workflow continues as new during follow-up.
	Resume *DialogueResume `json:"resume,omitempty"`
	// HistoryLimit overrides the history length after which the dialogue
	// continues as new (0: historyLimit); tests set it low.
	HistoryLimit int `json:"history_limit,omitempty"`
}

// DialogueResume is what a dialogue in follow-up carries across
// continue-as-new.
type DialogueResume struct {
	ScheduledAt time.Time `json:"scheduled_at"`
	Generation  int       `json:"generation"`
	HeldAt      time.Time `json:"held_at"`
	Conclusions []string  `json:"conclusions"`
	// Tasks lists every task of the dialogue; Open those not settled.
	Tasks []string `json:"tasks"`
	Open  []string `json:"open"`
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
	// TasksOpen counts the tasks not settled; TasksStarting those of them
	// whose workflows are still being started.
	TasksOpen     int `json:"tasks_open,omitempty"`
	TasksStarting int `json:"tasks_starting,omitempty"`
}

// DialogueResult is how a dialogue ended.
type DialogueResult struct {
	DialogueID string `json:"dialogue_id"`
	Phase      string `json:"phase"`
}

// TaskSettled is the signal a task sends its dialogue when it ends.
type TaskSettled struct {
	TaskID string `json:"task_id"`
	Status string `json:"status"`
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

	// Follow-up.
	heldAt       time.Time
	conclusions  map[string]bool
	known        map[string]bool // every task of the dialogue (lookup only)
	open         map[string]bool // tasks not settled (lookup only)
	queue        []TaskInput     // tasks saved whose workflows are not started yet
	starting     int             // tasks whose workflows are being started now
	followUpOver bool            // no more tasks are taken
	poll         func()          // takes in the tasks' settled signals

	lock       commandLock
	deliveries deliveries
}

// Dialogue runs one dialogue: open survey → close survey → await session →
// follow up → close. Reschedule moves every pending timer; cancel ends it.
// A dialogue in follow-up continues as new before its history grows large.
func Dialogue(ctx workflow.Context, in DialogueInput) (DialogueResult, error) {
	if err := validateDialogueInput(in); err != nil {
		return DialogueResult{}, err
	}
	d := &dialogue{
		in: in, phase: domain.PhaseScheduled, scheduledAt: in.Spec.ScheduledAt, window: domain.WindowFor(in.Spec.ScheduledAt, in.Policy),
		known: map[string]bool{}, open: map[string]bool{}, conclusions: map[string]bool{}, lock: newCommandLock(ctx),
		deliveries: newDeliveries(in.Policy),
	}
	if r := in.Resume; r != nil {
		d.resume(*r)
	}
	if err := d.setup(ctx); err != nil {
		return DialogueResult{}, err
	}
	if d.recorded || (d.openSurvey(ctx) && d.closeSurvey(ctx) && d.awaitSession(ctx)) {
		if err := d.followUp(ctx); err != nil {
			return DialogueResult{}, err // continue-as-new
		}
		d.close(ctx)
	}
	// Let Update handlers and deliveries in flight finish before the
	// workflow completes.
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) && d.deliveries.idle() }); err != nil {
		return DialogueResult{}, err
	}
	d.scheduleContactPurge(ctx)
	d.tellPlan(ctx)
	return DialogueResult{DialogueID: in.DialogueID, Phase: d.phase}, nil
}

func validateDialogueInput(in DialogueInput) error {
	switch {
	case in.DialogueID == "" || in.PlanID == "" || in.UnitID == "":
		return invalid("dialogue input needs dialogue, plan and unit ids")
	case in.Spec.ScheduledAt.IsZero():
		return invalid("dialogue input needs a date")
	}
	if err := lifecycle.Err(lifecycle.ValidatePolicy(in.Policy)); err != nil {
		return invalid(err.Error())
	}
	return nil
}

// resume restores a dialogue in follow-up after continue-as-new.
func (d *dialogue) resume(r DialogueResume) {
	d.phase, d.recorded = domain.PhaseSessionRecorded, true
	d.scheduledAt, d.generation, d.heldAt = r.ScheduledAt, r.Generation, r.HeldAt
	d.window = domain.WindowFor(r.ScheduledAt, d.in.Policy)
	d.conclusions, d.known, d.open = setOf(r.Conclusions), setOf(r.Tasks), setOf(r.Open)
}

// setup registers the query, the Updates and the settled-task signal.
func (d *dialogue) setup(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, QueryState, func() (DialogueState, error) { return d.state(), nil }); err != nil {
		return fmt.Errorf("register query: %w", err)
	}
	if err := registerUpdates(ctx, []update{
		{UpdateReschedule, d.reschedule, d.validateReschedule},
		{UpdateCancel, d.cancel, d.validateCancel},
		{UpdateRecordSession, d.recordSession, d.validateRecordSession},
		{UpdateAddTasks, d.addTasks, d.validateAddTasks},
		{UpdateDialogueMoveUnit, d.moveUnit, validateMoveUnit},
	}); err != nil {
		return err
	}
	d.poll = signals(ctx, SignalTaskSettled, func(s TaskSettled) { delete(d.open, s.TaskID) })
	return nil
}

func (d *dialogue) state() DialogueState {
	st := DialogueState{
		DialogueID: d.in.DialogueID, Phase: d.phase, ScheduledAt: d.scheduledAt, Window: d.window,
		Generation: d.generation, CancelReason: d.cancelReason, NextEvent: d.nextEvent,
		SessionMissedAlerted: d.alertedGen == d.generation+1,
		TasksOpen:            len(d.open), TasksStarting: len(d.queue) + d.starting,
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
	d.setPhase(ctx, domain.PhaseSurveyOpen, systemActor, "")
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
		d.deliveries.send(ctx, "notification", id)
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
		d.deliveries.send(ctx, "alert", id)
	}
}

func (d *dialogue) close(ctx workflow.Context) {
	d.setPhase(ctx, domain.PhaseClosed, systemActor, "")
}

// tellPlan signals the plan that this dialogue has ended. A plan that has
// already closed (an operator ended it) is no error.
func (d *dialogue) tellPlan(ctx workflow.Context) {
	err := workflow.SignalExternalWorkflow(ctx, PlanWorkflowID(d.in.PlanID), "", SignalDialogueClosed,
		DialogueClosed{DialogueID: d.in.DialogueID, Phase: d.phase}).Get(ctx, nil)
	if err != nil {
		workflow.GetLogger(ctx).Warn("plan not told of the dialogue's end", "plan_id", d.in.PlanID, "error", err)
	}
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
