package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.uber.org/zap"

	"github.com/doithoai/doithoai/internal/auth"
	"github.com/doithoai/doithoai/internal/contract"
	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/internal/lifecycle"
	"github.com/doithoai/doithoai/internal/receipt"
	"github.com/doithoai/doithoai/internal/store"
	"github.com/doithoai/doithoai/workflows"
)

// withSurveyLink adds the survey link for the roles that hand it out.
func withSurveyLink(c *gin.Context, view *contract.DialogueView, d *store.Dialogue) {
	cl := callerOf(c)
	if cl.HasRole(auth.RolePlanner) || cl.HasRole(auth.RoleHost) || cl.HasRole(auth.RoleMTTQ) {
		view.SurveyLink = &contract.SurveyLink{Token: d.SurveyToken, Path: "/api/v1/survey/" + d.SurveyToken}
	}
}

func (s *Server) getDialogue(c *gin.Context) {
	d, ok := s.loadDialogue(c)
	if !ok {
		return
	}
	view, err := s.dialogueView(c.Request.Context(), d, true)
	if err != nil {
		abort(c, err)
		return
	}
	withSurveyLink(c, view, d)
	c.JSON(http.StatusOK, view)
}

func (s *Server) dialogueView(ctx context.Context, d *store.Dialogue, live bool) (*contract.DialogueView, error) {
	view := &contract.DialogueView{DialogueSummary: summarise(*d)}
	if rec, err := s.Store.GetSession(ctx, d.ID); err == nil {
		view.Session = rec
	} else if !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	if sum, err := s.Store.GetSurveySummary(ctx, d.ID); err == nil {
		view.SurveySummary = sum
	} else if !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	ns, err := s.Store.ListNotifications(ctx, d.ID)
	if err != nil {
		return nil, err
	}
	view.Notifications = ns
	if live {
		qctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		defer cancel()
		var st workflows.DialogueState
		if err := s.query(qctx, workflows.DialogueWorkflowID(d.ID), &st); err != nil {
			view.LiveError = liveError(err)
			s.Logger.Debug("dialogue live state unavailable", zap.String("dialogue_id", d.ID), zap.Error(err))
		} else {
			view.Live = &st
		}
	}
	return view, nil
}

// maxUpdateArgBytes caps the JSON of one Update's argument, well under
// Temporal's 2 MB blob size limit (which also applies to the activity input
// that carries the same data into PostgreSQL).
const maxUpdateArgBytes = 1536 << 10

// update sends an Update to a workflow and waits for its result. With an
// Idempotency-Key on the request, the Update ID is derived from it, so a
// retry of a command whose first attempt timed out gets that attempt's
// outcome instead of running the command again.
func (s *Server) update(c *gin.Context, workflowID, name string, arg, result any) error {
	if err := checkUpdateSize(arg); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), s.updateTimeout())
	defer cancel()
	h, err := s.Temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		UpdateID: idempotencyUpdateID(c), WorkflowID: workflowID, UpdateName: name,
		WaitForStage: client.WorkflowUpdateStageCompleted, Args: []any{arg},
	})
	if err != nil {
		return fmt.Errorf("update %s: %w", name, err)
	}
	if err := h.Get(ctx, result); err != nil {
		return fmt.Errorf("update %s: %w", name, err)
	}
	return nil
}

// checkUpdateSize refuses (413) an Update argument too large for Temporal.
func checkUpdateSize(arg any) error {
	b, err := json.Marshal(arg)
	if err != nil {
		return fmt.Errorf("encode update argument: %w", err)
	}
	if len(b) > maxUpdateArgBytes {
		return commandTooLargeError()
	}
	return nil
}

// respondDialogue re-reads the dialogue after a command and answers with it.
func (s *Server) respondDialogue(c *gin.Context, id string) {
	d, err := s.Store.GetDialogue(c.Request.Context(), id)
	if err != nil {
		abort(c, err)
		return
	}
	view, err := s.dialogueView(c.Request.Context(), d, true)
	if err != nil {
		abort(c, err)
		return
	}
	withSurveyLink(c, view, d)
	c.JSON(http.StatusOK, view)
}

