package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/internal/lifecycle"
	"github.com/doithoai/doithoai/internal/receipt"
)

// Opinion outcomes (the opinion_outcomes view): what became of an opinion.
const (
	OutcomeAnsweredOnSpot = "answered_on_spot"
	OutcomeLedToTask      = "led_to_task"
	OutcomeResultAccepted = "result_accepted"
	OutcomeOpen           = "open"
)

// Receipt states before or beside an opinion's outcome (ReceiptRecord.Status).
const (
	ReceiptReceived          = "received"
	ReceiptNotTakenUp        = "not_taken_up"
	ReceiptDialogueCancelled = "dialogue_cancelled"
)

// Receipt kinds: a survey answer, or an opinion raised from the floor.
const (
	ReceiptSurveyAnswer = "survey_answer"
	ReceiptFloorOpinion = "floor_opinion"
)

// ReceiptRecord is everything a receipt leads to, as stored; the public
// API picks from it what a citizen may see.
type ReceiptRecord struct {
	Code        string
	Kind        string
	Field       string
	Content     string
	SubmittedAt time.Time
	Dialogue    *Dialogue
	UnitName    string
	// HeldAt is the session's date, once recorded.
	HeldAt *time.Time
	// Opinions are the session's opinions the receipt leads to.
	Opinions []ReceiptOpinion
	Rating   *Rating
}

// ReceiptOpinion is an opinion a receipt leads to, with its outcome and
// the conclusions (with their tasks) it led to.
type ReceiptOpinion struct {
	Seq            int    `bun:"seq"`
	Content        string `bun:"content"`
	AnsweredOnSpot bool   `bun:"answered_on_spot"`
	Answer         string `bun:"answer"`
	Outcome        string `bun:"outcome"`
	Conclusions    []PublicConclusion
	// ID is the opinion's id (internal: never in a public answer).
	ID string `bun:"id"`
}

// PublicConclusion is a conclusion with the public facts of its tasks.
type PublicConclusion struct {
	Seq     int
	Content string
	Tasks   []PublicTask
	id      string
}

// PublicTask is what may be shown of a task to anyone: its title, the
// assigned agency and unit (never an officer's name), state, deadline and,
// once accepted, the result's text and date.
type PublicTask struct {
	Title      string                `bun:"title"`
	Agency     string                `bun:"assignee_agency"`
	UnitName   string                `bun:"unit_name"`
	Status     string                `bun:"status"`
	DueAt      time.Time             `bun:"due_at"`
	Overdue    bool                  `bun:"overdue"`
	Result     *lifecycle.TaskResult `bun:"result,type:jsonb"`
	DoneAt     *time.Time            `bun:"completed_at"`
	Conclusion string                `bun:"conclusion_id"`
}

// Rating is a receipt holder's satisfaction with the answer or result.
type Rating struct {
	bun.BaseModel `bun:"table:ratings"`

	Receipt    string    `bun:"receipt,pk" json:"-"`
	DialogueID string    `bun:"dialogue_id,type:uuid" json:"-"`
	UnitID     string    `bun:"unit_id,type:uuid" json:"-"`
	Field      string    `bun:"field" json:"field"`
	Satisfied  bool      `bun:"satisfied" json:"satisfied"`
	Comment    string    `bun:"comment" json:"comment,omitempty"`
	RatedAt    time.Time `bun:"rated_at,nullzero,default:now()" json:"rated_at"`
}

