package activities

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/doithoai/doithoai/internal/calendar"
	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/internal/store"
)

// TaskResultState is a reported result.
type TaskResultState = store.TaskResult

// TaskExtensionState is an extension request and its decision.
type TaskExtensionState = store.TaskExtension

// TaskState is the state of a task as its workflow keeps it; every change
// is written to PostgreSQL as a snapshot with a growing Version.
type TaskState struct {
	TaskID          string              `json:"task_id"`
	DialogueID      string              `json:"dialogue_id"`
	ConclusionID    string              `json:"conclusion_id,omitempty"`
	PlanID          string              `json:"plan_id"`
	UnitID          string              `json:"unit_id"`
	Title           string              `json:"title"`
	Description     string              `json:"description,omitempty"`
	Assignee        domain.Assignee     `json:"assignee"`
	Monitor         string              `json:"monitor,omitempty"`
	Status          string              `json:"status"`
	Overdue         bool                `json:"overdue"`
	EscalationLevel int                 `json:"escalation_level"`
	AssignedAt      time.Time           `json:"assigned_at"`
	DueAt           time.Time           `json:"due_at"`
	OriginalDueAt   time.Time           `json:"original_due_at"`
	DeadlineSpec    map[string]any      `json:"deadline_spec,omitempty"`
	Extension       *TaskExtensionState `json:"extension,omitempty"`
	Result          *TaskResultState    `json:"result,omitempty"`
	SubmittedAt     *time.Time          `json:"submitted_at,omitempty"`
	Late            bool                `json:"late"`
	ReturnedCount   int                 `json:"returned_count"`
	CompletedAt     *time.Time          `json:"completed_at,omitempty"`
	CancelReason    string              `json:"cancel_reason,omitempty"`
	Version         int                 `json:"version"`
	// Generation counts approved extensions: each re-arms the ladder.
	Generation int `json:"generation"`
}

// Settled reports whether the task is done or cancelled.
func (s TaskState) Settled() bool {
	return s.Status == domain.TaskDone || s.Status == domain.TaskCancelled
}

// Row converts the state to its table row.
func (s TaskState) Row() store.Task {
	spec, _ := json.Marshal(s.DeadlineSpec)
	if s.DeadlineSpec == nil {
		spec = []byte(`{}`)
	}
	t := store.Task{
		ID: s.TaskID, DialogueID: s.DialogueID, PlanID: s.PlanID, UnitID: s.UnitID, AssigneeUnitID: s.Assignee.UnitID,
		Title: s.Title, Description: s.Description, AssigneeAgency: s.Assignee.Agency, AssigneeOfficer: s.Assignee.Officer,
		Monitor: s.Monitor, Status: s.Status, Overdue: s.Overdue, EscalationLevel: s.EscalationLevel,
		AssignedAt: s.AssignedAt, DueAt: s.DueAt, OriginalDueAt: s.OriginalDueAt, DeadlineSpec: spec,
		Extension: s.Extension, Result: s.Result, SubmittedAt: s.SubmittedAt, Late: s.Late, ReturnedCount: s.ReturnedCount,
		CompletedAt: s.CompletedAt, CancelReason: s.CancelReason, Version: s.Version,
	}
	if s.ConclusionID != "" {
		id := s.ConclusionID
		t.ConclusionID = &id
	}
	if t.AssigneeUnitID == "" {
		t.AssigneeUnitID = s.UnitID
	}
	return t
}

// ScheduleInput asks for a task's deadline, reminders and ladder.
type ScheduleInput struct {
	AssignedAt       time.Time     `json:"assigned_at"`
	DueAt            *time.Time    `json:"due_at,omitempty"`
	DueInWorkingDays int           `json:"due_in_working_days,omitempty"`
	Policy           domain.Policy `json:"policy"`
}

// ScheduledReminder is a reminder at an instant.
type ScheduledReminder struct {
	At      time.Time `json:"at"`
	Label   string    `json:"label"`
	LabelEN string    `json:"label_en"`
}

