// Package report holds the supervision report (báo cáo giám sát) of the
// service: its content model, shared by the SQL that computes it (package
// store) and the exports that render it (JSON, CSV, XLSX, printable HTML).
package report

import "time"

// Report kinds.
const (
	KindDialogue = "dialogue" // one dialogue, when its tasks settle
	KindPlan     = "plan"     // one annual plan, after the year ends
	KindRollup   = "rollup"   // any unit subtree and period, on demand
)

// Maps a report can be drawn on.
const (
	MapToday  = "today"
	MapOfTime = "time"
)

// Report statuses.
const (
	StatusDraft = "draft" // recomputed on demand, assessment editable
	StatusFinal = "final" // immutable
)

// Scope says what a report covers.
type Scope struct {
	Kind       string `json:"kind"`
	UnitID     string `json:"unit_id"`
	UnitName   string `json:"unit_name"`
	UnitLevel  string `json:"unit_level"`
	PlanID     string `json:"plan_id,omitempty"`
	DialogueID string `json:"dialogue_id,omitempty"`
	// From and To bound the period (dialogue dates, inclusive From,
	// exclusive To), in Vietnam time.
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
	// Level, when set, keeps only dialogues of units at that level.
	Level string `json:"level,omitempty"`
	// Map says which map of units a roll-up is drawn on: MapToday (the
	// default; records of units that merged are counted under their
	// successors, and the units counted are those of today) or MapOfTime
	// (records under the units that held them, units of the period).
	// Dialogue and plan reports are always on the map of their time.
	Map string `json:"map,omitempty"`
	// Title is a human title, e.g. "Báo cáo giám sát năm 2026 — Huyện Vũ Thư".
	Title string `json:"title"`
}

// Data is the whole content of a supervision report. Every figure is
// computed in PostgreSQL.
type Data struct {
	Scope Scope `json:"scope"`
	// DataTime is when the figures were computed.
	DataTime     time.Time    `json:"data_time"`
	Dialogues    Dialogues    `json:"dialogues"`
	Participants Participants `json:"participants"`
	Survey       Survey       `json:"survey"`
	Opinions     Opinions     `json:"opinions"`
	Tasks        Tasks        `json:"tasks"`
	Escalations  Escalations  `json:"escalations"`
	// Satisfaction is how citizens rated the answers and results of their
	// opinions (one rating per receipt).
	Satisfaction Satisfaction `json:"satisfaction"`
	// Remarks counts the people's inspection boards' supervision remarks
	// on the tasks in scope.
	Remarks int `json:"remarks"`
	// Units has a row per unit with dialogues in scope, level by level from
	// the top, by name within a level: how each unit of a plan's area did.
	Units []UnitRow `json:"units,omitempty"`
}

// UnitRow is the figures of one unit's dialogues in scope.
type UnitRow struct {
	UnitID string `json:"unit_id"`
	Name   string `json:"name"`
	Level  string `json:"level"`
	// Planned, AdHoc, Held, Cancelled and Pending count as in Dialogues.
	Planned   int `json:"planned"`
	AdHoc     int `json:"adhoc"`
	Held      int `json:"held"`
	Cancelled int `json:"cancelled"`
	Pending   int `json:"pending"`
	Opinions  int `json:"opinions"`
	// Tasks, TasksDone and TasksOverdue count the follow-up tasks of the
	// unit's dialogues (done on time or late; overdue as in Tasks).
	Tasks        int `json:"tasks"`
	TasksDone    int `json:"tasks_done"`
	TasksOverdue int `json:"tasks_overdue"`
}

// Dialogues counts dialogues by outcome, level and kind.
type Dialogues struct {
	// Planned counts dialogues scheduled by plans (not ad hoc), including
	// those later cancelled; AdHoc counts ad hoc ones.
	Planned     int `json:"planned"`
	AdHoc       int `json:"adhoc"`
	Held        int `json:"held"` // session recorded
	Rescheduled int `json:"rescheduled"`
	Cancelled   int `json:"cancelled"`
	// Pending are neither held nor cancelled yet.
	Pending int `json:"pending"`
	// ByLevel has one entry per level that has units in the scope's
	// subtree, top-down (province, district, commune).
	ByLevel []LevelCount `json:"by_level"`
	// ByKind has periodic, thematic and adhoc, in that order, zeros
	// included.
	ByKind []KindCount `json:"by_kind"`
}

