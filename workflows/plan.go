package workflows

import (
	"errors"
	"fmt"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/doithoai/doithoai/activities"
	"github.com/doithoai/doithoai/internal/domain"
)

// PlanInput starts a plan workflow.
type PlanInput struct {
	PlanID      string                `json:"plan_id"`
	UnitID      string                `json:"unit_id"`
	Year        int                   `json:"year"`
	ReferenceNo string                `json:"reference_no"`
	IssuingBody string                `json:"issuing_body"`
	Title       string                `json:"title,omitempty"`
	Policy      domain.Policy         `json:"policy"`
	Dialogues   []domain.DialogueSpec `json:"dialogues"`
	Actor       domain.Actor          `json:"actor"`
}

// PlanState is the live state of a plan.
type PlanState struct {
	PlanID string `json:"plan_id"`
	// Phase is saving, active (the year runs), closing (the year is over,
	// waiting for dialogues to close) or closed.
	Phase         string    `json:"phase"`
	Saved         bool      `json:"saved"`
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

// Plan phases.
const (
	PlanPhaseSaving  = "saving"
	PlanPhaseActive  = "active"
	PlanPhaseClosing = "closing"
	PlanPhaseClosed  = "closed"
)

type plan struct {
	in        PlanInput
	phase     string
	saved     bool
	yearEnd   time.Time
	yearOver  bool
	dialogues []string        // ids in the order started
	known     map[string]bool // ids of dialogues started (lookup only)
	open      int
}

// Plan runs an annual plan: it saves the plan, starts one dialogue workflow
// per dialogue, accepts ad hoc dialogues while the year runs, and ends after
// the year is over and every dialogue has closed.
func Plan(ctx workflow.Context, in PlanInput) (PlanResult, error) {
	if err := ValidatePlanInput(in); err != nil {
		return PlanResult{}, err
	}
	p := &plan{
		in: in, phase: PlanPhaseSaving, known: map[string]bool{},
		yearEnd: time.Date(in.Year+1, time.January, 1, 0, 0, 0, 0, domain.Location),
	}
	if err := p.setup(ctx); err != nil {
		return PlanResult{}, err
	}
	if err := p.save(ctx); err != nil {
		return PlanResult{}, err
	}
	p.phase = PlanPhaseActive
	if workflow.GetVersion(ctx, versionBatchStarts, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		for _, spec := range in.Dialogues {
			if err := p.startDialogue(ctx, spec); err != nil {
				return PlanResult{}, err
			}
		}
	} else if err := p.startDialogues(ctx, in.Dialogues); err != nil {
		return PlanResult{}, err
	}
	p.runYear(ctx)
	p.phase = PlanPhaseClosing
	if err := workflow.Await(ctx, func() bool { return p.open == 0 && workflow.AllHandlersFinished(ctx) }); err != nil {
		return PlanResult{}, err
	}
	var acts *activities.Activities
	if workflow.GetVersion(ctx, versionPlanReport, workflow.DefaultVersion, 1) >= 1 {
		var rep activities.ReportResult
		in := activities.ReportInput{Kind: "plan", ID: in.PlanID}
		if err := workflow.ExecuteActivity(backgroundActivity(ctx), acts.GenerateReport, in).Get(ctx, &rep); err != nil {
			workflow.GetLogger(ctx).Error("plan report failed", "error", err)
		}
	}
	if err := workflow.ExecuteActivity(backgroundActivity(ctx), acts.ClosePlan,
		activities.ClosePlanInput{PlanID: in.PlanID, UnitID: in.UnitID, At: workflow.Now(ctx)}).Get(ctx, nil); err != nil {
		return PlanResult{}, fmt.Errorf("close plan: %w", err)
	}
	p.phase = PlanPhaseClosed
	return PlanResult{PlanID: in.PlanID, Dialogues: len(p.dialogues)}, nil
}

// ValidatePlanInput checks what the workflow needs; the API validates the
// same rules field by field before starting it.
func ValidatePlanInput(in PlanInput) error {
	var errs []string
	if in.PlanID == "" || in.UnitID == "" {
		errs = append(errs, "plan and unit ids are required")
	}
	if in.Year < 2000 || in.Year > 2100 {
		errs = append(errs, "year must be between 2000 and 2100")
	}
	if in.Policy.SurveyClose >= in.Policy.SurveyLead {
		errs = append(errs, "the survey must close after it opens (survey_close < survey_lead)")
	}
	for i, d := range in.Dialogues {
		if err := validateSpec(d, in.Year); err != nil {
			errs = append(errs, fmt.Sprintf("dialogues[%d]: %s", i, err))
		}
	}
	if len(errs) > 0 {
		return temporal.NewNonRetryableApplicationError(strings.Join(errs, "; "), ErrTypeInvalid, nil)
	}
	return nil
}

func validateSpec(d domain.DialogueSpec, year int) error {
	switch {
	case d.ID == "":
		return errors.New("id is required")
	case d.Kind != domain.KindPeriodic && d.Kind != domain.KindThematic && d.Kind != domain.KindAdhoc:
		return fmt.Errorf("unknown kind %q", d.Kind)
	case d.Kind == domain.KindThematic && strings.TrimSpace(d.Topic) == "":
		return errors.New("a thematic dialogue needs a topic")
	case len(d.Hosts) == 0:
		return errors.New("at least one host is required")
	case d.ScheduledAt.In(domain.Location).Year() != year:
		return fmt.Errorf("date %s is outside the plan year %d", d.ScheduledAt.Format(time.RFC3339), year)
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
	return nil
}

func (p *plan) state() PlanState {
	ids := append([]string{}, p.dialogues...)
	return PlanState{PlanID: p.in.PlanID, Phase: p.phase, Saved: p.saved, Dialogues: ids, OpenDialogues: p.open, YearEndsAt: p.yearEnd}
}

// save writes the plan and its dialogues before anything else runs.
func (p *plan) save(ctx workflow.Context) error {
	var acts *activities.Activities
	in := activities.SavePlanInput{
		PlanID: p.in.PlanID, UnitID: p.in.UnitID, Year: p.in.Year, ReferenceNo: p.in.ReferenceNo,
		IssuingBody: p.in.IssuingBody, Title: p.in.Title, Policy: p.in.Policy, Dialogues: p.in.Dialogues, Actor: p.in.Actor,
	}
	if err := workflow.ExecuteActivity(backgroundActivity(ctx), acts.SavePlan, in).Get(ctx, nil); err != nil {
		return fmt.Errorf("save plan: %w", err)
	}
	p.saved = true
	return nil
}

// versionPlanReport guards drafting the plan's supervision report after
// the year ends, before the plan closes.
const versionPlanReport = "plan-report"

// versionBatchStarts guards starting a plan's dialogues in one batch
// instead of one after another.
const versionBatchStarts = "batch-dialogue-starts"

// startDialogues starts the dialogue workflows of a plan: all the starts
// go out in one batch, then each is awaited.
func (p *plan) startDialogues(ctx workflow.Context, specs []domain.DialogueSpec) error {
	futs := make([]workflow.ChildWorkflowFuture, len(specs))
	for i, spec := range specs {
		futs[i] = p.launch(ctx, spec)
	}
	for i, spec := range specs {
		if err := p.track(ctx, spec, futs[i]); err != nil {
			return err
		}
	}
	return nil
}

// launch starts a dialogue workflow as a child, without waiting.
func (p *plan) launch(ctx workflow.Context, spec domain.DialogueSpec) workflow.ChildWorkflowFuture {
	cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
		WorkflowID: DialogueWorkflowID(spec.ID),
		// Dialogues outlive a plan that is terminated by an operator.
		ParentClosePolicy:     enumspb.PARENT_CLOSE_POLICY_ABANDON,
		WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
	})
	p.dialogues = append(p.dialogues, spec.ID)
	p.known[spec.ID] = true
	return workflow.ExecuteChildWorkflow(cctx, DialogueWorkflowName, DialogueInput{
		DialogueID: spec.ID, PlanID: p.in.PlanID, UnitID: p.in.UnitID, PlanYear: p.in.Year, Spec: spec, Policy: p.in.Policy,
	})
}

