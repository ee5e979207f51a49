package activities

import (
	"time"

	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/internal/lifecycle"
)

// SavePlanInput is everything needed to write a plan and its dialogues.
type SavePlanInput struct {
	domain.PlanSpec
	Actor domain.Actor `json:"actor"`
}

// ClosePlanInput closes a plan at the end of its life.
type ClosePlanInput struct {
	PlanID string    `json:"plan_id"`
	UnitID string    `json:"unit_id"`
	At     time.Time `json:"at"`
}

// InsertDialogueInput adds an ad hoc dialogue to a plan.
type InsertDialogueInput struct {
	PlanID string              `json:"plan_id"`
	UnitID string              `json:"unit_id"`
	Spec   domain.DialogueSpec `json:"spec"`
	Policy domain.Policy       `json:"policy"`
	Actor  domain.Actor        `json:"actor"`
}

// MoveDialogueInput moves a dialogue from a merged unit to its successor.
type MoveDialogueInput struct {
	DialogueID string       `json:"dialogue_id"`
	From       string       `json:"from"`
	To         string       `json:"to"`
	MergerID   string       `json:"merger_id"`
	Actor      domain.Actor `json:"actor"`
}

// PhaseInput records a dialogue's move to a new phase.
type PhaseInput struct {
	DialogueID string       `json:"dialogue_id"`
	UnitID     string       `json:"unit_id"`
	Phase      string       `json:"phase"`
	At         time.Time    `json:"at"`
	Reason     string       `json:"reason,omitempty"`
	Actor      domain.Actor `json:"actor"`
}

// RescheduleInput records a dialogue's new date.
type RescheduleInput struct {
	DialogueID  string        `json:"dialogue_id"`
	UnitID      string        `json:"unit_id"`
	ScheduledAt time.Time     `json:"scheduled_at"`
	Window      domain.Window `json:"window"`
	Generation  int           `json:"generation"`
	Place       string        `json:"place,omitempty"`
	Reason      string        `json:"reason,omitempty"`
	Actor       domain.Actor  `json:"actor"`
}

// CloseSurveyInput closes a dialogue's survey.
type CloseSurveyInput struct {
	DialogueID string        `json:"dialogue_id"`
	PlanID     string        `json:"plan_id"`
	UnitID     string        `json:"unit_id"`
	Title      string        `json:"title"`
	SessionAt  time.Time     `json:"session_at"`
	Hosts      []domain.Host `json:"hosts"`
	At         time.Time     `json:"at"`
}

// CloseSurveyResult reports the survey summary.
type CloseSurveyResult struct {
	Total   int            `json:"total"`
	ByField map[string]int `json:"by_field"`
	// Notified is how many host notices were newly sent.
	Notified int `json:"notified"`
	// NoticeIDs are the host notices (new or stored before), to deliver.
	NoticeIDs []string `json:"notice_ids,omitempty"`
}

// SaveSessionInput records a session, with the tasks its conclusions
// become.
type SaveSessionInput struct {
	DialogueID string                `json:"dialogue_id"`
	UnitID     string                `json:"unit_id"`
	Session    domain.Session        `json:"session"`
	At         time.Time             `json:"at"`
	Actor      domain.Actor          `json:"actor"`
	Tasks      []lifecycle.TaskState `json:"tasks,omitempty"`
}

// SessionMissedInput raises the missed-session alerts of one schedule
// generation of a dialogue.
type SessionMissedInput struct {
	DialogueID  string    `json:"dialogue_id"`
	PlanID      string    `json:"plan_id"`
	UnitID      string    `json:"unit_id"`
	Title       string    `json:"title"`
	ScheduledAt time.Time `json:"scheduled_at"`
	DueBy       time.Time `json:"due_by"`
	Generation  int       `json:"generation"`
}

// SessionMissedResult says how many alerts this call stored (0 on a retry).
type SessionMissedResult struct {
	Raised int `json:"raised"`
	// AlertIDs are the alerts (new or stored before), to deliver.
	AlertIDs []string `json:"alert_ids,omitempty"`
}
