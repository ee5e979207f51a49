package lifecycle

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/doithoai/doithoai/internal/domain"
)

// Dialogue, task and session limits.
const (
	MaxInvitedGroups    = 50
	MaxDueInWorkingDays = 365
	MaxAttendance       = 1_000_000
	SessionFutureLeeway = time.Hour // a session may be recorded as held up to this far ahead
	// SessionEarlyTolerance is how long before its scheduled start a
	// session may be recorded, and recorded as held: a meeting that opened
	// a little early needs no reschedule.
	SessionEarlyTolerance = 30 * time.Minute
	dialogueTextMax       = 500
	personTextMax         = 200
	taskTitleMax          = 500
	taskDescriptionMax    = 4000
	agencyMax             = 300
	opinionFieldMax       = 100
	longTextMax           = 4000
	sessionNotesMax       = 20000
	dialogueKindsMessage  = "periodic, thematic hoặc adhoc"
)

// ValidDialogueKind reports whether k is a dialogue kind.
func ValidDialogueKind(k string) bool {
	return k == domain.KindPeriodic || k == domain.KindThematic || k == domain.KindAdhoc
}

// ValidateDialogueSpec checks a dialogue as a plan schedules it, in the
// plan year year; field paths are relative to the dialogue ("kind",
// "hosts[0].name"). Texts are checked as given (callers trim them first).
func ValidateDialogueSpec(d domain.DialogueSpec, year int) []FieldError {
	var errs []FieldError
	if d.ID == "" {
		errs = append(errs, fieldErr("id", "required"))
	}
	if d.ScheduledAt.IsZero() {
		errs = append(errs, fieldErr("scheduled_at", "required"))
	} else {
		errs = append(errs, InPlanYear("scheduled_at", d.ScheduledAt, year)...)
	}
	switch {
	case ValidDialogueKind(d.Kind):
	case d.Kind == "":
		errs = append(errs, fieldErr("kind", "required"))
	default:
		errs = append(errs, fieldErrMsg("kind", "invalid_enum", "Loại hội nghị phải là "+dialogueKindsMessage+".", "kind must be periodic, thematic or adhoc."))
	}
	if d.Kind == domain.KindThematic && strings.TrimSpace(d.Topic) == "" {
		errs = append(errs, fieldErr("topic", "topic_required"))
	}
	if len(d.Hosts) == 0 {
		errs = append(errs, fieldErr("hosts", "host_required"))
	}
	for j, h := range d.Hosts {
		if strings.TrimSpace(h.Name) == "" {
			errs = append(errs, fieldErr(fmt.Sprintf("hosts[%d].name", j), "required"))
		}
		CheckText(&errs, fmt.Sprintf("hosts[%d].name", j), h.Name, false, personTextMax)
		CheckText(&errs, fmt.Sprintf("hosts[%d].title", j), h.Title, false, personTextMax)
	}
	CheckText(&errs, "topic", d.Topic, false, dialogueTextMax)
	CheckText(&errs, "title", d.Title, false, dialogueTextMax)
	CheckText(&errs, "place", d.Place, false, dialogueTextMax)
	if len(d.InvitedGroups) > MaxInvitedGroups {
		errs = append(errs, fieldErr("invited_groups", "too_many"))
	}
	for j, g := range d.InvitedGroups {
		CheckText(&errs, fmt.Sprintf("invited_groups[%d]", j), g, true, personTextMax)
	}
	return errs
}

// ValidateTaskSpec checks a follow-up task as assigned at now; field paths
// are relative to the task ("assignee.agency", "due_at").
func ValidateTaskSpec(t domain.TaskSpec, now time.Time) []FieldError {
	var errs []FieldError
	if t.ID == "" {
		errs = append(errs, fieldErr("id", "required"))
	}
	CheckText(&errs, "title", t.Title, true, taskTitleMax)
	CheckText(&errs, "description", t.Description, false, taskDescriptionMax)
	CheckText(&errs, "monitor", t.Monitor, false, personTextMax)
	CheckText(&errs, "assignee.agency", t.Assignee.Agency, true, agencyMax)
	CheckText(&errs, "assignee.officer", t.Assignee.Officer, false, personTextMax)
	switch {
	case t.DueAt != nil && t.DueInWorkingDays != 0:
		errs = append(errs, fieldErrMsg("due_at", "deadline_ambiguous", "Chỉ ghi hạn theo ngày giờ hoặc theo số ngày làm việc, không ghi cả hai.", "Give due_at or due_in_working_days, not both."))
	case t.DueAt != nil:
		if !t.DueAt.After(now) {
			errs = append(errs, fieldErr("due_at", "in_past"))
		}
	case t.DueInWorkingDays < 0 || t.DueInWorkingDays > MaxDueInWorkingDays:
		errs = append(errs, fieldErrMsg("due_in_working_days", "out_of_range",
			fmt.Sprintf("Số ngày làm việc phải từ 1 đến %d.", MaxDueInWorkingDays), fmt.Sprintf("Working days must be between 1 and %d.", MaxDueInWorkingDays)))
	case t.DueInWorkingDays == 0:
		errs = append(errs, fieldErrMsg("due_at", "deadline_required", "Cần hạn hoàn thành: due_at hoặc due_in_working_days.", "A deadline is required: due_at or due_in_working_days."))
	}
	return errs
}

