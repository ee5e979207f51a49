package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/driver/pgdriver"

	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/internal/receipt"
)

// SurveyResponse is one answer to a dialogue's pre-meeting survey.
type SurveyResponse struct {
	bun.BaseModel `bun:"table:survey_responses"`

	ID              string    `bun:"id,pk,type:uuid" json:"id"`
	DialogueID      string    `bun:"dialogue_id,type:uuid" json:"dialogue_id"`
	Field           string    `bun:"field" json:"field"`
	Content         string    `bun:"content" json:"content"`
	RespondentName  string    `bun:"respondent_name" json:"respondent_name,omitempty"`
	RespondentGroup string    `bun:"respondent_group" json:"respondent_group,omitempty"`
	SubmittedAt     time.Time `bun:"submitted_at,nullzero,default:now()" json:"submitted_at"`
	// Receipt is the code the respondent keeps to follow the answer (see
	// internal/receipt); drawn when the answer is stored.
	Receipt string `bun:"receipt" json:"receipt"`
}

// SurveyClosedError says a survey is not accepting answers, and when its
// window is.
type SurveyClosedError struct {
	Phase    string
	OpensAt  time.Time
	ClosesAt time.Time
}

func (e *SurveyClosedError) Error() string {
	return fmt.Sprintf("survey not open (phase %s, window %s – %s)", e.Phase, e.OpensAt.Format(time.RFC3339), e.ClosesAt.Format(time.RFC3339))
}

// SurveyRows yields a batch's answers one at a time to
// StreamSurveyResponses: ok is false at the end; an error stops the batch,
// and nothing of it is stored.
type SurveyRows func() (r SurveyResponse, ok bool, err error)

// InsertSurveyResponses stores rs as one batch (see StreamSurveyResponses).
func (s *Store) InsertSurveyResponses(ctx context.Context, dialogueID string, rs []SurveyResponse) (int, error) {
	i := 0
	return s.StreamSurveyResponses(ctx, dialogueID, func() (SurveyResponse, bool, error) {
		if i == len(rs) {
			return SurveyResponse{}, false, nil
		}
		i++
		return rs[i-1], true, nil
	})
}

// StreamSurveyResponses stores a batch of answers in one transaction, but
// only while the dialogue's survey is open: the dialogue row is locked FOR
// SHARE, so the workflow's close (an UPDATE of that row) waits for this
// batch and the summary counts every accepted answer. Responses with an id
// already stored are skipped, so a retried batch is harmless. It returns
// how many rows were new. When the survey is not open it answers a
// *SurveyClosedError before reading any row.
//
// The rows go in with COPY, read from next while PostgreSQL stores the
// ones before (the caller may still be decoding and checking the rest); an
// error from next ends the COPY and rolls the batch back. COPY has no ON
// CONFLICT, so it is tried first as if every id were new, as it is for all
// but a retried batch; a stored id (or a receipt code drawn twice) makes
// it fail on a unique index, and the transaction is then run again over
// the rows read, with the ids already stored looked up first and left
// out. A batch with the same ids committed by another request between that
// look-up and the COPY fails the same way and is run again, which then
// finds them.
func (s *Store) StreamSurveyResponses(ctx context.Context, dialogueID string, next SurveyRows) (int, error) {
	var read []SurveyResponse
	n, err := s.copySurveyResponses(ctx, dialogueID, func(now time.Time) *surveyCopy {
		return &surveyCopy{next: next, now: now, kept: &read}
	})
	for attempt := 1; attempt < 4 && isUniqueViolation(err); attempt++ {
		n, err = s.copySurveyResponses(ctx, dialogueID, func(now time.Time) *surveyCopy {
			return &surveyCopy{next: nil, now: now, rows: read, lookUp: true}
		})
	}
	if err != nil {
		return 0, err
	}
	return n, nil
}

