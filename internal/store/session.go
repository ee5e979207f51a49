package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

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
	// Receipt is the code of an opinion raised from the floor, for its
	// author to follow it (nil for survey opinions).
	Receipt *string `bun:"receipt" json:"receipt,omitempty"`
	// SurveyResponseIDs and Conclusions are the opinion's links (stored
	// in opinion_responses and opinion_conclusions).
	SurveyResponseIDs []string `bun:"-" json:"survey_response_ids,omitempty"`
	Conclusions       []int    `bun:"-" json:"conclusions,omitempty"`
}

// opinionResponse links an opinion to a survey answer it covers.
type opinionResponse struct {
	bun.BaseModel `bun:"table:opinion_responses"`

	OpinionID        string `bun:"opinion_id,pk,type:uuid"`
	SurveyResponseID string `bun:"survey_response_id,pk,type:uuid"`
}

// opinionConclusion links an opinion to a conclusion it led to.
type opinionConclusion struct {
	bun.BaseModel `bun:"table:opinion_conclusions"`

	OpinionID    string `bun:"opinion_id,pk,type:uuid"`
	ConclusionID string `bun:"conclusion_id,pk,type:uuid"`
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
		if err := saveOpinionLinks(ctx, tx, rec); err != nil {
			return err
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

// saveOpinionLinks stores which survey answers each opinion covers and
// which conclusions (by seq) it led to.
func saveOpinionLinks(ctx context.Context, tx bun.Tx, rec SessionRecord) error {
	conclusionBySeq := make(map[int]string, len(rec.Conclusions))
	for _, c := range rec.Conclusions {
		conclusionBySeq[c.Seq] = c.ID
	}
	var rs []opinionResponse
	var cs []opinionConclusion
	for _, o := range rec.Opinions {
		for _, id := range o.SurveyResponseIDs {
			rs = append(rs, opinionResponse{OpinionID: o.ID, SurveyResponseID: id})
		}
		for _, seq := range o.Conclusions {
			id, ok := conclusionBySeq[seq]
			if !ok {
				return fmt.Errorf("save opinion links: opinion %d names conclusion %d of %d: %w", o.Seq, seq, len(rec.Conclusions), ErrConflict)
			}
			cs = append(cs, opinionConclusion{OpinionID: o.ID, ConclusionID: id})
		}
	}
	for start := 0; start < len(rs); start += 1000 {
		chunk := rs[start:min(start+1000, len(rs))]
		if _, err := tx.NewInsert().Model(&chunk).On("CONFLICT DO NOTHING").Exec(ctx); err != nil {
			return fmt.Errorf("save opinion answers: %w", err)
		}
	}
	if len(cs) > 0 {
		if _, err := tx.NewInsert().Model(&cs).On("CONFLICT DO NOTHING").Exec(ctx); err != nil {
			return fmt.Errorf("save opinion conclusions: %w", err)
		}
	}
	return nil
}

// SurveyResponsesOf says which of ids are answers to the dialogue's survey.
func (s *Store) SurveyResponsesOf(ctx context.Context, dialogueID string, ids []string) (map[string]bool, error) {
	var found []string
	err := s.DB.NewRaw("SELECT id::text FROM survey_responses WHERE dialogue_id = ? AND id = ANY(?::uuid[])", dialogueID, pgdialect.Array(ids)).Scan(ctx, &found)
	if err != nil {
		return nil, fmt.Errorf("survey responses of dialogue: %w", err)
	}
	out := make(map[string]bool, len(found))
	for _, id := range found {
		out[id] = true
	}
	return out, nil
}

// SurveyResponsesByReceipt maps the receipt codes of the dialogue's survey
// answers among codes to the answers' ids.
func (s *Store) SurveyResponsesByReceipt(ctx context.Context, dialogueID string, codes []string) (map[string]string, error) {
	var rows []struct {
		ID      string `bun:"id"`
		Receipt string `bun:"receipt"`
	}
	err := s.DB.NewRaw("SELECT id::text, receipt FROM survey_responses WHERE dialogue_id = ? AND receipt = ANY(?::text[])", dialogueID, pgdialect.Array(codes)).Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("survey responses by receipt: %w", err)
	}
	out := make(map[string]string, len(rows))
	for _, r := range rows {
		out[r.Receipt] = r.ID
	}
	return out, nil
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
	if err := loadOpinionLinks(ctx, s.DB, rec); err != nil {
		return nil, err
	}
	return rec, nil
}

// loadOpinionLinks fills the opinions' links.
func loadOpinionLinks(ctx context.Context, db bun.IDB, rec *SessionRecord) error {
	idx := make(map[string]int, len(rec.Opinions))
	for i := range rec.Opinions {
		idx[rec.Opinions[i].ID] = i
		rec.Opinions[i].SurveyResponseIDs = []string{}
		rec.Opinions[i].Conclusions = []int{}
	}
	if len(idx) == 0 {
		return nil
	}
	var links []struct {
		OpinionID string `bun:"opinion_id"`
		Response  string `bun:"response"`
		Seq       int    `bun:"seq"`
	}
	err := db.NewRaw(`SELECT r.opinion_id::text, r.survey_response_id::text AS response, 0 AS seq
FROM opinion_responses r JOIN opinions o ON o.id = r.opinion_id WHERE o.dialogue_id = ?0
UNION ALL
SELECT l.opinion_id::text, '' AS response, c.seq
FROM opinion_conclusions l JOIN conclusions c ON c.id = l.conclusion_id WHERE c.dialogue_id = ?0
ORDER BY 1, 3, 2`, rec.Session.DialogueID).Scan(ctx, &links)
	if err != nil {
		return fmt.Errorf("get opinion links: %w", err)
	}
	for _, l := range links {
		i, ok := idx[l.OpinionID]
		if !ok {
			continue
		}
		if l.Response != "" {
			rec.Opinions[i].SurveyResponseIDs = append(rec.Opinions[i].SurveyResponseIDs, l.Response)
		} else {
			rec.Opinions[i].Conclusions = append(rec.Opinions[i].Conclusions, l.Seq)
		}
	}
	return nil
}
