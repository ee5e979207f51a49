package workflows

import (
	"fmt"
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/doithoai/doithoai/activities"
	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/internal/lifecycle"
)

// PlanInput starts a plan workflow: the plan as issued, who issued it and,
// after a continue-as-new, where the previous run stopped.
type PlanInput struct {
	domain.PlanSpec
	Actor domain.Actor `json:"actor"`
	// Resume is set when the workflow continues as new.
	Resume *PlanResume `json:"resume,omitempty"`
	// HistoryLimit overrides the history length after which the plan
	// continues as new (0: historyLimit); tests set it low.
	HistoryLimit int `json:"history_limit,omitempty"`
}

// PlanResume is what a plan carries across continue-as-new.
type PlanResume struct {
	// Open lists the dialogues started and not yet closed.
	Open []string `json:"open"`
	// Started counts every dialogue the plan has started.
	Started int `json:"started"`
}

// PlanState is the live state of a plan.
type PlanState struct {
	PlanID string `json:"plan_id"`
	// Phase is saving, active (the year runs), closing (the year is over,
	// waiting for dialogues to close) or closed.
	Phase string `json:"phase"`
	Saved bool   `json:"saved"`
	// Dialogues lists the dialogues started and not yet closed.
	Dialogues     []string  `json:"dialogues"`
	OpenDialogues int       `json:"open_dialogues"`
	YearEndsAt    time.Time `json:"year_ends_at"`
}

// PlanResult is how a plan ended.
type PlanResult struct {
	PlanID    string `json:"plan_id"`
	Dialogues int    `json:"dialogues"`
}

// AddDialogueRequest is the argument of UpdateAddDialogue. The dialogue id
// comes from the caller, so a retried request adds nothing twice.
type AddDialogueRequest struct {
	Spec  domain.DialogueSpec `json:"spec"`
	Actor domain.Actor        `json:"actor"`
}

// AddDialogueResult names the dialogue added.
type AddDialogueResult struct {
	DialogueID string `json:"dialogue_id"`
	WorkflowID string `json:"workflow_id"`
}

// DialogueClosed is the signal a dialogue sends its plan when it ends.
type DialogueClosed struct {
	DialogueID string `json:"dialogue_id"`
	Phase      string `json:"phase"`
}

// Plan phases.
const (
	PlanPhaseSaving  = "saving"
	PlanPhaseActive  = "active"
	PlanPhaseClosing = "closing"
	PlanPhaseClosed  = "closed"
)

type plan struct {
	in       PlanInput
	phase    string
	saved    bool
	yearEnd  time.Time
	yearOver bool
	open     map[string]bool // dialogues started and not closed (lookup only)
	started  int
	poll     func() // takes in the dialogues' closing signals
}

// Plan runs an annual plan: it saves the plan, starts its dialogues' own
// workflows (from an activity, many at a time), accepts ad hoc dialogues
// while the year runs, hears each dialogue close by signal, continues as new
// before its history grows large, and ends after the year is over and every
// dialogue has closed.
func Plan(ctx workflow.Context, in PlanInput) (PlanResult, error) {
	if err := ValidatePlanInput(in); err != nil {
		return PlanResult{}, err
	}
	p := &plan{
		in: in, phase: PlanPhaseSaving, open: map[string]bool{},
		yearEnd: time.Date(in.Year+1, time.January, 1, 0, 0, 0, 0, domain.Location),
	}
	if r := in.Resume; r != nil {
		// Restored before the handlers are registered: Updates that waited
		// for the new run are checked against this state.
		p.phase, p.saved, p.open, p.started = PlanPhaseActive, true, setOf(r.Open), r.Started
	}
	if err := p.setup(ctx); err != nil {
		return PlanResult{}, err
	}
	if in.Resume == nil {
		if err := p.save(ctx); err != nil {
			return PlanResult{}, err
		}
		// Active as soon as it is saved: the API answers then, and the
		// planner may add a dialogue while the first ones are starting.
		p.phase = PlanPhaseActive
		if err := p.startDialogues(ctx, in.Dialogues); err != nil {
			return PlanResult{}, err
		}
	}
	if err := p.runYear(ctx); err != nil {
		return PlanResult{}, err
	}
	p.phase = PlanPhaseClosing
	if err := p.awaitDialogues(ctx); err != nil {
		return PlanResult{}, err
	}
	p.close(ctx)
	return PlanResult{PlanID: in.PlanID, Dialogues: p.started}, nil
}

