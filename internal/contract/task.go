package contract

import (
	"github.com/doithoai/doithoai/internal/store"
)

// AssigneeRequest names who carries out a task.
type AssigneeRequest struct {
	Agency  string `json:"agency"`
	Officer string `json:"officer"`
	UnitID  string `json:"unit_id"`
}

// TaskRequest is a follow-up task in a session's conclusions or in
// POST /dialogues/{id}/tasks. Give due_at or due_in_working_days.
type TaskRequest struct {
	Title            string           `json:"title"`
	Description      string           `json:"description"`
	Assignee         *AssigneeRequest `json:"assignee"`
	Monitor          string           `json:"monitor"`
	DueAt            Timestamp        `json:"due_at"`
	DueInWorkingDays *int             `json:"due_in_working_days"`
}

// AddTasksRequest is the body of POST /dialogues/{id}/tasks.
type AddTasksRequest struct {
	ConclusionID string        `json:"conclusion_id"`
	Tasks        []TaskRequest `json:"tasks"`
}

// TaskView is GET /tasks/{id}: the task, its timeline and live state.
type TaskView struct {
	store.Task
	Timeline []store.TimelineEntry `json:"timeline"`
	// Live is the workflow's own state (workflows.TaskView), when Temporal
	// answers; LiveError says why it is missing.
	Live      any    `json:"live,omitempty"`
	LiveError string `json:"live_error,omitempty"`
}

// TaskPage is a page of tasks with the overdue count of the whole filter.
type TaskPage struct {
	Page[store.Task]
	Overdue int `json:"overdue"`
}

// SubmitResultRequest is the body of POST /tasks/{id}/result.
type SubmitResultRequest struct {
	Text  string   `json:"text"`
	Links []string `json:"links"`
}

// ReviewRequest is the body of POST /tasks/{id}/review.
type ReviewRequest struct {
	Decision string `json:"decision"`
	Reason   string `json:"reason"`
}

// ExtensionRequest is the body of POST /tasks/{id}/extension.
type ExtensionRequest struct {
	Reason        string    `json:"reason"`
	ProposedDueAt Timestamp `json:"proposed_due_at"`
}

// ExtensionDecisionRequest is the body of POST /tasks/{id}/extension/decision.
type ExtensionDecisionRequest struct {
	Approve *bool     `json:"approve"`
	DueAt   Timestamp `json:"due_at"`
	Note    string    `json:"note"`
}

// ReassignRequest is the body of POST /tasks/{id}/reassign.
type ReassignRequest struct {
	Assignee *AssigneeRequest `json:"assignee"`
	Reason   string           `json:"reason"`
}

// CancelTaskRequest is the body of POST /tasks/{id}/cancel.
type CancelTaskRequest struct {
	Reason string `json:"reason"`
}
