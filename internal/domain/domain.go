// Package domain holds the vocabulary shared by the API, the workflows and
// the activities: dialogue kinds and phases, the plan policy, and the
// payloads of session records. It has no dependencies on Temporal or SQL.
package domain

import (
	"time"
)

// Unit levels of the administrative tree. Since 1 July 2025 local
// government has two levels (province, commune) under the national root;
// the district level is kept for the records of the three-level map.
// Labels: internal/unitmap.
const (
	LevelNational = "national" // Trung ương
	LevelProvince = "province" // tỉnh / thành phố
	LevelDistrict = "district" // quận / huyện / thị xã (before 1 July 2025)
	LevelCommune  = "commune"  // xã / phường / đặc khu (thị trấn before 1 July 2025)
)

// Official unit kinds, checked per level (internal/unitmap holds the
// table of which level allows which kind, and the labels).
const (
	UnitKindTinh     = "tinh"      // province: tỉnh
	UnitKindThanhPho = "thanh_pho" // province: centrally-run city; district: provincial city
	UnitKindHuyen    = "huyen"     // district: huyện
	UnitKindQuan     = "quan"      // district: quận
	UnitKindThiXa    = "thi_xa"    // district: thị xã
	UnitKindXa       = "xa"        // commune: xã
	UnitKindPhuong   = "phuong"    // commune: phường
	UnitKindDacKhu   = "dac_khu"   // commune: đặc khu
	UnitKindThiTran  = "thi_tran"  // commune: thị trấn (before 1 July 2025)
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
	// RoleInspectionBoard is a commune's people's inspection board (Ban
	// thanh tra nhân dân): reads the commune's dialogues, conclusions,
	// tasks and results, and records supervision remarks on tasks.
	RoleInspectionBoard = "inspection_board"
)

// Alert kinds.
const (
	AlertSessionMissed = "session_missed"
	AlertTaskOverdue   = "task_overdue"
	// AlertNotSatisfied: a citizen rated the answer or result of their
	// opinion "not satisfied"; for the unit's MTTQ to review.
	AlertNotSatisfied = "citizen_not_satisfied"
	// AlertBoardRemark: the people's inspection board remarked on a task.
	AlertBoardRemark = "board_remark"
)

// Task statuses.
const (
	TaskAssigned   = "assigned"
	TaskInProgress = "in_progress"
	TaskSubmitted  = "submitted"
	TaskDone       = "done"
	TaskCancelled  = "cancelled"
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
	// SupervisionWithin is how long after the session the dialogue waits
	// for its tasks to settle before its supervision report is due anyway.
	SupervisionWithin time.Duration `json:"supervision_within"`
	// DeliveryWithin bounds how long an alert or a notice is retried
	// against its unit's webhook and mail before it is recorded as
	// undelivered for operators (0: DefaultDeliveryWithin), so no workflow
	// waits on a dead webhook longer than that.
	DeliveryWithin time.Duration `json:"delivery_within"`
	// ReminderWorkingDays are the reminders before a task's deadline, in
	// working days (sent at the start of that working day).
	ReminderWorkingDays []int `json:"reminder_working_days"`
	// ReminderOffsets, when set, replace ReminderWorkingDays with exact
	// spans before the deadline (tests use seconds).
	ReminderOffsets []time.Duration `json:"reminder_offsets"`
	// Escalation is the ladder an overdue task climbs, in order.
	Escalation []EscalationStep `json:"escalation"`
}

// Escalation recipient names, for DefaultEscalation (this package cannot
// import internal/lifecycle, the home of the recipient kinds).
//
// Deprecated: use lifecycle.RecipientAssignee and the others, and
// lifecycle.RecipientKinds for the list; a lifecycle test keeps these equal.
const (
	RecipientAssignee             = "assignee"
	RecipientMonitor              = "monitor"
	RecipientMTTQ                 = "mttq"
	RecipientParentMTTQ           = "parent_mttq"
	RecipientParentPartyCommittee = "parent_party_committee"
)

// Roles for alerts that go to the party committee (cấp ủy).
const RolePartyCommittee = "party_committee"

// EscalationStep is one rung of the ladder: when it fires (after the
// deadline, in working days or an exact span) and whom it alerts.
type EscalationStep struct {
	// AfterWorkingDays counts working days after the deadline's date; 0
	// means at the deadline itself.
	AfterWorkingDays int `json:"after_working_days"`
	// After, when non-zero, is an exact span after the deadline instead.
	After      time.Duration `json:"after"`
	Recipients []string      `json:"recipients"`
}