// LookupReceipt reads what a receipt code leads to, or ErrNotFound.
func (s *Store) LookupReceipt(ctx context.Context, code string) (*ReceiptRecord, error) {
	rec := &ReceiptRecord{Code: code}
	var dialogueID string
	var opinionIDs []string
	err := s.DB.QueryRowContext(ctx, "SELECT id::text, dialogue_id::text, field, content, submitted_at FROM survey_responses WHERE receipt = ?", code).
		Scan(new(string), &dialogueID, &rec.Field, &rec.Content, &rec.SubmittedAt)
	switch {
	case err == nil:
		rec.Kind = ReceiptSurveyAnswer
		err = s.DB.NewRaw(`SELECT l.opinion_id::text FROM opinion_responses l JOIN survey_responses r ON r.id = l.survey_response_id
JOIN opinions o ON o.id = l.opinion_id WHERE r.receipt = ? ORDER BY o.seq`, code).Scan(ctx, &opinionIDs)
		if err != nil {
			return nil, fmt.Errorf("lookup receipt: opinions: %w", err)
		}
	case errors.Is(err, sql.ErrNoRows):
		var id string
		var recorded time.Time
		err = s.DB.QueryRowContext(ctx, `SELECT o.id::text, o.dialogue_id::text, o.field, o.content, s.recorded_at
FROM opinions o JOIN sessions s ON s.dialogue_id = o.dialogue_id WHERE o.receipt = ?`, code).
			Scan(&id, &dialogueID, &rec.Field, &rec.Content, &recorded)
		if err != nil {
			return nil, notFound(err, "lookup receipt")
		}
		rec.Kind, rec.SubmittedAt, opinionIDs = ReceiptFloorOpinion, recorded, []string{id}
	default:
		return nil, fmt.Errorf("lookup receipt: %w", err)
	}
	if rec.Dialogue, err = s.GetDialogue(ctx, dialogueID); err != nil {
		return nil, err
	}
	if err := s.DB.QueryRowContext(ctx, "SELECT name FROM units WHERE id = ?", rec.Dialogue.UnitID).Scan(&rec.UnitName); err != nil {
		return nil, fmt.Errorf("lookup receipt: unit: %w", err)
	}
	var held time.Time
	if err := s.DB.QueryRowContext(ctx, "SELECT held_at FROM sessions WHERE dialogue_id = ?", dialogueID).Scan(&held); err == nil {
		rec.HeldAt = &held
	} else if !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("lookup receipt: session: %w", err)
	}
	if rec.Opinions, err = s.receiptOpinions(ctx, opinionIDs); err != nil {
		return nil, err
	}
	r := new(Rating)
	if err := s.DB.NewSelect().Model(r).Where("receipt = ?", code).Scan(ctx); err == nil {
		rec.Rating = r
	} else if !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("lookup receipt: rating: %w", err)
	}
	return rec, nil
}

