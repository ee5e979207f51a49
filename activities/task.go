package activities

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"go.uber.org/zap"

	"github.com/doithoai/doithoai/internal/calendar"
	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/internal/lifecycle"
	"github.com/doithoai/doithoai/internal/notify"
	"github.com/doithoai/doithoai/internal/store"
)

// TaskRow converts a task's state to its table row.
func TaskRow(s lifecycle.TaskState) store.Task {
	spec, _ := json.Marshal(s.DeadlineSpec)
	if s.DeadlineSpec == nil {
		spec = []byte(`{}`)
	}
	t := store.Task{
		ID: s.TaskID, DialogueID: s.DialogueID, PlanID: s.PlanID, UnitID: s.UnitID, AssigneeUnitID: s.AssigneeUnitID(),
		Title: s.Title, Description: s.Description, AssigneeAgency: s.Assignee.Agency, AssigneeOfficer: s.Assignee.Officer,
		Monitor: s.Monitor, Status: s.Status, Overdue: s.Overdue, EscalationLevel: s.EscalationLevel,
		AssignedAt: s.AssignedAt, DueAt: s.DueAt, OriginalDueAt: s.OriginalDueAt, DeadlineSpec: spec,
		Extension: s.Extension, Result: s.Result,
		SubmittedAt: s.SubmittedAt, Late: s.Late, ReturnedCount: s.ReturnedCount,
		CompletedAt: s.CompletedAt, CancelReason: s.CancelReason, Version: s.Version,
	}
	if s.ConclusionID != "" {
		id := s.ConclusionID
		t.ConclusionID = &id
	}
	return t
}

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
func (a *Activities) ComputeTaskSchedules(ctx context.Context, ins []lifecycle.ScheduleInput) ([]lifecycle.TaskSchedule, error) {
	cal, err := a.calendar()
	if err != nil {
		return nil, fmt.Errorf("working-day calendar: %w", err)
	}
	out := make([]lifecycle.TaskSchedule, len(ins))
	for i, in := range ins {
		out[i] = lifecycle.ComputeSchedule(cal, in)
	}
	return out, nil
}

// SaveTasksInput adds tasks to a dialogue after its session.
type SaveTasksInput struct {
	Tasks []lifecycle.TaskState `json:"tasks"`
	Actor domain.Actor          `json:"actor"`
}

func taskEvent(st lifecycle.TaskState, action string, actor domain.Actor, data any) store.Event {
	return store.NewEvent(fmt.Sprintf("task/%s/v%d", st.TaskID, st.Version), actor.ID, actor.Role, action, "task", st.TaskID, st.UnitID, actor.RequestID, data)
}

// TaskRows converts states to rows with their creation events.
func TaskRows(ts []lifecycle.TaskState, actor domain.Actor) ([]store.Task, []store.Event) {
	rows := make([]store.Task, 0, len(ts))
	evs := make([]store.Event, 0, len(ts))
	for _, t := range ts {
		rows = append(rows, TaskRow(t))
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
	State  lifecycle.TaskState `json:"state"`
	Action string              `json:"action"`
	Actor  domain.Actor        `json:"actor"`
	Data   map[string]any      `json:"data,omitempty"`
}

// SaveTaskState writes a task snapshot (newer versions only).
func (a *Activities) SaveTaskState(ctx context.Context, in TaskStateInput) error {
	row := TaskRow(in.State)
	if err := a.Store.SaveTaskState(ctx, &row, taskEvent(in.State, in.Action, in.Actor, in.Data)); err != nil {
		return err
	}
	a.log(ctx).Info("task state", zap.String("task_id", in.State.TaskID), zap.String("action", in.Action), zap.String("status", in.State.Status), zap.Int("version", in.State.Version))
	return nil
}

// TaskAlertInput raises the alerts of one ladder step.
type TaskAlertInput struct {
	State      lifecycle.TaskState `json:"state"`
	Level      int                 `json:"level"`
	Recipients []string            `json:"recipients"`
	At         time.Time           `json:"at"`
}

// TaskAlertResult lists the alerts of the step (new or already stored).
type TaskAlertResult struct {
	AlertIDs []string `json:"alert_ids"`
	// DeliverIDs are the alerts whose unit has somewhere to send them (a
	// webhook, or an e-mail contact for the role): only those go to Deliver.
	DeliverIDs []string `json:"deliver_ids,omitempty"`
	Created    int      `json:"created"`
}

// RaiseTaskAlerts stores one alert per recipient of a ladder step, exactly
// once per (task, deadline generation, level, recipient), whatever the
// retries, restarts or replays. Each recipient kind resolves to a unit, a
// role and perhaps a person by the lifecycle table.
func (a *Activities) RaiseTaskAlerts(ctx context.Context, in TaskAlertInput) (TaskAlertResult, error) {
	st := in.State
	res := TaskAlertResult{AlertIDs: []string{}}
	text := lifecycle.OverdueAlert(st, in.Level, in.At)
	parent, parentKnown := "", false
	for _, r := range in.Recipients {
		kind, ok := lifecycle.Recipient(r)
		if !ok {
			continue
		}
		if kind.NeedsParent() && !parentKnown {
			p, err := a.Store.ParentUnitID(ctx, st.UnitID)
			if err != nil {
				return res, err
			}
			parent, parentKnown = p, true
		}
		unitID, role := kind.UnitOf(st, parent), kind.Role
		key := fmt.Sprintf("task/%s/g%d/level/%d/%s", st.TaskID, st.Generation, in.Level, r)
		plan, dlg, task := st.PlanID, st.DialogueID, st.TaskID
		al := &store.Alert{
			ID: StableID(key), DedupKey: key, UnitID: unitID, RecipientRole: role, Recipient: kind.PersonOf(st), RecipientKey: r,
			Kind: domain.AlertTaskOverdue, Level: in.Level, PlanID: &plan, DialogueID: &dlg, TaskID: &task,
			TitleVI: text.TitleVI, TitleEN: text.TitleEN, BodyVI: text.BodyVI, BodyEN: text.BodyEN,
		}
		created, err := a.Store.RaiseAlert(ctx, al)
		if err != nil {
			return res, err
		}
		res.AlertIDs = append(res.AlertIDs, al.ID)
		targets, _, err := a.targets(ctx, notify.EventFromAlert(al))
		if err != nil {
			return res, fmt.Errorf("alert targets: %w", err)
		}
		if len(targets) > 0 {
			res.DeliverIDs = append(res.DeliverIDs, al.ID)
		}
		if created {
			res.Created++
			a.log(ctx).Warn("alert raised: task overdue", zap.String("task_id", st.TaskID), zap.Int("level", in.Level), zap.String("role", role), zap.String("unit_id", unitID))
		}
	}
	return res, nil
}

// TaskNoticeInput sends a notice about a task (assignment, reminder, …)
// to its assignee.
type TaskNoticeInput struct {
	State lifecycle.TaskState `json:"state"`
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
	// Deliver is true when the notice has somewhere to go besides the
	// inbox (a webhook or an e-mail address of its unit): only then does
	// the workflow run Deliver for it.
	Deliver bool `json:"deliver"`
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
	targets, _, err := a.targets(ctx, notify.EventFromNotification(n))
	if err != nil {
		return TaskNoticeResult{}, fmt.Errorf("task notice targets: %w", err)
	}
	return TaskNoticeResult{ID: n.ID, Created: created, Deliver: len(targets) > 0}, nil
}
