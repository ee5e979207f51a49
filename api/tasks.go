package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"go.temporal.io/api/serviceerror"
	"go.uber.org/zap"

	"github.com/doithoai/doithoai/internal/contract"
	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/internal/lifecycle"
	"github.com/doithoai/doithoai/internal/store"
	"github.com/doithoai/doithoai/workflows"
)

// maxTasksPerList caps the tasks of one request list: a conclusion's in a
// session record, or POST /dialogues/{id}/tasks.
const maxTasksPerList = 200

var taskNamespace = uuid.MustParse("2c4b7e61-5d3f-4a8e-b1c9-7f0e2d6a9b34")

// readTasks validates task requests of a dialogue and builds their specs.
// The assignee's unit must be the dialogue's unit or one below it.
func (s *Server) readTasks(ctx context.Context, prefix string, reqs []contract.TaskRequest, d *store.Dialogue, idFor func(i int) string, errs *[]contract.FieldError) ([]domain.TaskSpec, error) {
	if len(reqs) > maxTasksPerList {
		*errs = append(*errs, tooManyError(prefix, maxTasksPerList, "nhiệm vụ trong một danh sách", "tasks in one list"))
		return nil, nil
	}
	var specs []domain.TaskSpec
	for i, r := range reqs {
		p := fmt.Sprintf("%s[%d]", prefix, i)
		spec := domain.TaskSpec{ID: idFor(i), Title: strings.TrimSpace(r.Title), Description: strings.TrimSpace(r.Description), Monitor: strings.TrimSpace(r.Monitor)}
		checkText(errs, p+".title", spec.Title, true, 500)
		checkText(errs, p+".description", spec.Description, false, 4000)
		checkText(errs, p+".monitor", spec.Monitor, false, 200)
		if r.Assignee == nil {
			*errs = append(*errs, fieldError(p+".assignee", "required"))
		} else {
			a := domain.Assignee{Agency: strings.TrimSpace(r.Assignee.Agency), Officer: strings.TrimSpace(r.Assignee.Officer), UnitID: d.UnitID}
			checkText(errs, p+".assignee.agency", a.Agency, true, 300)
			checkText(errs, p+".assignee.officer", a.Officer, false, 200)
			if r.Assignee.UnitID != "" {
				uid, err := uuid.Parse(r.Assignee.UnitID)
				if err != nil {
					*errs = append(*errs, fieldError(p+".assignee.unit_id", "invalid_id"))
				} else {
					within, err := s.unitWithin(ctx, uid.String(), d.UnitID)
					if err != nil {
						return nil, err
					}
					if !within {
						*errs = append(*errs, fieldErrorMsg(p+".assignee.unit_id", "unit_outside_scope",
							"Đơn vị được giao phải là đơn vị tổ chức hội nghị hoặc đơn vị cấp dưới.",
							"The assignee's unit must be the dialogue's unit or one below it."))
					}
					a.UnitID = uid.String()
				}
			}
			spec.Assignee = a
		}
		hasDue := checkTimestamp(r.DueAt, p+".due_at", false, errs)
		switch {
		case r.DueAt.Set && r.DueInWorkingDays != nil:
			*errs = append(*errs, fieldErrorMsg(p+".due_at", "deadline_ambiguous", "Chỉ ghi hạn theo ngày giờ hoặc theo số ngày làm việc, không ghi cả hai.", "Give due_at or due_in_working_days, not both."))
		case hasDue:
			if !r.DueAt.Time.After(s.now()) {
				*errs = append(*errs, fieldError(p+".due_at", "in_past"))
			}
			t := r.DueAt.Time
			spec.DueAt = &t
		case r.DueInWorkingDays != nil:
			if n := *r.DueInWorkingDays; n < 1 || n > 365 {
				*errs = append(*errs, fieldErrorMsg(p+".due_in_working_days", "out_of_range", "Số ngày làm việc phải từ 1 đến 365.", "Working days must be between 1 and 365."))
			} else {
				spec.DueInWorkingDays = n
			}
		case !r.DueAt.Set:
			*errs = append(*errs, fieldErrorMsg(p+".due_at", "deadline_required", "Cần hạn hoàn thành: due_at hoặc due_in_working_days.", "A deadline is required: due_at or due_in_working_days."))
		}
		specs = append(specs, spec)
	}
	return specs, nil
}

