package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.uber.org/zap"

	"github.com/doithoai/doithoai/internal/contract"
	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/internal/isoduration"
	"github.com/doithoai/doithoai/internal/lifecycle"
	"github.com/doithoai/doithoai/internal/store"
	"github.com/doithoai/doithoai/workflows"
)

// planNamespace derives plan ids from (unit, year, reference number), so
// one reference number can never start two plan workflows.
var planNamespace = uuid.MustParse("0b6a3c1e-4a0e-4b8e-9c35-5b1f0e9d2a77")

const maxDialoguesPerPlan = 1000

func (s *Server) createPlan(c *gin.Context) {
	var req contract.CreatePlanRequest
	if err := decodeJSON(c, &req); err != nil {
		abort(c, err)
		return
	}
	ctx := c.Request.Context()
	var errs []contract.FieldError
	unitID := ""
	if req.UnitID == "" {
		errs = append(errs, fieldError("unit_id", "required"))
	} else if id, err := uuid.Parse(req.UnitID); err != nil {
		errs = append(errs, fieldError("unit_id", "invalid_id"))
	} else if ok, err := s.canOnUnit(c, kindPlans, id.String()); err != nil {
		abort(c, err)
		return
	} else if !ok {
		errs = append(errs, unknownUnitField("unit_id"))
	} else if merged, err := s.Store.MergedAmong(ctx, []string{id.String()}); err != nil {
		abort(c, err)
		return
	} else if succ := merged[id.String()]; succ != "" {
		errs = append(errs, mergedUnitField("unit_id", succ))
	} else {
		unitID = id.String()
	}
	if req.Year < 2000 || req.Year > 2100 {
		errs = append(errs, fieldErrorMsg("year", "out_of_range", "Năm phải từ 2000 đến 2100.", "year must be between 2000 and 2100."))
	}
	req.ReferenceNo = strings.TrimSpace(req.ReferenceNo)
	req.IssuingBody = strings.TrimSpace(req.IssuingBody)
	checkText(&errs, "reference_no", req.ReferenceNo, true, 100)
	checkText(&errs, "issuing_body", req.IssuingBody, true, 300)
	req.Title = strings.TrimSpace(req.Title)
	checkText(&errs, "title", req.Title, false, 500)
	policy := readPolicy(req.Policy, &errs)
	if len(req.Dialogues) > maxDialoguesPerPlan {
		errs = append(errs, fieldError("dialogues", "too_many"))
	}
	planID := uuid.NewSHA1(planNamespace, []byte(fmt.Sprintf("%s|%d|%s", unitID, req.Year, req.ReferenceNo))).String()
	specs := make([]domain.DialogueSpec, 0, len(req.Dialogues))
	for i, d := range req.Dialogues {
		id := uuid.NewSHA1(planNamespace, []byte(fmt.Sprintf("%s|dialogue|%d", planID, i+1))).String()
		spec, ok := readDialogue(fmt.Sprintf("dialogues[%d]", i), d, req.Year, id, i+1, &errs)
		if ok {
			specs = append(specs, spec)
		}
	}
	if unitID != "" {
		if err := s.placeDialogues(ctx, unitID, "dialogues[%d].unit_id", specs, &errs); err != nil {
			abort(c, err)
			return
		}
	}
	if len(errs) > 0 {
		abort(c, validationError(errs...))
		return
	}
	if existing, err := s.Store.FindPlanByReference(ctx, unitID, req.Year, req.ReferenceNo); err == nil {
		e := newError(http.StatusConflict, CodePlanExists,
			fmt.Sprintf("Đơn vị đã có kế hoạch số %s năm %d.", req.ReferenceNo, req.Year),
			fmt.Sprintf("The unit already has plan %s for %d.", req.ReferenceNo, req.Year))
		e.Details = map[string]any{"plan_id": existing.ID}
		abort(c, e)
		return
	} else if !errors.Is(err, store.ErrNotFound) {
		abort(c, err)
		return
	}
	in := workflows.PlanInput{PlanSpec: domain.PlanSpec{
		PlanID: planID, UnitID: unitID, Year: req.Year, ReferenceNo: req.ReferenceNo, IssuingBody: req.IssuingBody,
		Title: strings.TrimSpace(req.Title), Policy: policy, Dialogues: specs,
	}, Actor: actor(c)}
	if err := s.startPlan(ctx, in); err != nil {
		abort(c, err)
		return
	}
	view, err := s.planView(ctx, planID, nil)
	if err != nil {
		abort(c, err)
		return
	}
	c.Header("Location", "/api/v1/plans/"+planID)
	c.JSON(http.StatusCreated, view)
}

