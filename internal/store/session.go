package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/doithoai/doithoai/internal/domain"
)

// SessionRow is the recorded session of a dialogue.
type SessionRow struct {
	bun.BaseModel `bun:"table:sessions"`

	DialogueID string            `bun:"dialogue_id,pk,type:uuid" json:"dialogue_id"`
	HeldAt     time.Time         `bun:"held_at" json:"held_at"`
	Chair      string            `bun:"chair" json:"chair,omitempty"`
	Attendance domain.Attendance `bun:"attendance,type:jsonb" json:"attendance"`
	Notes      string            `bun:"notes" json:"notes,omitempty"`
	RecordedBy string            `bun:"recorded_by" json:"recorded_by"`
	RecordedAt time.Time         `bun:"recorded_at" json:"recorded_at"`
}

// OpinionRow is an opinion raised at a session.
type OpinionRow struct {
	bun.BaseModel `bun:"table:opinions"`

	ID             string `bun:"id,pk,type:uuid" json:"id"`
	DialogueID     string `bun:"dialogue_id,type:uuid" json:"-"`
	Seq            int    `bun:"seq" json:"seq"`
	Field          string `bun:"field" json:"field"`
	Content        string `bun:"content" json:"content"`
	Source         string `bun:"source" json:"source"`
	AnsweredOnSpot bool   `bun:"answered_on_spot" json:"answered_on_spot"`
	Answer         string `bun:"answer" json:"answer,omitempty"`
}

// ConclusionRow is one of the chair's conclusions.
type ConclusionRow struct {
	bun.BaseModel `bun:"table:conclusions"`

	ID         string `bun:"id,pk,type:uuid" json:"id"`
	DialogueID string `bun:"dialogue_id,type:uuid" json:"-"`
	Seq        int    `bun:"seq" json:"seq"`
	Content    string `bun:"content" json:"content"`
}

// SessionRecord is a session with its opinions and conclusions.
type SessionRecord struct {
	Session     SessionRow      `json:"session"`
	Opinions    []OpinionRow    `json:"opinions"`
	Conclusions []ConclusionRow `json:"conclusions"`
	// Tasks are the follow-up tasks created with the session (not part of
	// the JSON view; tasks are listed on their own).
	Tasks      []Task  `json:"-"`
	TaskEvents []Event `json:"-"`
}

// SaveSession writes a dialogue's session, opinions and conclusions and moves
// the dialogue to session_recorded, all in one transaction. Keyed by the
// dialogue id: a retry after success changes nothing.
func (s *Store) SaveSession(ctx context.Context, rec SessionRecord, ev Event) error {
	return s.DB.RunInTx(ctx, &sql.TxOptions{}, func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.NewInsert().Model(&rec.Session).On("CONFLICT (dialogue_id) DO NOTHING").Exec(ctx)
		if err != nil {
			return fmt.Errorf("save session: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		if len(rec.Opinions) > 0 {
			if _, err := tx.NewInsert().Model(&rec.Opinions).Exec(ctx); err != nil {
				return fmt.Errorf("save opinions: %w", err)
			}
		}
		if len(rec.Conclusions) > 0 {
			if _, err := tx.NewInsert().Model(&rec.Conclusions).Exec(ctx); err != nil {
				return fmt.Errorf("save conclusions: %w", err)
			}
		}
		if len(rec.Tasks) > 0 {
			if err := insertTasks(ctx, tx, rec.Tasks, rec.TaskEvents); err != nil {
				return err
			}
		}
		_, err = tx.NewUpdate().Model((*Dialogue)(nil)).
			Set("phase = ?", domain.PhaseSessionRecorded).
			Set("session_recorded_at = ?", rec.Session.RecordedAt).
			Set("updated_at = now()").
			Where("id = ?", rec.Session.DialogueID).Exec(ctx)
		if err != nil {
			return fmt.Errorf("mark session recorded: %w", err)
		}
		return appendEvent(ctx, tx, ev)
	})
}

// GetSession reads a dialogue's recorded session, or ErrNotFound.
func (s *Store) GetSession(ctx context.Context, dialogueID string) (*SessionRecord, error) {
	rec := &SessionRecord{Opinions: []OpinionRow{}, Conclusions: []ConclusionRow{}}
	if err := s.DB.NewSelect().Model(&rec.Session).Where("dialogue_id = ?", dialogueID).Scan(ctx); err != nil {
		return nil, notFound(err, "get session")
	}
	if err := s.DB.NewSelect().Model(&rec.Opinions).Where("dialogue_id = ?", dialogueID).OrderExpr("seq").Scan(ctx); err != nil {
		return nil, fmt.Errorf("get opinions: %w", err)
	}
	if err := s.DB.NewSelect().Model(&rec.Conclusions).Where("dialogue_id = ?", dialogueID).OrderExpr("seq").Scan(ctx); err != nil {
		return nil, fmt.Errorf("get conclusions: %w", err)
	}
	return rec, nil
}
