package gen

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/doithoai/doithoai/activities"
	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/internal/lifecycle"
	"github.com/doithoai/doithoai/internal/store"
)

// rank orders the phases a dialogue goes through; cancelled is terminal.
var rank = map[string]int{
	domain.PhaseScheduled: 0, domain.PhaseSurveyOpen: 1, domain.PhaseAwaitingSession: 2,
	domain.PhaseSessionRecorded: 3, domain.PhaseClosed: 4, domain.PhaseCancelled: 5,
}

// rngFor is the generator of one entity: it depends on the seed and the
// entity's key only, so what is drawn for it does not depend on the order
// of the writes or on AsOf.
func rngFor(seed int64, key string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(key))
	return rand.New(rand.NewPCG(uint64(seed), h.Sum64()))
}

func between(r *rand.Rand, lo, hi time.Duration) time.Duration {
	if hi <= lo {
		return lo
	}
	return lo + time.Duration(r.Int64N(int64(hi-lo)))
}

func event(key string, actor domain.Actor, action, entityType, entityID, unitID string, at time.Time, data any) store.Event {
	ev := store.NewEvent(key, actor.ID, actor.Role, action, entityType, entityID, unitID, "", data)
	ev.At = at
	return ev
}

var system = domain.Actor{ID: "system"}

func (u *unitM) planner() domain.Actor { return domain.Actor{ID: u.Planner, Role: domain.RolePlanner} }
func (u *unitM) mttq() domain.Actor    { return domain.Actor{ID: u.MTTQ, Role: domain.RoleMTTQ} }

// writePlan saves plan i with its planned dialogues (the plan workflow's
// first activity).
func (g *generator) writePlan(ctx context.Context, i int) error {
	p := g.model.plans[i]
	if !p.At.Before(g.asOf) {
		return nil
	}
	u := p.Unit
	row := &store.Plan{
		ID: p.ID, UnitID: u.ID, Year: g.o.Year, ReferenceNo: p.Ref, IssuingBody: u.Committee,
		Title:  fmt.Sprintf("Kế hoạch tiếp xúc, đối thoại trực tiếp giữa người đứng đầu cấp ủy, chính quyền với Nhân dân năm %d", g.o.Year),
		Policy: g.pol, Status: "active", CreatedBy: u.Planner, CreatedAt: p.At, UpdatedAt: p.At,
	}
	var rows []store.Dialogue
	for _, d := range p.Dialogues {
		if d.AdHoc {
			continue
		}
		dr := store.NewDialogueRow(p.ID, u.ID, d.Spec, g.pol)
		dr.CreatedAt, dr.UpdatedAt = p.At, p.At
		rows = append(rows, dr)
	}
	ev := event("plan/"+p.ID+"/created", u.planner(), "plan.created", "plan", p.ID, u.ID, p.At,
		map[string]any{"reference_no": p.Ref, "year": g.o.Year, "dialogues": len(rows)})
	switch _, err := g.st.GetPlan(ctx, p.ID); {
	case err == nil:
		p.Existed = true
	case !errors.Is(err, store.ErrNotFound):
		return fmt.Errorf("generate plan of %s: %w", u.Name, err)
	}
	if err := g.st.SavePlan(ctx, row, rows, ev); err != nil {
		return fmt.Errorf("generate plan of %s: %w", u.Name, err)
	}
	g.addSum(Summary{Plans: 1, Dialogues: len(rows), Planned: len(rows), Events: 1})
	return nil
}

// closePlan closes plan i at the end of its year if every dialogue of it
// has closed or been cancelled by then (as the plan workflow does).
func (g *generator) closePlan(ctx context.Context, i int) error {
	p := g.model.plans[i]
	yearEnd := local(g.o.Year+1, 1, 1, 0, 0)
	if !p.At.Before(g.asOf) || yearEnd.After(g.asOf) {
		return nil
	}
	for _, d := range p.Dialogues {
		if d.Final != domain.PhaseClosed && d.Final != domain.PhaseCancelled {
			return nil
		}
	}
	ev := event("plan/"+p.ID+"/closed", system, "plan.closed", "plan", p.ID, p.Unit.ID, yearEnd, nil)
	if err := g.st.ClosePlan(ctx, p.ID, yearEnd, ev); err != nil {
		return fmt.Errorf("generate: close plan of %s: %w", p.Unit.Name, err)
	}
	g.addSum(Summary{PlansClosed: 1, Events: 1})
	return nil
}