// startPlan starts the plan workflow together with an Update that returns
// once the plan's records are written (update-with-start), so the response
// can show them. The workflow ID comes from the plan ID: a retried request
// joins the running workflow instead of starting another.
func (s *Server) startPlan(ctx context.Context, in workflows.PlanInput) error {
	var st workflows.PlanState
	return s.updateWithStart(ctx, workflows.PlanWorkflowID(in.PlanID), workflows.PlanWorkflowName, in,
		enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE, workflows.UpdatePlanSaved, &st)
}

// updateWithStart starts workflow id of type name with input, or joins the
// one running, together with the Update named update, and waits for the
// Update's result; reuse says whether a closed run's ID may be used again.
func (s *Server) updateWithStart(ctx context.Context, id, name string, input any, reuse enumspb.WorkflowIdReusePolicy, update string, result any) error {
	ctx, cancel := context.WithTimeout(ctx, s.updateTimeout())
	defer cancel()
	op := s.Temporal.NewWithStartWorkflowOperation(client.StartWorkflowOptions{
		ID:                       id,
		TaskQueue:                s.taskQueue(),
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		WorkflowIDReusePolicy:    reuse,
	}, name, input)
	h, err := s.Temporal.UpdateWithStartWorkflow(ctx, client.UpdateWithStartWorkflowOptions{
		StartWorkflowOperation: op,
		UpdateOptions:          client.UpdateWorkflowOptions{UpdateName: update, WaitForStage: client.WorkflowUpdateStageCompleted},
	})
	if err != nil {
		return fmt.Errorf("start %s workflow: %w", name, err)
	}
	if err := h.Get(ctx, result); err != nil {
		return fmt.Errorf("wait for %s: %w", update, err)
	}
	return nil
}

// checkText is lifecycle.CheckText, the one rule of a required or bounded
// text, for the API's field errors.
func checkText(errs *[]contract.FieldError, field, v string, required bool, max int) {
	var les []lifecycle.FieldError
	lifecycle.CheckText(&les, field, v, required, max)
	*errs = append(*errs, contractFields(les)...)
}

// readPolicy applies defaults, reads the request's durations and checks the
// policy by lifecycle.ValidatePolicy. The request's own faults — a
// duration that does not parse, a rung given both ways — join the policy's
// in the order of the fields.
func readPolicy(p *contract.PolicyRequest, errs *[]contract.FieldError) domain.Policy {
	pol := domain.DefaultPolicy()
	if p == nil {
		return pol
	}
	var wire []lifecycle.FieldError
	read := func(field string, d contract.Duration, dst *time.Duration) {
		switch {
		case !d.Set:
		case strings.HasPrefix(d.Raw, "-"):
			*dst = negativeDuration(d.Raw)
		case !d.Valid:
			wire = append(wire, lifecycle.FieldError(fieldError(field, "invalid_duration")))
		default:
			*dst = d.D
		}
	}
	read("policy.survey_lead", p.SurveyLead, &pol.SurveyLead)
	read("policy.survey_close", p.SurveyClose, &pol.SurveyClose)
	read("policy.session_grace", p.SessionGrace, &pol.SessionGrace)
	read("policy.supervision_within", p.SupervisionWithin, &pol.SupervisionWithin)
	read("policy.delivery_within", p.DeliveryWithin, &pol.DeliveryWithin)
	if p.ReminderWorkingDays != nil {
		pol.ReminderWorkingDays = p.ReminderWorkingDays
	}
	var offsets []time.Duration
	if p.ReminderOffsets != nil {
		offsets = make([]time.Duration, len(p.ReminderOffsets))
		for i, d := range p.ReminderOffsets {
			read(fmt.Sprintf("policy.reminder_offsets[%d]", i), d, &offsets[i])
		}
		pol.ReminderOffsets = offsets
	}
	if p.Escalation != nil {
		pol.Escalation = nil
		for i, st := range p.Escalation {
			pf := fmt.Sprintf("policy.escalation[%d]", i)
			step := domain.EscalationStep{Recipients: st.Recipients}
			if st.AfterWorkingDays != nil {
				step.AfterWorkingDays = *st.AfterWorkingDays
			}
			read(pf+".after", st.After, &step.After)
			if st.AfterWorkingDays != nil && st.After.Set {
				wire = append(wire, lifecycle.AmbiguousStep(pf+".after"))
			}
			pol.Escalation = append(pol.Escalation, step)
		}
	}
	*errs = append(*errs, mergePolicyErrors(lifecycle.ValidatePolicy(pol), wire)...)
	if p.ReminderOffsets != nil { // a zero offset is no reminder
		pol.ReminderOffsets = nil
		for _, o := range offsets {
			if o > 0 {
				pol.ReminderOffsets = append(pol.ReminderOffsets, o)
			}
		}
	}
	return pol
}

