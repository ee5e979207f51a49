package workflows

import (
	"context"
	"fmt"
	"testing"
	"time"

	"go.temporal.io/sdk/testsuite"

	"github.com/stretchr/testify/mock"

	"github.com/doithoai/doithoai/activities"
	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/internal/lifecycle"
)

func planInput(dates ...time.Time) PlanInput {
	in := PlanInput{PlanSpec: domain.PlanSpec{PlanID: "p1", UnitID: "u1", Year: 2026, ReferenceNo: "55-KH/HU", IssuingBody: "Huyện ủy", Policy: policy}}
	for i, at := range dates {
		in.Dialogues = append(in.Dialogues, domain.DialogueSpec{
			ID: "d" + string(rune('1'+i)), Seq: i + 1, Kind: domain.KindPeriodic, ScheduledAt: at,
			Hosts: []domain.Host{{Name: "Chủ tịch UBND"}},
		})
	}
	return in
}

func TestPlanRunsDialoguesAndEndsAfterTheYear(t *testing.T) {
	env := newEnv(t)
	rec := mockActivities(env)
	d1 := t0.Add(20 * 24 * time.Hour)
	d2 := t0.Add(60 * 24 * time.Hour)
	in := planInput(d1, d2)

	var saved PlanState
	env.RegisterDelayedCallback(func() {
		env.UpdateWorkflow(UpdatePlanSaved, "", &testsuite.TestUpdateCallback{
			OnAccept: func() {}, OnReject: func(err error) { t.Errorf("saved rejected: %v", err) },
			OnComplete: func(v any, err error) {
				if err != nil {
					t.Errorf("saved: %v", err)
				}
				saved, _ = v.(PlanState)
			},
		})
	}, time.Second)
	// Cancel the first dialogue, and record no session for the second: the
	// plan must still wait for it, so cancel it late in the year to let the
	// plan end.
	env.RegisterDelayedCallback(func() {
		env.SignalWorkflow("noop", nil)
	}, time.Hour)
	adhoc := domain.DialogueSpec{ID: "d9", Seq: 3, Kind: domain.KindAdhoc, ScheduledAt: t0.Add(40 * 24 * time.Hour), Hosts: []domain.Host{{Name: "Bí thư"}}, Topic: "Giải phóng mặt bằng"}
	var added AddDialogueResult
	env.RegisterDelayedCallback(func() {
		env.UpdateWorkflow(UpdateAddDialogue, "", &testsuite.TestUpdateCallback{
			OnAccept: func() {}, OnReject: func(err error) { t.Errorf("add rejected: %v", err) },
			OnComplete: func(v any, err error) {
				if err != nil {
					t.Errorf("add: %v", err)
				}
				added, _ = v.(AddDialogueResult)
			},
		}, AddDialogueRequest{Spec: adhoc})
	}, 2*time.Hour)
	var dup error
	env.RegisterDelayedCallback(func() {
		env.UpdateWorkflow(UpdateAddDialogue, "", &testsuite.TestUpdateCallback{
			OnAccept: func() {}, OnReject: func(err error) { dup = err }, OnComplete: func(any, error) {},
		}, AddDialogueRequest{Spec: adhoc})
	}, 3*time.Hour)
	// The dialogues run as workflows of their own (started from an
	// activity); each tells the plan when it ends. They end on their own only
	// when a session is recorded or they are cancelled: play their closing
	// signals back late in the year.
	for _, id := range []string{"d1", "d2", "d9"} {
		id := id
		env.RegisterDelayedCallback(func() {
			env.SignalWorkflow(SignalDialogueClosed, DialogueClosed{DialogueID: id, Phase: domain.PhaseCancelled})
		}, 100*24*time.Hour)
	}
	env.ExecuteWorkflow(PlanWorkflowName, in)
	if err := env.GetWorkflowError(); err != nil {
		t.Fatalf("plan error: %v", err)
	}
	if !saved.Saved || saved.Phase != PlanPhaseActive || rec.plans != 1 {
		t.Errorf("saved state %+v, SavePlan calls %d", saved, rec.plans)
	}
	if added.WorkflowID != "dialogue/d9" || len(rec.added) != 1 {
		t.Errorf("added %+v, InsertDialogue calls %v", added, rec.added)
	}
	if got := fmt.Sprint(rec.startedIDs()); got != "[dialogue/d1 dialogue/d2 dialogue/d9]" {
		t.Errorf("dialogue workflows started: %s", got)
	}
	if r, ok := refusalOf(dup); !ok || r != *lifecycle.RefuseAddDialogue(true, true) {
		t.Errorf("adding the same dialogue twice: rejected with %v (refusal %+v), want the rule's %+v", dup, r, *lifecycle.RefuseAddDialogue(true, true))
	}
	var res PlanResult
	if err := env.GetWorkflowResult(&res); err != nil || res.Dialogues != 3 {
		t.Errorf("result %+v %v", res, err)
	}
	if now := env.Now(); now.Before(time.Date(2027, 1, 1, 0, 0, 0, 0, domain.Location)) {
		t.Errorf("plan ended at %v, before the year was over", now)
	}
	if n := len(rec.reports); n != 1 || rec.reports[0] != "plan/p1" {
		t.Errorf("reports drafted %v, want the plan's once (its dialogues were cancelled)", rec.reports)
	}
}