// startDialogue starts a dialogue workflow as a child and waits until it
// runs; a goroutine of the workflow then counts it closed when it ends.
func (p *plan) startDialogue(ctx workflow.Context, spec domain.DialogueSpec) error {
	return p.track(ctx, spec, p.launch(ctx, spec))
}

// track waits until a launched dialogue runs and counts it open until it
// ends.
func (p *plan) track(ctx workflow.Context, spec domain.DialogueSpec, fut workflow.ChildWorkflowFuture) error {
	if err := fut.GetChildWorkflowExecution().Get(ctx, nil); err != nil {
		var already *temporal.ChildWorkflowExecutionAlreadyStartedError
		if errors.As(err, &already) {
			workflow.GetLogger(ctx).Warn("dialogue workflow already exists; not tracked by this plan run", "dialogue_id", spec.ID)
			return nil
		}
		return fmt.Errorf("start dialogue %s: %w", spec.ID, err)
	}
	p.open++
	workflow.Go(ctx, func(gctx workflow.Context) {
		var res DialogueResult
		if err := fut.Get(gctx, &res); err != nil {
			workflow.GetLogger(gctx).Error("dialogue workflow failed", "dialogue_id", spec.ID, "error", err)
		}
		p.open--
	})
	return nil
}

// runYear waits until the plan year is over.
func (p *plan) runYear(ctx workflow.Context) {
	if wait := p.yearEnd.Sub(workflow.Now(ctx)); wait > 0 {
		if err := workflow.Sleep(ctx, wait); err != nil {
			return
		}
	}
	p.yearOver = true
}

func (p *plan) validateAddDialogue(ctx workflow.Context, r AddDialogueRequest) error {
	if p.phase != PlanPhaseActive || p.yearOver {
		return conflict(fmt.Sprintf("the plan is %s and takes no new dialogues", p.phase))
	}
	if p.known[r.Spec.ID] {
		return conflict("a dialogue with this id is already in the plan")
	}
	if err := validateSpec(r.Spec, p.in.Year); err != nil {
		return invalid(err.Error())
	}
	if !r.Spec.ScheduledAt.After(workflow.Now(ctx)) {
		return invalid("the dialogue date must be in the future")
	}
	return nil
}

func (p *plan) addDialogue(ctx workflow.Context, r AddDialogueRequest) (AddDialogueResult, error) {
	var acts *activities.Activities
	in := activities.InsertDialogueInput{PlanID: p.in.PlanID, UnitID: p.in.UnitID, Spec: r.Spec, Policy: p.in.Policy, Actor: r.Actor}
	if err := workflow.ExecuteActivity(commandActivity(ctx), acts.InsertDialogue, in).Get(ctx, nil); err != nil {
		return AddDialogueResult{}, fmt.Errorf("save dialogue: %w", err)
	}
	if p.known[r.Spec.ID] { // a concurrent update with the same id won
		return AddDialogueResult{DialogueID: r.Spec.ID, WorkflowID: DialogueWorkflowID(r.Spec.ID)}, nil
	}
	if err := p.startDialogue(ctx, r.Spec); err != nil {
		return AddDialogueResult{}, err
	}
	return AddDialogueResult{DialogueID: r.Spec.ID, WorkflowID: DialogueWorkflowID(r.Spec.ID)}, nil
}
