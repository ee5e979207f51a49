package contract

import (
	"github.com/doithoai/doithoai/internal/store"
)

// DialogueView is GET /dialogues/{id}: the record, its session and survey
// summary when they exist, the notices sent, and the live workflow state.
type DialogueView struct {
	DialogueSummary
	Session       *store.SessionRecord `json:"session,omitempty"`
	SurveySummary *store.SurveySummary `json:"survey_summary,omitempty"`
	Notifications []store.Notification `json:"notifications"`
	// Live is the workflow's own state (workflows.DialogueState), when Temporal
	// answers; LiveError says why it is missing.
	Live      any    `json:"live,omitempty"`
	LiveError string `json:"live_error,omitempty"`
	// SurveyLink is the public survey link, shown to the planners, hosts
	// and MTTQ who hand it out.
	SurveyLink *SurveyLink `json:"survey_link,omitempty"`
}

// SurveyLink is a dialogue's public survey link: the token and the API
// path respondents use (it works only while the survey is open).
type SurveyLink struct {
	Token string `json:"token"`
	Path  string `json:"path"`
}

// RescheduleRequest is the body of POST /dialogues/{id}/reschedule.
type RescheduleRequest struct {
	ScheduledAt Timestamp `json:"scheduled_at"`
	Place       string    `json:"place"`
	Reason      string    `json:"reason"`
}

// CancelRequest is the body of POST /dialogues/{id}/cancel.
type CancelRequest struct {
	Reason string `json:"reason"`
}

// AttendanceRequest is who came to a session.
type AttendanceRequest struct {
	Total  *int           `json:"total"`
	Groups map[string]int `json:"groups"`
}

// OpinionRequest is an opinion raised at a session.
type OpinionRequest struct {
	Field          string `json:"field"`
	Content        string `json:"content"`
	Source         string `json:"source"`
	AnsweredOnSpot bool   `json:"answered_on_spot"`
	Answer         string `json:"answer"`
	// SurveyResponseIDs are the survey answers the opinion covers.
	SurveyResponseIDs []string `json:"survey_response_ids"`
	// SurveyReceipts name more of them by their receipt codes (as the
	// planner reads them off the answers or the respondents' slips).
	SurveyReceipts []string `json:"survey_receipts"`
	// Conclusions are the seqs (1, 2, …) of the conclusions of this
	// session the opinion led to.
	Conclusions []int `json:"conclusions"`
}

// ConclusionRequest is one of the chair's conclusions, with the follow-up
// tasks it becomes.
type ConclusionRequest struct {
	Content string        `json:"content"`
	Tasks   []TaskRequest `json:"tasks"`
}

// SessionRequest is the body of POST /dialogues/{id}/session.
type SessionRequest struct {
	HeldAt      Timestamp           `json:"held_at"`
	Chair       string              `json:"chair"`
	Attendance  *AttendanceRequest  `json:"attendance"`
	Opinions    []OpinionRequest    `json:"opinions"`
	Conclusions []ConclusionRequest `json:"conclusions"`
	Notes       string              `json:"notes"`
}
