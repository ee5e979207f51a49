package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/uptrace/bun/driver/pgdriver"

	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/internal/store"
)

// TestCloseSurveyLeavesCancelledDialogues: closing the survey of a dialogue
// that was cancelled (or closed) in the meantime neither moves its phase
// nor computes, stores or sends anything; it returns the summary stored
// before, if any, and 0 notices created. A dialogue past its survey close is
// still summarised again (an activity retry) without new notices.
func TestCloseSurveyLeavesCancelledDialogues(t *testing.T) {
	f := newReportFixture(t)
	ctx := context.Background()
	unit := f.unit("Huyện Close", "district", "")
	at := vn(2026, 6, 18, 8, 0)
	f.plan("close-plan", unit, 2026, dlg{"cancelled-open", domain.KindPeriodic, at}, dlg{"closed-then-cancelled", domain.KindPeriodic, at},
		dlg{"closed-twice", domain.KindPeriodic, at})
	cancelledOpen, closedThenCancelled, closedTwice := rid("cancelled-open"), rid("closed-then-cancelled"), rid("closed-twice")

	builds := 0
	closeSurvey := func(dialogueID string) (*store.SurveySummary, int) {
		t.Helper()
		build := func(sum *store.SurveySummary) []store.Notification {
			builds++
			key := "test/survey-summary/" + dialogueID
			return []store.Notification{{ID: rid(key), DedupKey: key, UnitID: unit, DialogueID: &dialogueID, Recipient: "Chủ trì", Channel: "inbox",
				SubjectVI: "Tổng hợp", SubjectEN: "Summary", BodyVI: "…", BodyEN: "…"}}
		}
		ev := store.NewEvent("dialogue/"+dialogueID+"/phase/awaiting_session", "system", "", "dialogue.survey_closed", "dialogue", dialogueID, unit, "", nil)
		sum, created, err := f.st.CloseSurvey(ctx, dialogueID, vn(2026, 6, 15, 8, 0), ev, build)
		if err != nil {
			t.Fatalf("close survey of %s: %v", dialogueID, err)
		}
		return sum, created
	}
	phaseOf := func(dialogueID string) string {
		t.Helper()
		d, err := f.st.GetDialogue(ctx, dialogueID)
		if err != nil {
			t.Fatal(err)
		}
		return d.Phase
	}
	notices := func(dialogueID string) int {
		t.Helper()
		ns, err := f.st.ListNotifications(ctx, dialogueID)
		if err != nil {
			t.Fatal(err)
		}
		return len(ns)
	}

	// Cancelled while the survey was open: nothing is summarised or sent.
	f.survey(cancelledOpen, true, "Đất đai", 3, "Môi trường", 2)
	f.phase(cancelledOpen, domain.PhaseCancelled)
	sum, created := closeSurvey(cancelledOpen)
	if sum == nil || sum.Total != 0 || len(sum.ByField) != 0 || sum.Final || created != 0 || builds != 0 {
		t.Fatalf("cancelled dialogue: summary %+v, created %d, builds %d; want an empty summary, nothing created or built", sum, created, builds)
	}
	if p := phaseOf(cancelledOpen); p != domain.PhaseCancelled {
		t.Errorf("cancelled dialogue moved to %s", p)
	}
	if _, err := f.st.GetSurveySummary(ctx, cancelledOpen); err == nil {
		t.Error("a summary was stored for the cancelled dialogue")
	}
	if n := notices(cancelledOpen); n != 0 {
		t.Errorf("%d notices stored for the cancelled dialogue", n)
	}

	// Closed normally, then cancelled; a late retry returns the stored summary.
	f.survey(closedThenCancelled, true, "Đất đai", 4)
	sum, created = closeSurvey(closedThenCancelled)
	if sum.Total != 4 || !sum.Final || created != 1 || builds != 1 {
		t.Fatalf("first close: summary %+v, created %d, builds %d", sum, created, builds)
	}
	f.phase(closedThenCancelled, domain.PhaseCancelled)
	// An answer slipped in by hand would change a recomputed summary.
	if _, err := f.st.DB.ExecContext(ctx, "INSERT INTO survey_responses (id, dialogue_id, field, content) VALUES (?, ?, 'Giao thông', 'x')",
		rid("late-answer"), closedThenCancelled); err != nil {
		t.Fatal(err)
	}
	sum, created = closeSurvey(closedThenCancelled)
	if sum.Total != 4 || len(sum.ByField) != 1 || sum.ByField[0].Field != "Đất đai" || !sum.Final || created != 0 || builds != 1 {
		t.Fatalf("retry after cancel: summary %+v, created %d, builds %d; want the stored summary of 4, nothing created or built", sum, created, builds)
	}
	if p := phaseOf(closedThenCancelled); p != domain.PhaseCancelled {
		t.Errorf("cancelled dialogue moved to %s", p)
	}
	if n := notices(closedThenCancelled); n != 1 {
		t.Errorf("%d notices for the dialogue closed then cancelled, want the 1 from its close", n)
	}

	// Closed and still awaiting its session: a retry recomputes, adds nothing.
	f.survey(closedTwice, true, "Môi trường", 2)
	if sum, created = closeSurvey(closedTwice); sum.Total != 2 || created != 1 {
		t.Fatalf("close: summary %+v, created %d", sum, created)
	}
	if sum, created = closeSurvey(closedTwice); sum.Total != 2 || !sum.Final || created != 0 {
		t.Fatalf("retried close: summary %+v, created %d; want 2 answers, nothing created", sum, created)
	}
	if p := phaseOf(closedTwice); p != domain.PhaseAwaitingSession {
		t.Errorf("phase after retried close %s, want %s", p, domain.PhaseAwaitingSession)
	}

	// A closed dialogue is left alone too.
	f.phase(closedTwice, domain.PhaseClosed)
	before := builds
	if sum, created = closeSurvey(closedTwice); sum.Total != 2 || created != 0 || builds != before {
		t.Fatalf("close of a closed dialogue: summary %+v, created %d, builds %d", sum, created, builds-before)
	}
}