// ScheduledStep is a rung of the ladder at an instant.
type ScheduledStep struct {
	Level      int       `json:"level"`
	At         time.Time `json:"at"`
	Recipients []string  `json:"recipients"`
}

// TaskSchedule is a task's timetable, computed with the working-day
// calendar outside workflow code (so a change of the holiday file never
// changes a replay).
type TaskSchedule struct {
	DueAt     time.Time           `json:"due_at"`
	Reminders []ScheduledReminder `json:"reminders"`
	Steps     []ScheduledStep     `json:"steps"`
}

// startOfWorkday is when reminders counted in working days go out.
const startOfWorkday = 8 * time.Hour

func (a *Activities) calendar() (*calendar.Calendar, error) {
	if a.Calendar != nil {
		return a.Calendar, nil
	}
	return calendar.New(calendar.Options{})
}

// ComputeTaskSchedules computes the timetable of each task: the deadline
// (an instant, or N working days from assignment at close of day), the
// reminders before it (only on working days, or exact offsets), and the
// escalation ladder after it.
func (a *Activities) ComputeTaskSchedules(ctx context.Context, ins []ScheduleInput) ([]TaskSchedule, error) {
	cal, err := a.calendar()
	if err != nil {
		return nil, fmt.Errorf("working-day calendar: %w", err)
	}
	out := make([]TaskSchedule, len(ins))
	for i, in := range ins {
		out[i] = ComputeSchedule(cal, in)
	}
	return out, nil
}

// ComputeSchedule is the pure schedule computation behind ComputeTaskSchedules.
func ComputeSchedule(cal *calendar.Calendar, in ScheduleInput) TaskSchedule {
	var due time.Time
	if in.DueAt != nil {
		due = *in.DueAt
	} else {
		due = cal.AddWorkingDays(in.AssignedAt, in.DueInWorkingDays)
	}
	s := TaskSchedule{DueAt: due, Reminders: []ScheduledReminder{}, Steps: []ScheduledStep{}}
	if len(in.Policy.ReminderOffsets) > 0 {
		for _, off := range in.Policy.ReminderOffsets {
			at := due.Add(-off)
			if at.After(in.AssignedAt) {
				s.Reminders = append(s.Reminders, ScheduledReminder{At: at, Label: "sắp đến hạn", LabelEN: "deadline approaching"})
			}
		}
	} else {
		for _, n := range in.Policy.ReminderWorkingDays {
			if n <= 0 {
				continue
			}
			day := cal.SubWorkingDays(due, n).In(cal.Location())
			at := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, cal.Location()).Add(startOfWorkday)
			if at.After(in.AssignedAt) && at.Before(due) {
				s.Reminders = append(s.Reminders, ScheduledReminder{At: at,
					Label: fmt.Sprintf("còn %d ngày làm việc", n), LabelEN: fmt.Sprintf("%d working days left", n)})
			}
		}
	}
	sortReminders(s.Reminders)
	prev := due
	for i, st := range in.Policy.Escalation {
		var at time.Time
		switch {
		case st.After > 0:
			at = due.Add(st.After)
		case st.AfterWorkingDays > 0:
			at = cal.AddWorkingDays(due, st.AfterWorkingDays)
		default:
			at = due
		}
		if at.Before(prev) { // the ladder only climbs
			at = prev
		}
		prev = at
		s.Steps = append(s.Steps, ScheduledStep{Level: i + 1, At: at, Recipients: append([]string{}, st.Recipients...)})
	}
	return s
}

func sortReminders(rs []ScheduledReminder) {
	for i := 1; i < len(rs); i++ {
		for j := i; j > 0 && rs[j].At.Before(rs[j-1].At); j-- {
			rs[j], rs[j-1] = rs[j-1], rs[j]
		}
	}
}

// SaveTasksInput adds tasks to a dialogue after its session.
type SaveTasksInput struct {
	Tasks []TaskState  `json:"tasks"`
	Actor domain.Actor `json:"actor"`
}

func taskEvent(st TaskState, action string, actor domain.Actor, data any) store.Event {
	return store.NewEvent(fmt.Sprintf("task/%s/v%d", st.TaskID, st.Version), actor.ID, actor.Role, action, "task", st.TaskID, st.UnitID, actor.RequestID, data)
}

