package store_test

import (
	"context"
	"testing"

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