// ValidatePlanInput checks what the workflow needs by the lifecycle rules
// the API applies field by field before starting it.
func ValidatePlanInput(in PlanInput) error {
	var errs []string
	if in.PlanID == "" || in.UnitID == "" {
		errs = append(errs, "plan and unit ids are required")
	}
	if in.Year < 2000 || in.Year > 2100 {
		errs = append(errs, "year must be between 2000 and 2100")
	}
	rules := lifecycle.ValidatePolicy(in.Policy)
	for i, d := range in.Dialogues {
		rules = append(rules, lifecycle.Prefix(fmt.Sprintf("dialogues[%d]", i), lifecycle.ValidateDialogueSpec(d, in.Year))...)
	}
	if err := lifecycle.Err(rules); err != nil {
		errs = append(errs, err.Error())
	}
	if len(errs) > 0 {
		return temporal.NewNonRetryableApplicationError(strings.Join(errs, "; "), ErrTypeInvalid, nil)
	}
	return nil
}

func (p *plan) setup(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, QueryState, func() (PlanState, error) { return p.state(), nil }); err != nil {
		return fmt.Errorf("register query: %w", err)
	}
	if err := workflow.SetUpdateHandler(ctx, UpdatePlanSaved, func(ctx workflow.Context) (PlanState, error) {
		if err := workflow.Await(ctx, func() bool { return p.saved }); err != nil {
			return PlanState{}, err
		}
		return p.state(), nil
	}); err != nil {
		return fmt.Errorf("register saved: %w", err)
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateAddDialogue, p.addDialogue,
		workflow.UpdateHandlerOptions{Validator: p.validateAddDialogue}); err != nil {
		return fmt.Errorf("register add dialogue: %w", err)
	}
	p.poll = signals(ctx, SignalDialogueClosed, func(s DialogueClosed) { delete(p.open, s.DialogueID) })
	return nil
}

func (p *plan) state() PlanState {
	return PlanState{PlanID: p.in.PlanID, Phase: p.phase, Saved: p.saved, Dialogues: sortedKeys(p.open), OpenDialogues: len(p.open), YearEndsAt: p.yearEnd}
}

// save writes the plan and its dialogues before anything else runs.
func (p *plan) save(ctx workflow.Context) error {
	var acts *activities.Activities
	in := activities.SavePlanInput{PlanSpec: p.in.PlanSpec, Actor: p.in.Actor}
	if err := workflow.ExecuteActivity(backgroundActivity(ctx), acts.SavePlan, in).Get(ctx, nil); err != nil {
		return fmt.Errorf("save plan: %w", err)
	}
	p.saved = true
	return nil
}

// startDialogues starts the dialogue workflows from an activity and counts
// each open until it signals its end.
func (p *plan) startDialogues(ctx workflow.Context, specs []domain.DialogueSpec) error {
	starts := make([]start, len(specs))
	for i, spec := range specs {
		starts[i] = start{id: DialogueWorkflowID(spec.ID), input: p.dialogueInput(spec)}
		p.open[spec.ID] = true
	}
	if err := startWorkflows(ctx, DialogueWorkflowName, workflow.GetInfo(ctx).TaskQueueName, starts); err != nil {
		return err
	}
	p.started += len(specs)
	return nil
}

func (p *plan) dialogueInput(spec domain.DialogueSpec) DialogueInput {
	return DialogueInput{DialogueID: spec.ID, PlanID: p.in.PlanID, UnitID: spec.Unit(p.in.UnitID), PlanYear: p.in.Year, Spec: spec, Policy: p.in.Policy}
}

// runYear waits until the plan year is over, continuing as new when the
// history grows large.
func (p *plan) runYear(ctx workflow.Context) error {
	for {
		wait := p.yearEnd.Sub(workflow.Now(ctx))
		if wait <= 0 {
			p.yearOver = true
			return nil
		}
		cont := p.shouldContinue(ctx)
		if _, err := workflow.AwaitWithTimeout(ctx, wait, func() bool { p.poll(); return cont() }); err != nil {
			return err
		}
		if p.shouldContinue(ctx)() {
			return p.continueAsNew(ctx)
		}
	}
}

// reconcileEvery is how often a plan past its year checks that the
// dialogues it still waits for are running.
const reconcileEvery = 24 * time.Hour

// awaitDialogues waits until every dialogue has closed, continuing as new
// when the history grows large. Once a day it drops the dialogues whose
// workflows ended without telling it (an operator terminated one).
func (p *plan) awaitDialogues(ctx workflow.Context) error {
	for {
		cont := p.shouldContinue(ctx)
		done, err := workflow.AwaitWithTimeout(ctx, reconcileEvery, func() bool {
			p.poll()
			return (len(p.open) == 0 && workflow.AllHandlersFinished(ctx)) || cont()
		})
		if err != nil {
			return err
		}
		switch {
		case !done:
			p.reconcile(ctx)
		case len(p.open) == 0 && workflow.AllHandlersFinished(ctx):
			return nil
		default:
			return p.continueAsNew(ctx)
		}
	}
}