// run writes one dialogue's year.
type run struct {
	g *generator
	d *dialogueM
	u *unitM
	r *rand.Rand
	s Summary
	// cur is the rank of the stored phase (-1: no row yet); writes that
	// would move the phase back are skipped, so a re-run changes nothing.
	cur   int
	sched time.Time
	win   domain.Window
	gen   int
}

func (g *generator) writeDialogue(ctx context.Context, i int) error {
	d := g.model.dialogues[i]
	r := &run{g: g, d: d, u: d.Plan.Unit, r: rngFor(g.o.Seed, "dialogue/"+d.Spec.ID), cur: -1, sched: d.Spec.ScheduledAt}
	r.win = domain.WindowFor(r.sched, g.pol)
	if err := r.write(ctx); err != nil {
		return fmt.Errorf("generate dialogue %s of %s: %w", d.Spec.ID, r.u.Name, err)
	}
	g.addSum(r.s)
	return nil
}

// dialoguePlan is everything drawn for a dialogue, drawn before anything is
// written so that the draws never depend on AsOf or on the database.
type dialoguePlan struct {
	reschedules []struct {
		at, to time.Time
		reason string
	}
	cancelAt     time.Time
	cancelReason string
	recordedAt   time.Time // zero: never recorded
	answers      []store.SurveyResponse
	session      *store.SessionRecord
	tasks        []lifecycle.TaskState
	schedules    []lifecycle.TaskSchedule
}

var rescheduleReasons = []string{
	"Trùng lịch công tác của người chủ trì",
	"Lồng ghép với kỳ họp Hội đồng nhân dân",
	"Thời tiết không thuận lợi",
	"Chờ tổng hợp đầy đủ ý kiến của Nhân dân",
}

func (r *run) draw() dialoguePlan {
	g, d, rng := r.g, r.d, r.r
	var p dialoguePlan
	y := g.o.Year
	// Reschedules happen a few days before the survey would open.
	n := 0
	if x := rng.IntN(100); x < 10 && d.Fate != fateCancelled {
		n = 1
		if x < 2 {
			n = 2
		}
	}
	sched, win, after := r.sched, r.win, d.CreatedAt
	for k := 0; k < n; k++ {
		at := g.office(win.SurveyOpensAt.Add(-between(rng, 24*time.Hour, 7*24*time.Hour)))
		to := dayBetween(rng, g.cal, sched.AddDate(0, 0, 7), sched.AddDate(0, 0, 28), sched.Sub(startOfDay(sched)))
		reason := pick(rng, rescheduleReasons)
		if !at.After(after) || !at.Before(win.SurveyOpensAt) || to.After(local(y, 12, 20, 0, 0)) {
			break
		}
		p.reschedules = append(p.reschedules, struct {
			at, to time.Time
			reason string
		}{at, to, reason})
		sched, win, after = to, domain.WindowFor(to, g.pol), at
	}
	// The fate: cancelled before or after the survey opens, held (recorded
	// on the day or some days late), or never recorded.
	switch d.Fate {
	case fateCancelled:
		if rng.IntN(2) == 0 {
			p.cancelAt = g.office(d.CreatedAt.Add(between(rng, 24*time.Hour, win.SurveyOpensAt.Sub(d.CreatedAt)-time.Hour)))
		} else {
			p.cancelAt = g.office(win.SurveyOpensAt.Add(between(rng, time.Hour, sched.Sub(win.SurveyOpensAt)-time.Hour)))
		}
		p.cancelReason = pick(rng, cancelReasons)
	case fateHeld:
		if rng.IntN(10) == 0 {
			p.recordedAt = g.office(sched.Add(between(rng, 3*24*time.Hour, 12*24*time.Hour)))
		} else {
			p.recordedAt = g.office(sched.Add(between(rng, 2*time.Hour, 26*time.Hour)))
		}
	}
	// Survey answers, spread over the window.
	lvl := r.u.Level
	weights := append([]float64(nil), fieldWeights...)
	weights[d.HotField] *= 4
	if second := rng.IntN(len(fields)); second != d.HotField {
		weights[second] *= 2
	}
	if d.Fate != fateCancelled || !p.cancelAt.Before(win.SurveyOpensAt) {
		n := amount(rng, g.model.answersBase*answersWeight[lvl])
		p.answers = make([]store.SurveyResponse, n)
		for k := range p.answers {
			f := weightedIndex(rng, weights)
			a := store.SurveyResponse{
				ID:              activities.StableID(fmt.Sprintf("gen/%d/survey/%s/%d", g.o.Seed, d.Spec.ID, k+1)),
				DialogueID:      d.Spec.ID,
				Field:           fields[f],
				Content:         issueText(rng, f),
				RespondentGroup: pick(rng, d.Spec.InvitedGroups),
				SubmittedAt:     win.SurveyOpensAt.Add(between(rng, 0, win.SurveyClosesAt.Sub(win.SurveyOpensAt))).Truncate(time.Second),
			}
			if rng.IntN(10) < 7 {
				a.RespondentName = personName(rng)
			}
			p.answers[k] = a
		}
	}
	if d.Fate == fateHeld {
		r.drawSession(&p, sched, weights)
	}
	return p
}

