package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/doithoai/doithoai/internal/domain"
)

// Plan is an annual plan row.
type Plan struct {
	bun.BaseModel `bun:"table:plans"`

	ID          string        `bun:"id,pk,type:uuid" json:"id"`
	UnitID      string        `bun:"unit_id,type:uuid" json:"unit_id"`
	Year        int           `bun:"year" json:"year"`
	ReferenceNo string        `bun:"reference_no" json:"reference_no"`
	IssuingBody string        `bun:"issuing_body" json:"issuing_body"`
	Title       string        `bun:"title" json:"title"`
	Policy      domain.Policy `bun:"policy,type:jsonb" json:"policy"`
	Status      string        `bun:"status" json:"status"`
	CreatedBy   string        `bun:"created_by" json:"created_by"`
	CreatedAt   time.Time     `bun:"created_at,nullzero,default:now()" json:"created_at"`
	UpdatedAt   time.Time     `bun:"updated_at,nullzero,default:now()" json:"updated_at"`
	ClosedAt    *time.Time    `bun:"closed_at" json:"closed_at,omitempty"`
}

// Dialogue is a dialogue row.
type Dialogue struct {
	bun.BaseModel `bun:"table:dialogues"`

	ID                string        `bun:"id,pk,type:uuid" json:"id"`
	PlanID            string        `bun:"plan_id,type:uuid" json:"plan_id"`
	UnitID            string        `bun:"unit_id,type:uuid" json:"unit_id"`
	Seq               int           `bun:"seq" json:"seq"`
	Kind              string        `bun:"kind" json:"kind"`
	Topic             string        `bun:"topic" json:"topic"`
	Title             string        `bun:"title" json:"title"`
	ScheduledAt       time.Time     `bun:"scheduled_at" json:"scheduled_at"`
	Place             string        `bun:"place" json:"place"`
	Hosts             []domain.Host `bun:"hosts,type:jsonb" json:"hosts"`
	InvitedGroups     []string      `bun:"invited_groups,type:jsonb" json:"invited_groups"`
	Phase             string        `bun:"phase" json:"phase"`
	SurveyOpensAt     time.Time     `bun:"survey_opens_at" json:"survey_opens_at"`
	SurveyClosesAt    time.Time     `bun:"survey_closes_at" json:"survey_closes_at"`
	SessionDueBy      time.Time     `bun:"session_due_by" json:"session_due_by"`
	RescheduleCount   int           `bun:"reschedule_count" json:"reschedule_count"`
	CancelReason      string        `bun:"cancel_reason" json:"cancel_reason,omitempty"`
	SessionRecordedAt *time.Time    `bun:"session_recorded_at" json:"session_recorded_at,omitempty"`
	ClosedAt          *time.Time    `bun:"closed_at" json:"closed_at,omitempty"`
	CreatedAt         time.Time     `bun:"created_at,nullzero,default:now()" json:"created_at"`
	UpdatedAt         time.Time     `bun:"updated_at,nullzero,default:now()" json:"updated_at"`
	// SurveyToken is the public survey link's secret, drawn by the
	// database; never serialised with the row.
	SurveyToken string `bun:"survey_token,nullzero" json:"-"`
	// PublicCode names the dialogue's public page once the planner has
	// published it (never its id).
	PublicCode  *string    `bun:"public_code" json:"public_code,omitempty"`
	PublishedAt *time.Time `bun:"published_at" json:"published_at,omitempty"`
}

// NewDialogueRow builds the row for a dialogue spec of a plan.
func NewDialogueRow(planID, planUnitID string, spec domain.DialogueSpec, p domain.Policy) Dialogue {
	w := domain.WindowFor(spec.ScheduledAt, p)
	hosts := spec.Hosts
	if hosts == nil {
		hosts = []domain.Host{}
	}
	groups := spec.InvitedGroups
	if groups == nil {
		groups = []string{}
	}
	return Dialogue{
		ID: spec.ID, PlanID: planID, UnitID: spec.Unit(planUnitID), Seq: spec.Seq, Kind: spec.Kind,
		Topic: spec.Topic, Title: spec.Title, ScheduledAt: spec.ScheduledAt, Place: spec.Place,
		Hosts: hosts, InvitedGroups: groups, Phase: domain.PhaseScheduled,
		SurveyOpensAt: w.SurveyOpensAt, SurveyClosesAt: w.SurveyClosesAt, SessionDueBy: w.SessionDueBy,
	}
}