// LevelCount is the dialogue figures of one administrative level, with the
// completion ratio in the form provinces publish: UnitsHeld/UnitsTotal
// ("25/30 xã, thị trấn"). Planned leaves ad hoc dialogues out, like
// Dialogues.Planned; Held and Cancelled count every kind.
type LevelCount struct {
	Level      string `json:"level"`
	LevelName  string `json:"level_name"` // "xã, phường, thị trấn"
	Planned    int    `json:"planned"`
	Held       int    `json:"held"`
	Cancelled  int    `json:"cancelled"`
	UnitsTotal int    `json:"units_total"` // units of that level in scope
	UnitsHeld  int    `json:"units_held"`  // …that held at least one dialogue
	Ratio      string `json:"ratio"`       // "25/30 xã, phường, thị trấn"
	// NotHeld names the units of the level that held none, by name:
	// at most MaxNotHeld of them; NotHeldMore counts the rest.
	NotHeld     []UnitRef `json:"not_held,omitempty"`
	NotHeldMore int       `json:"not_held_more,omitempty"`
}

// MaxNotHeld caps LevelCount.NotHeld.
const MaxNotHeld = 200

// UnitRef names a unit.
type UnitRef struct {
	UnitID string `json:"unit_id"`
	Name   string `json:"name"`
}

// KindCount is the dialogue figures of one kind: Planned counts every
// dialogue of the kind in scope (cancelled ones included; for adhoc, the ad
// hoc dialogues), Held those with a recorded session.
type KindCount struct {
	Kind    string `json:"kind"`
	Planned int    `json:"planned"`
	Held    int    `json:"held"`
}

// Participants sums attendance of held sessions.
type Participants struct {
	Total int `json:"total"`
	// ByGroup is largest first, ties by name (byte order).
	ByGroup []GroupCount `json:"by_group"`
}

// GroupCount is a count for a named group.
type GroupCount struct {
	Group string `json:"group"`
	Count int    `json:"count"`
}

// Survey counts pre-meeting survey answers.
type Survey struct {
	Answers int `json:"answers"`
	// ByField is largest first, ties by field (byte order).
	ByField []FieldCount `json:"by_field"`
}

// FieldCount is a count in one field (lĩnh vực).
type FieldCount struct {
	Field string `json:"field"`
	Count int    `json:"count"`
}

// Opinions counts opinions raised at sessions.
type Opinions struct {
	Total          int `json:"total"`
	FromSurvey     int `json:"from_survey"`
	FromFloor      int `json:"from_floor"`
	AnsweredOnSpot int `json:"answered_on_spot"`
	FollowedUp     int `json:"followed_up"` // not answered on the spot
	// Outcomes counts what became of the opinions (each in one outcome).
	Outcomes Outcomes `json:"outcomes"`
	// ByField is largest Total first, ties by field (byte order).
	ByField []OpinionField `json:"by_field"`
}

// Outcomes counts opinions by what became of them: the tasks of the
// conclusions they led to all accepted (ResultAccepted) or not yet
// (LedToTask); without tasks, answered on the spot or still open.
type Outcomes struct {
	AnsweredOnSpot int `json:"answered_on_spot"`
	LedToTask      int `json:"led_to_task"`
	ResultAccepted int `json:"result_accepted"`
	Open           int `json:"open"`
}

// OpinionField is the opinions of one field.
type OpinionField struct {
	Field          string   `json:"field"`
	Total          int      `json:"total"`
	AnsweredOnSpot int      `json:"answered_on_spot"`
	Outcomes       Outcomes `json:"outcomes"`
}

// Satisfaction counts citizens' ratings, in total, by field and by unit.
type Satisfaction struct {
	Rated        int                `json:"rated"`
	Satisfied    int                `json:"satisfied"`
	NotSatisfied int                `json:"not_satisfied"`
	ByField      []SatisfactionRow  `json:"by_field"`
	ByUnit       []SatisfactionUnit `json:"by_unit"`
}

