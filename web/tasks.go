package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/doithoai/doithoai/internal/auth"
	"github.com/doithoai/doithoai/internal/contract"
	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/internal/store"
)

// The officer's pages: the tasks a user may see (an officer's own, a
// supervisor's subtree), one task with its timeline, and the commands on
// it — submit a result, ask for an extension, decide one, review a result.
// The API decides who may do what; the page offers a form where the role
// and the task's state make it useful.

// taskStatusFilters are the filters of the task list, the first the default.
var taskStatusFilters = []string{"open", "overdue", "submitted", "done", "all"}

// taskItem is a task as the task pages show it.
type taskItem struct{ store.Task }

// taskItems wraps a page of tasks.
func taskItems(ts []store.Task) []taskItem {
	out := make([]taskItem, len(ts))
	for i, t := range ts {
		out[i] = taskItem{t}
	}
	return out
}

// Open says whether the task still waits for something (not done or
// cancelled).
func (t taskItem) Open() bool {
	return t.Status != domain.TaskDone && t.Status != domain.TaskCancelled
}

// IsOverdue is an open task past its deadline.
func (t taskItem) IsOverdue() bool { return t.Overdue && t.Open() }

// ExtensionPending says whether an extension request awaits a decision.
func (t taskItem) ExtensionPending() bool {
	return t.Extension != nil && t.Extension.Status == "pending" && t.Open()
}

// DeadlineChanged says whether the deadline differs from the original.
func (t taskItem) DeadlineChanged() bool {
	return !t.OriginalDueAt.IsZero() && !t.OriginalDueAt.Equal(t.DueAt)
}

// taskListData is the task list page.
type taskListData struct {
	Mine     bool
	Status   string
	Filters  []string
	Tasks    []taskItem
	Total    int
	Overdue  int
	From, To int
	Prev     string
	Next     string
}

const taskPageSize = 100

func (s *Server) taskList(c *gin.Context, v *view) {
	status := c.Query("status")
	if !containsString(taskStatusFilters, status) {
		status = taskStatusFilters[0]
	}
	offset, _ := strconv.Atoi(c.Query("offset"))
	offset = max(offset, 0)
	q := url.Values{"limit": {strconv.Itoa(taskPageSize)}, "offset": {strconv.Itoa(offset)}}
	if status != "all" {
		q.Set("status", status)
	}
	var page contract.TaskPage
	if e := s.get(c, v, "/api/v1/tasks", q, &page); e != nil {
		s.failed(c, v, e)
		return
	}
	// The API sorts by deadline; keep it so whatever comes.
	sort.SliceStable(page.Items, func(i, j int) bool { return page.Items[i].DueAt.Before(page.Items[j].DueAt) })
	d := taskListData{
		Mine:    v.Has(auth.RoleOfficer),
		Status:  status,
		Filters: taskStatusFilters,
		Tasks:   taskItems(page.Items),
		Total:   page.Total,
		Overdue: page.Overdue,
		From:    offset + 1,
		To:      offset + len(page.Items),
	}
	link := func(off int) string {
		return "/tasks?" + url.Values{"status": {status}, "offset": {strconv.Itoa(off)}}.Encode()
	}
	if offset > 0 {
		d.Prev = link(max(offset-taskPageSize, 0))
	}
	if offset+len(page.Items) < page.Total {
		d.Next = link(offset + taskPageSize)
	}
	v.Title = "task.title_all"
	if d.Mine {
		v.Title = "task.title_mine"
	}
	v.Data = d
	s.render(c, http.StatusOK, "tasks", v)
}

// taskDetailData is the task page.
type taskDetailData struct {
	Task         taskItem
	Timeline     []timelineRow
	AssigneeUnit string
	LiveError    bool
	// What the page offers to this user in the task's current state.
	CanSubmit, CanExtend, CanDecide, CanReview, SeesDialogue bool
	// CanRemark offers the people's inspection board its remark form;
	// Remarks are the board's remarks on the task.
	CanRemark bool
	Remarks   []store.Remark
	// ProposedInput is the proposed deadline as a datetime-local value.
	ProposedInput string
}

// timelineRow is a timeline entry as the page shows it.
type timelineRow struct {
	At     time.Time
	Kind   string // event, alert, reminder, notice
	Label  string
	Detail string
	Actor  string
	Ref    string
}

func (s *Server) taskDetail(c *gin.Context, v *view) {
	s.renderTask(c, v, http.StatusOK)
}