func TestPlanWaitsForOpenDialoguesAfterYearEnd(t *testing.T) {
	env := newEnv(t)
	mockActivities(env)
	late := time.Date(2026, 12, 30, 8, 0, 0, 0, domain.Location)
	in := planInput(late)
	// The session of 30 December is recorded on 5 January and the dialogue
	// closes then: the plan must still be running.
	recorded := false
	env.RegisterDelayedCallback(func() {
		recorded = true
		env.SignalWorkflow(SignalDialogueClosed, DialogueClosed{DialogueID: "d1", Phase: domain.PhaseClosed})
	}, time.Date(2027, 1, 5, 8, 0, 0, 0, domain.Location).Sub(t0))
	// The year is over: the plan takes no new dialogue, in the rule's words.
	var closed error
	env.RegisterDelayedCallback(func() {
		next := domain.DialogueSpec{ID: "d9", Seq: 2, Kind: domain.KindAdhoc, ScheduledAt: time.Date(2026, 12, 31, 8, 0, 0, 0, domain.Location), Hosts: []domain.Host{{Name: "Bí thư"}}}
		env.UpdateWorkflow(UpdateAddDialogue, "", &testsuite.TestUpdateCallback{
			OnAccept: func() {}, OnReject: func(err error) { closed = err }, OnComplete: func(any, error) {},
		}, AddDialogueRequest{Spec: next})
	}, time.Date(2027, 1, 2, 8, 0, 0, 0, domain.Location).Sub(t0))
	env.ExecuteWorkflow(PlanWorkflowName, in)
	if err := env.GetWorkflowError(); err != nil {
		t.Fatalf("plan error: %v", err)
	}
	if r, ok := refusalOf(closed); !ok || r != *lifecycle.RefuseAddDialogue(false, false) {
		t.Errorf("a dialogue added after the year: rejected with %v (refusal %+v), want the rule's %+v", closed, r, *lifecycle.RefuseAddDialogue(false, false))
	}
	if !recorded {
		t.Fatal("session after year end was not recorded")
	}
	if now := env.Now(); now.Before(time.Date(2027, 1, 5, 8, 0, 0, 0, domain.Location)) {
		t.Errorf("plan ended at %v, before its last dialogue closed", now)
	}
}

func TestValidatePlanInput(t *testing.T) {
	good := planInput(t0.Add(24 * time.Hour))
	if err := ValidatePlanInput(good); err != nil {
		t.Fatalf("valid input refused: %v", err)
	}
	bad := []func(*PlanInput){
		func(p *PlanInput) { p.Year = 1999 },
		func(p *PlanInput) { p.Policy.SurveyClose = p.Policy.SurveyLead },
		func(p *PlanInput) { p.Dialogues[0].Hosts = nil },
		func(p *PlanInput) { p.Dialogues[0].ScheduledAt = time.Date(2027, 2, 1, 0, 0, 0, 0, domain.Location) },
		func(p *PlanInput) { p.Dialogues[0].Kind = "thematic" },
		func(p *PlanInput) { p.Dialogues[0].Kind = "weekly" },
	}
	for i, mutate := range bad {
		in := planInput(t0.Add(24 * time.Hour))
		mutate(&in)
		if err := ValidatePlanInput(in); err == nil {
			t.Errorf("case %d: invalid input accepted", i)
		}
	}
}

// A dialogue whose workflow an operator ended without it telling the plan
// does not keep the plan waiting for ever: the daily check drops it.
func TestPlanDropsDialoguesEndedWithoutASignal(t *testing.T) {
	env := newEnv(t)
	mockActivities(env)
	var a *activities.Activities
	var asked []string
	env.OnActivity(a.EndedWorkflows, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.EndedWorkflowsInput) ([]string, error) {
		asked = append(asked, in.WorkflowIDs...)
		return []string{"dialogue/d1"}, nil
	})
	in := planInput(time.Date(2026, 12, 30, 8, 0, 0, 0, domain.Location))
	env.ExecuteWorkflow(PlanWorkflowName, in)
	if err := env.GetWorkflowError(); err != nil {
		t.Fatalf("plan error: %v", err)
	}
	if fmt.Sprint(asked) != "[dialogue/d1]" {
		t.Errorf("asked about %v", asked)
	}
	yearEnd := time.Date(2027, 1, 1, 0, 0, 0, 0, domain.Location)
	if now := env.Now(); now.Before(yearEnd.Add(reconcileEvery)) || now.After(yearEnd.Add(reconcileEvery+time.Hour)) {
		t.Errorf("plan ended at %v, want a day after the year ended", now)
	}
}
