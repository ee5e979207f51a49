package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/doithoai/doithoai/internal/lifecycle"
)

// Task is a follow-up task row: a snapshot of its workflow's state.
type Task struct {
	bun.BaseModel `bun:"table:tasks"`

	ID              string                   `bun:"id,pk,type:uuid" json:"id"`
	DialogueID      string                   `bun:"dialogue_id,type:uuid" json:"dialogue_id"`
	ConclusionID    *string                  `bun:"conclusion_id,type:uuid" json:"conclusion_id,omitempty"`
	PlanID          string                   `bun:"plan_id,type:uuid" json:"plan_id"`
	UnitID          string                   `bun:"unit_id,type:uuid" json:"unit_id"`
	AssigneeUnitID  string                   `bun:"assignee_unit_id,type:uuid" json:"assignee_unit_id"`
	Title           string                   `bun:"title" json:"title"`
	Description     string                   `bun:"description" json:"description,omitempty"`
	AssigneeAgency  string                   `bun:"assignee_agency" json:"assignee_agency"`
	AssigneeOfficer string                   `bun:"assignee_officer" json:"assignee_officer,omitempty"`
	Monitor         string                   `bun:"monitor" json:"monitor,omitempty"`
	Status          string                   `bun:"status" json:"status"`
	Overdue         bool                     `bun:"overdue" json:"overdue"`
	EscalationLevel int                      `bun:"escalation_level" json:"escalation_level"`
	AssignedAt      time.Time                `bun:"assigned_at" json:"assigned_at"`
	DueAt           time.Time                `bun:"due_at" json:"due_at"`
	OriginalDueAt   time.Time                `bun:"original_due_at" json:"original_due_at"`
	DeadlineSpec    json.RawMessage          `bun:"deadline_spec,type:jsonb" json:"deadline_spec"`
	Extension       *lifecycle.TaskExtension `bun:"extension,type:jsonb" json:"extension,omitempty"`
	Result          *lifecycle.TaskResult    `bun:"result,type:jsonb" json:"result,omitempty"`
	SubmittedAt     *time.Time               `bun:"submitted_at" json:"submitted_at,omitempty"`
	Late            bool                     `bun:"late" json:"late"`
	ReturnedCount   int                      `bun:"returned_count" json:"returned_count"`
	CompletedAt     *time.Time               `bun:"completed_at" json:"completed_at,omitempty"`
	CancelReason    string                   `bun:"cancel_reason" json:"cancel_reason,omitempty"`
	Version         int                      `bun:"version" json:"version"`
	CreatedAt       time.Time                `bun:"created_at,nullzero,default:now()" json:"created_at"`
	UpdatedAt       time.Time                `bun:"updated_at,nullzero,default:now()" json:"updated_at"`
}

// InsertTasks writes new tasks (upsert by id) with their events.
func (s *Store) InsertTasks(ctx context.Context, tasks []Task, evs []Event) error {
	if len(tasks) == 0 {
		return nil
	}
	return s.DB.RunInTx(ctx, &sql.TxOptions{}, func(ctx context.Context, tx bun.Tx) error {
		return insertTasks(ctx, tx, tasks, evs)
	})
}

func insertTasks(ctx context.Context, tx bun.Tx, tasks []Task, evs []Event) error {
	for i := range tasks {
		if tasks[i].DeadlineSpec == nil {
			tasks[i].DeadlineSpec = json.RawMessage(`{}`)
		}
	}
	if _, err := tx.NewInsert().Model(&tasks).On("CONFLICT (id) DO NOTHING").Exec(ctx); err != nil {
		if isForeignKeyViolation(err) {
			return fmt.Errorf("insert tasks: %w", ErrConflict)
		}
		return fmt.Errorf("insert tasks: %w", err)
	}
	if err := appendEvents(ctx, tx, evs); err != nil {
		return err
	}
	return nil
}