// office moves t to office hours (07:30–17:30 on a working day), to the
// next minute: people record sessions, review results and acknowledge
// alerts at work. It never moves t back.
func (g *generator) office(t time.Time) time.Time {
	l := t.In(domain.Location)
	if m := l.Truncate(time.Minute); m.Before(l) {
		l = m.Add(time.Minute)
	}
	day := startOfDay(l)
	clock := l.Sub(day)
	const open, close = 7*time.Hour + 30*time.Minute, 17*time.Hour + 30*time.Minute
	if g.cal.IsWorkingDay(day) && clock >= open && clock < close {
		return l
	}
	if clock >= open {
		day = day.AddDate(0, 0, 1)
	}
	for !g.cal.IsWorkingDay(day) {
		day = day.AddDate(0, 0, 1)
	}
	// Spread the morning arrivals over two hours, by the original minute.
	return day.Add(open + time.Duration((l.Hour()*60+l.Minute())%120)*time.Minute)
}

func startOfDay(t time.Time) time.Time {
	t = t.In(domain.Location)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, domain.Location)
}

// amount draws a count around mean (between half and one and a half times).
func amount(r *rand.Rand, mean float64) int {
	return int(math.Round(mean * (0.5 + r.Float64())))
}

func issueText(r *rand.Rand, field int) string {
	s := pick(r, issues[field])
	if r.IntN(100) < 35 {
		s += " (" + fmt.Sprintf(pick(r, localities), 1+r.IntN(12)) + ")"
	}
	return s
}