// copySurveyResponses runs one attempt: the window check under the
// dialogue's lock, then a COPY of the rows src yields.
func (s *Store) copySurveyResponses(ctx context.Context, dialogueID string, src func(now time.Time) *surveyCopy) (int, error) {
	conn, err := s.DB.Conn(ctx)
	if err != nil {
		return 0, fmt.Errorf("insert survey responses: %w", err)
	}
	defer conn.Close()
	inserted := 0
	err = conn.RunInTx(ctx, &sql.TxOptions{}, func(ctx context.Context, tx bun.Tx) error {
		var (
			phase         string
			opens, closes time.Time
			now           time.Time
		)
		err := tx.QueryRowContext(ctx, "SELECT phase, survey_opens_at, survey_closes_at, now() FROM dialogues WHERE id = ? FOR SHARE", dialogueID).
			Scan(&phase, &opens, &closes, &now)
		if err != nil {
			return notFound(err, "insert survey responses")
		}
		if phase != "survey_open" {
			return &SurveyClosedError{Phase: phase, OpensAt: opens, ClosesAt: closes}
		}
		sc := src(now)
		if sc.lookUp {
			if sc.rows, err = newSurveyResponses(ctx, tx, sc.rows); err != nil {
				return err
			}
			if len(sc.rows) == 0 {
				return nil
			}
		}
		res, err := pgdriver.CopyFrom(ctx, conn, sc,
			"COPY survey_responses (id, dialogue_id, field, content, respondent_name, respondent_group, submitted_at, receipt) FROM STDIN")
		if sc.err != nil {
			return sc.err // the batch is refused: whatever was copied rolls back
		}
		if err != nil {
			return fmt.Errorf("copy survey responses: %w", err)
		}
		n, _ := res.RowsAffected()
		inserted = int(n)
		return nil
	})
	return inserted, err
}

// surveyCopy is the COPY data of one attempt, as an io.Reader: the rows of
// next (kept as read, for a run again) or of rows, each with a receipt
// drawn for this attempt (one that collided with a stored code fails the
// COPY on its unique index, and the run again draws another).
type surveyCopy struct {
	next   SurveyRows
	kept   *[]SurveyResponse
	rows   []SurveyResponse
	lookUp bool // rows are to be checked against the stored ids first
	now    time.Time
	buf    bytes.Buffer
	err    error // next's error: the batch is refused
}

// copyChunk is how much COPY text is made ready before it is handed on.
const copyChunk = 32 << 10

func (c *surveyCopy) Read(p []byte) (int, error) {
	for c.buf.Len() < min(len(p), copyChunk) {
		r, ok := c.row()
		if !ok {
			break
		}
		r.Receipt = receipt.New()
		encodeSurveyRow(&c.buf, r, c.now)
	}
	if c.buf.Len() == 0 {
		return 0, io.EOF
	}
	return c.buf.Read(p)
}

// row returns the next row to copy.
func (c *surveyCopy) row() (SurveyResponse, bool) {
	if c.next == nil {
		if len(c.rows) == 0 {
			return SurveyResponse{}, false
		}
		r := c.rows[0]
		c.rows = c.rows[1:]
		return r, true
	}
	if c.err != nil {
		return SurveyResponse{}, false
	}
	r, ok, err := c.next()
	if err != nil {
		c.err = err
		return SurveyResponse{}, false
	}
	if ok {
		*c.kept = append(*c.kept, r)
	}
	return r, ok
}

// newSurveyResponses returns the responses whose id is not stored yet (and
// the first of any repeated id).
func newSurveyResponses(ctx context.Context, tx bun.Tx, rs []SurveyResponse) ([]SurveyResponse, error) {
	ids := make([]string, len(rs))
	for i, r := range rs {
		ids[i] = r.ID
	}
	var stored []string
	if err := tx.NewRaw("SELECT id::text FROM survey_responses WHERE id = ANY(?::uuid[])", pgdialect.Array(ids)).Scan(ctx, &stored); err != nil {
		return nil, fmt.Errorf("insert survey responses: look up ids: %w", err)
	}
	skip := make(map[string]bool, len(stored))
	for _, id := range stored {
		skip[id] = true
	}
	fresh := make([]SurveyResponse, 0, len(rs))
	for _, r := range rs {
		if !skip[r.ID] {
			fresh = append(fresh, r)
			skip[r.ID] = true
		}
	}
	return fresh, nil
}