// SaveTaskState writes a task snapshot if its version is newer than the
// stored one (so a retried or out-of-order write changes nothing), with its
// audit event.
func (s *Store) SaveTaskState(ctx context.Context, t *Task, ev Event) error {
	return s.DB.RunInTx(ctx, &sql.TxOptions{}, func(ctx context.Context, tx bun.Tx) error {
		return changeTracked(ctx, tx, "tasks", t.ID, taskSummaryColumns, ev, func() (bool, error) {
			res, err := tx.NewUpdate().Model(t).
				Column("unit_id", "assignee_unit_id", "assignee_agency", "assignee_officer", "monitor", "status", "overdue", "escalation_level",
					"due_at", "extension", "result", "submitted_at", "late", "returned_count", "completed_at", "cancel_reason", "version").
				Set("updated_at = now()").
				Where("id = ? AND version < ?", t.ID, t.Version).Exec(ctx)
			if err != nil {
				return false, fmt.Errorf("save task state: %w", err)
			}
			n, _ := res.RowsAffected()
			return n > 0, nil
		})
	})
}

// taskSummaryColumns are what a task event's before/after summary shows.
var taskSummaryColumns = []string{"status", "overdue", "escalation_level", "due_at", "unit_id", "assignee_unit_id", "assignee_agency",
	"assignee_officer", "monitor", "late", "returned_count", "cancel_reason"}

// GetTask reads one task.
func (s *Store) GetTask(ctx context.Context, id string) (*Task, error) {
	t := new(Task)
	if err := s.DB.NewSelect().Model(t).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, notFound(err, "get task")
	}
	return t, nil
}

// TaskFilter narrows ListTasks.
type TaskFilter struct {
	// UnitID keeps tasks whose unit or assignee unit is this unit (or, with
	// Subtree, one below it).
	UnitID     string
	Subtree    bool
	DialogueID string
	// Assignee matches the agency or the officer (case-insensitive substring).
	Assignee string
	Monitor  string
	// Status is a task status, or "overdue" (overdue and not settled), or
	// "open" (not done or cancelled).
	Status    string
	DueBefore *time.Time
	DueAfter  *time.Time
	// Scope keeps the tasks the caller may see (nil: all).
	Scope  *Scope
	Limit  int
	Offset int
}

// ListTasks lists tasks by due date (earliest first) with the total count.
func (s *Store) ListTasks(ctx context.Context, f TaskFilter) ([]Task, int, error) {
	ts := []Task{}
	q := s.DB.NewSelect().Model(&ts).OrderExpr("due_at, id")
	q = f.Scope.apply(q, []string{"unit_id", "assignee_unit_id"}, "", assignedTasks)
	if f.UnitID != "" {
		if f.Subtree {
			q = q.Where("(unit_id IN (SELECT id FROM units WHERE path LIKE (SELECT path FROM units WHERE id = ?0) || '%') OR "+
				"assignee_unit_id IN (SELECT id FROM units WHERE path LIKE (SELECT path FROM units WHERE id = ?0) || '%'))", f.UnitID)
		} else {
			q = q.Where("(unit_id = ?0 OR assignee_unit_id = ?0)", f.UnitID)
		}
	}
	if f.DialogueID != "" {
		q = q.Where("dialogue_id = ?", f.DialogueID)
	}
	if f.Assignee != "" {
		like := "%" + escapeLike(f.Assignee) + "%"
		q = q.Where("(assignee_agency ILIKE ? OR assignee_officer ILIKE ?)", like, like)
	}
	if f.Monitor != "" {
		q = q.Where("monitor ILIKE ?", "%"+escapeLike(f.Monitor)+"%")
	}
	switch f.Status {
	case "":
	case "overdue":
		q = q.Where("overdue AND status NOT IN ('done', 'cancelled')")
	case "open":
		q = q.Where("status NOT IN ('done', 'cancelled')")
	default:
		q = q.Where("status = ?", f.Status)
	}
	if f.DueBefore != nil {
		q = q.Where("due_at < ?", *f.DueBefore)
	}
	if f.DueAfter != nil {
		q = q.Where("due_at >= ?", *f.DueAfter)
	}
	n, err := q.Limit(int64(f.Limit)).Offset(int64(f.Offset)).ScanAndCount(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("list tasks: %w", err)
	}
	return ts, int(n), nil
}

// CountOverdue counts the overdue tasks matching f (ignoring its status,
// limit and offset), for "N quá hạn" badges.
func (s *Store) CountOverdue(ctx context.Context, f TaskFilter) (int, error) {
	f.Status, f.Limit, f.Offset = "overdue", 1, 0
	_, n, err := s.ListTasks(ctx, f)
	return n, err
}