// ValidateSession checks a session record as recorded at now: when it was
// held (not in the future), attendance, opinions, and conclusions with
// their tasks (ids unique across conclusions and tasks).
func ValidateSession(s domain.Session, now time.Time) []FieldError {
	var errs []FieldError
	if s.HeldAt.IsZero() {
		errs = append(errs, fieldErr("held_at", "required"))
	} else if s.HeldAt.After(now.Add(SessionFutureLeeway)) {
		errs = append(errs, fieldErr("held_at", "in_future"))
	}
	CheckText(&errs, "chair", s.Chair, false, personTextMax)
	CheckText(&errs, "notes", s.Notes, false, sessionNotesMax)
	if s.Attendance.Total < 0 || s.Attendance.Total > MaxAttendance {
		errs = append(errs, fieldErr("attendance.total", "out_of_range"))
	}
	for _, g := range sortedKeys(s.Attendance.Groups) {
		if s.Attendance.Groups[g] < 0 || strings.TrimSpace(g) == "" {
			errs = append(errs, fieldErr("attendance.groups."+g, "out_of_range"))
		}
	}
	for i, o := range s.Opinions {
		p := fmt.Sprintf("opinions[%d]", i)
		CheckText(&errs, p+".field", o.Field, true, opinionFieldMax)
		CheckText(&errs, p+".content", o.Content, true, longTextMax)
		CheckText(&errs, p+".answer", o.Answer, false, longTextMax)
		if o.Source != domain.SourceSurvey && o.Source != domain.SourceFloor {
			errs = append(errs, fieldErrMsg(p+".source", "invalid_enum", "Nguồn phải là survey (phiếu) hoặc floor (tại hội nghị).", "source must be survey or floor."))
		}
		errs = append(errs, ValidateOpinionLinks(p, o, len(s.Conclusions))...)
	}
	return append(errs, validateConclusions(s.Conclusions, now)...)
}

// ValidateSessionStart refuses a session recorded, at now, before its
// dialogue's scheduled start (less SessionEarlyTolerance), or recorded as
// held before then. The message names the earliest time.
func ValidateSessionStart(scheduledAt, heldAt, now time.Time) []FieldError {
	earliest := scheduledAt.Add(-SessionEarlyTolerance)
	if !now.Before(earliest) && (heldAt.IsZero() || !heldAt.Before(earliest)) {
		return nil
	}
	return []FieldError{fieldErrMsg("held_at", "before_scheduled_start",
		fmt.Sprintf("Hội nghị dự kiến bắt đầu lúc %s; chỉ ghi nhận được kết quả hội nghị diễn ra từ %s (sớm nhất %d phút trước giờ bắt đầu). Nếu hội nghị đã đổi ngày, hãy dời lịch trước.",
			viTime(scheduledAt), viTime(earliest), int(SessionEarlyTolerance/time.Minute)),
		fmt.Sprintf("The dialogue is scheduled to start at %s; a session can be recorded, as held, from %s (at most %d minutes before the start). If it moved, reschedule it first.",
			enTime(scheduledAt), enTime(earliest), int(SessionEarlyTolerance/time.Minute)))}
}

// MaxOpinionLinks caps the survey answers one opinion may cover.
const MaxOpinionLinks = 1000

// ValidateOpinionLinks checks the links of the opinion at path p: survey
// answers named once each, conclusions by their seq among the session's
// conclusions. (Whether the answers belong to the dialogue is the API's
// check: it needs the database.)
func ValidateOpinionLinks(p string, o domain.Opinion, conclusions int) []FieldError {
	var errs []FieldError
	if len(o.SurveyResponseIDs) > MaxOpinionLinks {
		errs = append(errs, fieldErrMsg(p+".survey_response_ids", "too_many",
			fmt.Sprintf("Một ý kiến gắn tối đa %d phiếu.", MaxOpinionLinks), fmt.Sprintf("An opinion covers at most %d survey answers.", MaxOpinionLinks)))
	}
	seen := make(map[string]bool, len(o.SurveyResponseIDs))
	for j, id := range o.SurveyResponseIDs {
		if seen[id] {
			errs = append(errs, fieldErr(fmt.Sprintf("%s.survey_response_ids[%d]", p, j), "duplicate"))
		}
		seen[id] = true
	}
	seenC := map[int]bool{}
	for j, c := range o.Conclusions {
		cp := fmt.Sprintf("%s.conclusions[%d]", p, j)
		switch {
		case c < 1 || c > conclusions:
			errs = append(errs, fieldErrMsg(cp, "unknown_conclusion",
				fmt.Sprintf("Không có kết luận số %d trong biên bản này (có %d kết luận).", c, conclusions),
				fmt.Sprintf("There is no conclusion %d in this session (it has %d).", c, conclusions)))
		case seenC[c]:
			errs = append(errs, fieldErr(cp, "duplicate"))
		}
		seenC[c] = true
	}
	return errs
}

func validateConclusions(cs []domain.Conclusion, now time.Time) []FieldError {
	var errs []FieldError
	seen := map[string]bool{}
	for i, c := range cs {
		p := fmt.Sprintf("conclusions[%d]", i)
		if c.ID == "" {
			errs = append(errs, fieldErr(p+".id", "required"))
		} else if seen[c.ID] {
			errs = append(errs, fieldErr(p+".id", "duplicate"))
		}
		seen[c.ID] = true
		CheckText(&errs, p+".content", c.Content, true, longTextMax)
		for j, t := range c.Tasks {
			tp := fmt.Sprintf("%s.tasks[%d]", p, j)
			if t.ID != "" && seen[t.ID] {
				errs = append(errs, fieldErr(tp+".id", "duplicate"))
			}
			seen[t.ID] = true
			errs = append(errs, Prefix(tp, ValidateTaskSpec(t, now))...)
		}
	}
	return errs
}

func sortedKeys(m map[string]int) []string {
	return slices.Sorted(maps.Keys(m))
}
