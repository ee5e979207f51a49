// Package domain holds the vocabulary shared by the API, the workflows and
// the activities: dialogue kinds and phases, the plan policy, and the
// payloads of session records. It has no dependencies on Temporal or SQL.
package domain

import (
	"time"
)

// Unit levels of the administrative tree.
const (
	LevelProvince = "province" // thành phố / tỉnh
	LevelDistrict = "district" // quận / huyện
	LevelCommune  = "commune"  // phường / xã / thị trấn
)

// Dialogue kinds.
const (
	KindPeriodic = "periodic" // định kỳ
	KindThematic = "thematic" // chuyên đề
	KindAdhoc    = "adhoc"    // đột xuất
)

// Dialogue phases, in lifecycle order.
const (
	PhaseScheduled       = "scheduled"
	PhaseSurveyOpen      = "survey_open"
	PhaseAwaitingSession = "awaiting_session"
	PhaseSessionRecorded = "session_recorded"
	PhaseClosed          = "closed"
	PhaseCancelled       = "cancelled"
)

// Opinion sources.
const (
	SourceSurvey = "survey"
	SourceFloor  = "floor"
)

// Recipient roles of alerts and notices.
const (
	RolePlanner = "planner"
	RoleHost    = "host"
	RoleOfficer = "officer"
	RoleMonitor = "monitor"
	RoleMTTQ    = "mttq"
	RoleAdmin   = "admin"
)

// Alert kinds.
const (
	AlertSessionMissed = "session_missed"
)

// Location is the time zone every local date of the service is read in.
var Location = mustLoadLocation()

func mustLoadLocation() *time.Location {
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		return time.FixedZone("ICT", 7*3600)
	}
	return loc
}

// Policy is the set of lead times and delays a plan runs its dialogues by.
// Durations are exact; the API reads and writes them as ISO 8601 strings.
type Policy struct {
	// SurveyLead is how long before the session the survey opens.
	SurveyLead time.Duration `json:"survey_lead"`
	// SurveyClose is how long before the session the survey closes, so the
	// summary reaches the host in time to prepare answers.
	SurveyClose time.Duration `json:"survey_close"`
	// SessionGrace is how long after the session date the planner has to
	// record the session before an alert is raised.
	SessionGrace time.Duration `json:"session_grace"`
}

// DefaultPolicy is used for every field a plan leaves out: the survey opens
// two weeks before the session and closes three days before it, and a
// session not recorded within two days of its date is flagged.
func DefaultPolicy() Policy {
	return Policy{
		SurveyLead:   14 * 24 * time.Hour,
		SurveyClose:  3 * 24 * time.Hour,
		SessionGrace: 2 * 24 * time.Hour,
	}
}

// Host is a person who chairs a dialogue.
type Host struct {
	Name  string `json:"name"`
	Title string `json:"title,omitempty"`
}

// DialogueSpec is one dialogue as scheduled by a plan.
type DialogueSpec struct {
	ID            string    `json:"id"`
	Seq           int       `json:"seq"`
	Kind          string    `json:"kind"`
	Topic         string    `json:"topic,omitempty"`
	Title         string    `json:"title,omitempty"`
	ScheduledAt   time.Time `json:"scheduled_at"`
	Place         string    `json:"place,omitempty"`
	Hosts         []Host    `json:"hosts"`
	InvitedGroups []string  `json:"invited_groups,omitempty"`
}

// Window is the set of instants a dialogue runs by, derived from its date
// and the plan policy.
type Window struct {
	SurveyOpensAt  time.Time `json:"survey_opens_at"`
	SurveyClosesAt time.Time `json:"survey_closes_at"`
	SessionAt      time.Time `json:"session_at"`
	SessionDueBy   time.Time `json:"session_due_by"`
}

// WindowFor computes a dialogue's timetable from its date and the policy.
func WindowFor(scheduledAt time.Time, p Policy) Window {
	return Window{
		SurveyOpensAt:  scheduledAt.Add(-p.SurveyLead),
		SurveyClosesAt: scheduledAt.Add(-p.SurveyClose),
		SessionAt:      scheduledAt,
		SessionDueBy:   scheduledAt.Add(p.SessionGrace),
	}
}

// Attendance records who came to a session.
type Attendance struct {
	Total  int            `json:"total"`
	Groups map[string]int `json:"groups,omitempty"`
}

// Opinion is an opinion raised at a session.
type Opinion struct {
	Field          string `json:"field"`
	Content        string `json:"content"`
	Source         string `json:"source"`
	AnsweredOnSpot bool   `json:"answered_on_spot"`
	Answer         string `json:"answer,omitempty"`
}

// Conclusion is one of the chair's conclusions.
type Conclusion struct {
	ID      string `json:"id"`
	Seq     int    `json:"seq"`
	Content string `json:"content"`
}

// Session is what the planner records after a dialogue has been held.
type Session struct {
	HeldAt      time.Time    `json:"held_at"`
	Chair       string       `json:"chair,omitempty"`
	Attendance  Attendance   `json:"attendance"`
	Opinions    []Opinion    `json:"opinions"`
	Conclusions []Conclusion `json:"conclusions"`
	Notes       string       `json:"notes,omitempty"`
}

// Actor is who issued a command, carried into workflow arguments and the
// audit log.
type Actor struct {
	ID        string `json:"id"`
	Role      string `json:"role,omitempty"`
	RequestID string `json:"request_id,omitempty"`
}
