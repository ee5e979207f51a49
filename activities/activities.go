// Package activities holds every side effect of the workflows: database
// writes, notices and alerts. Each activity is idempotent — keyed by domain
// IDs or dedup keys — so Temporal's retries never change anything twice.
package activities

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.uber.org/zap"

	"github.com/doithoai/doithoai/internal/calendar"
	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/internal/lifecycle"
	"github.com/doithoai/doithoai/internal/logging"
	"github.com/doithoai/doithoai/internal/notify"
	"github.com/doithoai/doithoai/internal/receipt"
	"github.com/doithoai/doithoai/internal/store"
)

// Activities holds the dependencies of the activities. Register one value
// on the worker; workflow code refers to the methods through a nil pointer.
type Activities struct {
	Store  *store.Store
	Logger *zap.Logger
	// Calendar counts working days for deadlines, reminders and the
	// escalation ladder (nil: the default Vietnamese calendar).
	Calendar *calendar.Calendar
	// Webhook posts alerts and notices to units' webhooks (nil: channel off).
	Webhook *notify.Webhook
	// Mailer e-mails alerts and notices to units' contacts (nil: channel off).
	Mailer *notify.Mailer
	// Temporal starts the workflows of StartWorkflows.
	Temporal client.Client
	// SMS sends respondents' notices by text message (nil: channel off).
	SMS *notify.SMS
	// PublicURL is the site's address, for the lookup links in notices to
	// respondents (empty: the notice names the receipt code only).
	PublicURL string
	// ContactRetention is how long after a dialogue closes its
	// respondents' contacts are kept (0: 90 days).
	ContactRetention time.Duration
}

// idNamespace derives stable row IDs from dedup keys, so a retried insert
// carries the same primary key.
var idNamespace = uuid.MustParse("6f1c1c35-7d8e-4a43-9a57-0d2f6a1f5b11")

// StableID returns the UUID derived from a dedup key.
func StableID(key string) string {
	return uuid.NewSHA1(idNamespace, []byte(key)).String()
}

func (a *Activities) log(ctx context.Context) *zap.Logger {
	l := a.Logger
	if l == nil {
		l = zap.NewNop()
	}
	if activity.IsActivity(ctx) {
		info := activity.GetInfo(ctx)
		l = l.With(zap.String("activity", info.ActivityType.Name), zap.String("workflow_id", info.WorkflowExecution.ID), zap.Int32("attempt", info.Attempt))
	}
	return logging.WithTrace(ctx, l)
}

// SavePlan writes a plan and its dialogues (upsert by id).
func (a *Activities) SavePlan(ctx context.Context, in SavePlanInput) error {
	p := &store.Plan{
		ID: in.PlanID, UnitID: in.UnitID, Year: in.Year, ReferenceNo: in.ReferenceNo,
		IssuingBody: in.IssuingBody, Title: in.Title, Policy: in.Policy, Status: "active", CreatedBy: in.Actor.ID,
	}
	rows := make([]store.Dialogue, 0, len(in.Dialogues))
	for _, d := range in.Dialogues {
		rows = append(rows, store.NewDialogueRow(in.PlanID, in.UnitID, d, in.Policy))
	}
	ev := store.NewEvent("plan/"+in.PlanID+"/created", in.Actor.ID, in.Actor.Role, "plan.created", "plan", in.PlanID, in.UnitID, in.Actor.RequestID,
		map[string]any{"reference_no": in.ReferenceNo, "year": in.Year, "dialogues": len(in.Dialogues)})
	if err := a.Store.SavePlan(ctx, p, rows, ev); err != nil {
		return nonRetryableIfConflict(err)
	}
	a.log(ctx).Info("plan saved", zap.String("plan_id", in.PlanID), zap.Int("dialogues", len(rows)))
	return nil
}

// ClosePlan marks a plan closed.
func (a *Activities) ClosePlan(ctx context.Context, in ClosePlanInput) error {
	ev := store.NewEvent("plan/"+in.PlanID+"/closed", "system", "", "plan.closed", "plan", in.PlanID, in.UnitID, "", nil)
	return a.Store.ClosePlan(ctx, in.PlanID, in.At, ev)
}

// InsertDialogue adds an ad hoc dialogue row (upsert by id).
func (a *Activities) InsertDialogue(ctx context.Context, in InsertDialogueInput) error {
	row := store.NewDialogueRow(in.PlanID, in.UnitID, in.Spec, in.Policy)
	ev := store.NewEvent("dialogue/"+in.Spec.ID+"/created", in.Actor.ID, in.Actor.Role, "dialogue.added", "dialogue", in.Spec.ID, row.UnitID, in.Actor.RequestID,
		map[string]any{"plan_id": in.PlanID, "kind": in.Spec.Kind, "scheduled_at": in.Spec.ScheduledAt})
	return nonRetryableIfConflict(a.Store.InsertDialogue(ctx, &row, ev))
}

