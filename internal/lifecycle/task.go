package lifecycle

import (
	"time"

	"github.com/doithoai/doithoai/internal/domain"
)

// TaskResult is a reported result. Its JSON is the tasks.result column's.
type TaskResult struct {
	Text        string    `json:"text"`
	Links       []string  `json:"links"`
	SubmittedBy string    `json:"submitted_by"`
	SubmittedAt time.Time `json:"submitted_at"`
	// ReturnReason is set when a reviewer sent the result back.
	ReturnReason string `json:"return_reason,omitempty"`
}

// Extension statuses.
const (
	ExtensionPending  = "pending"
	ExtensionApproved = "approved"
	ExtensionDenied   = "denied"
)

// TaskExtension is an extension request and its decision. Its JSON is the
// tasks.extension column's.
type TaskExtension struct {
	Reason        string     `json:"reason"`
	ProposedDueAt time.Time  `json:"proposed_due_at"`
	RequestedBy   string     `json:"requested_by"`
	RequestedAt   time.Time  `json:"requested_at"`
	Status        string     `json:"status"` // pending, approved, denied
	DecidedBy     string     `json:"decided_by,omitempty"`
	DecidedAt     *time.Time `json:"decided_at,omitempty"`
	NewDueAt      *time.Time `json:"new_due_at,omitempty"`
	DecisionNote  string     `json:"decision_note,omitempty"`
}

// TaskState is the state of a task as its workflow keeps it; every change
// is written to PostgreSQL as a snapshot with a growing Version.
type TaskState struct {
	TaskID          string          `json:"task_id"`
	DialogueID      string          `json:"dialogue_id"`
	ConclusionID    string          `json:"conclusion_id,omitempty"`
	PlanID          string          `json:"plan_id"`
	UnitID          string          `json:"unit_id"`
	Title           string          `json:"title"`
	Description     string          `json:"description,omitempty"`
	Assignee        domain.Assignee `json:"assignee"`
	Monitor         string          `json:"monitor,omitempty"`
	Status          string          `json:"status"`
	Overdue         bool            `json:"overdue"`
	EscalationLevel int             `json:"escalation_level"`
	AssignedAt      time.Time       `json:"assigned_at"`
	DueAt           time.Time       `json:"due_at"`
	OriginalDueAt   time.Time       `json:"original_due_at"`
	DeadlineSpec    map[string]any  `json:"deadline_spec,omitempty"`
	Extension       *TaskExtension  `json:"extension,omitempty"`
	Result          *TaskResult     `json:"result,omitempty"`
	SubmittedAt     *time.Time      `json:"submitted_at,omitempty"`
	Late            bool            `json:"late"`
	ReturnedCount   int             `json:"returned_count"`
	CompletedAt     *time.Time      `json:"completed_at,omitempty"`
	CancelReason    string          `json:"cancel_reason,omitempty"`
	Version         int             `json:"version"`
	// Generation counts approved extensions: each re-arms the ladder.
	Generation int `json:"generation"`
}

// Settled reports whether the task is done or cancelled.
func (s TaskState) Settled() bool {
	return TaskStatusSettled(s.Status)
}

// AssigneeUnitID is the unit the assignee works in: their own, or the
// task's when none is named.
func (s TaskState) AssigneeUnitID() string {
	if s.Assignee.UnitID == "" {
		return s.UnitID
	}
	return s.Assignee.UnitID
}