// renderTask reads the task of the URL and renders its page with status
// (a form's errors, if any, are already in v).
func (s *Server) renderTask(c *gin.Context, v *view, status int) {
	id := c.Param("id")
	var t contract.TaskView
	if e := s.get(c, v, "/api/v1/tasks/"+url.PathEscape(id), nil, &t); e != nil {
		s.failed(c, v, e)
		return
	}
	d := taskDetailData{Task: taskItem{t.Task}, LiveError: t.LiveError != ""}
	for _, e := range t.Timeline {
		d.Timeline = append(d.Timeline, timelineRowOf(v, e))
	}
	if t.AssigneeUnitID != "" {
		var u store.Unit
		if s.get(c, v, "/api/v1/units/"+url.PathEscape(t.AssigneeUnitID), nil, &u) == nil {
			d.AssigneeUnit = u.Name
		}
	}
	working := t.Status == domain.TaskAssigned || t.Status == domain.TaskInProgress
	d.CanSubmit = v.Has(auth.RoleOfficer) && working
	d.CanExtend = v.Has(auth.RoleOfficer) && working && !d.Task.ExtensionPending()
	d.CanDecide = (v.Has(auth.RolePlanner) || v.Has(auth.RoleHost)) && d.Task.ExtensionPending()
	d.CanReview = (v.Has(auth.RoleMTTQ) || v.Has(auth.RolePlanner)) && t.Status == domain.TaskSubmitted
	d.SeesDialogue = v.Has(auth.RolePlanner) || v.Has(auth.RoleHost) || v.Has(auth.RoleMonitor) || v.Has(auth.RoleMTTQ) || v.Has(auth.RoleBoard)
	d.CanRemark = v.Has(auth.RoleBoard)
	var remarks contract.Page[store.Remark]
	if s.get(c, v, "/api/v1/tasks/"+url.PathEscape(id)+"/remarks", nil, &remarks) == nil {
		d.Remarks = remarks.Items
	}
	if t.Extension != nil {
		d.ProposedInput = v.InputTime(t.Extension.ProposedDueAt)
	}
	v.Title = "task.details"
	v.Data = d
	s.render(c, status, "task", v)
}

// timelineRowOf labels a timeline entry in the page language.
func timelineRowOf(v *view, e store.TimelineEntry) timelineRow {
	row := timelineRow{At: e.At, Kind: e.Type, Actor: e.Actor, Ref: e.Ref}
	text := e.Text
	if v.Lang == "en" && e.TextEN != "" {
		text = e.TextEN
	}
	if label := v.T("task.tl." + e.Action); !strings.HasPrefix(label, "!") {
		row.Label = label
	} else if text != "" {
		row.Label, text = text, ""
	} else {
		row.Label = e.Action
	}
	var details []string
	if text != "" {
		details = append(details, text)
	}
	var data map[string]any
	if len(e.Data) > 0 && json.Unmarshal(e.Data, &data) == nil {
		if r, ok := data["reason"].(string); ok && r != "" {
			details = append(details, v.T("task.tl_detail_reason", r))
		}
		if n, ok := data["content"].(string); ok && n != "" && e.Action == "task.remark" {
			details = append(details, n)
		}
		if n, ok := data["note"].(string); ok && n != "" {
			details = append(details, v.T("task.tl_detail_note", n))
		}
		for _, k := range []string{"new_due_at", "proposed_due_at"} {
			if ts, ok := data[k].(string); ok && ts != "" {
				if s := v.DateTime(ts); s != "" {
					details = append(details, v.T("task.tl_detail_due", s))
					break
				}
			}
		}
		if e.Type == "event" && e.Action == "task.escalated" {
			if lv, ok := data["level"]; ok {
				details = append(details, v.T("task.tl_detail_level", lv))
			}
		}
	}
	row.Detail = strings.Join(details, " · ")
	return row
}

// deadlineFromInput reads a datetime-local value (Vietnam time) as
// RFC 3339; ok is false for a value that is not one.
func deadlineFromInput(s string) (string, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, domain.Location); err == nil {
			return t.Format(time.RFC3339), true
		}
	}
	return "", false
}

// keepRefusedForm prepares the re-rendered form after the API refused a
// command: field errors next to their fields (rename maps API fields to
// form fields), a state conflict as the form's message, what the user typed
// kept. It reports the status to render with, or 0 when the refusal is not
// about the form (then the caller shows the error page).
func keepRefusedForm(c *gin.Context, v *view, e *contract.Error, rename func(string) string) int {
	switch e.Status {
	case http.StatusBadRequest, http.StatusUnprocessableEntity:
		v.Form = c.Request.PostForm
		v.Errors = fieldErrors(e, v.Lang, rename)
		v.FormError = v.T("err.form")
		if len(e.Fields) == 0 {
			v.FormError = e.Msg(v.Lang)
		}
		return http.StatusUnprocessableEntity
	case http.StatusConflict, http.StatusGone, http.StatusTooManyRequests, http.StatusRequestEntityTooLarge:
		v.Form = c.Request.PostForm
		v.FormError = e.Msg(v.Lang)
		return e.Status
	}
	return 0
}