// TaskRows converts states to rows with their creation events.
func TaskRows(ts []TaskState, actor domain.Actor) ([]store.Task, []store.Event) {
	rows := make([]store.Task, 0, len(ts))
	evs := make([]store.Event, 0, len(ts))
	for _, t := range ts {
		rows = append(rows, t.Row())
		evs = append(evs, taskEvent(t, "task.assigned", actor, map[string]any{
			"assignee": t.Assignee, "due_at": t.DueAt, "monitor": t.Monitor, "conclusion_id": t.ConclusionID}))
	}
	return rows, evs
}

// SaveTasks writes new tasks (upsert by id).
func (a *Activities) SaveTasks(ctx context.Context, in SaveTasksInput) error {
	rows, evs := TaskRows(in.Tasks, in.Actor)
	return nonRetryableIfConflict(a.Store.InsertTasks(ctx, rows, evs))
}

// TaskStateInput writes a task snapshot with the audit event of the change.
type TaskStateInput struct {
	State  TaskState      `json:"state"`
	Action string         `json:"action"`
	Actor  domain.Actor   `json:"actor"`
	Data   map[string]any `json:"data,omitempty"`
}

// SaveTaskState writes a task snapshot (newer versions only).
func (a *Activities) SaveTaskState(ctx context.Context, in TaskStateInput) error {
	row := in.State.Row()
	if err := a.Store.SaveTaskState(ctx, &row, taskEvent(in.State, in.Action, in.Actor, in.Data)); err != nil {
		return err
	}
	a.log(ctx).Info("task state", zap.String("task_id", in.State.TaskID), zap.String("action", in.Action), zap.String("status", in.State.Status), zap.Int("version", in.State.Version))
	return nil
}

// TaskAlertInput raises the alerts of one ladder step.
type TaskAlertInput struct {
	State      TaskState `json:"state"`
	Level      int       `json:"level"`
	Recipients []string  `json:"recipients"`
	At         time.Time `json:"at"`
}

// TaskAlertResult lists the alerts of the step (new or already stored).
type TaskAlertResult struct {
	AlertIDs []string `json:"alert_ids"`
	Created  int      `json:"created"`
}

// RaiseTaskAlerts stores one alert per recipient of a ladder step, exactly
// once per (task, deadline generation, level, recipient), whatever the
// retries, restarts or replays.
func (a *Activities) RaiseTaskAlerts(ctx context.Context, in TaskAlertInput) (TaskAlertResult, error) {
	st := in.State
	res := TaskAlertResult{AlertIDs: []string{}}
	due := st.DueAt.In(domain.Location)
	late := WorkingDaysText(in.At.Sub(st.DueAt))
	who := st.Assignee.Agency
	if st.Assignee.Officer != "" {
		who = st.Assignee.Officer + " (" + st.Assignee.Agency + ")"
	}
	for _, r := range in.Recipients {
		unitID, role, recipient := st.UnitID, "", ""
		switch r {
		case domain.RecipientAssignee:
			unitID, role, recipient = st.Assignee.UnitID, domain.RoleOfficer, who
		case domain.RecipientMonitor:
			role, recipient = domain.RoleMonitor, st.Monitor
		case domain.RecipientMTTQ:
			role = domain.RoleMTTQ
		case domain.RecipientParentMTTQ, domain.RecipientParentPartyCommittee:
			parent, err := a.Store.ParentUnitID(ctx, st.UnitID)
			if err != nil {
				return res, err
			}
			unitID, role = parent, domain.RoleMTTQ
			if r == domain.RecipientParentPartyCommittee {
				role = domain.RolePartyCommittee
			}
		default:
			continue
		}
		if unitID == "" {
			unitID = st.UnitID
		}
		key := fmt.Sprintf("task/%s/g%d/level/%d/%s", st.TaskID, st.Generation, in.Level, r)
		plan, dlg, task := st.PlanID, st.DialogueID, st.TaskID
		al := &store.Alert{
			ID: StableID(key), DedupKey: key, UnitID: unitID, RecipientRole: role, Recipient: recipient,
			Kind: domain.AlertTaskOverdue, Level: in.Level, PlanID: &plan, DialogueID: &dlg, TaskID: &task,
			TitleVI: fmt.Sprintf("Nhiệm vụ quá hạn (mức %d): %s", in.Level, st.Title),
			TitleEN: fmt.Sprintf("Overdue task (level %d): %s", in.Level, st.Title),
			BodyVI: fmt.Sprintf("Nhiệm vụ \"%s\" giao cho %s, hạn %s, đã quá hạn%s và chưa được nghiệm thu. Người theo dõi: %s.",
				st.Title, who, due.Format("15:04 02/01/2006"), late.vi, orDash(st.Monitor)),
			BodyEN: fmt.Sprintf("Task \"%s\" assigned to %s, due %s, is overdue%s and not accepted yet. Monitor: %s.",
				st.Title, who, due.Format("2006-01-02 15:04"), late.en, orDash(st.Monitor)),
		}
		created, err := a.Store.RaiseAlert(ctx, al)
		if err != nil {
			return res, err
		}
		res.AlertIDs = append(res.AlertIDs, al.ID)
		if created {
			res.Created++
			a.log(ctx).Warn("alert raised: task overdue", zap.String("task_id", st.TaskID), zap.Int("level", in.Level), zap.String("role", role), zap.String("unit_id", unitID))
		}
	}
	return res, nil
}