// drawSession draws the session record and the tasks its conclusions
// become, as the dialogue workflow would build them when the session is
// recorded.
func (r *run) drawSession(p *dialoguePlan, heldAt time.Time, weights []float64) {
	g, d, u, rng := r.g, r.d, r.u, r.r
	lvl := u.Level
	id := d.Spec.ID
	att := domain.Attendance{Groups: map[string]int{}}
	switch lvl {
	case domain.LevelCommune:
		att.Total = 80 + rng.IntN(170)
	case domain.LevelDistrict:
		att.Total = 150 + rng.IntN(300)
	default:
		att.Total = 250 + rng.IntN(450)
	}
	left := att.Total
	for k, grp := range d.Spec.InvitedGroups {
		n := left
		if k < len(d.Spec.InvitedGroups)-1 {
			n = left * (20 + rng.IntN(40)) / 100
		}
		att.Groups[grp] = n
		left -= n
	}
	rec := &store.SessionRecord{Session: store.SessionRow{
		DialogueID: id, HeldAt: heldAt, Chair: d.Spec.Hosts[0].Name, Attendance: att,
		Notes:      fmt.Sprintf("%d đại biểu dự; %s chủ trì.", att.Total, d.Spec.Hosts[0].Title),
		RecordedBy: u.Planner, RecordedAt: p.recordedAt,
	}}
	nOp := max(1, amount(rng, g.model.opinionsBase*opinionsWeight[lvl]))
	count := make([]int, len(fields))
	for k := 0; k < nOp; k++ {
		f := weightedIndex(rng, weights)
		count[f]++
		o := store.OpinionRow{
			ID: activities.StableID(fmt.Sprintf("dialogue/%s/opinion/%d", id, k+1)), DialogueID: id, Seq: k + 1,
			Field: fields[f], Content: issueText(rng, f), Source: domain.SourceFloor,
		}
		if len(p.answers) > 0 && rng.IntN(100) < 45 {
			o.Source = domain.SourceSurvey
		}
		if rng.IntN(100) < 55 {
			o.AnsweredOnSpot, o.Answer = true, pick(rng, answers)
		}
		rec.Opinions = append(rec.Opinions, o)
	}
	// Conclusions take the most discussed fields first.
	order := make([]int, len(fields))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return count[order[a]] > count[order[b]] })
	nTasks := amount(rng, g.model.tasksBase*tasksWeight[lvl])
	nConc := 1 + nTasks/2
	concField := make([]int, nConc)
	for k := 0; k < nConc; k++ {
		concField[k] = order[k%len(order)]
		rec.Conclusions = append(rec.Conclusions, store.ConclusionRow{
			ID:         activities.StableID(fmt.Sprintf("gen/%d/conclusion/%s/%d", g.o.Seed, id, k+1)),
			DialogueID: id, Seq: k + 1, Content: conclusionTexts[concField[k]],
		})
	}
	durations := []int{10, 15, 15, 20, 30, 30, 45, 60}
	for k := 0; k < nTasks; k++ {
		c := k % nConc
		f := concField[c]
		au := u
		if len(u.Children) > 0 && rng.IntN(10) < 3 {
			au = pick(rng, u.Children)
		}
		agency := fmt.Sprintf(agencies[au.Level][f], lowerFirst(au.Kind)+" "+au.Short)
		officer := ""
		if rng.IntN(2) == 0 {
			officer = personName(rng)
		}
		monitorTitle := "Ủy viên Ban Thường vụ " + u.Committee
		if lvl == domain.LevelCommune {
			monitorTitle = "Phó Bí thư Thường trực " + u.Committee
		}
		days := pick(rng, durations)
		sched := lifecycle.ComputeSchedule(g.cal, lifecycle.ScheduleInput{AssignedAt: p.recordedAt, DueInWorkingDays: days, Policy: g.pol})
		st := lifecycle.TaskState{
			TaskID:     activities.StableID(fmt.Sprintf("gen/%d/task/%s/%d", g.o.Seed, id, k+1)),
			DialogueID: id, ConclusionID: rec.Conclusions[c].ID, PlanID: d.Plan.ID, UnitID: u.ID,
			Title: pick(rng, taskTitles[f]),
			Description: fmt.Sprintf("Thực hiện kết luận của đồng chí %s tại hội nghị ngày %s: %s.",
				d.Spec.Hosts[0].Title, heldAt.In(domain.Location).Format("02/01/2006"), rec.Conclusions[c].Content),
			Assignee: domain.Assignee{Agency: agency, Officer: officer, UnitID: au.ID},
			Monitor:  fmt.Sprintf("Đ/c %s, %s", pick(rng, u.Monitors), monitorTitle),
			Status:   domain.TaskAssigned, AssignedAt: p.recordedAt, DueAt: sched.DueAt, OriginalDueAt: sched.DueAt,
			DeadlineSpec: map[string]any{"due_in_working_days": days}, Version: 1,
		}
		p.tasks = append(p.tasks, st)
		p.schedules = append(p.schedules, sched)
	}
	p.session = rec
}