// copyEscaper escapes text for COPY's text format.
var copyEscaper = strings.NewReplacer(`\`, `\\`, "\t", `\t`, "\n", `\n`, "\r", `\r`)

// encodeSurveyRow writes r as a line of COPY's text format; a zero
// submitted_at becomes now (the transaction's time, as the column's default
// would be).
func encodeSurveyRow(b *bytes.Buffer, r SurveyResponse, now time.Time) {
	at := r.SubmittedAt
	if at.IsZero() {
		at = now
	}
	b.WriteString(r.ID)
	b.WriteByte('\t')
	b.WriteString(r.DialogueID)
	for _, v := range [...]string{r.Field, r.Content, r.RespondentName, r.RespondentGroup} {
		b.WriteByte('\t')
		copyEscaper.WriteString(b, v)
	}
	b.WriteByte('\t')
	b.Write(at.UTC().AppendFormat(b.AvailableBuffer(), "2006-01-02 15:04:05.999999Z07:00"))
	b.WriteByte('\t')
	b.WriteString(r.Receipt)
	b.WriteByte('\n')
}

// SurveyReceipt reads the receipt code of a dialogue's survey answer.
func (s *Store) SurveyReceipt(ctx context.Context, dialogueID, id string) (string, error) {
	var code string
	err := s.DB.QueryRowContext(ctx, "SELECT receipt FROM survey_responses WHERE id = ? AND dialogue_id = ?", id, dialogueID).Scan(&code)
	if err != nil {
		return "", notFound(err, "survey receipt")
	}
	return code, nil
}

// SurveyFilter narrows ListSurveyResponses.
type SurveyFilter struct {
	DialogueID string
	Field      string
	Limit      int
	Offset     int
}

// ListSurveyResponses lists answers oldest first, with the total count.
func (s *Store) ListSurveyResponses(ctx context.Context, f SurveyFilter) ([]SurveyResponse, int, error) {
	rs := []SurveyResponse{}
	q := s.DB.NewSelect().Model(&rs).Where("dialogue_id = ?", f.DialogueID).OrderExpr("submitted_at, id")
	if f.Field != "" {
		q = q.Where("field = ?", f.Field)
	}
	n, err := q.Limit(int64(f.Limit)).Offset(int64(f.Offset)).ScanAndCount(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("list survey responses: %w", err)
	}
	return rs, int(n), nil
}

// FieldCount is a count of answers in one field.
type FieldCount struct {
	Field string `bun:"field" json:"field"`
	Count int    `bun:"count" json:"count"`
}

// Issue is one of the main issues raised: a repeated answer text and how
// often it was sent.
type Issue struct {
	Field   string `bun:"field" json:"field"`
	Content string `bun:"content" json:"content"`
	Count   int    `bun:"count" json:"count"`
}

// SurveySummary is the summary of a survey by field.
type SurveySummary struct {
	bun.BaseModel `bun:"table:survey_summaries"`

	DialogueID string       `bun:"dialogue_id,pk,type:uuid" json:"dialogue_id"`
	Total      int          `bun:"total" json:"total"`
	ByField    []FieldCount `bun:"by_field,type:jsonb" json:"by_field"`
	MainIssues []Issue      `bun:"main_issues,type:jsonb" json:"main_issues"`
	ComputedAt time.Time    `bun:"computed_at" json:"computed_at"`
	// Final is true once the survey has closed and the summary is stored.
	Final bool `bun:"-" json:"final"`
}

// mainIssuesLimit is how many recurring issues a summary lists.
const mainIssuesLimit = 10

// ComputeSurveySummary aggregates a dialogue's answers in SQL: counts by field
// (largest first) and the most frequent answers (normalised text).
func (s *Store) ComputeSurveySummary(ctx context.Context, dialogueID string, at time.Time) (*SurveySummary, error) {
	return computeSurveySummary(ctx, s.DB, dialogueID, at)
}

func computeSurveySummary(ctx context.Context, db bun.IDB, dialogueID string, at time.Time) (*SurveySummary, error) {
	sum := &SurveySummary{DialogueID: dialogueID, ComputedAt: at, ByField: []FieldCount{}, MainIssues: []Issue{}}
	err := db.NewSelect().TableExpr("survey_responses").ColumnExpr("field, count(*) AS count").
		Where("dialogue_id = ?", dialogueID).GroupExpr("field").OrderExpr("count DESC, field").Scan(ctx, &sum.ByField)
	if err != nil {
		return nil, fmt.Errorf("summarise survey by field: %w", err)
	}
	err = db.NewSelect().TableExpr("survey_responses").
		ColumnExpr("field, min(content) AS content, count(*) AS count").
		Where("dialogue_id = ?", dialogueID).
		GroupExpr("field, lower(btrim(content))").
		OrderExpr("count DESC, field, min(content)").Limit(int64(mainIssuesLimit)).Scan(ctx, &sum.MainIssues)
	if err != nil {
		return nil, fmt.Errorf("summarise survey issues: %w", err)
	}
	for _, fc := range sum.ByField {
		sum.Total += fc.Count
	}
	return sum, nil
}

// SaveSurveySummary upserts the final summary of a closed survey.
func (s *Store) SaveSurveySummary(ctx context.Context, sum *SurveySummary) error {
	_, err := s.DB.NewInsert().Model(sum).
		On("CONFLICT (dialogue_id) DO UPDATE").
		Set("total = EXCLUDED.total, by_field = EXCLUDED.by_field, main_issues = EXCLUDED.main_issues, computed_at = EXCLUDED.computed_at").
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("save survey summary: %w", err)
	}
	return nil
}

// GetSurveySummary returns the stored summary of a closed survey, or
// ErrNotFound if none is stored yet.
func (s *Store) GetSurveySummary(ctx context.Context, dialogueID string) (*SurveySummary, error) {
	sum := new(SurveySummary)
	err := s.DB.NewSelect().Model(sum).Where("dialogue_id = ?", dialogueID).Scan(ctx)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("get survey summary: %w", ErrNotFound)
		}
		return nil, fmt.Errorf("get survey summary: %w", err)
	}
	sum.Final = true
	return sum, nil
}

// CloseSurvey closes a dialogue's survey in one transaction: the phase
// moves to awaiting_session (the UPDATE waits for answer batches in
// flight, and none is accepted after it), the summary is computed and
// stored, and the notices that build returns for it are saved (exactly once
// per dedup key). Readers see the phase, the summary and the notices
// together. Running it again recomputes the same summary and adds nothing.
//
// A dialogue that was cancelled (or has closed) keeps its phase, and nothing
// is computed or sent for it: CloseSurvey returns the stored summary, if
// any (an empty one otherwise), and 0 notices created.
func (s *Store) CloseSurvey(ctx context.Context, dialogueID string, at time.Time, ev Event, build func(*SurveySummary) []Notification) (*SurveySummary, int, error) {
	var sum *SurveySummary
	created, final := 0, true
	err := s.DB.RunInTx(ctx, &sql.TxOptions{}, func(ctx context.Context, tx bun.Tx) error {
		created, final = 0, true
		res, err := tx.NewUpdate().Model((*Dialogue)(nil)).Set("phase = 'awaiting_session'").Set("updated_at = now()").
			Where("id = ? AND phase IN ('scheduled', 'survey_open')", dialogueID).Exec(ctx)
		if err != nil {
			return fmt.Errorf("close survey: %w", err)
		}
		if n, _ := res.RowsAffected(); n > 0 {
			if err := appendEvent(ctx, tx, ev); err != nil {
				return err
			}
		} else {
			// Already past the survey: a retry after the close (recompute,
			// as above), or a dialogue that ended without it (leave it be).
			var d Dialogue
			if err := tx.NewSelect().Model(&d).Column("phase").Where("id = ?", dialogueID).For("SHARE").Scan(ctx); err != nil {
				return notFound(err, "close survey")
			}
			if d.Phase == domain.PhaseCancelled || d.Phase == domain.PhaseClosed {
				sum = new(SurveySummary)
				err := tx.NewSelect().Model(sum).Where("dialogue_id = ?", dialogueID).Scan(ctx)
				if errors.Is(err, sql.ErrNoRows) {
					sum = &SurveySummary{DialogueID: dialogueID, ComputedAt: at, ByField: []FieldCount{}, MainIssues: []Issue{}}
					final = false
					return nil
				}
				if err != nil {
					return fmt.Errorf("close survey: read stored summary: %w", err)
				}
				return nil
			}
		}
		if sum, err = computeSurveySummary(ctx, tx, dialogueID, at); err != nil {
			return err
		}
		if _, err := tx.NewInsert().Model(sum).On("CONFLICT (dialogue_id) DO UPDATE").
			Set("total = EXCLUDED.total, by_field = EXCLUDED.by_field, main_issues = EXCLUDED.main_issues, computed_at = EXCLUDED.computed_at").
			Exec(ctx); err != nil {
			return fmt.Errorf("save survey summary: %w", err)
		}
		for _, n := range build(sum) {
			n := n
			r, err := tx.NewInsert().Model(&n).On("CONFLICT (dedup_key) DO NOTHING").Exec(ctx)
			if err != nil {
				return fmt.Errorf("save notice: %w", err)
			}
			if k, _ := r.RowsAffected(); k > 0 {
				created++
			}
		}
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	sum.Final = final
	return sum, created, nil
}
