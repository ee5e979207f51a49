package workflows

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/doithoai/doithoai/activities"
	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/internal/lifecycle"
)

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

// lifecycleState is what the lifecycle rules read of the dialogue.
func (d *dialogue) lifecycleState() lifecycle.DialogueState {
	return lifecycle.DialogueState{Phase: d.phase, Cancelled: d.cancelled, Recorded: d.recorded, FollowUpOver: d.followUpOver}
}

func (d *dialogue) validateReschedule(ctx workflow.Context, r RescheduleRequest) error {
	if err := refuse(d.lifecycleState().RefuseReschedule()); err != nil {
		return err
	}
	return invalidFields(lifecycle.ValidateReschedule(r.ScheduledAt, d.scheduledAt, d.in.PlanYear, workflow.Now(ctx)))
}

func (d *dialogue) reschedule(ctx workflow.Context, r RescheduleRequest) (DialogueState, error) {
	unlock, err := d.lock.acquire(ctx, func() error { return d.validateReschedule(ctx, r) })
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
	if err := refuse(d.lifecycleState().RefuseCancel()); err != nil {
		return err
	}
	return invalidFields(lifecycle.Required("reason", r.Reason))
}

func (d *dialogue) cancel(ctx workflow.Context, r CancelRequest) (DialogueState, error) {
	unlock, err := d.lock.acquire(ctx, func() error { return d.validateCancel(ctx, r) })
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

// moveUnit puts the dialogue under the successor of its merged unit: its
// row, its later events and alerts, and the tasks it assigns from now on.
// A dialogue of another unit is left as it is, so a repeated move changes
// nothing.
func (d *dialogue) moveUnit(ctx workflow.Context, r MoveUnitRequest) (DialogueState, error) {
	unlock, err := d.lock.acquire(ctx, func() error { return validateMoveUnit(ctx, r) })
	if err != nil {
		return DialogueState{}, err
	}
	defer unlock()
	if d.in.UnitID != r.From {
		return d.state(), nil
	}
	var acts *activities.Activities
	in := activities.MoveDialogueInput{DialogueID: d.in.DialogueID, From: r.From, To: r.To, MergerID: r.MergerID, Actor: r.Actor}
	if err := workflow.ExecuteActivity(commandActivity(ctx), acts.MoveDialogueUnit, in).Get(ctx, nil); err != nil {
		return DialogueState{}, fmt.Errorf("move dialogue: %w", err)
	}
	d.in.UnitID = r.To
	return d.state(), nil
}

func (d *dialogue) validateRecordSession(ctx workflow.Context, r RecordSessionRequest) error {
	if err := refuse(d.lifecycleState().RefuseRecordSession()); err != nil {
		return err
	}
	now := workflow.Now(ctx)
	return invalidFields(append(lifecycle.ValidateSession(r.Session, now), lifecycle.ValidateSessionStart(d.scheduledAt, r.Session.HeldAt, now)...))
}

func (d *dialogue) recordSession(ctx workflow.Context, r RecordSessionRequest) (DialogueState, error) {
	unlock, err := d.lock.acquire(ctx, func() error { return d.validateRecordSession(ctx, r) })
	if err != nil {
		return DialogueState{}, err
	}
	defer unlock()
	var specs []domain.TaskSpec
	for _, c := range r.Session.Conclusions {
		for _, t := range c.Tasks {
			t.ConclusionID = c.ID
			specs = append(specs, t)
		}
	}
	tasks, err := d.planTasks(ctx, specs)
	if err != nil {
		return DialogueState{}, err
	}
	var acts *activities.Activities
	in := activities.SaveSessionInput{DialogueID: d.in.DialogueID, UnitID: d.in.UnitID, Session: r.Session, At: workflow.Now(ctx), Actor: r.Actor}
	for _, t := range tasks {
		in.Tasks = append(in.Tasks, t.State)
	}
	if err := workflow.ExecuteActivity(commandActivity(ctx), acts.SaveSession, in).Get(ctx, nil); err != nil {
		return DialogueState{}, fmt.Errorf("save session: %w", err)
	}
	d.recorded, d.phase, d.heldAt = true, domain.PhaseSessionRecorded, r.Session.HeldAt
	for _, c := range r.Session.Conclusions {
		d.conclusions[c.ID] = true
	}
	d.enqueue(tasks)
	// Respondents who left a contact and were answered on the spot are
	// told.
	d.deliveries.send(ctx, activities.DeliverItemRespondents, d.in.DialogueID)
	return d.state(), nil
}