// negativeDuration is the value of a duration written with a minus sign:
// negative, however the rest reads, so that the policy rules refuse it.
func negativeDuration(raw string) time.Duration {
	if d, err := isoduration.Parse(raw[1:]); err == nil && d > 0 {
		return -d
	}
	return -1
}

// mergePolicyErrors puts the policy's errors and the request's own in the
// order of the fields (the survey window last); a request error the policy
// rules repeat is named once.
func mergePolicyErrors(rules, wire []lifecycle.FieldError) []contract.FieldError {
	out := make([]contract.FieldError, 0, len(rules)+len(wire))
	for _, e := range rules {
		out = append(out, contract.FieldError(e))
	}
	for _, w := range wire {
		if !slices.ContainsFunc(rules, func(e lifecycle.FieldError) bool { return e.Field == w.Field && e.Code == w.Code }) {
			out = append(out, contract.FieldError(w))
		}
	}
	slices.SortStableFunc(out, func(a, b contract.FieldError) int {
		ka, kb := policyErrorRank(a), policyErrorRank(b)
		return slices.Compare(ka[:], kb[:])
	})
	return out
}

var (
	policyFieldRank = map[string]int{"survey_lead": 1, "survey_close": 2, "session_grace": 3, "supervision_within": 4,
		"delivery_within": 5, "reminder_working_days": 6, "reminder_offsets": 7, "escalation": 8}
	policyStepFieldRank = map[string]int{"after_working_days": 1, "after": 2, "recipients": 3}
)

// policyErrorRank orders a policy field error: "policy.<field>[i].<step
// field>[j]" by field, i, step field and j; "ambiguous" after the other
// errors of its field; the empty survey window last.
func policyErrorRank(e contract.FieldError) [5]int {
	if e.Code == "survey_window_empty" {
		return [5]int{len(policyFieldRank) + 1}
	}
	var k [5]int
	name, i, rest := splitPath(strings.TrimPrefix(e.Field, "policy."))
	k[0], k[1] = policyFieldRank[name], i
	if rest != "" {
		sub, j, _ := splitPath(rest)
		k[2], k[3] = policyStepFieldRank[sub], j
	}
	if e.Code == "ambiguous" {
		k[4] = 1
	}
	return k
}

// splitPath splits "name[i].rest" into name, i+1 (0 without an index) and
// rest.
func splitPath(p string) (name string, idx int, rest string) {
	name, rest, _ = strings.Cut(p, ".")
	if open := strings.IndexByte(name, '['); open >= 0 {
		n, _ := strconv.Atoi(strings.TrimSuffix(name[open+1:], "]"))
		name, idx = name[:open], n+1
	}
	return name, idx, rest
}

// placeDialogues checks the unit of each dialogue of a plan of unit
// planUnitID and fills in the plan's unit where none is named: the unit must
// exist and be the plan's unit or one below it (a province plan scheduling
// its communes' dialogues). field is the error's field, with %d for the
// dialogue's index when there are several. Dialogue i of specs is the one
// numbered i+1 (Seq) in a new plan.
func (s *Server) placeDialogues(ctx context.Context, planUnitID, field string, specs []domain.DialogueSpec, errs *[]contract.FieldError) error {
	planPath, err := s.unitPath(ctx, planUnitID)
	if err != nil {
		return err
	}
	var named []string
	for _, sp := range specs {
		if sp.UnitID != "" && sp.UnitID != planUnitID {
			named = append(named, sp.UnitID)
		}
	}
	merged, err := s.Store.MergedAmong(ctx, named)
	if err != nil {
		return err
	}
	for i := range specs {
		sp := &specs[i]
		if sp.UnitID == "" || sp.UnitID == planUnitID {
			sp.UnitID = planUnitID
			continue
		}
		name := field
		if strings.Contains(field, "%d") {
			name = fmt.Sprintf(field, sp.Seq-1)
		}
		path, err := s.unitPath(ctx, sp.UnitID)
		switch {
		case errors.Is(err, store.ErrNotFound):
			*errs = append(*errs, unknownUnitField(name))
		case err != nil:
			return err
		case !strings.HasPrefix(path, planPath):
			*errs = append(*errs, fieldErrorMsg(name, "outside_plan_unit",
				"Đơn vị của hội nghị phải là đơn vị ban hành kế hoạch hoặc đơn vị trực thuộc.",
				"The dialogue's unit must be the plan's unit or a unit below it."))
		case merged[sp.UnitID] != "":
			*errs = append(*errs, mergedUnitField(name, merged[sp.UnitID]))
		}
	}
	return nil
}

