package web

import (
	"strings"
	"time"

	"github.com/doithoai/doithoai/internal/domain"
)

type plnHost struct {
	Name  string `json:"name"`
	Title string `json:"title,omitempty"`
}

type plnDialogue struct {
	ID                string     `json:"id"`
	PlanID            string     `json:"plan_id"`
	UnitID            string     `json:"unit_id"`
	Seq               int        `json:"seq"`
	Kind              string     `json:"kind"`
	Topic             string     `json:"topic"`
	Title             string     `json:"title"`
	ScheduledAt       time.Time  `json:"scheduled_at"`
	Place             string     `json:"place"`
	Hosts             []plnHost  `json:"hosts"`
	InvitedGroups     []string   `json:"invited_groups"`
	Phase             string     `json:"phase"`
	SurveyOpensAt     time.Time  `json:"survey_opens_at"`
	SurveyClosesAt    time.Time  `json:"survey_closes_at"`
	SessionDueBy      time.Time  `json:"session_due_by"`
	RescheduleCount   int        `json:"reschedule_count"`
	CancelReason      string     `json:"cancel_reason"`
	SessionRecordedAt *time.Time `json:"session_recorded_at"`
	ClosedAt          *time.Time `json:"closed_at"`
	NextEvent         string     `json:"next_event"`
	NextEventAt       *time.Time `json:"next_event_at"`
}

// PhaseClass is the badge class of the dialogue's phase.
func (d plnDialogue) PhaseClass() string { return plnPhaseClass(d.Phase) }

// HostsText lists the hosts with their titles.
func (d plnDialogue) HostsText() string {
	parts := make([]string, 0, len(d.Hosts))
	for _, h := range d.Hosts {
		if h.Title != "" {
			parts = append(parts, h.Name+" ("+h.Title+")")
		} else {
			parts = append(parts, h.Name)
		}
	}
	return strings.Join(parts, ", ")
}

// GroupsText lists the invited groups.
func (d plnDialogue) GroupsText() string { return strings.Join(d.InvitedGroups, "; ") }

// Day is the day of the month (Vietnam time).
func (d plnDialogue) Day() int { return d.ScheduledAt.In(domain.Location).Day() }

// Open says whether the dialogue may still be rescheduled or cancelled.
func (d plnDialogue) Open() bool {
	switch d.Phase {
	case domain.PhaseScheduled, domain.PhaseSurveyOpen, domain.PhaseAwaitingSession:
		return true
	}
	return false
}

type plnPlan struct {
	ID             string         `json:"id"`
	UnitID         string         `json:"unit_id"`
	Year           int            `json:"year"`
	ReferenceNo    string         `json:"reference_no"`
	IssuingBody    string         `json:"issuing_body"`
	Title          string         `json:"title"`
	Status         string         `json:"status"`
	CreatedBy      string         `json:"created_by"`
	CreatedAt      time.Time      `json:"created_at"`
	DialogueCounts map[string]int `json:"dialogue_counts"`
	Dialogues      []plnDialogue  `json:"dialogues"`
}

type plnUnit struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Level    string `json:"level"`
	ParentID string `json:"parent_id"`
}

type plnSessionRecord struct {
	Session struct {
		HeldAt     time.Time `json:"held_at"`
		Chair      string    `json:"chair"`
		Attendance struct {
			Total  int            `json:"total"`
			Groups map[string]int `json:"groups"`
		} `json:"attendance"`
		Notes      string    `json:"notes"`
		RecordedBy string    `json:"recorded_by"`
		RecordedAt time.Time `json:"recorded_at"`
	} `json:"session"`
	Opinions []struct {
		Seq            int    `json:"seq"`
		Field          string `json:"field"`
		Content        string `json:"content"`
		Source         string `json:"source"`
		AnsweredOnSpot bool   `json:"answered_on_spot"`
		Answer         string `json:"answer"`
	} `json:"opinions"`
	Conclusions []struct {
		ID      string `json:"id"`
		Seq     int    `json:"seq"`
		Content string `json:"content"`
	} `json:"conclusions"`
}

type plnSurveySummary struct {
	Total   int `json:"total"`
	ByField []struct {
		Field string `json:"field"`
		Count int    `json:"count"`
	} `json:"by_field"`
	MainIssues []struct {
		Field   string `json:"field"`
		Content string `json:"content"`
		Count   int    `json:"count"`
	} `json:"main_issues"`
	ComputedAt time.Time `json:"computed_at"`
	Final      bool      `json:"final"`
}

type plnNotification struct {
	Recipient string    `json:"recipient"`
	Channel   string    `json:"channel"`
	Subject   string    `json:"subject"`
	SubjectEN string    `json:"subject_en"`
	Kind      string    `json:"kind"`
	CreatedAt time.Time `json:"created_at"`
}

// Subj is the subject in the page language.
func (n plnNotification) Subj(lang string) string {
	if lang == "en" && n.SubjectEN != "" {
		return n.SubjectEN
	}
	return n.Subject
}

type plnDialogueView struct {
	plnDialogue
	Session       *plnSessionRecord `json:"session"`
	SurveySummary *plnSurveySummary `json:"survey_summary"`
	Notifications []plnNotification `json:"notifications"`
	SurveyLink    *struct {
		Token string `json:"token"`
		Path  string `json:"path"`
	} `json:"survey_link"`
}

type plnTask struct {
	ID              string    `json:"id"`
	ConclusionID    string    `json:"conclusion_id"`
	Title           string    `json:"title"`
	AssigneeAgency  string    `json:"assignee_agency"`
	AssigneeOfficer string    `json:"assignee_officer"`
	Monitor         string    `json:"monitor"`
	Status          string    `json:"status"`
	Overdue         bool      `json:"overdue"`
	EscalationLevel int       `json:"escalation_level"`
	DueAt           time.Time `json:"due_at"`
}

// StatusClass is the badge class of the task's status.
func (t plnTask) StatusClass() string {
	switch t.Status {
	case "done":
		return "ok"
	case "submitted":
		return "warn"
	}
	return ""
}
