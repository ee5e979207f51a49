package workflows

import (
	"fmt"
	"strings"
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
	switch {
	case d.terminal() || d.cancelled:
		return conflict(fmt.Sprintf("dialogue is %s", d.phase))
	case d.recorded:
		return conflict("the session has already been recorded")
	case d.phase == domain.PhaseScheduled || d.phase == domain.PhaseSurveyOpen:
		return conflict("the survey has not closed yet: reschedule the dialogue to an earlier date first")
	}
	now := workflow.Now(ctx)
	errs := append(lifecycle.ValidateSession(r.Session, now), lifecycle.ValidateSessionStart(d.scheduledAt, r.Session.HeldAt, now)...)
	if err := lifecycle.Err(errs); err != nil {
		return invalid(err.Error())
	}
	return nil
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