// SavePlan writes a plan and its dialogues in one transaction, with the
// audit event. It is an upsert keyed by the plan and dialogue ids: running it
// again changes nothing.
func (s *Store) SavePlan(ctx context.Context, p *Plan, dialogues []Dialogue, ev Event) error {
	return s.DB.RunInTx(ctx, &sql.TxOptions{}, func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.NewInsert().Model(p).On("CONFLICT (id) DO NOTHING").Exec(ctx)
		if err != nil {
			if isUniqueViolation(err) {
				return fmt.Errorf("save plan: %w", ErrConflict)
			}
			return fmt.Errorf("save plan: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // already saved by an earlier attempt
		}
		if len(dialogues) > 0 {
			if _, err := tx.NewInsert().Model(&dialogues).On("CONFLICT (id) DO NOTHING").Exec(ctx); err != nil {
				return fmt.Errorf("save plan dialogues: %w", err)
			}
		}
		return appendEvent(ctx, tx, ev)
	})
}

// InsertDialogue adds one (ad hoc) dialogue to a plan, idempotently.
func (s *Store) InsertDialogue(ctx context.Context, d *Dialogue, ev Event) error {
	return s.DB.RunInTx(ctx, &sql.TxOptions{}, func(ctx context.Context, tx bun.Tx) error {
		// Concurrent additions to one plan take their numbers one after
		// another: the plan's row is locked until this one commits.
		if _, err := tx.NewRaw("SELECT 1 FROM plans WHERE id = ? FOR UPDATE", d.PlanID).Exec(ctx); err != nil {
			return fmt.Errorf("lock plan: %w", err)
		}
		if err := tx.NewSelect().TableExpr("dialogues").ColumnExpr("coalesce(max(seq), 0) + 1").
			Where("plan_id = ?", d.PlanID).Scan(ctx, &d.Seq); err != nil {
			return fmt.Errorf("next dialogue seq: %w", err)
		}
		res, err := tx.NewInsert().Model(d).On("CONFLICT (id) DO NOTHING").Exec(ctx)
		if err != nil {
			return fmt.Errorf("insert dialogue: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return appendEvent(ctx, tx, ev)
	})
}

// GetPlan reads one plan.
func (s *Store) GetPlan(ctx context.Context, id string) (*Plan, error) {
	p := new(Plan)
	if err := s.DB.NewSelect().Model(p).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, notFound(err, "get plan")
	}
	return p, nil
}

// FindPlanByReference finds the plan of a unit and year with a reference
// number, if any.
func (s *Store) FindPlanByReference(ctx context.Context, unitID string, year int, ref string) (*Plan, error) {
	p := new(Plan)
	err := s.DB.NewSelect().Model(p).Where("unit_id = ? AND year = ? AND reference_no = ?", unitID, year, ref).Scan(ctx)
	if err != nil {
		return nil, notFound(err, "find plan")
	}
	return p, nil
}

// PlanFilter narrows ListPlans.
type PlanFilter struct {
	UnitID string
	// Subtree includes plans of the units below UnitID.
	Subtree bool
	Year    int
	// Scope keeps the plans the caller may see (nil: all).
	Scope  *Scope
	Limit  int
	Offset int
}

// ListPlans lists plans, newest year first, with the total count.
func (s *Store) ListPlans(ctx context.Context, f PlanFilter) ([]Plan, int, error) {
	plans := []Plan{}
	q := s.DB.NewSelect().Model(&plans).OrderExpr("year DESC, created_at DESC, id")
	q = f.Scope.applyPlans(q)
	if f.UnitID != "" {
		if f.Subtree {
			q = q.Where("unit_id IN (SELECT id FROM units WHERE path LIKE (SELECT path FROM units WHERE id = ?) || '%')", f.UnitID)
		} else {
			q = q.Where("unit_id = ?", f.UnitID)
		}
	}
	if f.Year != 0 {
		q = q.Where("year = ?", f.Year)
	}
	q = q.Limit(int64(f.Limit)).Offset(int64(f.Offset))
	n, err := q.ScanAndCount(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("list plans: %w", err)
	}
	return plans, int(n), nil
}

// PlanDialogueCounts returns, per plan id, the number of dialogues by phase.
func (s *Store) PlanDialogueCounts(ctx context.Context, planIDs []string) (map[string]map[string]int, error) {
	out := map[string]map[string]int{}
	if len(planIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		PlanID string `bun:"plan_id"`
		Phase  string `bun:"phase"`
		N      int    `bun:"n"`
	}
	err := s.DB.NewSelect().TableExpr("dialogues").ColumnExpr("plan_id, phase, count(*) AS n").
		Where("plan_id IN (?)", bun.In(planIDs)).GroupExpr("plan_id, phase").Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("count dialogues: %w", err)
	}
	for _, r := range rows {
		if out[r.PlanID] == nil {
			out[r.PlanID] = map[string]int{}
		}
		out[r.PlanID][r.Phase] = r.N
	}
	return out, nil
}

