package workflows

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/doithoai/doithoai/activities"
	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/internal/lifecycle"
)

// followUp starts a task workflow for every task of the conclusions (and
// any added later) and waits until all of them settle, or until the
// supervision date, whichever comes first; then it drafts the report. It
// returns a continue-as-new error when the history has grown large.
func (d *dialogue) followUp(ctx workflow.Context) error {
	due := d.heldAt.Add(d.in.Policy.SupervisionWithin)
	for {
		if err := d.startQueued(ctx); err != nil {
			return err
		}
		d.poll()
		if len(d.open) == 0 && len(d.queue) == 0 {
			break
		}
		d.nextEvent, d.nextEventAt = "tasks_settled", due
		wait := due.Sub(workflow.Now(ctx))
		if wait <= 0 {
			break
		}
		more, err := workflow.AwaitWithTimeout(ctx, wait, func() bool {
			d.poll()
			return len(d.open) == 0 || len(d.queue) > 0 || d.shouldContinue(ctx)
		})
		if err != nil {
			return err
		}
		if !more {
			break // supervision date reached with tasks still open: they go on on their own
		}
		if len(d.queue) == 0 && d.shouldContinue(ctx) {
			return d.continueAsNew(ctx)
		}
	}
	d.nextEvent, d.nextEventAt = "", time.Time{}
	// Tasks added from here on would never start: refuse them, and start
	// those a command added meanwhile.
	if err := d.lock.mu.Lock(ctx); err == nil {
		d.followUpOver = true
		d.lock.mu.Unlock()
	}
	for len(d.queue) > 0 {
		if err := d.startQueued(ctx); err != nil {
			return err
		}
	}
	d.report(ctx)
	return nil
}

// enqueue records tasks that were saved: they count open from now on and
// their workflows start from the follow-up loop.
func (d *dialogue) enqueue(tasks []TaskInput) {
	for _, t := range tasks {
		d.known[t.State.TaskID], d.open[t.State.TaskID] = true, true
	}
	d.queue = append(d.queue, tasks...)
}

// startQueued starts the workflows of the tasks saved since the last call,
// all at once from an activity; each tells the dialogue when it settles.
func (d *dialogue) startQueued(ctx workflow.Context) error {
	if len(d.queue) == 0 {
		return nil
	}
	// At most one wave of starts per round: the loop comes back for the
	// rest, and a round's workflow task stays small.
	n := min(len(d.queue), startChunk*startWave)
	batch := d.queue[:n:n]
	d.queue = d.queue[n:]
	starts := make([]start, len(batch))
	for i, t := range batch {
		starts[i] = start{id: TaskWorkflowID(t.State.TaskID), input: t}
	}
	d.starting = len(batch)
	defer func() { d.starting = 0 }()
	return startWorkflows(ctx, TaskWorkflowName, TasksQueue(workflow.GetInfo(ctx).TaskQueueName), starts)
}

// shouldContinue is true once the history is large and nothing is in
// flight that must finish in this run.
func (d *dialogue) shouldContinue(ctx workflow.Context) bool {
	return continueSuggested(ctx, d.in.HistoryLimit) && workflow.AllHandlersFinished(ctx) && d.deliveries.idle()
}

func (d *dialogue) continueAsNew(ctx workflow.Context) error {
	d.poll()
	next := d.in
	next.Resume = &DialogueResume{
		ScheduledAt: d.scheduledAt, Generation: d.generation, HeldAt: d.heldAt,
		Conclusions: sortedKeys(d.conclusions), Tasks: sortedKeys(d.known), Open: sortedKeys(d.open),
	}
	return workflow.NewContinueAsNewError(ctx, DialogueWorkflowName, next)
}

// report drafts the dialogue's supervision report once its tasks settle
// (or its supervision date comes); MTTQ then adds the assessment and
// finalises it through the API.
func (d *dialogue) report(ctx workflow.Context) {
	var acts *activities.Activities
	var res activities.ReportResult
	in := activities.ReportInput{Kind: "dialogue", ID: d.in.DialogueID}
	if err := workflow.ExecuteActivity(backgroundActivity(ctx), acts.GenerateReport, in).Get(ctx, &res); err != nil {
		workflow.GetLogger(ctx).Error("dialogue report failed", "error", err)
	}
}

// planTasks turns task specs into first task states with their timetables
// (computed with the working-day calendar in a local activity).
func (d *dialogue) planTasks(ctx workflow.Context, specs []domain.TaskSpec) ([]TaskInput, error) {
	if len(specs) == 0 {
		return nil, nil
	}
	now := workflow.Now(ctx)
	ins := make([]lifecycle.ScheduleInput, len(specs))
	for i, sp := range specs {
		ins[i] = lifecycle.ScheduleInput{AssignedAt: now, DueAt: sp.DueAt, DueInWorkingDays: sp.DueInWorkingDays, Policy: d.in.Policy}
	}
	var scheds []lifecycle.TaskSchedule
	var acts *activities.Activities
	lctx := workflow.WithLocalActivityOptions(ctx, localOptions)
	if err := workflow.ExecuteLocalActivity(lctx, acts.ComputeTaskSchedules, ins).Get(ctx, &scheds); err != nil {
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
			State: lifecycle.TaskState{
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
	if err := refuse(d.lifecycleState().RefuseAddTasks()); err != nil {
		return err
	}
	if err := invalidFields(lifecycle.NotEmpty("tasks", len(r.Tasks))); err != nil {
		return err
	}
	seen := map[string]bool{}
	for i, t := range r.Tasks {
		field := fmt.Sprintf("tasks[%d]", i)
		// The tasks of one command share the conclusion the client names.
		if err := invalidFields(lifecycle.KnownConclusion("conclusion_id", d.conclusions[t.ConclusionID])); err != nil {
			return err
		}
		if err := refuse(lifecycle.TaskExists(field, t.ID, seen[t.ID] || d.known[t.ID])); err != nil {
			return err
		}
		seen[t.ID] = true
		if err := invalidFields(lifecycle.Prefix(field, lifecycle.ValidateTaskSpec(t, workflow.Now(ctx)))); err != nil {
			return err
		}
	}
	return nil
}

func (d *dialogue) addTasks(ctx workflow.Context, r AddTasksRequest) (AddTasksResult, error) {
	unlock, err := d.lock.acquire(ctx, func() error { return d.validateAddTasks(ctx, r) })
	if err != nil {
		return AddTasksResult{}, err
	}
	defer unlock()
	tasks, err := d.planTasks(ctx, r.Tasks)
	if err != nil {
		return AddTasksResult{}, err
	}
	states := make([]lifecycle.TaskState, len(tasks))
	for i, t := range tasks {
		states[i] = t.State
	}
	var acts *activities.Activities
	if err := workflow.ExecuteActivity(commandActivity(ctx), acts.SaveTasks, activities.SaveTasksInput{Tasks: states, Actor: r.Actor}).Get(ctx, nil); err != nil {
		return AddTasksResult{}, fmt.Errorf("save tasks: %w", err)
	}
	d.enqueue(tasks)
	res := AddTasksResult{TaskIDs: []string{}}
	for _, t := range tasks {
		res.TaskIDs = append(res.TaskIDs, t.State.TaskID)
	}
	return res, nil
}