// DefaultEscalation is the ladder of DOMAIN.md: at the deadline the
// assignee and the monitor; three working days later MTTQ of the unit; ten
// working days later MTTQ and the party committee of the parent unit.
func DefaultEscalation() []EscalationStep {
	return []EscalationStep{
		{AfterWorkingDays: 0, Recipients: []string{RecipientAssignee, RecipientMonitor}},
		{AfterWorkingDays: 3, Recipients: []string{RecipientMTTQ}},
		{AfterWorkingDays: 10, Recipients: []string{RecipientParentMTTQ, RecipientParentPartyCommittee}},
	}
}

// DefaultDeliveryWithin is how long a delivery is retried by default.
const DefaultDeliveryWithin = time.Hour

// DeliveryBound is the policy's delivery bound, or the default.
func (p Policy) DeliveryBound() time.Duration {
	if p.DeliveryWithin > 0 {
		return p.DeliveryWithin
	}
	return DefaultDeliveryWithin
}

// DefaultPolicy is used for every field a plan leaves out: the survey opens
// two weeks before the session and closes three days before it, a session
// not recorded within two days of its date is flagged, tasks are reminded
// 3 and 1 working days before their deadline and climb DefaultEscalation
// when overdue, the dialogue waits up to 90 days for its tasks, and an
// alert or notice is retried for an hour before it is left to operators.
func DefaultPolicy() Policy {
	return Policy{
		SurveyLead:          14 * 24 * time.Hour,
		SurveyClose:         3 * 24 * time.Hour,
		SessionGrace:        2 * 24 * time.Hour,
		SupervisionWithin:   90 * 24 * time.Hour,
		DeliveryWithin:      DefaultDeliveryWithin,
		ReminderWorkingDays: []int{3, 1},
		Escalation:          DefaultEscalation(),
	}
}

// Host is a person who chairs a dialogue.
type Host struct {
	Name  string `json:"name"`
	Title string `json:"title,omitempty"`
}

// DialogueSpec is one dialogue as scheduled by a plan.
type DialogueSpec struct {
	ID  string `json:"id"`
	Seq int    `json:"seq"`
	// UnitID is the unit whose dialogue this is: the plan's unit or any
	// unit below it ("" means the plan's unit).
	UnitID        string    `json:"unit_id,omitempty"`
	Kind          string    `json:"kind"`
	Topic         string    `json:"topic,omitempty"`
	Title         string    `json:"title,omitempty"`
	ScheduledAt   time.Time `json:"scheduled_at"`
	Place         string    `json:"place,omitempty"`
	Hosts         []Host    `json:"hosts"`
	InvitedGroups []string  `json:"invited_groups,omitempty"`
}

// Unit is the unit holding the dialogue: its own, or else the plan's.
func (d DialogueSpec) Unit(planUnitID string) string {
	if d.UnitID != "" {
		return d.UnitID
	}
	return planUnitID
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
	// SurveyResponseIDs are the survey answers this opinion covers; their
	// receipt holders follow it.
	SurveyResponseIDs []string `json:"survey_response_ids,omitempty"`
	// Conclusions are the seqs (1, 2, …) of the session's conclusions this
	// opinion led to.
	Conclusions []int `json:"conclusions,omitempty"`
}

// Conclusion is one of the chair's conclusions, with the follow-up tasks
// it becomes.
type Conclusion struct {
	ID      string     `json:"id"`
	Seq     int        `json:"seq"`
	Content string     `json:"content"`
	Tasks   []TaskSpec `json:"tasks,omitempty"`
}

// Assignee is who must carry out a task: an agency and optionally an
// officer, in a unit (the dialogue's unit or one below it).
type Assignee struct {
	Agency  string `json:"agency"`
	Officer string `json:"officer,omitempty"`
	UnitID  string `json:"unit_id"`
}

// TaskSpec is a follow-up task as assigned: its deadline is either an
// instant (DueAt) or a number of working days from assignment.
type TaskSpec struct {
	ID               string     `json:"id"`
	ConclusionID     string     `json:"conclusion_id"`
	Title            string     `json:"title"`
	Description      string     `json:"description,omitempty"`
	Assignee         Assignee   `json:"assignee"`
	Monitor          string     `json:"monitor,omitempty"`
	DueAt            *time.Time `json:"due_at,omitempty"`
	DueInWorkingDays int        `json:"due_in_working_days,omitempty"`
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
	// ID is the user's subject (the token's "sub").
	ID string `json:"id"`
	// Name is the user's display name, when the token has one.
	Name string `json:"name,omitempty"`
	// Role is the role the command was allowed by.
	Role      string `json:"role,omitempty"`
	RequestID string `json:"request_id,omitempty"`
}