type bilingual struct{ vi, en string }

// WorkingDaysText words a delay for alert bodies.
func WorkingDaysText(d time.Duration) bilingual {
	switch {
	case d < time.Minute:
		return bilingual{}
	case d < 24*time.Hour:
		return bilingual{fmt.Sprintf(" %s", d.Round(time.Minute)), fmt.Sprintf(" by %s", d.Round(time.Minute))}
	default:
		days := int(d / (24 * time.Hour))
		return bilingual{fmt.Sprintf(" %d ngày", days), fmt.Sprintf(" by %d days", days)}
	}
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}

// TaskNoticeInput sends a notice about a task (assignment, reminder, …)
// to its assignee.
type TaskNoticeInput struct {
	State TaskState `json:"state"`
	// Kind is "assignment", "reminder", "returned" or "extension".
	Kind string `json:"kind"`
	// Key makes the notice exactly-once.
	Key       string `json:"key"`
	SubjectVI string `json:"subject_vi"`
	SubjectEN string `json:"subject_en"`
	BodyVI    string `json:"body_vi"`
	BodyEN    string `json:"body_en"`
}

// TaskNoticeResult names the notice.
type TaskNoticeResult struct {
	ID      string `json:"id"`
	Created bool   `json:"created"`
}

// SendTaskNotice stores a notice to the assignee (exactly once per key).
func (a *Activities) SendTaskNotice(ctx context.Context, in TaskNoticeInput) (TaskNoticeResult, error) {
	st := in.State
	who := st.Assignee.Agency
	if st.Assignee.Officer != "" {
		who = st.Assignee.Officer
	}
	kind := "notice"
	if in.Kind == "reminder" {
		kind = "reminder"
	}
	dlg, task := st.DialogueID, st.TaskID
	unitID := st.Assignee.UnitID
	if unitID == "" {
		unitID = st.UnitID
	}
	n := &store.Notification{
		ID: StableID(in.Key), DedupKey: in.Key, UnitID: unitID, DialogueID: &dlg, TaskID: &task, Recipient: who,
		Channel: "inbox", Kind: kind, SubjectVI: in.SubjectVI, SubjectEN: in.SubjectEN, BodyVI: in.BodyVI, BodyEN: in.BodyEN,
	}
	created, err := a.Store.SaveNotification(ctx, n)
	if err != nil {
		return TaskNoticeResult{}, err
	}
	if created {
		a.log(ctx).Info("task notice", zap.String("task_id", st.TaskID), zap.String("kind", in.Kind), zap.String("recipient", who))
	}
	return TaskNoticeResult{ID: n.ID, Created: created}, nil
}
