package gen

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/doithoai/doithoai/activities"
	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/internal/lifecycle"
	"github.com/doithoai/doithoai/internal/store"
)

// Behaviours of an assignee, in percent of tasks.
const (
	pctCancelled = 3  // the task is cancelled
	pctNever     = 14 // no result by AsOf: overdue once the deadline passes
	pctLate      = 20 // the result comes after the deadline
	pctExtension = 6  // an extension is asked for (75% approved)
	pctReturned  = 10 // the first result is sent back
)

// taskRun is one task's course, written as its workflow would write it:
// each change a new version of the row with its audit event.
type taskRun struct {
	r     *run
	st    lifecycle.TaskState
	steps []lifecycle.ScheduledStep
	// raised counts the ladder steps raised for the current deadline;
	// resume is when the ladder may go on after a pause.
	raised  int
	resume  time.Time
	settled time.Time
}

// taskCourse is everything drawn for one task's course, before AsOf cuts
// it short.
type taskCourse struct {
	behaviour         int
	cancelAt          time.Time
	cancelReason      string
	wantExt, approve  bool
	extReq, extDec    time.Time
	proposed          time.Time
	extReason         string
	submitAt          time.Time
	review1, review2  time.Duration
	returned          bool
	resubmit          time.Duration
	returnReason      string
	result            string
	links             []string
	reviewer, officer domain.Actor
}

// drawCourse draws a task's course (the order of the draws is part of the
// generator's output).
func (r *run) drawCourse(st lifecycle.TaskState) taskCourse {
	g := r.g
	rng := rngFor(g.o.Seed, "task/"+st.TaskID)
	assigned, due := st.AssignedAt, st.DueAt
	c := taskCourse{behaviour: rng.IntN(100)}
	c.cancelAt = g.office(assigned.Add(between(rng, 3*24*time.Hour, 40*24*time.Hour)))
	c.cancelReason = pick(rng, taskCancelReasons)
	c.wantExt = rng.IntN(100) < pctExtension && c.behaviour >= pctCancelled
	c.approve = rng.IntN(4) != 0
	c.extReq = g.office(assigned.Add(time.Duration(float64(due.Sub(assigned)) * (0.3 + 0.3*rng.Float64()))))
	c.extDec = g.office(c.extReq.Add(between(rng, 4*time.Hour, 48*time.Hour)))
	c.proposed = g.cal.AddWorkingDays(due, 10+rng.IntN(11))
	c.extReason = pick(rng, extensionReasons)
	if !c.extDec.Before(due.Add(-time.Hour)) {
		c.wantExt = false
	}
	effDue, from := due, assigned
	if c.wantExt {
		from = c.extDec
		if c.approve {
			effDue = c.proposed
		}
	}
	switch {
	case c.behaviour < pctCancelled+pctNever:
	case c.behaviour < pctCancelled+pctNever+pctLate:
		days := math.Min(1+rng.ExpFloat64()*10, 90)
		c.submitAt = g.office(effDue.Add(time.Duration(days * float64(24*time.Hour))))
	default:
		c.submitAt = g.office(from.Add(time.Duration(float64(effDue.Sub(from)) * (0.15 + 0.8*rng.Float64()))))
	}
	c.review1 = between(rng, 4*time.Hour, 6*24*time.Hour)
	c.returned = rng.IntN(100) < pctReturned
	c.resubmit = between(rng, 24*time.Hour, 10*24*time.Hour)
	c.review2 = between(rng, 4*time.Hour, 5*24*time.Hour)
	c.returnReason = pick(rng, returnReasons)
	c.result = pick(rng, resultTexts)
	c.links = []string{}
	if rng.IntN(2) == 0 {
		c.links = append(c.links, fmt.Sprintf("https://vanban.example.gov.vn/bao-cao/%s.pdf", st.TaskID[:8]))
	}
	c.reviewer = r.u.mttq()
	if rng.IntN(3) == 0 {
		c.reviewer = r.u.planner()
	}
	c.officer = domain.Actor{ID: st.Assignee.Agency, Role: domain.RoleOfficer}
	if st.Assignee.Officer != "" {
		c.officer.ID = st.Assignee.Officer
	}
	return c
}

