package contract

import (
	"github.com/doithoai/doithoai/internal/store"
)

// PolicyRequest is a plan policy as sent by clients: ISO 8601 durations,
// every field optional (defaults apply).
type PolicyRequest struct {
	SurveyLead          Duration            `json:"survey_lead"`
	SurveyClose         Duration            `json:"survey_close"`
	SessionGrace        Duration            `json:"session_grace"`
	SupervisionWithin   Duration            `json:"supervision_within"`
	DeliveryWithin      Duration            `json:"delivery_within"`
	ReminderWorkingDays []int               `json:"reminder_working_days"`
	ReminderOffsets     []Duration          `json:"reminder_offsets"`
	Escalation          []EscalationRequest `json:"escalation"`
}

// EscalationRequest is one rung of a plan's escalation ladder: after the
// deadline by a number of working days (0 = at the deadline) or by an
// exact ISO 8601 span, alerting the recipients.
type EscalationRequest struct {
	AfterWorkingDays *int     `json:"after_working_days"`
	After            Duration `json:"after"`
	Recipients       []string `json:"recipients"`
}

// HostRequest is a host of a dialogue.
type HostRequest struct {
	Name  string `json:"name"`
	Title string `json:"title"`
}

// DialogueRequest is one dialogue in POST /plans or POST /plans/{id}/dialogues.
type DialogueRequest struct {
	// UnitID is the unit holding the dialogue: the plan's unit (the
	// default) or a unit below it.
	UnitID        string        `json:"unit_id"`
	ScheduledAt   Timestamp     `json:"scheduled_at"`
	Kind          string        `json:"kind"`
	Topic         string        `json:"topic"`
	Title         string        `json:"title"`
	Place         string        `json:"place"`
	Hosts         []HostRequest `json:"hosts"`
	InvitedGroups []string      `json:"invited_groups"`
}

// CreatePlanRequest is the body of POST /plans.
type CreatePlanRequest struct {
	UnitID      string            `json:"unit_id"`
	Year        int               `json:"year"`
	ReferenceNo string            `json:"reference_no"`
	IssuingBody string            `json:"issuing_body"`
	Title       string            `json:"title"`
	Policy      *PolicyRequest    `json:"policy"`
	Dialogues   []DialogueRequest `json:"dialogues"`
}

// PlanView is a plan with its dialogues and live state.
type PlanView struct {
	store.Plan
	Dialogues []DialogueSummary `json:"dialogues"`
	// Live is the plan workflow's own state (workflows.PlanState), when
	// Temporal answers.
	Live any `json:"live,omitempty"`
	// LiveError says why Live is missing.
	LiveError string `json:"live_error,omitempty"`
}

// DialogueSummary is a dialogue in a plan listing with what it waits for next.
type DialogueSummary struct {
	store.Dialogue
	NextEvent   string  `json:"next_event,omitempty"`
	NextEventAt *string `json:"next_event_at,omitempty"`
}

// PlanListItem is a plan in GET /plans with its dialogue counts by phase.
type PlanListItem struct {
	store.Plan
	DialogueCounts map[string]int `json:"dialogue_counts"`
}

// AddDialogueRequest is the body of POST /plans/{id}/dialogues.
type AddDialogueRequest = DialogueRequest