// TestSurveyBatchAllOrNothing: a streamed batch whose source stops with an
// error stores none of the rows already copied; a batch resent whole, or
// with new answers among stored ones, stores only the new ones (the first
// COPY fails on the stored ids and the run again leaves them out).
func TestSurveyBatchAllOrNothing(t *testing.T) {
	f := newReportFixture(t)
	ctx := context.Background()
	unit := f.unit("Xã Batch", "commune", "")
	f.plan("batch-plan", unit, 2026, dlg{"batch", domain.KindPeriodic, vn(2026, 6, 18, 8, 0)})
	d := rid("batch")
	f.phase(d, domain.PhaseSurveyOpen)
	rows := func(from, to int) []store.SurveyResponse {
		var rs []store.SurveyResponse
		for i := from; i < to; i++ {
			rs = append(rs, store.SurveyResponse{ID: rid(fmt.Sprintf("batch-answer-%d", i)), DialogueID: d, Field: "Đất đai", Content: fmt.Sprintf("Ý kiến\t%d\\n", i)})
		}
		return rs
	}
	stored := func() int {
		t.Helper()
		_, n, err := f.st.ListSurveyResponses(ctx, store.SurveyFilter{DialogueID: d, Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}

	refused := errors.New("answer 3 is at fault")
	batch, i := rows(0, 5000), 0
	_, err := f.st.StreamSurveyResponses(ctx, d, func() (store.SurveyResponse, bool, error) {
		if i == 4000 {
			return store.SurveyResponse{}, false, refused
		}
		i++
		return batch[i-1], true, nil
	})
	if !errors.Is(err, refused) || stored() != 0 {
		t.Fatalf("a batch stopped by its source: err %v, %d rows stored; want the source's error and none", err, stored())
	}

	for _, step := range []struct {
		rs                []store.SurveyResponse
		accepted, inTotal int
	}{{rows(0, 100), 100, 100}, {rows(0, 100), 0, 100}, {rows(50, 300), 200, 300}} {
		n, err := f.st.InsertSurveyResponses(ctx, d, step.rs)
		if err != nil || n != step.accepted || stored() != step.inTotal {
			t.Fatalf("batch of %d: accepted %d (%v), %d stored; want %d accepted, %d stored", len(step.rs), n, err, stored(), step.accepted, step.inTotal)
		}
	}
	got, _, err := f.st.ListSurveyResponses(ctx, store.SurveyFilter{DialogueID: d, Limit: 1})
	sent := map[string]string{}
	for _, r := range rows(0, 300) {
		sent[r.ID] = r.Content
	}
	if err != nil || len(got) != 1 || got[0].Content != sent[got[0].ID] || got[0].Receipt == "" {
		t.Fatalf("stored answer %+v (%v): want its text as sent, tab and backslash included, and a receipt", got, err)
	}
}

// TestSurveyAnswersNameAnExistingDialogue: the foreign key of survey
// answers, checked once per statement, still refuses an answer for a
// dialogue that does not exist and the deletion of a dialogue with answers,
// both as foreign-key violations.
func TestSurveyAnswersNameAnExistingDialogue(t *testing.T) {
	f := newReportFixture(t)
	ctx := context.Background()
	unit := f.unit("Xã Khóa", "commune", "")
	f.plan("fk-plan", unit, 2026, dlg{"fk-answered", domain.KindPeriodic, vn(2026, 6, 18, 8, 0)})
	d := rid("fk-answered")
	f.survey(d, true, "Đất đai", 2)

	var pgErr pgdriver.Error
	_, err := f.st.DB.ExecContext(ctx, "INSERT INTO survey_responses (id, dialogue_id, field, content) VALUES (?, ?, 'Đất đai', 'x'), (?, ?, 'Đất đai', 'y')",
		rid("fk-orphan-1"), d, rid("fk-orphan-2"), rid("no-such-dialogue"))
	if !errors.As(err, &pgErr) || pgErr.Field('C') != "23503" {
		t.Errorf("answer for a missing dialogue: %v, want a foreign-key violation (23503)", err)
	}
	_, err = f.st.DB.ExecContext(ctx, "UPDATE survey_responses SET dialogue_id = ? WHERE dialogue_id = ?", rid("no-such-dialogue"), d)
	if !errors.As(err, &pgErr) || pgErr.Field('C') != "23503" {
		t.Errorf("answers moved to a missing dialogue: %v, want a foreign-key violation (23503)", err)
	}
	_, err = f.st.DB.ExecContext(ctx, "DELETE FROM dialogues WHERE id = ?", d)
	if !errors.As(err, &pgErr) || pgErr.Field('C') != "23503" {
		t.Errorf("deleting a dialogue with answers: %v, want a foreign-key violation (23503)", err)
	}
}