// write draws the dialogue and writes what happened to it before AsOf.
func (r *run) write(ctx context.Context) error {
	g, d, u := r.g, r.d, r.u
	asOf := g.asOf
	if !d.Plan.At.Before(asOf) || !d.CreatedAt.Before(asOf) {
		return nil // the plan or the ad hoc dialogue does not exist yet
	}
	p := r.draw()
	id := d.Spec.ID
	stored, err := g.st.GetDialogue(ctx, id)
	switch {
	case err == nil:
		r.cur = rank[stored.Phase]
		if d.AdHoc || d.Plan.Existed {
			r.s.Existing++
		}
	case errors.Is(err, store.ErrNotFound):
		if !d.AdHoc {
			return fmt.Errorf("plan %s is stored without this dialogue: generate into a fresh database or with another seed", d.Plan.ID)
		}
	default:
		return err
	}
	if d.AdHoc {
		row := store.NewDialogueRow(d.Plan.ID, u.ID, d.Spec, g.pol)
		row.CreatedAt, row.UpdatedAt = d.CreatedAt, d.CreatedAt
		ev := event("dialogue/"+id+"/created", u.planner(), "dialogue.added", "dialogue", id, u.ID, d.CreatedAt,
			map[string]any{"plan_id": d.Plan.ID, "kind": d.Spec.Kind, "scheduled_at": d.Spec.ScheduledAt})
		if r.cur < 0 {
			if err := g.st.InsertDialogue(ctx, &row, ev); err != nil {
				return err
			}
			r.cur = rank[domain.PhaseScheduled]
		}
		r.s.Dialogues++
		r.s.AdHoc++
		r.s.Events++
	}
	d.Final = domain.PhaseScheduled
	defer func() {
		switch d.Final {
		case domain.PhaseCancelled:
			r.s.Cancelled++
		case domain.PhaseSessionRecorded, domain.PhaseClosed:
			r.s.Held++
		default:
			r.s.Pending++
		}
	}()

	for k, rs := range p.reschedules {
		if !rs.at.Before(asOf) {
			break
		}
		r.gen = k + 1
		r.sched, r.win = rs.to, domain.WindowFor(rs.to, g.pol)
		ev := event(fmt.Sprintf("dialogue/%s/rescheduled/%d", id, r.gen), u.planner(), "dialogue.rescheduled", "dialogue", id, u.ID, rs.at,
			map[string]any{"scheduled_at": rs.to, "reason": rs.reason, "place": ""})
		if r.cur <= rank[domain.PhaseScheduled] {
			if err := g.st.RescheduleDialogue(ctx, store.Reschedule{DialogueID: id, ScheduledAt: rs.to, Window: r.win, Generation: r.gen}, ev); err != nil {
				return err
			}
		}
		if k == 0 {
			r.s.Rescheduled++
		}
		r.s.Events++
	}
	cancelled := d.Fate == fateCancelled
	cancelNow := func() error {
		if !p.cancelAt.Before(asOf) {
			return nil
		}
		return r.setPhase(ctx, domain.PhaseCancelled, "dialogue.cancelled", p.cancelAt, u.planner(), p.cancelReason)
	}

	// Survey: opens, takes answers, closes with its summary.
	if cancelled && p.cancelAt.Before(r.win.SurveyOpensAt) {
		return cancelNow()
	}
	if !r.win.SurveyOpensAt.Before(asOf) {
		return nil
	}
	if err := r.setPhase(ctx, domain.PhaseSurveyOpen, "dialogue.survey_open", r.win.SurveyOpensAt, system, ""); err != nil {
		return err
	}
	r.s.SurveysOpened++
	cut := asOf
	if cancelled && p.cancelAt.Before(cut) {
		cut = p.cancelAt
	}
	var batch []store.SurveyResponse
	for _, a := range p.answers {
		if a.SubmittedAt.Before(cut) {
			batch = append(batch, a)
		}
	}
	if r.cur == rank[domain.PhaseSurveyOpen] && len(batch) > 0 {
		if _, err := g.st.InsertSurveyResponses(ctx, id, batch); err != nil {
			return err
		}
	}
	r.s.SurveyAnswers += len(batch)
	if cancelled && p.cancelAt.Before(r.win.SurveyClosesAt) {
		return cancelNow()
	}
	if !r.win.SurveyClosesAt.Before(asOf) {
		return nil
	}
	if err := r.setPhase(ctx, domain.PhaseAwaitingSession, "dialogue.survey_closed", r.win.SurveyClosesAt, system, ""); err != nil {
		return err
	}
	// The summary is an upsert of the same figures: writing it again also
	// completes a run interrupted right after the phase change.
	sum, err := g.st.ComputeSurveySummary(ctx, id, r.win.SurveyClosesAt)
	if err != nil {
		return err
	}
	if err := g.st.SaveSurveySummary(ctx, sum); err != nil {
		return err
	}
	r.s.SurveySummaries++
	if cancelled {
		return cancelNow()
	}

	// Session: recorded on time, late (after the missed-session alert), or
	// never.
	due := r.win.SessionDueBy
	if due.Before(asOf) && (p.recordedAt.IsZero() || p.recordedAt.After(due)) {
		if err := r.sessionMissed(ctx); err != nil {
			return err
		}
	}
	if p.session == nil || !p.recordedAt.Before(asOf) {
		return nil
	}
	if err := r.saveSession(ctx, p); err != nil {
		return err
	}

	// Follow-up: every task runs its course; the dialogue closes when they
	// have all settled, or at the supervision date.
	settledAll := p.recordedAt
	for k := range p.tasks {
		settled, err := r.followTask(ctx, p.tasks[k], p.schedules[k])
		if err != nil {
			return err
		}
		if settled.IsZero() {
			settledAll = time.Time{}
		} else if !settledAll.IsZero() && settled.After(settledAll) {
			settledAll = settled
		}
	}
	closeAt := r.sched.Add(g.pol.SupervisionWithin)
	if !settledAll.IsZero() && settledAll.Before(closeAt) {
		closeAt = settledAll
	}
	if closeAt.Before(p.recordedAt) {
		closeAt = p.recordedAt
	}
	if closeAt.Before(asOf) {
		if err := r.setPhase(ctx, domain.PhaseClosed, "dialogue.closed", closeAt, system, ""); err != nil {
			return err
		}
		r.s.Closed++
	}
	return nil
}

