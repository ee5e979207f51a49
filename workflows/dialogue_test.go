package workflows

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/doithoai/doithoai/activities"
	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/internal/lifecycle"
)

// recorder collects the activity calls of a test run with the test clock.
type recorder struct {
	mu      sync.Mutex
	env     *testsuite.TestWorkflowEnvironment
	phases  []phaseCall
	alerts  []activities.SessionMissedInput
	closes  []time.Time
	saved   []activities.SaveSessionInput
	resch   []activities.RescheduleInput
	plans   int
	added   []string
	reports []string
	*fanout
}

type phaseCall struct {
	Phase string
	At    time.Time
}

func (r *recorder) phaseNames() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, p := range r.phases {
		out = append(out, p.Phase)
	}
	return out
}

// mockActivities registers every activity on env with a recording fake.
func mockActivities(env *testsuite.TestWorkflowEnvironment) *recorder {
	r := &recorder{env: env}
	var a *activities.Activities
	env.RegisterActivity(a)
	r.fanout = mockFanout(env)
	env.OnActivity(a.SetDialoguePhase, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.PhaseInput) error {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.phases = append(r.phases, phaseCall{in.Phase, env.Now()})
		return nil
	}).Maybe()
	env.OnActivity(a.CloseSurvey, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.CloseSurveyInput) (activities.CloseSurveyResult, error) {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.closes = append(r.closes, env.Now())
		r.phases = append(r.phases, phaseCall{domain.PhaseAwaitingSession, env.Now()})
		return activities.CloseSurveyResult{Total: 3, Notified: len(in.Hosts)}, nil
	}).Maybe()
	env.OnActivity(a.RaiseSessionMissed, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.SessionMissedInput) (activities.SessionMissedResult, error) {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.alerts = append(r.alerts, in)
		return activities.SessionMissedResult{Raised: 2}, nil
	}).Maybe()
	env.OnActivity(a.SaveSession, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.SaveSessionInput) error {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.saved = append(r.saved, in)
		return nil
	}).Maybe()
	env.OnActivity(a.RescheduleDialogue, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.RescheduleInput) error {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.resch = append(r.resch, in)
		return nil
	}).Maybe()
	env.OnActivity(a.SavePlan, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.SavePlanInput) error {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.plans++
		return nil
	}).Maybe()
	env.OnActivity(a.InsertDialogue, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.InsertDialogueInput) error {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.added = append(r.added, in.Spec.ID)
		return nil
	}).Maybe()
	env.OnActivity(a.ClosePlan, mock.Anything, mock.Anything).Return(nil).Maybe()
	env.OnActivity(a.GenerateReport, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.ReportInput) (activities.ReportResult, error) {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.reports = append(r.reports, in.Kind+"/"+in.ID)
		return activities.ReportResult{ScopeKey: in.Kind + "/" + in.ID, Version: 1}, nil
	}).Maybe()
	return r
}

var (
	t0     = time.Date(2026, 3, 1, 8, 0, 0, 0, domain.Location)
	policy = domain.Policy{SurveyLead: 10 * 24 * time.Hour, SurveyClose: 2 * 24 * time.Hour, SessionGrace: 24 * time.Hour}
)

func dialogueInput(at time.Time) DialogueInput {
	return DialogueInput{
		DialogueID: "d1", PlanID: "p1", UnitID: "u1", PlanYear: 2026, Policy: policy,
		Spec: domain.DialogueSpec{ID: "d1", Seq: 1, Kind: domain.KindPeriodic, ScheduledAt: at, Hosts: []domain.Host{{Name: "Nguyễn Văn A", Title: "Bí thư"}}},
	}
}

func newEnv(t *testing.T) *testsuite.TestWorkflowEnvironment {
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	env.SetStartTime(t0)
	env.RegisterWorkflowWithOptions(Dialogue, workflowOpts(DialogueWorkflowName))
	env.RegisterWorkflowWithOptions(Plan, workflowOpts(PlanWorkflowName))
	return env
}

type updateResult struct {
	rejected error
	err      error
	state    DialogueState
	done     bool
}