func escapeLike(s string) string {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		if r == '%' || r == '_' || r == '\\' {
			out = append(out, '\\')
		}
		out = append(out, r)
	}
	return string(out)
}

// TimelineEntry is one thing that happened to a task.
type TimelineEntry struct {
	At     time.Time `json:"at"`
	Type   string    `json:"type"` // event, alert, reminder, notice
	Action string    `json:"action"`
	Actor  string    `json:"actor,omitempty"`
	// Text is a short Vietnamese description; TextEN its English version.
	Text   string          `json:"text,omitempty"`
	TextEN string          `json:"text_en,omitempty"`
	Data   json.RawMessage `json:"data,omitempty"`
	Ref    string          `json:"ref,omitempty"`
}

// TaskTimeline merges a task's audit events, alerts and notices by time;
// scope narrows the alerts shown to those the reader may see (nil: all).
func (s *Store) TaskTimeline(ctx context.Context, taskID string, scope *Scope) ([]TimelineEntry, error) {
	var out []TimelineEntry
	evs, err := s.ListEvents(ctx, "task", taskID)
	if err != nil {
		return nil, err
	}
	for _, ev := range evs {
		out = append(out, TimelineEntry{At: ev.At, Type: "event", Action: ev.Action, Actor: ev.Actor, Data: ev.Data})
	}
	var alerts []Alert
	if err := scope.apply(s.DB.NewSelect().Model(&alerts), []string{"unit_id"}, "recipient_role", "").Where("task_id = ?", taskID).OrderExpr("seq").Scan(ctx); err != nil {
		return nil, fmt.Errorf("task alerts: %w", err)
	}
	for _, a := range alerts {
		data, _ := json.Marshal(map[string]any{"level": a.Level, "recipient_role": a.RecipientRole, "unit_id": a.UnitID, "status": a.Status, "recipient": a.Recipient})
		out = append(out, TimelineEntry{At: a.CreatedAt, Type: "alert", Action: a.Kind, Text: a.TitleVI, TextEN: a.TitleEN, Data: data, Ref: a.ID})
		if a.AckedAt != nil {
			out = append(out, TimelineEntry{At: *a.AckedAt, Type: "alert", Action: "alert.acknowledged", Actor: a.AckedBy, Ref: a.ID})
		}
	}
	var ns []Notification
	if err := s.DB.NewSelect().Model(&ns).Where("task_id = ?", taskID).OrderExpr("seq").Scan(ctx); err != nil {
		return nil, fmt.Errorf("task notices: %w", err)
	}
	for _, n := range ns {
		out = append(out, TimelineEntry{At: n.CreatedAt, Type: n.Kind, Action: n.Kind, Text: n.SubjectVI, TextEN: n.SubjectEN, Ref: n.ID})
	}
	sortTimeline(out)
	if out == nil {
		out = []TimelineEntry{}
	}
	return out, nil
}

func sortTimeline(es []TimelineEntry) {
	// insertion sort: timelines are short and mostly ordered already
	for i := 1; i < len(es); i++ {
		for j := i; j > 0 && es[j].At.Before(es[j-1].At); j-- {
			es[j], es[j-1] = es[j-1], es[j]
		}
	}
}

// ParentUnitID returns the parent of a unit, or the unit itself at the top.
func (s *Store) ParentUnitID(ctx context.Context, unitID string) (string, error) {
	u, err := s.GetUnit(ctx, unitID)
	if err != nil {
		return "", err
	}
	if u.ParentID == nil {
		return u.ID, nil
	}
	return *u.ParentID, nil
}

// OpenTaskCount counts a dialogue's tasks that are not settled.
func (s *Store) OpenTaskCount(ctx context.Context, dialogueID string) (int, error) {
	n, err := s.DB.NewSelect().Model((*Task)(nil)).Where("dialogue_id = ? AND status NOT IN ('done', 'cancelled')", dialogueID).Count(ctx)
	if err != nil {
		return 0, fmt.Errorf("count open tasks: %w", err)
	}
	return int(n), nil
}