// MoveDialogueUnit puts a dialogue under the successor of its merged
// unit (idempotent: a dialogue already moved is left as it is).
func (a *Activities) MoveDialogueUnit(ctx context.Context, in MoveDialogueInput) error {
	ev := store.NewEvent(fmt.Sprintf("dialogue/%s/merged/%s", in.DialogueID, in.MergerID), in.Actor.ID, in.Actor.Role, "dialogue.unit_merged", "dialogue",
		in.DialogueID, in.To, in.Actor.RequestID, map[string]any{"from": in.From, "to": in.To, "merger_id": in.MergerID})
	return a.Store.MoveDialogueUnit(ctx, in.DialogueID, in.From, in.To, ev)
}

// SetDialoguePhase writes a dialogue's new phase.
func (a *Activities) SetDialoguePhase(ctx context.Context, in PhaseInput) error {
	data := map[string]any{"phase": in.Phase}
	if in.Reason != "" {
		data["reason"] = in.Reason
	}
	ev := store.NewEvent("dialogue/"+in.DialogueID+"/phase/"+in.Phase, in.Actor.ID, in.Actor.Role, "dialogue."+in.Phase, "dialogue", in.DialogueID, in.UnitID, in.Actor.RequestID, data)
	if err := a.Store.SetDialoguePhase(ctx, store.PhaseChange{DialogueID: in.DialogueID, Phase: in.Phase, At: in.At, Reason: in.Reason}, ev); err != nil {
		return err
	}
	a.log(ctx).Info("dialogue phase", zap.String("dialogue_id", in.DialogueID), zap.String("phase", in.Phase))
	return nil
}

// RescheduleDialogue writes a dialogue's new date and timetable.
func (a *Activities) RescheduleDialogue(ctx context.Context, in RescheduleInput) error {
	ev := store.NewEvent(fmt.Sprintf("dialogue/%s/rescheduled/%d", in.DialogueID, in.Generation), in.Actor.ID, in.Actor.Role, "dialogue.rescheduled", "dialogue", in.DialogueID, in.UnitID, in.Actor.RequestID,
		map[string]any{"scheduled_at": in.ScheduledAt, "reason": in.Reason, "place": in.Place})
	return a.Store.RescheduleDialogue(ctx, store.Reschedule{DialogueID: in.DialogueID, ScheduledAt: in.ScheduledAt, Window: in.Window, Generation: in.Generation, Place: in.Place}, ev)
}

// CloseSurvey stops accepting answers (the phase update waits for batches
// in flight), stores the summary by field and sends the hosts a notice —
// all in one transaction, so readers see them together.
func (a *Activities) CloseSurvey(ctx context.Context, in CloseSurveyInput) (CloseSurveyResult, error) {
	ev := store.NewEvent("dialogue/"+in.DialogueID+"/phase/"+domain.PhaseAwaitingSession, "system", "", "dialogue.survey_closed", "dialogue", in.DialogueID, in.UnitID, "", nil)
	build := func(sum *store.SurveySummary) []store.Notification {
		byField := make([]lifecycle.FieldCount, len(sum.ByField))
		for i, fc := range sum.ByField {
			byField[i] = lifecycle.FieldCount{Field: fc.Field, Count: fc.Count}
		}
		var ns []store.Notification
		for i, h := range in.Hosts {
			key := fmt.Sprintf("dialogue/%s/survey-summary/host/%d", in.DialogueID, i)
			dlg := in.DialogueID
			n := lifecycle.SurveySummaryNotice(in.Title, h.Name, in.SessionAt, sum.Total, byField)
			ns = append(ns, store.Notification{
				ID: StableID(key), DedupKey: key, UnitID: in.UnitID, DialogueID: &dlg, Recipient: h.Name, Channel: "inbox", Kind: n.Kind,
				SubjectVI: n.SubjectVI, SubjectEN: n.SubjectEN, BodyVI: n.BodyVI, BodyEN: n.BodyEN,
			})
		}
		return ns
	}
	var ids []string
	sum, created, err := a.Store.CloseSurvey(ctx, in.DialogueID, in.At, ev, func(sum *store.SurveySummary) []store.Notification {
		ns := build(sum)
		ids = ids[:0]
		for _, n := range ns {
			ids = append(ids, n.ID)
		}
		return ns
	})
	if err != nil {
		return CloseSurveyResult{}, err
	}
	res := CloseSurveyResult{Total: sum.Total, ByField: map[string]int{}, Notified: created, NoticeIDs: ids}
	for _, fc := range sum.ByField {
		res.ByField[fc.Field] = fc.Count
	}
	a.log(ctx).Info("survey closed", zap.String("dialogue_id", in.DialogueID), zap.Int("answers", sum.Total), zap.Int("hosts_notified", created))
	return res, nil
}