func (s *Server) rescheduleDialogue(c *gin.Context) {
	d, ok := s.loadDialogue(c)
	if !ok {
		return
	}
	var req contract.RescheduleRequest
	if err := decodeJSON(c, &req); err != nil {
		abort(c, err)
		return
	}
	p, err := s.Store.GetPlan(c.Request.Context(), d.PlanID)
	if err != nil {
		abort(c, err)
		return
	}
	var errs []contract.FieldError
	if checkTimestamp(req.ScheduledAt, "scheduled_at", true, &errs) {
		// The rule the dialogue's workflow checks again on its live date.
		errs = append(errs, contractFields(lifecycle.ValidateReschedule(req.ScheduledAt.Time, d.ScheduledAt, p.Year, s.now()))...)
	}
	checkText(&errs, "place", req.Place, false, 500)
	checkText(&errs, "reason", req.Reason, false, 2000)
	if len(errs) > 0 {
		abort(c, validationError(errs...))
		return
	}
	var st workflows.DialogueState
	arg := workflows.RescheduleRequest{ScheduledAt: req.ScheduledAt.Time, Place: strings.TrimSpace(req.Place), Reason: strings.TrimSpace(req.Reason), Actor: actor(c)}
	if !s.dialogueCommand(c, d, workflows.UpdateReschedule, arg, &st) {
		return
	}
	s.respondDialogue(c, d.ID)
}

// dialogueCommand sends a command to the dialogue's workflow, writing the
// refusal when it fails (false). A settled dialogue's workflow may have
// completed: its record then answers, in the words its workflow's
// validators use while it runs.
func (s *Server) dialogueCommand(c *gin.Context, d *store.Dialogue, name string, arg, out any) bool {
	err := s.update(c, workflows.DialogueWorkflowID(d.ID), name, arg, out)
	if err == nil {
		return true
	}
	var nf *serviceerror.NotFound
	if r := lifecycle.DialogueSettled(d.Phase); errors.As(err, &nf) && r != nil {
		err = r
	}
	abort(c, err)
	return false
}

func (s *Server) cancelDialogue(c *gin.Context) {
	d, ok := s.loadDialogue(c)
	if !ok {
		return
	}
	var req contract.CancelRequest
	if err := decodeJSON(c, &req); err != nil {
		abort(c, err)
		return
	}
	var errs []contract.FieldError
	checkText(&errs, "reason", req.Reason, true, 2000)
	if len(errs) > 0 {
		abort(c, validationError(errs...))
		return
	}
	var st workflows.DialogueState
	arg := workflows.CancelRequest{Reason: strings.TrimSpace(req.Reason), Actor: actor(c)}
	if !s.dialogueCommand(c, d, workflows.UpdateCancel, arg, &st) {
		return
	}
	s.respondDialogue(c, d.ID)
}

// Caps on one session record, so that the Update carrying it (and the
// activity input that stores it) stays well under Temporal's 2 MB payload
// limit; more tasks can be added afterwards with POST /dialogues/{id}/tasks.
const (
	maxSessionOpinions    = 2000
	maxSessionConclusions = 100
	maxSessionTasks       = 300
)

// conclusionNamespace derives conclusion ids from the dialogue and position.
var conclusionNamespace = uuid.MustParse("8d7c2b4e-2f0a-4c3e-8a51-3e6f9b1d4c20")

func (s *Server) recordSession(c *gin.Context) {
	d, ok := s.loadDialogue(c)
	if !ok {
		return
	}
	var req contract.SessionRequest
	if err := decodeJSON(c, &req); err != nil {
		abort(c, err)
		return
	}
	var errs []contract.FieldError
	sess := domain.Session{Chair: strings.TrimSpace(req.Chair), Notes: strings.TrimSpace(req.Notes), Opinions: []domain.Opinion{}, Conclusions: []domain.Conclusion{}}
	if checkTimestamp(req.HeldAt, "held_at", true, &errs) {
		sess.HeldAt = req.HeldAt.Time
		if sess.HeldAt.After(s.now().Add(lifecycle.SessionFutureLeeway)) {
			errs = append(errs, fieldError("held_at", "in_future"))
		} else {
			for _, e := range lifecycle.ValidateSessionStart(d.ScheduledAt, sess.HeldAt, s.now()) {
				errs = append(errs, contract.FieldError(e))
			}
		}
	}
	checkText(&errs, "chair", sess.Chair, false, 200)
	checkText(&errs, "notes", sess.Notes, false, 20000)
	sess.Attendance = readAttendance(req.Attendance, &errs)
	sess.Opinions = readOpinions(req.Opinions, len(req.Conclusions), &errs)
	if err := s.resolveOpinionReceipts(c.Request.Context(), d.ID, req.Opinions, sess.Opinions, &errs); err != nil {
		abort(c, err)
		return
	}
	if err := s.checkOpinionAnswers(c.Request.Context(), d.ID, sess.Opinions, &errs); err != nil {
		abort(c, err)
		return
	}
	conclusions := req.Conclusions
	if len(conclusions) > maxSessionConclusions {
		errs = append(errs, tooManyError("conclusions", maxSessionConclusions, "kết luận trong một biên bản hội nghị", "conclusions in one session record"))
		conclusions = nil // refused as a whole
	}
	taskCount, tasksOverflow := 0, false
	for i, k := range conclusions {
		checkText(&errs, fmt.Sprintf("conclusions[%d].content", i), k.Content, true, 4000)
		id := uuid.NewSHA1(conclusionNamespace, []byte(fmt.Sprintf("%s|%d", d.ID, i+1))).String()
		field := fmt.Sprintf("conclusions[%d].tasks", i)
		taskCount += len(k.Tasks)
		if len(k.Tasks) <= maxTasksPerList && (taskCount > maxSessionTasks || tasksOverflow) {
			// The list that takes the session past the cap says so; the
			// tasks of it and of the lists after it are not read. (A list
			// over its own cap is refused by readTasks, unread as well.)
			if !tasksOverflow {
				errs = append(errs, tooManyError(field, maxSessionTasks, "nhiệm vụ trong tất cả các kết luận của một biên bản hội nghị",
					"tasks across all the conclusions of one session record"))
			}
			tasksOverflow = true
			sess.Conclusions = append(sess.Conclusions, domain.Conclusion{ID: id, Seq: i + 1, Content: strings.TrimSpace(k.Content)})
			continue
		}
		tasks, err := s.readTasks(c.Request.Context(), field, k.Tasks, d, func(j int) string {
			return uuid.NewSHA1(taskNamespace, []byte(fmt.Sprintf("%s|%d|%d", d.ID, i+1, j+1))).String()
		}, &errs)
		if err != nil {
			abort(c, err)
			return
		}
		for j := range tasks {
			tasks[j].ConclusionID = id
		}
		sess.Conclusions = append(sess.Conclusions, domain.Conclusion{ID: id, Seq: i + 1, Content: strings.TrimSpace(k.Content), Tasks: tasks})
	}
	if len(errs) > 0 {
		abort(c, validationError(errs...))
		return
	}
	var st workflows.DialogueState
	arg := workflows.RecordSessionRequest{Session: sess, Actor: actor(c)}
	if !s.dialogueCommand(c, d, workflows.UpdateRecordSession, arg, &st) {
		return
	}
	s.respondDialogue(c, d.ID)
}