// sendUpdate sends an Update after delay and records the outcome.
func sendUpdate(env *testsuite.TestWorkflowEnvironment, delay time.Duration, name string, arg any) *updateResult {
	res := &updateResult{}
	env.RegisterDelayedCallback(func() {
		env.UpdateWorkflow(name, fmt.Sprintf("%s@%s", name, delay), &testsuite.TestUpdateCallback{
			OnAccept: func() {},
			OnReject: func(err error) { res.rejected = err; res.done = true },
			OnComplete: func(v any, err error) {
				res.done = true
				res.err = err
				if st, ok := v.(DialogueState); ok {
					res.state = st
				}
			},
		}, arg)
	}, delay)
	return res
}

func session(heldAt time.Time) domain.Session {
	return domain.Session{
		HeldAt: heldAt, Chair: "Nguyễn Văn A", Attendance: domain.Attendance{Total: 120},
		Opinions:    []domain.Opinion{{Field: "đất đai", Content: "Cấp sổ đỏ chậm", Source: domain.SourceSurvey, AnsweredOnSpot: true}},
		Conclusions: []domain.Conclusion{{ID: "c1", Seq: 1, Content: "Giao UBND phường rà soát hồ sơ"}},
	}
}

func TestDialogueHappyPath(t *testing.T) {
	env := newEnv(t)
	rec := mockActivities(env)
	at := t0.Add(20 * 24 * time.Hour)
	upd := sendUpdate(env, 20*24*time.Hour+3*time.Hour, UpdateRecordSession, RecordSessionRequest{Session: session(at), Actor: domain.Actor{ID: "planner1"}})
	env.ExecuteWorkflow(DialogueWorkflowName, dialogueInput(at))

	if !env.IsWorkflowCompleted() {
		t.Fatal("workflow did not complete")
	}
	if err := env.GetWorkflowError(); err != nil {
		t.Fatalf("workflow error: %v", err)
	}
	if !upd.done || upd.err != nil || upd.rejected != nil {
		t.Fatalf("record session: done=%v err=%v rejected=%v", upd.done, upd.err, upd.rejected)
	}
	if upd.state.Phase != domain.PhaseSessionRecorded {
		t.Errorf("update returned phase %q", upd.state.Phase)
	}
	want := []string{domain.PhaseSurveyOpen, domain.PhaseAwaitingSession, domain.PhaseClosed}
	if got := rec.phaseNames(); !equal(got, want) {
		t.Fatalf("phases = %v, want %v", got, want)
	}
	if got := rec.phases[0].At; !got.Equal(at.Add(-policy.SurveyLead)) {
		t.Errorf("survey opened at %v, want %v", got, at.Add(-policy.SurveyLead))
	}
	if got := rec.closes[0]; !got.Equal(at.Add(-policy.SurveyClose)) {
		t.Errorf("survey closed at %v, want %v", got, at.Add(-policy.SurveyClose))
	}
	if len(rec.alerts) != 0 {
		t.Errorf("no alert expected for a session recorded in time, got %d", len(rec.alerts))
	}
	if len(rec.saved) != 1 || rec.saved[0].Actor.ID != "planner1" {
		t.Errorf("session saved %d times (%+v)", len(rec.saved), rec.saved)
	}
	var res DialogueResult
	if err := env.GetWorkflowResult(&res); err != nil || res.Phase != domain.PhaseClosed {
		t.Errorf("result %+v, %v", res, err)
	}
}

func TestDialogueMissedSessionAlertsOnceAndKeepsWaiting(t *testing.T) {
	env := newEnv(t)
	rec := mockActivities(env)
	at := t0.Add(20 * 24 * time.Hour)
	// Recorded five days after the date: long past the one-day grace.
	upd := sendUpdate(env, 25*24*time.Hour, UpdateRecordSession, RecordSessionRequest{Session: session(at)})
	env.ExecuteWorkflow(DialogueWorkflowName, dialogueInput(at))
	if err := env.GetWorkflowError(); err != nil {
		t.Fatalf("workflow error: %v", err)
	}
	if !upd.done || upd.err != nil {
		t.Fatalf("late session not recorded: %+v", upd)
	}
	if len(rec.alerts) != 1 {
		t.Fatalf("alerts raised %d times, want exactly 1", len(rec.alerts))
	}
	if a := rec.alerts[0]; !a.DueBy.Equal(at.Add(policy.SessionGrace)) || a.Generation != 0 {
		t.Errorf("alert input %+v", a)
	}
	if got := rec.phaseNames(); got[len(got)-1] != domain.PhaseClosed {
		t.Errorf("last phase %v", got)
	}
}