// SaveSession writes the session record, opinions and conclusions.
func (a *Activities) SaveSession(ctx context.Context, in SaveSessionInput) error {
	s := in.Session
	rec := store.SessionRecord{
		Session: store.SessionRow{DialogueID: in.DialogueID, HeldAt: s.HeldAt, Chair: s.Chair, Attendance: s.Attendance, Notes: s.Notes, RecordedBy: in.Actor.ID, RecordedAt: in.At},
	}
	for i, o := range s.Opinions {
		row := store.OpinionRow{
			ID: StableID(fmt.Sprintf("dialogue/%s/opinion/%d", in.DialogueID, i+1)), DialogueID: in.DialogueID, Seq: i + 1,
			Field: o.Field, Content: o.Content, Source: o.Source, AnsweredOnSpot: o.AnsweredOnSpot, Answer: o.Answer,
			SurveyResponseIDs: o.SurveyResponseIDs, Conclusions: o.Conclusions,
		}
		if o.Source == domain.SourceFloor {
			// Drawn on each attempt; only the attempt that stores the
			// session keeps its codes.
			code := receipt.New()
			row.Receipt = &code
		}
		rec.Opinions = append(rec.Opinions, row)
	}
	for _, c := range s.Conclusions {
		rec.Conclusions = append(rec.Conclusions, store.ConclusionRow{ID: c.ID, DialogueID: in.DialogueID, Seq: c.Seq, Content: c.Content})
	}
	rec.Tasks, rec.TaskEvents = TaskRows(in.Tasks, in.Actor)
	ev := store.NewEvent("dialogue/"+in.DialogueID+"/session", in.Actor.ID, in.Actor.Role, "dialogue.session_recorded", "dialogue", in.DialogueID, in.UnitID, in.Actor.RequestID,
		map[string]any{"opinions": len(s.Opinions), "conclusions": len(s.Conclusions), "attendance": s.Attendance.Total, "tasks": len(in.Tasks)})
	return nonRetryableIfConflict(a.Store.SaveSession(ctx, rec, ev))
}

// RaiseSessionMissed stores the alerts for a session not recorded in time:
// one for the unit's planner and one for its MTTQ, exactly once per
// schedule generation whatever the retries.
func (a *Activities) RaiseSessionMissed(ctx context.Context, in SessionMissedInput) (SessionMissedResult, error) {
	text := lifecycle.SessionMissedAlert(in.Title, in.ScheduledAt, in.DueBy)
	var res SessionMissedResult
	for _, role := range []string{domain.RolePlanner, domain.RoleMTTQ} {
		key := fmt.Sprintf("dialogue/%s/session-missed/%d/%s", in.DialogueID, in.Generation, role)
		plan, dlg := in.PlanID, in.DialogueID
		al := &store.Alert{
			ID: StableID(key), DedupKey: key, UnitID: in.UnitID, RecipientRole: role, RecipientKey: role, Kind: domain.AlertSessionMissed, Level: 1,
			PlanID: &plan, DialogueID: &dlg,
			TitleVI: text.TitleVI, TitleEN: text.TitleEN, BodyVI: text.BodyVI, BodyEN: text.BodyEN,
		}
		created, err := a.Store.RaiseAlert(ctx, al)
		if err != nil {
			return res, err
		}
		res.AlertIDs = append(res.AlertIDs, al.ID)
		if created {
			res.Raised++
			a.log(ctx).Warn("alert raised: session missed", zap.String("dialogue_id", in.DialogueID), zap.String("role", role))
		}
	}
	return res, nil
}

// nonRetryableIfConflict turns a data conflict (which no retry can fix)
// into a non-retryable application error.
func nonRetryableIfConflict(err error) error {
	if err == nil {
		return nil
	}
	if isConflict(err) {
		return temporal.NewNonRetryableApplicationError(err.Error(), "conflict", err)
	}
	return err
}

func isConflict(err error) bool {
	return errors.Is(err, store.ErrConflict)
}