// readAttendance checks who came to a session.
func readAttendance(a *contract.AttendanceRequest, errs *[]contract.FieldError) domain.Attendance {
	var out domain.Attendance
	if a == nil || a.Total == nil {
		*errs = append(*errs, fieldError("attendance.total", "required"))
	} else {
		if *a.Total < 0 || *a.Total > 1_000_000 {
			*errs = append(*errs, fieldError("attendance.total", "out_of_range"))
		}
		out = domain.Attendance{Total: *a.Total, Groups: a.Groups}
		for g, n := range a.Groups {
			if n < 0 || strings.TrimSpace(g) == "" {
				*errs = append(*errs, fieldError("attendance.groups."+g, "out_of_range"))
			}
		}
	}
	return out
}

// readOpinions checks the opinions raised at a session; a list over the
// cap is refused as a whole.
func readOpinions(in []contract.OpinionRequest, conclusions int, errs *[]contract.FieldError) []domain.Opinion {
	out := []domain.Opinion{}
	opinions := in
	if len(opinions) > maxSessionOpinions {
		*errs = append(*errs, tooManyError("opinions", maxSessionOpinions, "ý kiến trong một biên bản hội nghị", "opinions in one session record"))
		opinions = nil // refused as a whole
	}
	for i, o := range opinions {
		p := fmt.Sprintf("opinions[%d]", i)
		checkText(errs, p+".field", o.Field, true, 100)
		checkText(errs, p+".content", o.Content, true, 4000)
		checkText(errs, p+".answer", o.Answer, false, 4000)
		if o.Source != domain.SourceSurvey && o.Source != domain.SourceFloor {
			*errs = append(*errs, fieldErrorMsg(p+".source", "invalid_enum", "Nguồn phải là survey (phiếu) hoặc floor (tại hội nghị).", "source must be survey or floor."))
		}
		op := domain.Opinion{Field: strings.TrimSpace(o.Field), Content: strings.TrimSpace(o.Content),
			Source: o.Source, AnsweredOnSpot: o.AnsweredOnSpot, Answer: strings.TrimSpace(o.Answer), Conclusions: o.Conclusions}
		for j, id := range o.SurveyResponseIDs {
			u, err := uuid.Parse(id)
			if err != nil {
				*errs = append(*errs, fieldError(fmt.Sprintf("%s.survey_response_ids[%d]", p, j), "invalid_id"))
				continue
			}
			op.SurveyResponseIDs = append(op.SurveyResponseIDs, u.String())
		}
		for _, e := range lifecycle.ValidateOpinionLinks(p, op, conclusions) {
			*errs = append(*errs, contract.FieldError(e))
		}
		out = append(out, op)
	}
	return out
}