// ClosePlan marks a plan closed.
func (s *Store) ClosePlan(ctx context.Context, id string, at time.Time, ev Event) error {
	return s.DB.RunInTx(ctx, &sql.TxOptions{}, func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.NewUpdate().Model((*Plan)(nil)).Set("status = 'closed', closed_at = ?, updated_at = now()", at).
			Where("id = ? AND status <> 'closed'", id).Exec(ctx)
		if err != nil {
			return fmt.Errorf("close plan: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return appendEvent(ctx, tx, ev)
	})
}

// ListDialogues lists the dialogues of a plan in date order.
func (s *Store) ListDialogues(ctx context.Context, planID string) ([]Dialogue, error) {
	ds, _, err := s.FindDialogues(ctx, DialogueFilter{PlanID: planID})
	return ds, err
}

// NextDialogueSeq returns the next free sequence number in a plan.
func (s *Store) NextDialogueSeq(ctx context.Context, planID string) (int, error) {
	var n int
	err := s.DB.NewSelect().TableExpr("dialogues").ColumnExpr("coalesce(max(seq), 0) + 1").Where("plan_id = ?", planID).Scan(ctx, &n)
	if err != nil {
		return 0, fmt.Errorf("next dialogue seq: %w", err)
	}
	return n, nil
}

// GetDialogue reads one dialogue.
func (s *Store) GetDialogue(ctx context.Context, id string) (*Dialogue, error) {
	d := new(Dialogue)
	if err := s.DB.NewSelect().Model(d).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, notFound(err, "get dialogue")
	}
	return d, nil
}

// GetDialogueBySurveyToken reads the dialogue whose survey link token is
// token.
func (s *Store) GetDialogueBySurveyToken(ctx context.Context, token string) (*Dialogue, error) {
	d := new(Dialogue)
	if err := s.DB.NewSelect().Model(d).Where("survey_token = ?", token).Scan(ctx); err != nil {
		return nil, notFound(err, "get dialogue by survey token")
	}
	return d, nil
}

// PhaseChange is a dialogue state transition written by its workflow.
type PhaseChange struct {
	DialogueID string
	Phase      string
	At         time.Time
	// Reason is kept for cancellations.
	Reason string
}

// SetDialoguePhase writes a dialogue's phase (and the matching timestamp)
// with its audit event. Writing the same phase again is a no-op.
func (s *Store) SetDialoguePhase(ctx context.Context, c PhaseChange, ev Event) error {
	return s.DB.RunInTx(ctx, &sql.TxOptions{}, func(ctx context.Context, tx bun.Tx) error {
		return changeTracked(ctx, tx, "dialogues", c.DialogueID, dialogueSummaryColumns, ev, func() (bool, error) {
			q := tx.NewUpdate().Model((*Dialogue)(nil)).Set("phase = ?", c.Phase).Set("updated_at = now()").
				Where("id = ? AND phase <> ? AND phase NOT IN ('closed', 'cancelled')", c.DialogueID, c.Phase)
			switch c.Phase {
			case domain.PhaseClosed:
				q = q.Set("closed_at = ?", c.At)
			case domain.PhaseCancelled:
				q = q.Set("closed_at = ?", c.At).Set("cancel_reason = ?", c.Reason)
			}
			res, err := q.Exec(ctx)
			if err != nil {
				return false, fmt.Errorf("set dialogue phase: %w", err)
			}
			n, _ := res.RowsAffected()
			return n > 0, nil
		})
	})
}

// dialogueSummaryColumns are what a dialogue event's before/after summary
// shows.
var dialogueSummaryColumns = []string{"phase", "scheduled_at", "place", "cancel_reason"}

// Reschedule is a new date for a dialogue, with the timetable it implies.
type Reschedule struct {
	DialogueID  string
	ScheduledAt time.Time
	Window      domain.Window
	// Generation is the reschedule count after this change; it makes the
	// write idempotent.
	Generation int
	Place      string
}

// RescheduleDialogue writes a new date and timetable, idempotently by
// generation.
func (s *Store) RescheduleDialogue(ctx context.Context, r Reschedule, ev Event) error {
	return s.DB.RunInTx(ctx, &sql.TxOptions{}, func(ctx context.Context, tx bun.Tx) error {
		q := tx.NewUpdate().Model((*Dialogue)(nil)).
			Set("scheduled_at = ?", r.ScheduledAt).
			Set("survey_opens_at = ?", r.Window.SurveyOpensAt).
			Set("survey_closes_at = ?", r.Window.SurveyClosesAt).
			Set("session_due_by = ?", r.Window.SessionDueBy).
			Set("reschedule_count = ?", r.Generation).
			Set("updated_at = now()").
			Where("id = ? AND reschedule_count < ?", r.DialogueID, r.Generation)
		if r.Place != "" {
			q = q.Set("place = ?", r.Place)
		}
		return changeTracked(ctx, tx, "dialogues", r.DialogueID, dialogueSummaryColumns, ev, func() (bool, error) {
			res, err := q.Exec(ctx)
			if err != nil {
				return false, fmt.Errorf("reschedule dialogue: %w", err)
			}
			n, _ := res.RowsAffected()
			return n > 0, nil
		})
	})
}

// mustJSON marshals v for event payloads; the values are plain structs.
func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		return json.RawMessage(`{}`)
	}
	return b
}