// mergedUnitField is the field error for a unit that has merged into
// another: it takes no new plans or dialogues.
func mergedUnitField(field, successor string) contract.FieldError {
	return fieldErrorMsg(field, "unit_merged",
		fmt.Sprintf("Đơn vị này đã sáp nhập vào %s: hãy lập kế hoạch, hội nghị cho %s.", successor, successor),
		fmt.Sprintf("This unit has merged into %s: plan for %s instead.", successor, successor))
}

// readDialogue reads one dialogue of a request and checks it by
// lifecycle.ValidateDialogueSpec, fields under prefix.
func readDialogue(prefix string, d contract.DialogueRequest, year int, id string, seq int, errs *[]contract.FieldError) (domain.DialogueSpec, bool) {
	n := len(*errs)
	spec := domain.DialogueSpec{ID: id, Seq: seq, Kind: d.Kind, Topic: strings.TrimSpace(d.Topic), Title: strings.TrimSpace(d.Title),
		Place: strings.TrimSpace(d.Place), InvitedGroups: d.InvitedGroups}
	if d.UnitID != "" {
		if id, err := uuid.Parse(d.UnitID); err != nil {
			*errs = append(*errs, fieldError(prefix+".unit_id", "invalid_id"))
		} else {
			spec.UnitID = id.String()
		}
	}
	dated := checkTimestamp(d.ScheduledAt, prefix+".scheduled_at", true, errs)
	if dated {
		spec.ScheduledAt = d.ScheduledAt.Time
	}
	for _, h := range d.Hosts { // names are checked trimmed, titles as sent
		spec.Hosts = append(spec.Hosts, domain.Host{Name: strings.TrimSpace(h.Name), Title: h.Title})
	}
	for _, e := range lifecycle.ValidateDialogueSpec(spec, year) {
		if e.Field == "scheduled_at" && !dated {
			continue // the request's own fault is named already
		}
		e.Field = prefix + "." + e.Field
		*errs = append(*errs, contract.FieldError(e))
	}
	for j := range spec.Hosts {
		spec.Hosts[j].Title = strings.TrimSpace(spec.Hosts[j].Title)
	}
	return spec, len(*errs) == n
}

func (s *Server) listPlans(c *gin.Context) {
	limit, offset, err := pagination(c)
	if err != nil {
		abort(c, err)
		return
	}
	var errs []contract.FieldError
	f := store.PlanFilter{Limit: limit, Offset: offset}
	f.UnitID = uuidQuery(c, "unit_id", &errs)
	f.Subtree = subtreeParam(c, &errs)
	f.Scope = callerOf(c).scope(kindPlans)
	if v := c.Query("year"); v != "" {
		y, err := strconv.Atoi(v)
		if err != nil || y < 2000 || y > 2100 {
			errs = append(errs, fieldErrorMsg("year", "out_of_range", "Năm phải từ 2000 đến 2100.", "year must be between 2000 and 2100."))
		}
		f.Year = y
	}
	if len(errs) > 0 {
		abort(c, validationError(errs...))
		return
	}
	if !s.checkUnitParam(c, f.UnitID) {
		return
	}
	ctx := c.Request.Context()
	plans, total, err := s.Store.ListPlans(ctx, f)
	if err != nil {
		abort(c, err)
		return
	}
	ids := make([]string, len(plans))
	for i, p := range plans {
		ids[i] = p.ID
	}
	counts, err := s.Store.PlanDialogueCounts(ctx, ids)
	if err != nil {
		abort(c, err)
		return
	}
	items := make([]contract.PlanListItem, len(plans))
	for i, p := range plans {
		cnt := counts[p.ID]
		if cnt == nil {
			cnt = map[string]int{}
		}
		items[i] = contract.PlanListItem{Plan: p, DialogueCounts: cnt}
	}
	c.JSON(http.StatusOK, contract.Page[contract.PlanListItem]{Items: items, Total: total, Limit: limit, Offset: offset})
}

func (s *Server) getPlan(c *gin.Context) {
	p, whole, ok := s.loadPlanToRead(c)
	if !ok {
		return
	}
	var only *store.Scope
	if !whole {
		only = callerOf(c).scope(kindPlans)
	}
	view, err := s.planView(c.Request.Context(), p.ID, only)
	if err != nil {
		abort(c, err)
		return
	}
	c.JSON(http.StatusOK, view)
}