// unitWithin reports whether unit is root or below it.
func (s *Server) unitWithin(ctx context.Context, unit, root string) (bool, error) {
	u, err := s.Store.GetUnit(ctx, unit)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	r, err := s.Store.GetUnit(ctx, root)
	if err != nil {
		return false, err
	}
	return strings.HasPrefix(u.Path, r.Path), nil
}

func (s *Server) addTasks(c *gin.Context) {
	d, ok := s.loadDialogue(c)
	if !ok {
		return
	}
	var req contract.AddTasksRequest
	if err := decodeJSON(c, &req); err != nil {
		abort(c, err)
		return
	}
	var errs []contract.FieldError
	if req.ConclusionID == "" {
		errs = append(errs, fieldError("conclusion_id", "required"))
	} else if _, err := uuid.Parse(req.ConclusionID); err != nil {
		errs = append(errs, fieldError("conclusion_id", "invalid_id"))
	}
	errs = append(errs, contractFields(lifecycle.NotEmpty("tasks", len(req.Tasks)))...)
	// With an Idempotency-Key a retried request names the same tasks, so
	// the workflow (and the stores keyed by task id) cannot take them twice.
	idFor := func(int) string { return uuid.NewString() }
	if name, ok := idempotencyName(c); ok {
		idFor = func(i int) string {
			return uuid.NewSHA1(taskNamespace, []byte(fmt.Sprintf("%s|key|%s|%d", d.ID, name, i+1))).String()
		}
	}
	specs, err := s.readTasks(c.Request.Context(), "tasks", req.Tasks, d, idFor, &errs)
	if err != nil {
		abort(c, err)
		return
	}
	if len(errs) > 0 {
		abort(c, validationError(errs...))
		return
	}
	for i := range specs {
		specs[i].ConclusionID = req.ConclusionID
	}
	var res workflows.AddTasksResult
	if !s.dialogueCommand(c, d, workflows.UpdateAddTasks, workflows.AddTasksRequest{Tasks: specs, Actor: actor(c)}, &res) {
		return
	}
	tasks := make([]store.Task, 0, len(res.TaskIDs))
	for _, id := range res.TaskIDs {
		t, err := s.Store.GetTask(c.Request.Context(), id)
		if err != nil {
			abort(c, err)
			return
		}
		tasks = append(tasks, *t)
	}
	c.JSON(http.StatusCreated, gin.H{"items": tasks})
}

var taskStatuses = map[string]bool{
	domain.TaskAssigned: true, domain.TaskInProgress: true, domain.TaskSubmitted: true,
	domain.TaskDone: true, domain.TaskCancelled: true, "overdue": true, "open": true,
}

func (s *Server) listTasks(c *gin.Context) {
	limit, offset, err := pagination(c)
	if err != nil {
		abort(c, err)
		return
	}
	var errs []contract.FieldError
	f := store.TaskFilter{Limit: limit, Offset: offset}
	f.UnitID = uuidQuery(c, "unit_id", &errs)
	f.Subtree = subtreeParam(c, &errs)
	f.DialogueID = uuidQuery(c, "dialogue_id", &errs)
	f.Scope = callerOf(c).scope(kindTasks)
	f.Assignee = strings.TrimSpace(c.Query("assignee"))
	f.Monitor = strings.TrimSpace(c.Query("monitor"))
	if v := c.Query("status"); v != "" {
		if !taskStatuses[v] {
			errs = append(errs, fieldErrorMsg("status", "invalid_enum", "Trạng thái không hợp lệ (assigned, in_progress, submitted, done, cancelled, overdue, open).", "status must be assigned, in_progress, submitted, done, cancelled, overdue or open."))
		}
		f.Status = v
	}
	for name, dst := range map[string]**time.Time{"due_before": &f.DueBefore, "due_after": &f.DueAfter} {
		if v := c.Query(name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				errs = append(errs, fieldError(name, "invalid_datetime"))
				continue
			}
			*dst = &t
		}
	}
	if len(errs) > 0 {
		sortFieldErrors(errs)
		abort(c, validationError(errs...))
		return
	}
	if !s.checkUnitParam(c, f.UnitID) {
		return
	}
	ctx := c.Request.Context()
	ts, total, err := s.Store.ListTasks(ctx, f)
	if err != nil {
		abort(c, err)
		return
	}
	overdue, err := s.Store.CountOverdue(ctx, f)
	if err != nil {
		abort(c, err)
		return
	}
	c.JSON(http.StatusOK, contract.TaskPage{Page: contract.Page[store.Task]{Items: ts, Total: total, Limit: limit, Offset: offset}, Overdue: overdue})
}