// renameFields maps API field paths to form field names by their first
// segment ("links[2]" → the links field).
func renameFields(m map[string]string) func(string) string {
	return func(f string) string {
		head := f
		if i := strings.IndexAny(f, ".["); i >= 0 {
			head = f[:i]
		}
		if n, ok := m[head]; ok {
			return n
		}
		return f
	}
}

// taskCommand sends a task command of a form; a refused one comes back to
// the form with its errors: on the task page, or on the review queue when
// the form was there (from=reviews), which is also where success goes back
// to.
func (s *Server) taskCommand(c *gin.Context, v *view, apiPath string, body any, rename map[string]string, flash string) {
	id := c.Param("id")
	fromQueue := c.PostForm("from") == "reviews"
	if e := s.call(c, v, http.MethodPost, "/api/v1/tasks/"+url.PathEscape(id)+apiPath, body, nil); e != nil {
		status := keepRefusedForm(c, v, e, renameFields(rename))
		switch {
		case status == 0:
			s.failed(c, v, e)
		case fromQueue:
			s.renderReviews(c, v, status, id)
		default:
			s.renderTask(c, v, status)
		}
		return
	}
	if fromQueue {
		done(c, "/reviews", flash)
		return
	}
	done(c, "/tasks/"+url.PathEscape(id), flash)
}

func (s *Server) taskSubmitResult(c *gin.Context, v *view) {
	links := []string{}
	for line := range strings.SplitSeq(c.PostForm("result_links"), "\n") {
		if l := strings.TrimSpace(line); l != "" {
			links = append(links, l)
		}
	}
	body := contract.SubmitResultRequest{Text: c.PostForm("result_text"), Links: links}
	s.taskCommand(c, v, "/result", body, map[string]string{"text": "result_text", "links": "result_links"}, "task_result")
}

func (s *Server) taskAskExtension(c *gin.Context, v *view) {
	body := contract.ExtensionRequest{Reason: c.PostForm("ext_reason")}
	if raw := c.PostForm("ext_due"); raw != "" {
		due, ok := deadlineFromInput(raw)
		if !ok {
			v.Form = c.Request.PostForm
			v.Errors = map[string]string{"ext_due": v.T("task.err_datetime")}
			v.FormError = v.T("err.form")
			s.renderTask(c, v, http.StatusUnprocessableEntity)
			return
		}
		body.ProposedDueAt = contract.TimestampOf(due)
	}
	s.taskCommand(c, v, "/extension", body, map[string]string{"reason": "ext_reason", "proposed_due_at": "ext_due"}, "task_extension")
}

func (s *Server) taskDecideExtension(c *gin.Context, v *view) {
	body := contract.ExtensionDecisionRequest{Note: c.PostForm("dec_note")}
	switch c.PostForm("dec_approve") {
	case "yes":
		approve := true
		body.Approve = &approve
	case "no":
		approve := false
		body.Approve = &approve
	}
	if raw := c.PostForm("dec_due"); raw != "" && body.Approve != nil && *body.Approve {
		due, ok := deadlineFromInput(raw)
		if !ok {
			v.Form = c.Request.PostForm
			v.Errors = map[string]string{"dec_due": v.T("task.err_datetime")}
			v.FormError = v.T("err.form")
			if c.PostForm("from") == "reviews" {
				s.renderReviews(c, v, http.StatusUnprocessableEntity, c.Param("id"))
				return
			}
			s.renderTask(c, v, http.StatusUnprocessableEntity)
			return
		}
		body.DueAt = contract.TimestampOf(due)
	}
	s.taskCommand(c, v, "/extension/decision", body, map[string]string{"approve": "dec_approve", "due_at": "dec_due", "note": "dec_note"}, "task_decision")
}

// taskReview accepts or returns a result, from the task page or from the
// review queue.
func (s *Server) taskReview(c *gin.Context, v *view) {
	body := contract.ReviewRequest{Decision: c.PostForm("rev_decision"), Reason: c.PostForm("rev_reason")}
	s.taskCommand(c, v, "/review", body, map[string]string{"decision": "rev_decision", "reason": "rev_reason"}, "task_review")
}

// taskRemark sends the people's inspection board's remark on a task.
func (s *Server) taskRemark(c *gin.Context, v *view) {
	body := contract.RemarkRequest{Content: c.PostForm("remark_content")}
	s.taskCommand(c, v, "/remarks", body, map[string]string{"content": "remark_content"}, "task_remark")
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