// setPhase writes a phase change (with its audit event, as the
// SetDialoguePhase and CloseSurvey activities do) unless the stored phase
// is already there or beyond.
func (r *run) setPhase(ctx context.Context, phase, action string, at time.Time, actor domain.Actor, reason string) error {
	r.d.Final = phase
	r.s.Events++
	want := rank[phase]
	if r.cur >= want || r.cur == rank[domain.PhaseCancelled] {
		return nil
	}
	data := map[string]any{"phase": phase}
	if reason != "" {
		data["reason"] = reason
	}
	if action == "dialogue.survey_closed" {
		data = nil
	}
	id := r.d.Spec.ID
	ev := event("dialogue/"+id+"/phase/"+phase, actor, action, "dialogue", id, r.u.ID, at, data)
	if err := r.g.st.SetDialoguePhase(ctx, store.PhaseChange{DialogueID: id, Phase: phase, At: at, Reason: reason}, ev); err != nil {
		return err
	}
	r.cur = want
	return nil
}

// sessionMissed raises the missed-session alerts of the current date (one
// for the planner, one for MTTQ), as the RaiseSessionMissed activity does,
// and has some of them acknowledged.
func (r *run) sessionMissed(ctx context.Context) error {
	d, u := r.d, r.u
	when, due := r.sched.In(domain.Location), r.win.SessionDueBy.In(domain.Location)
	for _, role := range []string{domain.RolePlanner, domain.RoleMTTQ} {
		key := fmt.Sprintf("dialogue/%s/session-missed/%d/%s", d.Spec.ID, r.gen, role)
		plan, dlg := d.Plan.ID, d.Spec.ID
		al := &store.Alert{
			ID: activities.StableID(key), DedupKey: key, UnitID: u.ID, RecipientRole: role, Kind: domain.AlertSessionMissed, Level: 1,
			PlanID: &plan, DialogueID: &dlg, CreatedAt: r.win.SessionDueBy,
			TitleVI: fmt.Sprintf("Chưa ghi nhận kết quả hội nghị: %s", d.Spec.Title),
			TitleEN: fmt.Sprintf("Session not recorded: %s", d.Spec.Title),
			BodyVI: fmt.Sprintf("Hội nghị tiếp xúc, đối thoại dự kiến lúc %s nhưng đến %s vẫn chưa được ghi nhận kết quả. Đề nghị cập nhật kết quả hội nghị hoặc điều chỉnh lịch.",
				when.Format("15:04 02/01/2006"), due.Format("15:04 02/01/2006")),
			BodyEN: fmt.Sprintf("The dialogue scheduled for %s had no session recorded by %s. Please record the session or reschedule it.",
				when.Format("2006-01-02 15:04"), due.Format("2006-01-02 15:04")),
		}
		by := u.planner()
		if role == domain.RoleMTTQ {
			by = u.mttq()
		}
		if err := r.raise(ctx, al, by, 60); err != nil {
			return err
		}
		r.s.SessionMissedAlerts++
	}
	return nil
}