func TestDialogueRescheduleMovesTimers(t *testing.T) {
	env := newEnv(t)
	rec := mockActivities(env)
	at := t0.Add(20 * 24 * time.Hour)
	later := at.Add(7 * 24 * time.Hour)
	// Day 1 (scheduled phase): move the session a week later.
	r1 := sendUpdate(env, 24*time.Hour, UpdateReschedule, RescheduleRequest{ScheduledAt: later, Reason: "trùng lịch"})
	upd := sendUpdate(env, 27*24*time.Hour+time.Hour, UpdateRecordSession, RecordSessionRequest{Session: session(later)})
	env.ExecuteWorkflow(DialogueWorkflowName, dialogueInput(at))
	if err := env.GetWorkflowError(); err != nil {
		t.Fatalf("workflow error: %v", err)
	}
	if r1.err != nil || r1.rejected != nil || r1.state.Generation != 1 {
		t.Fatalf("reschedule: %+v", r1)
	}
	if !upd.done || upd.err != nil {
		t.Fatalf("session: %+v", upd)
	}
	if got := rec.phases[0].At; !got.Equal(later.Add(-policy.SurveyLead)) {
		t.Errorf("survey opened at %v, want the moved time %v", got, later.Add(-policy.SurveyLead))
	}
	if got := rec.closes[0]; !got.Equal(later.Add(-policy.SurveyClose)) {
		t.Errorf("survey closed at %v, want %v", got, later.Add(-policy.SurveyClose))
	}
	if len(rec.resch) != 1 || rec.resch[0].Generation != 1 || !rec.resch[0].Window.SessionDueBy.Equal(later.Add(policy.SessionGrace)) {
		t.Errorf("reschedule activity input %+v", rec.resch)
	}
	if len(rec.alerts) != 0 {
		t.Errorf("the original date's grace must not raise an alert after the move")
	}
}

func TestDialogueRescheduleAfterMissedAlertArmsANewOne(t *testing.T) {
	env := newEnv(t)
	rec := mockActivities(env)
	at := t0.Add(20 * 24 * time.Hour)
	// Grace passes at day 21 → alert #1; rescheduled on day 22 to day 26
	// (grace day 27); nobody records → alert #2 for the new date; recorded day 30.
	newDate := t0.Add(26 * 24 * time.Hour)
	r := sendUpdate(env, 22*24*time.Hour, UpdateReschedule, RescheduleRequest{ScheduledAt: newDate})
	upd := sendUpdate(env, 30*24*time.Hour, UpdateRecordSession, RecordSessionRequest{Session: session(newDate)})
	env.ExecuteWorkflow(DialogueWorkflowName, dialogueInput(at))
	if err := env.GetWorkflowError(); err != nil {
		t.Fatalf("workflow error: %v", err)
	}
	if r.err != nil || r.rejected != nil || !upd.done || upd.err != nil {
		t.Fatalf("updates: %+v %+v", r, upd)
	}
	if len(rec.alerts) != 2 || rec.alerts[0].Generation != 0 || rec.alerts[1].Generation != 1 {
		t.Fatalf("alerts %+v, want one for each date", rec.alerts)
	}
	if !rec.alerts[1].DueBy.Equal(newDate.Add(policy.SessionGrace)) {
		t.Errorf("second alert due %v", rec.alerts[1].DueBy)
	}
}