func sortFieldErrors(es []contract.FieldError) {
	for i := 1; i < len(es); i++ {
		for j := i; j > 0 && es[j].Field < es[j-1].Field; j-- {
			es[j], es[j-1] = es[j-1], es[j]
		}
	}
}

func (s *Server) getTask(c *gin.Context) {
	t, ok := s.loadTask(c)
	if !ok {
		return
	}
	s.respondTask(c, t.ID, http.StatusOK)
}

func (s *Server) respondTask(c *gin.Context, id string, status int) {
	ctx := c.Request.Context()
	t, err := s.Store.GetTask(ctx, id)
	if err != nil {
		abort(c, err)
		return
	}
	tl, err := s.Store.TaskTimeline(ctx, id, callerOf(c).scope(kindAlerts))
	if err != nil {
		abort(c, err)
		return
	}
	view := contract.TaskView{Task: *t, Timeline: tl}
	qctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	var live workflows.TaskView
	if err := s.query(qctx, workflows.TaskWorkflowID(id), &live); err != nil {
		view.LiveError = liveError(err)
		s.Logger.Debug("task live state unavailable", zap.String("task_id", id), zap.Error(err))
	} else {
		view.Live = &live
	}
	c.JSON(status, view)
}

// taskCommand runs one task Update and answers with the task.
func (s *Server) taskCommand(c *gin.Context, t *store.Task, name string, arg any) {
	var v workflows.TaskView
	if err := s.update(c, workflows.TaskWorkflowID(t.ID), name, arg, &v); err != nil {
		// A settled task's workflow may have completed: its record says
		// so, in the words its workflow's validators use while it runs.
		var nf *serviceerror.NotFound
		if r := lifecycle.TaskSettled(t.Status); errors.As(err, &nf) && r != nil {
			err = r
		}
		abort(c, err)
		return
	}
	s.respondTask(c, t.ID, http.StatusOK)
}

func (s *Server) submitTaskResult(c *gin.Context) {
	t, ok := s.loadTask(c)
	if !ok {
		return
	}
	var req contract.SubmitResultRequest
	if err := decodeJSON(c, &req); err != nil {
		abort(c, err)
		return
	}
	var errs []contract.FieldError
	checkText(&errs, "text", strings.TrimSpace(req.Text), true, 20000)
	if len(req.Links) > 20 {
		errs = append(errs, fieldError("links", "too_many"))
	}
	for i, l := range req.Links {
		u, err := url.Parse(l)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(l) > 2000 {
			errs = append(errs, fieldErrorMsg(fmt.Sprintf("links[%d]", i), "invalid_url", "Đường dẫn phải là địa chỉ http(s) đầy đủ.", "Links must be absolute http(s) URLs."))
		}
	}
	if len(errs) > 0 {
		abort(c, validationError(errs...))
		return
	}
	s.taskCommand(c, t, workflows.UpdateSubmitResult, workflows.SubmitResultRequest{Text: strings.TrimSpace(req.Text), Links: req.Links, Actor: actor(c)})
}

func (s *Server) reviewTask(c *gin.Context) {
	t, ok := s.loadTask(c)
	if !ok {
		return
	}
	var req contract.ReviewRequest
	if err := decodeJSON(c, &req); err != nil {
		abort(c, err)
		return
	}
	// The rule the task's workflow checks again.
	errs := contractFields(lifecycle.ValidateReview(req.Decision, req.Reason))
	if len(errs) == 0 || errs[0].Field != "reason" {
		checkText(&errs, "reason", strings.TrimSpace(req.Reason), false, 2000)
	}
	if len(errs) > 0 {
		abort(c, validationError(errs...))
		return
	}
	s.taskCommand(c, t, workflows.UpdateReview, workflows.ReviewRequest{Decision: req.Decision, Reason: strings.TrimSpace(req.Reason), Actor: actor(c)})
}

func (s *Server) requestExtension(c *gin.Context) {
	t, ok := s.loadTask(c)
	if !ok {
		return
	}
	var req contract.ExtensionRequest
	if err := decodeJSON(c, &req); err != nil {
		abort(c, err)
		return
	}
	var errs []contract.FieldError
	checkText(&errs, "reason", strings.TrimSpace(req.Reason), true, 2000)
	if checkTimestamp(req.ProposedDueAt, "proposed_due_at", true, &errs) {
		// The rule the task's workflow checks again on its live deadline.
		errs = append(errs, contractFields(lifecycle.LaterDeadline("proposed_due_at", req.ProposedDueAt.Time, t.DueAt, s.now()))...)
	}
	if len(errs) > 0 {
		abort(c, validationError(errs...))
		return
	}
	s.taskCommand(c, t, workflows.UpdateRequestExtension, workflows.ExtensionRequest{Reason: strings.TrimSpace(req.Reason), ProposedDueAt: req.ProposedDueAt.Time, Actor: actor(c)})
}

