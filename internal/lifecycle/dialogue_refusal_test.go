package lifecycle

import (
	"testing"
	"time"

	"github.com/doithoai/doithoai/internal/domain"
)

// Each dialogue and plan rule refuses in the states it names, with a
// stable reason and both languages; it lets the command through otherwise.
func TestDialogueRefusals(t *testing.T) {
	rules := map[string]func(DialogueState) *Refusal{
		"reschedule": DialogueState.RefuseReschedule, "cancel": DialogueState.RefuseCancel,
		"record": DialogueState.RefuseRecordSession, "tasks": DialogueState.RefuseAddTasks,
	}
	cases := []struct {
		st   DialogueState
		want map[string]string
	}{
		{DialogueState{Phase: domain.PhaseScheduled}, map[string]string{"record": ReasonSurveyOpen, "tasks": ReasonSessionNotRecorded}},
		{DialogueState{Phase: domain.PhaseSurveyOpen}, map[string]string{"record": ReasonSurveyOpen, "tasks": ReasonSessionNotRecorded}},
		{DialogueState{Phase: domain.PhaseAwaitingSession}, map[string]string{"tasks": ReasonSessionNotRecorded}},
		{DialogueState{Phase: domain.PhaseSessionRecorded, Recorded: true}, map[string]string{"reschedule": ReasonSessionRecorded, "cancel": ReasonSessionRecorded, "record": ReasonSessionRecorded}},
		{DialogueState{Phase: domain.PhaseSessionRecorded, Recorded: true, FollowUpOver: true}, map[string]string{"reschedule": ReasonSessionRecorded,
			"cancel": ReasonSessionRecorded, "record": ReasonSessionRecorded, "tasks": ReasonFollowUpOver}},
		{DialogueState{Phase: domain.PhaseCancelled, Cancelled: true}, map[string]string{"reschedule": ReasonDialogueCancelled, "cancel": ReasonDialogueCancelled,
			"record": ReasonDialogueCancelled, "tasks": ReasonDialogueCancelled}},
		{DialogueState{Phase: domain.PhaseClosed, Recorded: true}, map[string]string{"reschedule": ReasonDialogueClosed, "cancel": ReasonDialogueClosed,
			"record": ReasonDialogueClosed, "tasks": ReasonDialogueClosed}},
	}
	for _, c := range cases {
		for name, rule := range rules {
			r := rule(c.st)
			got := ""
			if r != nil {
				got = r.Reason
				checkWords(t, name+" on "+c.st.Phase, r)
			}
			if got != c.want[name] {
				t.Errorf("%s on %+v: reason %q, want %q", name, c.st, got, c.want[name])
			}
			if (got == ReasonDialogueCancelled || got == ReasonDialogueClosed) && *r != *DialogueSettled(c.st.Phase) {
				t.Errorf("%s on %+v: %+v, want the one settled wording", name, c.st, *r)
			}
		}
	}
	for _, phase := range []string{domain.PhaseScheduled, domain.PhaseSessionRecorded} {
		if r := DialogueSettled(phase); r != nil {
			t.Errorf("%s is not settled: %+v", phase, r)
		}
	}
}

func TestPlanAndTaskExistRefusals(t *testing.T) {
	for _, c := range []struct {
		open, known bool
		want        string
	}{{true, false, ""}, {true, true, ReasonDialogueExists}, {false, false, ReasonPlanClosed}, {false, true, ReasonPlanClosed}} {
		r := RefuseAddDialogue(c.open, c.known)
		if got := reasonOf(r); got != c.want {
			t.Errorf("plan open %v, dialogue known %v: reason %q, want %q", c.open, c.known, got, c.want)
		}
		if r != nil {
			checkWords(t, "add dialogue", r)
		}
	}
	if r := TaskExists("tasks[0]", "t1", false); r != nil {
		t.Errorf("a new task refused: %+v", r)
	}
	r := TaskExists("tasks[1]", "t1", true)
	if reasonOf(r) != ReasonTaskExists {
		t.Fatalf("a known task: %+v", r)
	}
	checkWords(t, "task exists", r)
}

func reasonOf(r *Refusal) string {
	if r == nil {
		return ""
	}
	return r.Reason
}

func checkWords(t *testing.T, what string, r *Refusal) {
	t.Helper()
	if r.Message == "" || r.MessageEN == "" || r.Message == r.MessageEN {
		t.Errorf("%s: refusal without its Vietnamese and English words: %+v", what, *r)
	}
}

// The command rules name the field, the stable code and both languages.
func TestCommandRules(t *testing.T) {
	now := time.Date(2026, 3, 1, 8, 0, 0, 0, domain.Location)
	cur := now.Add(10 * 24 * time.Hour)
	a := domain.Assignee{Agency: "UBND phường"}
	cases := []struct {
		name  string
		errs  []FieldError
		field string
		code  string
	}{
		{"reschedule none", ValidateReschedule(time.Time{}, cur, 2026, now), "scheduled_at", "required"},
		{"reschedule year", ValidateReschedule(time.Date(2027, 1, 2, 8, 0, 0, 0, domain.Location), cur, 2026, now), "scheduled_at", "outside_plan_year"},
		{"reschedule past", ValidateReschedule(now.Add(-time.Hour), cur, 2026, now), "scheduled_at", "in_past"},
		{"reschedule same", ValidateReschedule(cur, cur, 2026, now), "scheduled_at", "same_date"},
		{"reschedule ok", ValidateReschedule(cur.Add(time.Hour), cur, 2026, now), "", ""},
		{"future", InFuture("scheduled_at", now, now), "scheduled_at", "in_past"},
		{"empty", NotEmpty("tasks", 0), "tasks", "empty"},
		{"not empty", NotEmpty("tasks", 1), "", ""},
		{"required", Required("reason", " \n"), "reason", "required"},
		{"given", Required("reason", "trùng"), "", ""},
		{"review none", ValidateReview("", ""), "decision", "required"},
		{"review other", ValidateReview("maybe", ""), "decision", "invalid_enum"},
		{"return without reason", ValidateReview("return", " "), "reason", "required"},
		{"return", ValidateReview("return", "thiếu"), "", ""},
		{"accept", ValidateReview("accept", ""), "", ""},
		{"deadline past", LaterDeadline("due_at", now, cur, now), "due_at", "in_past"},
		{"deadline not later", LaterDeadline("due_at", cur, cur, now), "due_at", "not_later"},
		{"deadline later", LaterDeadline("due_at", cur.Add(time.Hour), cur, now), "", ""},
		{"reassign no agency", ValidateReassign(a, domain.Assignee{Officer: "x"}), "assignee.agency", "required"},
		{"reassign same", ValidateReassign(a, a), "assignee", "same_assignee"},
		{"reassign", ValidateReassign(a, domain.Assignee{Agency: "Công an phường"}), "", ""},
		{"unknown conclusion", KnownConclusion("conclusion_id", false), "conclusion_id", "unknown_conclusion"},
		{"known conclusion", KnownConclusion("conclusion_id", true), "", ""},
	}
	for _, c := range cases {
		if c.code == "" {
			if len(c.errs) != 0 {
				t.Errorf("%s: %+v, want none", c.name, c.errs)
			}
			continue
		}
		if len(c.errs) != 1 || c.errs[0].Field != c.field || c.errs[0].Code != c.code {
			t.Errorf("%s: %+v, want %s %s", c.name, c.errs, c.field, c.code)
			continue
		}
		if e := c.errs[0]; e.Message == "" || e.MessageEN == "" || e.Message == e.MessageEN {
			t.Errorf("%s: field error without both languages: %+v", c.name, e)
		}
	}
}