// resolveOpinionReceipts adds to each opinion the survey answers its
// request names by receipt code, refusing a code that is malformed or no
// answer of this dialogue holds.
func (s *Server) resolveOpinionReceipts(ctx context.Context, dialogueID string, in []contract.OpinionRequest, ops []domain.Opinion, errs *[]contract.FieldError) error {
	var codes []string
	for _, o := range in {
		for _, r := range o.SurveyReceipts {
			if code, ok := receipt.Parse(r); ok {
				codes = append(codes, code)
			}
		}
	}
	var byCode map[string]string
	if len(codes) > 0 {
		var err error
		if byCode, err = s.Store.SurveyResponsesByReceipt(ctx, dialogueID, codes); err != nil {
			return err
		}
	}
	for i, o := range in {
		if i >= len(ops) {
			break // a list over its cap is refused as a whole
		}
		for j, r := range o.SurveyReceipts {
			path := fmt.Sprintf("opinions[%d].survey_receipts[%d]", i, j)
			code, ok := receipt.Parse(r)
			id := byCode[code]
			switch {
			case !ok || id == "":
				*errs = append(*errs, fieldErrorMsg(path, "unknown_receipt",
					fmt.Sprintf("Không có phiếu ý kiến mã %s trong cuộc đối thoại này.", strings.TrimSpace(r)),
					fmt.Sprintf("No survey answer of this dialogue has receipt %s.", strings.TrimSpace(r))))
			case !slices.Contains(ops[i].SurveyResponseIDs, id):
				ops[i].SurveyResponseIDs = append(ops[i].SurveyResponseIDs, id)
			}
		}
	}
	return nil
}

// checkOpinionAnswers refuses survey answers named by an opinion that are
// not answers to this dialogue's survey.
func (s *Server) checkOpinionAnswers(ctx context.Context, dialogueID string, ops []domain.Opinion, errs *[]contract.FieldError) error {
	var ids []string
	for _, o := range ops {
		ids = append(ids, o.SurveyResponseIDs...)
	}
	if len(ids) == 0 || len(*errs) > 0 {
		return nil // ids that do not parse are refused already
	}
	known, err := s.Store.SurveyResponsesOf(ctx, dialogueID, ids)
	if err != nil {
		return err
	}
	for i, o := range ops {
		for j, id := range o.SurveyResponseIDs {
			if !known[id] {
				*errs = append(*errs, fieldErrorMsg(fmt.Sprintf("opinions[%d].survey_response_ids[%d]", i, j), "unknown_survey_response",
					"Không có phiếu ý kiến này trong cuộc đối thoại.", "No such survey answer in this dialogue."))
			}
		}
	}
	return nil
}

// dialoguePhases are the values of GET /dialogues?phase=.
var dialoguePhases = []string{domain.PhaseScheduled, domain.PhaseSurveyOpen, domain.PhaseAwaitingSession,
	domain.PhaseSessionRecorded, domain.PhaseClosed, domain.PhaseCancelled}

// listDialogues answers GET /dialogues: the dialogues the caller may read
// across plans, by unit (subtree), plan, phase and period, in date order.
func (s *Server) listDialogues(c *gin.Context) {
	limit, offset, err := pagination(c)
	if err != nil {
		abort(c, err)
		return
	}
	var errs []contract.FieldError
	f := store.DialogueFilter{Limit: limit, Offset: offset, Scope: callerOf(c).scope(kindPlans)}
	f.UnitID = uuidQuery(c, "unit_id", &errs)
	f.Subtree = subtreeParam(c, &errs)
	f.PlanID = uuidQuery(c, "plan_id", &errs)
	if v := c.Query("phase"); v != "" {
		for _, ph := range strings.Split(v, ",") {
			if !slices.Contains(dialoguePhases, ph) {
				errs = append(errs, fieldErrorMsg("phase", "invalid_enum",
					"Giai đoạn phải là một (hoặc nhiều, cách nhau bởi dấu phẩy) trong: "+strings.Join(dialoguePhases, ", ")+".",
					"phase must be one or more (comma-separated) of: "+strings.Join(dialoguePhases, ", ")+"."))
				break
			}
			f.Phases = append(f.Phases, ph)
		}
	}
	f.From, f.To = periodParams(c, false, &errs)
	if len(errs) > 0 {
		sortFieldErrors(errs)
		abort(c, validationError(errs...))
		return
	}
	if !s.checkUnitParam(c, f.UnitID) {
		return
	}
	ds, total, err := s.Store.FindDialogues(c.Request.Context(), f)
	if err != nil {
		abort(c, err)
		return
	}
	items := make([]contract.DialogueSummary, len(ds))
	for i, d := range ds {
		items[i] = summarise(d)
	}
	c.JSON(http.StatusOK, contract.Page[contract.DialogueSummary]{Items: items, Total: total, Limit: limit, Offset: offset})
}