func (s *Server) decideExtension(c *gin.Context) {
	t, ok := s.loadTask(c)
	if !ok {
		return
	}
	var req contract.ExtensionDecisionRequest
	if err := decodeJSON(c, &req); err != nil {
		abort(c, err)
		return
	}
	var errs []contract.FieldError
	if req.Approve == nil {
		errs = append(errs, fieldError("approve", "required"))
	}
	var due *time.Time
	if checkTimestamp(req.DueAt, "due_at", false, &errs) && req.Approve != nil && *req.Approve {
		// The workflow checks again that the deadline is in the future
		// (lifecycle.InFuture, the first half of this rule).
		errs = append(errs, contractFields(lifecycle.LaterDeadline("due_at", req.DueAt.Time, t.DueAt, s.now()))...)
		d := req.DueAt.Time
		due = &d
	}
	checkText(&errs, "note", req.Note, false, 2000)
	if len(errs) > 0 {
		abort(c, validationError(errs...))
		return
	}
	s.taskCommand(c, t, workflows.UpdateDecideExtension, workflows.ExtensionDecision{Approve: *req.Approve, DueAt: due, Note: strings.TrimSpace(req.Note), Actor: actor(c)})
}

func (s *Server) reassignTask(c *gin.Context) {
	t, ok := s.loadTask(c)
	if !ok {
		return
	}
	var req contract.ReassignRequest
	if err := decodeJSON(c, &req); err != nil {
		abort(c, err)
		return
	}
	var errs []contract.FieldError
	a := domain.Assignee{UnitID: t.AssigneeUnitID}
	if req.Assignee == nil {
		errs = append(errs, fieldError("assignee", "required"))
	} else {
		a.Agency, a.Officer = strings.TrimSpace(req.Assignee.Agency), strings.TrimSpace(req.Assignee.Officer)
		checkText(&errs, "assignee.agency", a.Agency, true, 300)
		checkText(&errs, "assignee.officer", a.Officer, false, 200)
		if req.Assignee.UnitID != "" {
			uid, err := uuid.Parse(req.Assignee.UnitID)
			if err != nil {
				errs = append(errs, fieldError("assignee.unit_id", "invalid_id"))
			} else if within, err := s.unitWithin(c.Request.Context(), uid.String(), t.UnitID); err != nil {
				abort(c, err)
				return
			} else if !within {
				errs = append(errs, fieldErrorMsg("assignee.unit_id", "unit_outside_scope",
					"Đơn vị được giao phải là đơn vị của nhiệm vụ hoặc đơn vị cấp dưới.", "The assignee's unit must be the task's unit or one below it."))
			} else {
				a.UnitID = uid.String()
			}
		}
	}
	checkText(&errs, "reason", req.Reason, false, 2000)
	if len(errs) == 0 {
		// The rule the workflow's validator applies, on the stored
		// assignee, so the common case is refused here in the same words.
		current := domain.Assignee{UnitID: t.AssigneeUnitID, Agency: t.AssigneeAgency, Officer: t.AssigneeOfficer}
		errs = contractFields(lifecycle.ValidateReassign(current, a))
	}
	if len(errs) > 0 {
		abort(c, validationError(errs...))
		return
	}
	s.taskCommand(c, t, workflows.UpdateReassign, workflows.ReassignRequest{Assignee: a, Reason: strings.TrimSpace(req.Reason), Actor: actor(c)})
}

func (s *Server) cancelTask(c *gin.Context) {
	t, ok := s.loadTask(c)
	if !ok {
		return
	}
	var req contract.CancelTaskRequest
	if err := decodeJSON(c, &req); err != nil {
		abort(c, err)
		return
	}
	var errs []contract.FieldError
	checkText(&errs, "reason", strings.TrimSpace(req.Reason), true, 2000)
	if len(errs) > 0 {
		abort(c, validationError(errs...))
		return
	}
	s.taskCommand(c, t, workflows.UpdateCancelTask, workflows.CancelTaskRequest{Reason: strings.TrimSpace(req.Reason), Actor: actor(c)})
}