// followTask writes the course of one task up to AsOf and returns when it
// settled (zero if it has not).
func (r *run) followTask(ctx context.Context, st lifecycle.TaskState, sched lifecycle.TaskSchedule) (time.Time, error) {
	t := &taskRun{r: r, st: st, steps: sched.Steps}
	asOf := r.g.asOf
	// Everything is drawn first, so that AsOf only cuts the story short.
	c := r.drawCourse(st)

	// The workflow starts and marks the task in progress.
	start := st.AssignedAt.Add(5 * time.Second)
	if !start.Before(asOf) {
		return time.Time{}, t.finish()
	}
	next := t.st
	next.Status = domain.TaskInProgress
	if err := t.save(ctx, next, start, "task.in_progress", system, nil); err != nil {
		return time.Time{}, err
	}
	switch {
	case c.behaviour < pctCancelled:
		if err := t.climb(ctx, c.cancelAt); err != nil {
			return time.Time{}, err
		}
		if c.cancelAt.Before(asOf) {
			next := t.st
			next.Status, next.CancelReason, next.CompletedAt = domain.TaskCancelled, c.cancelReason, &c.cancelAt
			if err := t.save(ctx, next, c.cancelAt, "task.cancelled", r.u.planner(), map[string]any{"reason": c.cancelReason}); err != nil {
				return time.Time{}, err
			}
			t.settled = c.cancelAt
		}
		return t.settled, t.finish()
	case c.wantExt:
		if err := t.extension(ctx, c.extReq, c.extDec, c.proposed, c.approve, c.extReason); err != nil {
			return time.Time{}, err
		}
	}
	if err := t.results(ctx, &c); err != nil {
		return time.Time{}, err
	}
	if err := t.climb(ctx, asOf); err != nil {
		return time.Time{}, err
	}
	return t.settled, t.finish()
}

// results writes the results: submitted, reviewed, perhaps returned once
// and submitted again.
func (t *taskRun) results(ctx context.Context, c *taskCourse) error {
	g, asOf := t.r.g, t.r.g.asOf
	submitAt := c.submitAt
	for round := 0; !submitAt.IsZero() && round < 2; round++ {
		if err := t.climb(ctx, submitAt); err != nil {
			return err
		}
		if !submitAt.Before(asOf) {
			break
		}
		at := submitAt
		next := t.st
		next.Status, next.SubmittedAt, next.Late = domain.TaskSubmitted, &at, at.After(t.st.DueAt)
		next.Result = &lifecycle.TaskResult{Text: c.result, Links: c.links, SubmittedBy: c.officer.ID, SubmittedAt: at}
		if err := t.save(ctx, next, at, "task.result_submitted", c.officer, map[string]any{"late": next.Late, "links": len(c.links)}); err != nil {
			return err
		}
		reviewAt := g.office(at.Add(c.review1))
		if round == 1 {
			reviewAt = g.office(at.Add(c.review2))
		}
		if err := t.climb(ctx, reviewAt); err != nil {
			return err
		}
		if !reviewAt.Before(asOf) {
			break
		}
		next = t.st
		res := *t.st.Result
		next.Result = &res
		if c.returned && round == 0 {
			next.Status = domain.TaskInProgress
			next.ReturnedCount++
			next.Result.ReturnReason = c.returnReason
			if err := t.save(ctx, next, reviewAt, "task.returned", c.reviewer, map[string]any{"reason": c.returnReason, "late": next.Late}); err != nil {
				return err
			}
			t.resume = reviewAt
			submitAt = g.office(reviewAt.Add(c.resubmit))
			continue
		}
		next.Status, next.CompletedAt = domain.TaskDone, &reviewAt
		if err := t.save(ctx, next, reviewAt, "task.accepted", c.reviewer, map[string]any{"reason": "", "late": next.Late}); err != nil {
			return err
		}
		t.settled = reviewAt
		break
	}
	return nil
}

// save writes the next version of the task with its audit event.
func (t *taskRun) save(ctx context.Context, next lifecycle.TaskState, at time.Time, action string, actor domain.Actor, data map[string]any) error {
	next.Version = t.st.Version + 1
	row := activities.TaskRow(next)
	ev := store.NewEvent(fmt.Sprintf("task/%s/v%d", next.TaskID, next.Version), actor.ID, actor.Role, action, "task", next.TaskID, next.UnitID, "", data)
	ev.At = at
	if err := t.r.g.st.SaveTaskState(ctx, &row, ev); err != nil {
		return err
	}
	t.st = next
	t.r.s.TaskUpdates++
	t.r.s.Events++
	return nil
}

// extension asks for a later deadline and has it approved (the ladder
// starts again from the new deadline) or denied.
func (t *taskRun) extension(ctx context.Context, reqAt, decAt, proposed time.Time, approve bool, reason string) error {
	asOf := t.r.g.asOf
	if !reqAt.Before(asOf) {
		return nil
	}
	t.r.s.TasksExtended++
	officer := domain.Actor{ID: t.st.Assignee.Agency, Role: domain.RoleOfficer}
	next := t.st
	next.Extension = &lifecycle.TaskExtension{Reason: reason, ProposedDueAt: proposed, RequestedBy: officer.ID, RequestedAt: reqAt, Status: "pending"}
	if err := t.save(ctx, next, reqAt, "task.extension_requested", officer, map[string]any{"proposed_due_at": proposed, "reason": reason}); err != nil {
		return err
	}
	if !decAt.Before(asOf) {
		return nil
	}
	planner := t.r.u.planner()
	next = t.st
	ext := *t.st.Extension
	ext.DecidedBy, ext.DecidedAt = planner.ID, &decAt
	action := "task.extension_denied"
	if approve {
		action = "task.extension_approved"
		ext.Status, ext.NewDueAt = "approved", &proposed
		next.DueAt, next.Overdue, next.EscalationLevel = proposed, false, 0
		next.Generation++
		sched := lifecycle.ComputeSchedule(t.r.g.cal, lifecycle.ScheduleInput{AssignedAt: decAt, DueAt: &proposed, Policy: t.r.g.pol})
		t.steps, t.raised = sched.Steps, 0
	} else {
		ext.Status = "denied"
	}
	next.Extension = &ext
	return t.save(ctx, next, decAt, action, planner, map[string]any{"new_due_at": ext.NewDueAt, "note": ""})
}