// planView is a plan with its dialogues: every one, with the plan
// workflow's live state, when only is nil; otherwise only the dialogues
// that scope sees, without the live state (a commune reading its province's
// plan).
func (s *Server) planView(ctx context.Context, id string, only *store.Scope) (*contract.PlanView, error) {
	p, err := s.Store.GetPlan(ctx, id)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, notFoundError("kế hoạch", "Plan")
		}
		return nil, err
	}
	ds, _, err := s.Store.FindDialogues(ctx, store.DialogueFilter{PlanID: id, Scope: only})
	if err != nil {
		return nil, err
	}
	view := &contract.PlanView{Plan: *p, Dialogues: make([]contract.DialogueSummary, len(ds))}
	for i, d := range ds {
		view.Dialogues[i] = summarise(d)
	}
	if only == nil {
		qctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		defer cancel()
		var st workflows.PlanState
		if err := s.query(qctx, workflows.PlanWorkflowID(id), &st); err != nil {
			view.LiveError = liveError(err)
			s.Logger.Debug("plan live state unavailable", zap.String("plan_id", id), zap.Error(err))
		} else {
			view.Live = &st
		}
	}
	return view, nil
}

// summarise adds what a dialogue waits for next, read from its timetable.
func summarise(d store.Dialogue) contract.DialogueSummary {
	out := contract.DialogueSummary{Dialogue: d}
	set := func(ev string, at time.Time) {
		s := at.UTC().Format(time.RFC3339)
		out.NextEvent, out.NextEventAt = ev, &s
	}
	switch d.Phase {
	case domain.PhaseScheduled:
		set("survey_opens", d.SurveyOpensAt)
	case domain.PhaseSurveyOpen:
		set("survey_closes", d.SurveyClosesAt)
	case domain.PhaseAwaitingSession:
		set("session_due", d.SessionDueBy)
	}
	return out
}

// query asks a workflow for its live state.
func (s *Server) query(ctx context.Context, workflowID string, dst any) error {
	v, err := s.Temporal.QueryWorkflow(ctx, workflowID, "", workflows.QueryState)
	if err != nil {
		return err
	}
	return v.Get(dst)
}

// liveError names, by its stable code, why a workflow's live state is
// missing (the cause is logged by the caller).
func liveError(err error) string {
	return toAPIError(nil, err).Code
}

func (s *Server) addDialogue(c *gin.Context) {
	p, ok := s.loadPlan(c)
	if !ok {
		return
	}
	planID := p.ID
	var req contract.DialogueRequest
	if err := decodeJSON(c, &req); err != nil {
		abort(c, err)
		return
	}
	ctx := c.Request.Context()
	if req.Kind == "" {
		req.Kind = domain.KindAdhoc
	}
	// With an Idempotency-Key a retried request names the same dialogue.
	dialogueID := uuid.NewString()
	if name, ok := idempotencyName(c); ok {
		dialogueID = uuid.NewSHA1(planNamespace, []byte(fmt.Sprintf("%s|adhoc|%s", planID, name))).String()
	}
	var errs []contract.FieldError
	// Its number in the plan is taken when it is stored, under the plan's
	// row lock, so concurrent additions never collide.
	spec, _ := readDialogue("", req, p.Year, dialogueID, 0, &errs)
	for i := range errs {
		errs[i].Field = strings.TrimPrefix(errs[i].Field, ".")
	}
	if !spec.ScheduledAt.IsZero() {
		// The rule the plan's workflow checks again when it takes the dialogue.
		errs = append(errs, contractFields(lifecycle.InFuture("scheduled_at", spec.ScheduledAt, s.now()))...)
	}
	if len(errs) == 0 {
		if err := s.placeDialogues(ctx, p.UnitID, "unit_id", []domain.DialogueSpec{spec}, &errs); err != nil {
			abort(c, err)
			return
		}
	}
	if len(errs) > 0 {
		abort(c, validationError(errs...))
		return
	}
	var res workflows.AddDialogueResult
	if err := s.update(c, workflows.PlanWorkflowID(planID), workflows.UpdateAddDialogue, workflows.AddDialogueRequest{Spec: spec, Actor: actor(c)}, &res); err != nil {
		abort(c, err)
		return
	}
	d, err := s.Store.GetDialogue(ctx, spec.ID)
	if err != nil {
		abort(c, err)
		return
	}
	logger(c).Info("ad hoc dialogue added", zap.String("plan_id", planID), zap.String("dialogue_id", d.ID))
	c.Header("Location", "/api/v1/dialogues/"+d.ID)
	c.JSON(http.StatusCreated, summarise(*d))
}