// receiptOpinions reads opinions by id with their outcomes, conclusions
// and the conclusions' tasks.
func (s *Store) receiptOpinions(ctx context.Context, ids []string) ([]ReceiptOpinion, error) {
	ops := []ReceiptOpinion{}
	if len(ids) == 0 {
		return ops, nil
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT o.id::text AS id, o.seq, o.content, o.answered_on_spot, o.answer, oo.outcome
FROM opinions o JOIN opinion_outcomes oo ON oo.opinion_id = o.id WHERE o.id = ANY(?::uuid[]) ORDER BY o.seq`, pgdialect.Array(ids))
	if err != nil {
		return nil, fmt.Errorf("receipt opinions: %w", err)
	}
	if err := s.DB.ScanRows(ctx, rows, &ops); err != nil {
		return nil, fmt.Errorf("receipt opinions: %w", err)
	}
	var links []struct {
		OpinionID    string `bun:"opinion_id"`
		ConclusionID string `bun:"conclusion_id"`
		Seq          int    `bun:"seq"`
		Content      string `bun:"content"`
	}
	err = s.DB.NewRaw(`SELECT l.opinion_id::text, c.id::text AS conclusion_id, c.seq, c.content
FROM opinion_conclusions l JOIN conclusions c ON c.id = l.conclusion_id WHERE l.opinion_id = ANY(?::uuid[]) ORDER BY c.seq`, pgdialect.Array(ids)).Scan(ctx, &links)
	if err != nil {
		return nil, fmt.Errorf("receipt conclusions: %w", err)
	}
	var cids []string
	for _, l := range links {
		cids = append(cids, l.ConclusionID)
	}
	tasks, err := s.conclusionTasks(ctx, cids)
	if err != nil {
		return nil, err
	}
	for i := range ops {
		for _, l := range links {
			if l.OpinionID == ops[i].ID {
				ops[i].Conclusions = append(ops[i].Conclusions, PublicConclusion{Seq: l.Seq, Content: l.Content, Tasks: tasks[l.ConclusionID], id: l.ConclusionID})
			}
		}
	}
	return ops, nil
}

// conclusionTasks reads the public facts of the tasks of conclusions, by
// conclusion id.
func (s *Store) conclusionTasks(ctx context.Context, ids []string) (map[string][]PublicTask, error) {
	out := map[string][]PublicTask{}
	if len(ids) == 0 {
		return out, nil
	}
	var ts []PublicTask
	err := s.DB.NewRaw(`SELECT t.conclusion_id::text, t.title, t.assignee_agency, u.name AS unit_name, t.status, t.due_at, t.overdue,
  CASE WHEN t.status = 'done' THEN t.result END AS result, t.completed_at
FROM tasks t JOIN units u ON u.id = t.assignee_unit_id
WHERE t.conclusion_id = ANY(?::uuid[]) AND t.status <> 'cancelled' ORDER BY t.assigned_at, t.id`, pgdialect.Array(ids)).Scan(ctx, &ts)
	if err != nil {
		return nil, fmt.Errorf("conclusion tasks: %w", err)
	}
	for _, t := range ts {
		out[t.Conclusion] = append(out[t.Conclusion], t)
	}
	return out, nil
}

// ErrAlreadyRated says a receipt has its rating already.
var ErrAlreadyRated = errors.New("receipt already rated")

// SaveRating stores a receipt's rating and, with it, the alert a "not
// satisfied" rating raises (nil for none), in one transaction. A second,
// different rating of the receipt is ErrAlreadyRated; the same rating
// again changes nothing (a retried activity).
func (s *Store) SaveRating(ctx context.Context, r *Rating, alert *Alert, ev Event) error {
	return s.DB.RunInTx(ctx, &sql.TxOptions{}, func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.NewInsert().Model(r).On("CONFLICT (receipt) DO NOTHING").Exec(ctx)
		if err != nil {
			return fmt.Errorf("save rating: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			stored := new(Rating)
			if err := tx.NewSelect().Model(stored).Where("receipt = ?", r.Receipt).Scan(ctx); err != nil {
				return fmt.Errorf("save rating: read stored: %w", err)
			}
			if stored.Satisfied != r.Satisfied || stored.Comment != r.Comment {
				return ErrAlreadyRated
			}
			*r = *stored
		}
		if alert != nil {
			if alert.Status == "" {
				alert.Status = "open"
			}
			if _, err := tx.NewInsert().Model(alert).On("CONFLICT (dedup_key) DO NOTHING").Exec(ctx); err != nil {
				return fmt.Errorf("save rating: alert: %w", err)
			}
		}
		return appendEvent(ctx, tx, ev)
	})
}

// Remark is a people's inspection board's supervision remark (kiến nghị)
// on a task.
type Remark struct {
	bun.BaseModel `bun:"table:remarks"`

	ID         string    `bun:"id,pk,type:uuid" json:"id"`
	TaskID     string    `bun:"task_id,type:uuid" json:"task_id"`
	DialogueID string    `bun:"dialogue_id,type:uuid" json:"dialogue_id"`
	UnitID     string    `bun:"unit_id,type:uuid" json:"unit_id"`
	Content    string    `bun:"content" json:"content"`
	Author     string    `bun:"author" json:"author"`
	CreatedAt  time.Time `bun:"created_at,nullzero,default:now()" json:"created_at"`
}

// SaveRemark stores a remark with the alert it raises to MTTQ and its
// event in the task's timeline, in one transaction; keyed by the remark's
// id, so a retry changes nothing.
func (s *Store) SaveRemark(ctx context.Context, r *Remark, alert *Alert, ev Event) error {
	return s.DB.RunInTx(ctx, &sql.TxOptions{}, func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.NewInsert().Model(r).On("CONFLICT (id) DO NOTHING").Exec(ctx)
		if err != nil {
			return fmt.Errorf("save remark: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return tx.NewSelect().Model(r).WherePK().Scan(ctx)
		}
		if alert.Status == "" {
			alert.Status = "open"
		}
		if _, err := tx.NewInsert().Model(alert).On("CONFLICT (dedup_key) DO NOTHING").Exec(ctx); err != nil {
			return fmt.Errorf("save remark: alert: %w", err)
		}
		return appendEvent(ctx, tx, ev)
	})
}

// GetRemark reads one remark, or ErrNotFound.
func (s *Store) GetRemark(ctx context.Context, id string) (*Remark, error) {
	r := new(Remark)
	if err := s.DB.NewSelect().Model(r).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, notFound(err, "get remark")
	}
	return r, nil
}

// ListRemarks lists a task's remarks, oldest first.
func (s *Store) ListRemarks(ctx context.Context, taskID string) ([]Remark, error) {
	rs := []Remark{}
	if err := s.DB.NewSelect().Model(&rs).Where("task_id = ?", taskID).OrderExpr("created_at, id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("list remarks: %w", err)
	}
	return rs, nil
}

// PublishDialogue makes a dialogue's page public (drawing its code once)
// or takes it down, and records who did; it returns the dialogue.
func (s *Store) PublishDialogue(ctx context.Context, id string, publish bool, ev Event) (*Dialogue, error) {
	err := s.DB.RunInTx(ctx, &sql.TxOptions{}, func(ctx context.Context, tx bun.Tx) error {
		q := tx.NewUpdate().Model((*Dialogue)(nil)).Where("id = ?", id).Set("updated_at = now()")
		if publish {
			q = q.Set("public_code = coalesce(public_code, ?)", receipt.New()).Set("published_at = coalesce(published_at, now())")
		} else {
			q = q.Set("published_at = NULL")
		}
		res, err := q.Exec(ctx)
		if err != nil {
			return fmt.Errorf("publish dialogue: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("publish dialogue: %w", ErrNotFound)
		}
		return appendEvent(ctx, tx, ev)
	})
	if err != nil {
		return nil, err
	}
	return s.GetDialogue(ctx, id)
}

// PublicDialogue is a published dialogue's public record.
type PublicDialogue struct {
	Dialogue    *Dialogue
	UnitName    string
	HeldAt      *time.Time
	Attendance  int
	Outcomes    map[string]int
	Conclusions []PublicConclusion
}

// GetPublicDialogue reads a published dialogue by its public code, or
// ErrNotFound (also when it is no longer published).
func (s *Store) GetPublicDialogue(ctx context.Context, code string) (*PublicDialogue, error) {
	d := new(Dialogue)
	if err := s.DB.NewSelect().Model(d).Where("public_code = ? AND published_at IS NOT NULL", code).Scan(ctx); err != nil {
		return nil, notFound(err, "get public dialogue")
	}
	out := &PublicDialogue{Dialogue: d, Outcomes: map[string]int{}}
	if err := s.DB.QueryRowContext(ctx, "SELECT name FROM units WHERE id = ?", d.UnitID).Scan(&out.UnitName); err != nil {
		return nil, fmt.Errorf("get public dialogue: unit: %w", err)
	}
	var held time.Time
	var att json.RawMessage
	err := s.DB.QueryRowContext(ctx, "SELECT held_at, attendance FROM sessions WHERE dialogue_id = ?", d.ID).Scan(&held, &att)
	switch {
	case err == nil:
		out.HeldAt = &held
		var a struct {
			Total int `json:"total"`
		}
		_ = json.Unmarshal(att, &a)
		out.Attendance = a.Total
	case !errors.Is(err, sql.ErrNoRows):
		return nil, fmt.Errorf("get public dialogue: session: %w", err)
	}
	var counts []struct {
		Outcome string `bun:"outcome"`
		N       int    `bun:"n"`
	}
	if err := s.DB.NewRaw("SELECT outcome, count(*) AS n FROM opinion_outcomes WHERE dialogue_id = ? GROUP BY outcome", d.ID).Scan(ctx, &counts); err != nil {
		return nil, fmt.Errorf("get public dialogue: outcomes: %w", err)
	}
	for _, c := range counts {
		out.Outcomes[c.Outcome] = c.N
	}
	var cs []struct {
		ID      string `bun:"id"`
		Seq     int    `bun:"seq"`
		Content string `bun:"content"`
	}
	if err := s.DB.NewRaw("SELECT id::text, seq, content FROM conclusions WHERE dialogue_id = ? ORDER BY seq", d.ID).Scan(ctx, &cs); err != nil {
		return nil, fmt.Errorf("get public dialogue: conclusions: %w", err)
	}
	ids := make([]string, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	tasks, err := s.conclusionTasks(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		out.Conclusions = append(out.Conclusions, PublicConclusion{Seq: c.Seq, Content: c.Content, Tasks: tasks[c.ID], id: c.ID})
	}
	return out, nil
}

// RespondentContact is a respondent's contact, given with consent. It is
// read by the system only, to tell the respondent about their opinion.
type RespondentContact struct {
	bun.BaseModel `bun:"table:respondent_contacts"`

	SurveyResponseID string    `bun:"survey_response_id,pk,type:uuid"`
	DialogueID       string    `bun:"dialogue_id,type:uuid"`
	Email            string    `bun:"email"`
	Phone            string    `bun:"phone"`
	ConsentText      string    `bun:"consent_text"`
	ConsentedAt      time.Time `bun:"consented_at,nullzero,default:now()"`
	// Receipt is the answer's receipt code (read, not stored here).
	Receipt string `bun:"receipt,scanonly"`
}

// SaveRespondentContact stores (or replaces) the contact of a survey
// answer of the dialogue.
func (s *Store) SaveRespondentContact(ctx context.Context, c *RespondentContact) error {
	_, err := s.DB.NewInsert().Model(c).
		On("CONFLICT (survey_response_id) DO UPDATE SET email = EXCLUDED.email, phone = EXCLUDED.phone, consent_text = EXCLUDED.consent_text, consented_at = EXCLUDED.consented_at").
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("save respondent contact: %w", err)
	}
	return nil
}

// RespondentContacts lists the contacts of a dialogue's respondents with
// their receipt codes.
func (s *Store) RespondentContacts(ctx context.Context, dialogueID string) ([]RespondentContact, error) {
	var cs []RespondentContact
	err := s.DB.NewSelect().Model(&cs).ColumnExpr("respondent_contact.*, r.receipt").
		Join("JOIN survey_responses AS r ON r.id = respondent_contact.survey_response_id").
		Where("respondent_contact.dialogue_id = ?", dialogueID).OrderExpr("respondent_contact.consented_at").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("respondent contacts: %w", err)
	}
	return cs, nil
}

// ContactStatuses answers the dialogue and the receipt status
// (ReceiptRecord.Status, the one rule) of the answer behind each contact of
// its respondents, by survey answer id: three queries for the dialogue,
// where reading each receipt whole took about nine per contact.
func (s *Store) ContactStatuses(ctx context.Context, dialogueID string) (*Dialogue, map[string]string, error) {
	d, err := s.GetDialogue(ctx, dialogueID)
	if err != nil {
		return nil, nil, err
	}
	rec := ReceiptRecord{Dialogue: d}
	var held time.Time
	if err := s.DB.QueryRowContext(ctx, "SELECT held_at FROM sessions WHERE dialogue_id = ?", dialogueID).Scan(&held); err == nil {
		rec.HeldAt = &held
	} else if !errors.Is(err, sql.ErrNoRows) {
		return nil, nil, fmt.Errorf("contact statuses: session: %w", err)
	}
	var links []struct {
		ResponseID string  `bun:"survey_response_id"`
		Outcome    *string `bun:"outcome"`
	}
	err = s.DB.NewRaw(`SELECT c.survey_response_id::text, oo.outcome FROM respondent_contacts c
LEFT JOIN opinion_responses l ON l.survey_response_id = c.survey_response_id
LEFT JOIN opinion_outcomes oo ON oo.opinion_id = l.opinion_id
WHERE c.dialogue_id = ?`, dialogueID).Scan(ctx, &links)
	if err != nil {
		return nil, nil, fmt.Errorf("contact statuses: %w", err)
	}
	opinions := map[string][]ReceiptOpinion{}
	for _, l := range links {
		ops := opinions[l.ResponseID]
		if l.Outcome != nil {
			ops = append(ops, ReceiptOpinion{Outcome: *l.Outcome})
		}
		opinions[l.ResponseID] = ops
	}
	out := make(map[string]string, len(opinions))
	for id, ops := range opinions {
		rec.Opinions = ops
		out[id] = rec.Status()
	}
	return d, out, nil
}

// PurgeRespondentContacts deletes the contacts of a dialogue's respondents
// and logs the deletion (how many, never what), in one transaction; it
// returns how many were deleted. Run again, it deletes nothing and logs
// nothing more.
func (s *Store) PurgeRespondentContacts(ctx context.Context, dialogueID, unitID string, retention time.Duration) (int, error) {
	n := 0
	err := s.DB.RunInTx(ctx, &sql.TxOptions{}, func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.NewDelete().Model((*RespondentContact)(nil)).Where("dialogue_id = ?", dialogueID).Exec(ctx)
		if err != nil {
			return fmt.Errorf("purge respondent contacts: %w", err)
		}
		k, _ := res.RowsAffected()
		if n = int(k); n == 0 {
			return nil
		}
		ev := NewEvent("dialogue/"+dialogueID+"/contacts-deleted", "system", "", "dialogue.contacts_deleted", "dialogue", dialogueID, unitID, "",
			map[string]any{"deleted": n, "retention": retention.String()})
		return appendEvent(ctx, tx, ev)
	})
	return n, err
}

// Status is what became of a receipt's opinion(s), the one rule for the
// public lookup and the notices to respondents: before the session,
// received; after it, the outcome of the opinions it leads to (all
// accepted; else any under way; else any answered; else open).
func (r *ReceiptRecord) Status() string {
	if r.Dialogue.Phase == domain.PhaseCancelled {
		return ReceiptDialogueCancelled
	}
	if r.HeldAt == nil {
		return ReceiptReceived
	}
	if len(r.Opinions) == 0 {
		return ReceiptNotTakenUp
	}
	has := map[string]int{}
	for _, o := range r.Opinions {
		has[o.Outcome]++
	}
	switch {
	case has[OutcomeResultAccepted] == len(r.Opinions):
		return OutcomeResultAccepted
	case has[OutcomeLedToTask] > 0 || has[OutcomeResultAccepted] > 0:
		return OutcomeLedToTask
	case has[OutcomeAnsweredOnSpot] > 0:
		return OutcomeAnsweredOnSpot
	}
	return OutcomeOpen
}
