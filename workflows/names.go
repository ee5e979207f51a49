// Package workflows holds the deterministic workflow code of the service:
// the annual plan and its dialogues. Side effects live in package
// activities; this package only decides what happens when.
package workflows

// Names clients use to reach the workflows.
const (
	// DefaultTaskQueue is the task queue the worker listens on by default.
	DefaultTaskQueue = "doithoai"

	// PlanWorkflowName is the registered name of Plan.
	PlanWorkflowName = "Plan"
	// DialogueWorkflowName is the registered name of Dialogue.
	DialogueWorkflowName = "Dialogue"

	// QueryState returns the live state of a plan or dialogue workflow.
	QueryState = "state"

	// UpdatePlanSaved waits until the plan's records are written and returns
	// its state; the API sends it with the start (update-with-start).
	UpdatePlanSaved = "plan.saved"
	// UpdateAddDialogue adds an ad hoc dialogue to a plan.
	UpdateAddDialogue = "plan.add_dialogue"

	// UpdateReschedule moves a dialogue to a new date.
	UpdateReschedule = "dialogue.reschedule"
	// UpdateCancel cancels a dialogue with a reason.
	UpdateCancel = "dialogue.cancel"
	// UpdateRecordSession records the session of a dialogue.
	UpdateRecordSession = "dialogue.record_session"
	// UpdateAddTasks adds follow-up tasks to a recorded dialogue.
	UpdateAddTasks = "dialogue.add_tasks"
	// UpdateDialogueMoveUnit moves a dialogue from a unit that merged to
	// its successor (MoveUnitRequest).
	UpdateDialogueMoveUnit = "dialogue.move_unit"

	// SignalDialogueClosed tells a plan that one of its dialogues ended
	// (DialogueClosed).
	SignalDialogueClosed = "plan.dialogue_closed"
	// SignalTaskSettled tells a dialogue that one of its tasks ended
	// (TaskSettled).
	SignalTaskSettled = "dialogue.task_settled"
)

// TasksQueue is the task queue of the follow-up tasks of the workflows
// running on queue: a queue of their own, so a herd of tasks never waits in
// front of a plan's or a dialogue's commands.
func TasksQueue(queue string) string { return queue + "-tasks" }

// PlanWorkflowID is the workflow ID of a plan.
func PlanWorkflowID(planID string) string { return "plan/" + planID }

// DialogueWorkflowID is the workflow ID of a dialogue.
func DialogueWorkflowID(dialogueID string) string { return "dialogue/" + dialogueID }

// Error types carried by ApplicationErrors that validators and handlers
// return; the API maps each to an HTTP status and a message.
const (
	ErrTypeInvalid  = "invalid"  // the command's content is wrong (422)
	ErrTypeConflict = "conflict" // the command does not fit the state (409)
)