// SatisfactionRow is the ratings of one field.
type SatisfactionRow struct {
	Field        string `json:"field"`
	Rated        int    `json:"rated"`
	Satisfied    int    `json:"satisfied"`
	NotSatisfied int    `json:"not_satisfied"`
}

// SatisfactionUnit is the ratings of one unit's dialogues.
type SatisfactionUnit struct {
	UnitID       string `json:"unit_id"`
	Name         string `json:"name"`
	Rated        int    `json:"rated"`
	Satisfied    int    `json:"satisfied"`
	NotSatisfied int    `json:"not_satisfied"`
}

// Tasks counts follow-up tasks by outcome. Delays are in working days
// (Vietnamese calendar) from the deadline to the result.
type Tasks struct {
	Total      int `json:"total"`
	DoneOnTime int `json:"done_on_time"`
	DoneLate   int `json:"done_late"`
	// Overdue are open (not done or cancelled, a result awaiting review
	// included) and past their deadline at the data time; Open are open
	// and not.
	Overdue   int `json:"overdue"`
	Open      int `json:"open"`
	Cancelled int `json:"cancelled"`
	// ReturnedResults counts results sent back by reviewers (MTTQ or planner).
	ReturnedResults int `json:"returned_results"`
	// AvgDelayWorkingDays and MaxDelayWorkingDays are over tasks done late
	// (submitted after the deadline) and tasks still overdue (up to the
	// data time). The delay of one task is the number of working days after
	// the deadline's date up to and including the date of its (last)
	// submission, or of the data time, in Vietnam time; the average is
	// rounded to 2 decimals; both are 0 when there is no such task.
	AvgDelayWorkingDays float64 `json:"avg_delay_working_days"`
	MaxDelayWorkingDays int     `json:"max_delay_working_days"`
}

// Escalations counts alerts of the ladder (kind task_overdue) of the tasks
// in scope; ByLevel is by rung, lowest first.
type Escalations struct {
	Total   int               `json:"total"`
	ByLevel []EscalationLevel `json:"by_level"`
}

// EscalationLevel is the alerts of one rung.
type EscalationLevel struct {
	Level        int `json:"level"`
	Alerts       int `json:"alerts"`
	Acknowledged int `json:"acknowledged"`
	// AvgAckSeconds is the mean time from alert to acknowledgement over the
	// acknowledged alerts, rounded to 2 decimals (0 when none is).
	AvgAckSeconds float64 `json:"avg_ack_seconds"`
}

// Report is a stored snapshot: the computed data, MTTQ's assessment, and
// its version and status.
type Report struct {
	ID       string `json:"id"`
	ScopeKey string `json:"scope_key"`
	Kind     string `json:"kind"`
	Version  int    `json:"version"`
	Status   string `json:"status"`
	// Assessment is MTTQ's written assessment (đánh giá của MTTQ).
	Assessment  string     `json:"assessment"`
	Data        Data       `json:"data"`
	ComputedAt  time.Time  `json:"computed_at"`
	FinalisedAt *time.Time `json:"finalised_at,omitempty"`
	FinalisedBy string     `json:"finalised_by,omitempty"`
}

// TwoLevelSince is when local government became two levels (1 July 2025,
// Vietnam time): commune-level units have been xã, phường and đặc khu since;
// before, xã, phường and thị trấn.
var TwoLevelSince = time.Date(2025, time.July, 1, 0, 0, 0, 0, time.FixedZone("ICT", 7*3600))

// LevelNameAt is LevelName for a report whose period ends at end: the
// commune level is named as it was then.
func LevelNameAt(level string, end time.Time) string {
	if level == "commune" && end.After(TwoLevelSince) {
		return "xã, phường, đặc khu"
	}
	return LevelName(level)
}

// LevelName is the Vietnamese name of a level's units in report ratios, on
// the three-level map (see LevelNameAt).
func LevelName(level string) string {
	switch level {
	case "national":
		return "Trung ương"
	case "province":
		return "tỉnh, thành phố"
	case "district":
		return "quận, huyện, thị xã"
	case "commune":
		return "xã, phường, thị trấn"
	}
	return level
}