// climb raises the ladder steps that fall before until (and before AsOf)
// while the task is open and the ladder is not paused by a result handed
// in on time.
func (t *taskRun) climb(ctx context.Context, until time.Time) error {
	asOf := t.r.g.asOf
	for t.raised < len(t.steps) && !t.st.Settled() && !(t.st.Status == domain.TaskSubmitted && !t.st.Late) {
		step := t.steps[t.raised]
		at := step.At
		if at.Before(t.resume) {
			at = t.resume
		}
		if !at.Before(until) || !at.Before(asOf) {
			return nil
		}
		if err := t.escalate(ctx, step, at); err != nil {
			return err
		}
		t.raised++
	}
	return nil
}

// escalate raises one step's alerts, as the RaiseTaskAlerts activity does
// (one per recipient, exactly once per task, deadline generation, level
// and recipient), and marks the task overdue at that level.
func (t *taskRun) escalate(ctx context.Context, step lifecycle.ScheduledStep, at time.Time) error {
	r, st := t.r, t.st
	u := r.u
	text := lifecycle.OverdueAlert(st, step.Level, at)
	parent := u
	if u.Parent != nil {
		parent = u.Parent
	}
	for _, rcp := range step.Recipients {
		kind, ok := lifecycle.Recipient(rcp)
		if !ok {
			continue
		}
		unit := u
		if kind.NeedsParent() {
			unit = parent
		}
		key := fmt.Sprintf("task/%s/g%d/level/%d/%s", st.TaskID, st.Generation, step.Level, rcp)
		plan, dlg, task := st.PlanID, st.DialogueID, st.TaskID
		al := &store.Alert{
			ID: activities.StableID(key), DedupKey: key, UnitID: kind.UnitOf(st, parent.ID), RecipientRole: kind.Role, Recipient: kind.PersonOf(st),
			Kind: domain.AlertTaskOverdue, Level: step.Level, PlanID: &plan, DialogueID: &dlg, TaskID: &task, CreatedAt: at,
			TitleVI: text.TitleVI, TitleEN: text.TitleEN, BodyVI: text.BodyVI, BodyEN: text.BodyEN,
		}
		if err := r.raise(ctx, al, acknowledger(kind.Role, unit, st), 75-10*step.Level); err != nil {
			return err
		}
		r.s.EscalationAlerts++
		if step.Level < len(r.s.AlertsByLevel) {
			r.s.AlertsByLevel[step.Level]++
		}
	}
	next := t.st
	next.Overdue, next.EscalationLevel = true, step.Level
	return t.save(ctx, next, at, "task.escalated", system, map[string]any{"level": step.Level, "recipients": step.Recipients})
}

// acknowledger is who acknowledges an alert to role in unit u.
func acknowledger(role string, u *unitM, st lifecycle.TaskState) domain.Actor {
	switch role {
	case domain.RoleOfficer:
		by := domain.Actor{ID: st.Assignee.Agency, Role: domain.RoleOfficer}
		if st.Assignee.Officer != "" {
			by.ID = st.Assignee.Officer
		}
		return by
	case domain.RoleMonitor:
		return domain.Actor{ID: st.Monitor, Role: domain.RoleMonitor}
	case domain.RoleMTTQ:
		return u.mttq()
	case domain.RolePartyCommittee:
		return domain.Actor{ID: "Văn phòng " + u.Committee, Role: domain.RolePartyCommittee}
	}
	return domain.Actor{}
}

// finish counts the task by its state at AsOf.
func (t *taskRun) finish() error {
	s, st := &t.r.s, t.st
	switch {
	case st.Status == domain.TaskDone && st.Late:
		s.TasksDoneLate++
	case st.Status == domain.TaskDone:
		s.TasksDoneOnTime++
	case st.Status == domain.TaskCancelled:
		s.TasksCancelled++
	case st.DueAt.Before(t.r.g.asOf):
		s.TasksOverdue++
	default:
		s.TasksOpen++
	}
	if st.ReturnedCount > 0 {
		s.TasksReturned++
	}
	return nil
}