// raise stores an alert and, with probability ackPercent, has by
// acknowledge it between an hour and three days later (before AsOf).
func (r *run) raise(ctx context.Context, al *store.Alert, by domain.Actor, ackPercent int) error {
	if _, err := r.g.st.RaiseAlert(ctx, al); err != nil {
		return err
	}
	r.s.Alerts++
	rng := rngFor(r.g.o.Seed, "alert/"+al.DedupKey)
	if rng.IntN(100) >= ackPercent {
		return nil
	}
	at := r.g.office(al.CreatedAt.Add(between(rng, time.Hour, 72*time.Hour)))
	if !at.Before(r.g.asOf) {
		return nil
	}
	ev := event("", by, "alert.acknowledged", "alert", al.ID, al.UnitID, at, map[string]any{"kind": al.Kind})
	if _, err := r.g.st.AckAlert(ctx, al.ID, by.ID, at, ev); err != nil {
		return err
	}
	r.s.AlertsAcknowledged++
	r.s.Events++
	return nil
}

// saveSession records the session with its opinions, conclusions and
// first task rows in one transaction, as the SaveSession activity does.
func (r *run) saveSession(ctx context.Context, p dialoguePlan) error {
	u, id := r.u, r.d.Spec.ID
	rec := *p.session
	rec.Tasks, rec.TaskEvents = activities.TaskRows(p.tasks, u.planner())
	for i := range rec.Tasks {
		rec.Tasks[i].CreatedAt, rec.Tasks[i].UpdatedAt = p.recordedAt, p.recordedAt
	}
	for i := range rec.TaskEvents {
		rec.TaskEvents[i].At = p.recordedAt
	}
	ev := event("dialogue/"+id+"/session", u.planner(), "dialogue.session_recorded", "dialogue", id, u.ID, p.recordedAt,
		map[string]any{"opinions": len(rec.Opinions), "conclusions": len(rec.Conclusions), "attendance": rec.Session.Attendance.Total, "tasks": len(rec.Tasks)})
	r.d.Final = domain.PhaseSessionRecorded
	if r.cur < rank[domain.PhaseSessionRecorded] {
		if err := r.g.st.SaveSession(ctx, rec, ev); err != nil {
			return err
		}
		r.cur = rank[domain.PhaseSessionRecorded]
	}
	r.s.Sessions++
	r.s.Opinions += len(rec.Opinions)
	r.s.Conclusions += len(rec.Conclusions)
	r.s.Tasks += len(rec.Tasks)
	r.s.Events += 1 + len(rec.TaskEvents)
	return nil
}