// reconcile drops the open dialogues whose workflows are no longer running.
func (p *plan) reconcile(ctx workflow.Context) {
	ids := sortedKeys(p.open)
	wids := make([]string, len(ids))
	for i, id := range ids {
		wids[i] = DialogueWorkflowID(id)
	}
	var acts *activities.Activities
	var ended []string
	if err := workflow.ExecuteActivity(backgroundActivity(ctx), acts.EndedWorkflows, activities.EndedWorkflowsInput{WorkflowIDs: wids}).Get(ctx, &ended); err != nil {
		workflow.GetLogger(ctx).Error("check open dialogues", "error", err)
		return
	}
	p.poll()
	for _, wid := range ended {
		id := strings.TrimPrefix(wid, DialogueWorkflowID(""))
		if p.open[id] {
			workflow.GetLogger(ctx).Warn("dialogue workflow ended without telling its plan", "dialogue_id", id)
			delete(p.open, id)
		}
	}
}

// shouldContinue is true once the history is large and no command is
// running (an Update in flight must finish in this run).
func (p *plan) shouldContinue(ctx workflow.Context) func() bool {
	return func() bool {
		return continueSuggested(ctx, p.in.HistoryLimit) && workflow.AllHandlersFinished(ctx)
	}
}

func (p *plan) continueAsNew(ctx workflow.Context) error {
	p.poll()
	next := p.in
	next.Dialogues = nil
	next.Resume = &PlanResume{Open: sortedKeys(p.open), Started: p.started}
	return workflow.NewContinueAsNewError(ctx, PlanWorkflowName, next)
}

// close drafts the plan's supervision report and closes the plan.
func (p *plan) close(ctx workflow.Context) {
	var acts *activities.Activities
	var rep activities.ReportResult
	if err := workflow.ExecuteActivity(backgroundActivity(ctx), acts.GenerateReport,
		activities.ReportInput{Kind: "plan", ID: p.in.PlanID}).Get(ctx, &rep); err != nil {
		workflow.GetLogger(ctx).Error("plan report failed", "error", err)
	}
	if err := workflow.ExecuteActivity(backgroundActivity(ctx), acts.ClosePlan,
		activities.ClosePlanInput{PlanID: p.in.PlanID, UnitID: p.in.UnitID, At: workflow.Now(ctx)}).Get(ctx, nil); err != nil {
		workflow.GetLogger(ctx).Error("close plan failed", "error", err)
	}
	p.phase = PlanPhaseClosed
}

func (p *plan) validateAddDialogue(ctx workflow.Context, r AddDialogueRequest) error {
	if err := refuse(lifecycle.RefuseAddDialogue(p.phase == PlanPhaseActive && !p.yearOver, p.open[r.Spec.ID])); err != nil {
		return err
	}
	if err := invalidFields(lifecycle.ValidateDialogueSpec(r.Spec, p.in.Year)); err != nil {
		return err
	}
	return invalidFields(lifecycle.InFuture("scheduled_at", r.Spec.ScheduledAt, workflow.Now(ctx)))
}

// addDialogue writes an ad hoc dialogue and starts its workflow. Additions
// run side by side; a retried request (same id) adds nothing twice: the
// insert and the start are both idempotent.
func (p *plan) addDialogue(ctx workflow.Context, r AddDialogueRequest) (AddDialogueResult, error) {
	res := AddDialogueResult{DialogueID: r.Spec.ID, WorkflowID: DialogueWorkflowID(r.Spec.ID)}
	if p.open[r.Spec.ID] {
		return res, nil // a concurrent update with the same id won
	}
	p.open[r.Spec.ID] = true
	var acts *activities.Activities
	in := activities.InsertDialogueInput{PlanID: p.in.PlanID, UnitID: p.in.UnitID, Spec: r.Spec, Policy: p.in.Policy, Actor: r.Actor}
	if err := workflow.ExecuteActivity(commandActivity(ctx), acts.InsertDialogue, in).Get(ctx, nil); err != nil {
		delete(p.open, r.Spec.ID)
		return AddDialogueResult{}, fmt.Errorf("save dialogue: %w", err)
	}
	// The row exists now: its workflow must follow, so the start retries
	// until it is done.
	if err := p.startDialogues(ctx, []domain.DialogueSpec{r.Spec}); err != nil {
		return AddDialogueResult{}, err
	}
	return res, nil
}