func TestDialogueCancelInEveryWaitingPhase(t *testing.T) {
	at := t0.Add(20 * 24 * time.Hour)
	for _, tc := range []struct {
		name   string
		delay  time.Duration
		before []string
	}{
		{"scheduled", 24 * time.Hour, nil},
		{"survey open", 12 * 24 * time.Hour, []string{domain.PhaseSurveyOpen}},
		{"awaiting session", 19 * 24 * time.Hour, []string{domain.PhaseSurveyOpen, domain.PhaseAwaitingSession}},
		{"after missed alert", 23 * 24 * time.Hour, []string{domain.PhaseSurveyOpen, domain.PhaseAwaitingSession}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := newEnv(t)
			rec := mockActivities(env)
			c := sendUpdate(env, tc.delay, UpdateCancel, CancelRequest{Reason: "Thay đổi kế hoạch", Actor: domain.Actor{ID: "planner1"}})
			env.ExecuteWorkflow(DialogueWorkflowName, dialogueInput(at))
			if err := env.GetWorkflowError(); err != nil {
				t.Fatalf("workflow error: %v", err)
			}
			if c.err != nil || c.rejected != nil || c.state.Phase != domain.PhaseCancelled {
				t.Fatalf("cancel: %+v", c)
			}
			want := append(append([]string{}, tc.before...), domain.PhaseCancelled)
			if got := rec.phaseNames(); !equal(got, want) {
				t.Errorf("phases %v, want %v", got, want)
			}
			var res DialogueResult
			if err := env.GetWorkflowResult(&res); err != nil || res.Phase != domain.PhaseCancelled {
				t.Errorf("result %+v %v", res, err)
			}
		})
	}
}

func TestDialogueValidatorsRefuseBadCommands(t *testing.T) {
	at := t0.Add(20 * 24 * time.Hour)
	env := newEnv(t)
	rec := mockActivities(env)
	early := sendUpdate(env, time.Hour, UpdateRecordSession, RecordSessionRequest{Session: session(t0)})
	outside := sendUpdate(env, 2*time.Hour, UpdateReschedule, RescheduleRequest{ScheduledAt: time.Date(2027, 1, 5, 8, 0, 0, 0, domain.Location)})
	past := sendUpdate(env, 3*time.Hour, UpdateReschedule, RescheduleRequest{ScheduledAt: t0})
	noReason := sendUpdate(env, 4*time.Hour, UpdateCancel, CancelRequest{Reason: "  "})
	badSession := sendUpdate(env, 19*24*time.Hour, UpdateRecordSession, RecordSessionRequest{Session: domain.Session{HeldAt: at, Opinions: []domain.Opinion{{Field: "x", Content: "y", Source: "radio"}}}})
	ok := sendUpdate(env, 20*24*time.Hour+time.Hour, UpdateRecordSession, RecordSessionRequest{Session: session(at)})
	twice := sendUpdate(env, 20*24*time.Hour+2*time.Hour, UpdateRecordSession, RecordSessionRequest{Session: session(at)})
	// Keep the workflow open long enough for the last update: cancel is refused
	// after the session, so hold it with a reschedule attempt instead.
	env.ExecuteWorkflow(DialogueWorkflowName, dialogueInput(at))
	for name, u := range map[string]*updateResult{"early session": early, "outside year": outside, "past date": past, "no reason": noReason, "bad session": badSession} {
		var appErr *temporal.ApplicationError
		if u.rejected == nil || !errors.As(u.rejected, &appErr) {
			t.Errorf("%s: want a rejection, got %+v", name, u)
		}
	}
	if ok.err != nil || ok.rejected != nil {
		t.Errorf("valid session refused: %+v", ok)
	}
	_ = twice // the workflow may have completed before it arrived; either way nothing is saved twice
	if len(rec.saved) != 1 {
		t.Errorf("session saved %d times, want 1", len(rec.saved))
	}
	if len(rec.resch) != 0 {
		t.Errorf("refused reschedules must not reach the activity, got %d", len(rec.resch))
	}
}

// The session validator of the workflow is the lifecycle rule.
func TestValidateSession(t *testing.T) {
	now := t0
	cases := []struct {
		name string
		s    domain.Session
		ok   bool
	}{
		{"valid", session(now.Add(-time.Hour)), true},
		{"no date", domain.Session{}, false},
		{"future", session(now.Add(48 * time.Hour)), false},
		{"bad source", domain.Session{HeldAt: now, Opinions: []domain.Opinion{{Field: "a", Content: "b", Source: "tv"}}}, false},
		{"empty conclusion", domain.Session{HeldAt: now, Conclusions: []domain.Conclusion{{ID: "c", Content: ""}}}, false},
		{"repeated conclusion id", domain.Session{HeldAt: now, Conclusions: []domain.Conclusion{{ID: "c", Content: "a"}, {ID: "c", Content: "b"}}}, false},
	}
	for _, c := range cases {
		if err := lifecycle.Err(lifecycle.ValidateSession(c.s, now)); (err == nil) != c.ok {
			t.Errorf("%s: err = %v", c.name, err)
		}
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
