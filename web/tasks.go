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
	"github.com/doithoai/doithoai/internal/domain"
)

// The officer's pages: the tasks a user may see (an officer's own, a
// supervisor's subtree), one task with its timeline, and the commands on
// it — submit a result, ask for an extension, decide one, review a result.
// The API decides who may do what; the page offers a form where the role
// and the task's state make it useful.

func init() {
	registrations = append(registrations, func(s *Server, r *gin.Engine) {
		r.GET("/tasks", s.page(s.taskList))
		r.GET("/tasks/:id", s.page(s.taskDetail))
		r.POST("/tasks/:id/result", s.page(s.taskSubmitResult))
		r.POST("/tasks/:id/extension", s.page(s.taskAskExtension))
		r.POST("/tasks/:id/extension/decision", s.page(s.taskDecideExtension))
		r.POST("/tasks/:id/review", s.page(s.taskReview))
	})
	addMessages(map[string][2]string{
		"task.title_mine":                  {"Nhiệm vụ của tôi", "My tasks"},
		"task.title_all":                   {"Nhiệm vụ", "Tasks"},
		"task.intro_mine":                  {"Các nhiệm vụ được giao cho bạn hoặc đơn vị của bạn, hạn gần nhất trước.", "Tasks assigned to you or your unit, nearest deadline first."},
		"task.intro_all":                   {"Nhiệm vụ sau hội nghị của đơn vị và các đơn vị trực thuộc, hạn gần nhất trước.", "Follow-up tasks of your unit and the units below it, nearest deadline first."},
		"task.overdue_count":               {"%d nhiệm vụ quá hạn", "%d overdue tasks"},
		"task.no_overdue":                  {"Không có nhiệm vụ quá hạn.", "No overdue tasks."},
		"task.filter":                      {"Lọc theo trạng thái", "Filter by status"},
		"task.filter_apply":                {"Lọc", "Filter"},
		"task.f.open":                      {"Đang mở", "Open"},
		"task.f.overdue":                   {"Quá hạn", "Overdue"},
		"task.f.submitted":                 {"Chờ nghiệm thu", "Awaiting review"},
		"task.f.done":                      {"Đã hoàn thành", "Done"},
		"task.f.all":                       {"Tất cả", "All"},
		"task.none":                        {"Không có nhiệm vụ nào.", "No tasks."},
		"task.col_title":                   {"Nhiệm vụ", "Task"},
		"task.col_assignee":                {"Đơn vị/người thực hiện", "Assignee"},
		"task.col_due":                     {"Hạn", "Deadline"},
		"task.col_status":                  {"Trạng thái", "Status"},
		"task.shown":                       {"Hiển thị %d–%d trên %d nhiệm vụ.", "Showing %d–%d of %d tasks."},
		"task.prev":                        {"← Trang trước", "← Previous"},
		"task.next":                        {"Trang sau →", "Next →"},
		"task.badge_overdue":               {"Quá hạn", "Overdue"},
		"task.badge_late":                  {"Trễ hạn", "Late"},
		"task.badge_ext_pending":           {"Chờ gia hạn", "Extension pending"},
		"task.status.assigned":             {"Đã giao", "Assigned"},
		"task.status.in_progress":          {"Đang thực hiện", "In progress"},
		"task.status.submitted":            {"Đã báo cáo, chờ nghiệm thu", "Submitted, awaiting review"},
		"task.status.done":                 {"Đã hoàn thành", "Done"},
		"task.status.cancelled":            {"Đã hủy", "Cancelled"},
		"task.back":                        {"← Danh sách nhiệm vụ", "← All tasks"},
		"task.details":                     {"Thông tin nhiệm vụ", "Task details"},
		"task.dialogue":                    {"Hội nghị", "Dialogue"},
		"task.dialogue_link":               {"Xem hội nghị", "View the dialogue"},
		"task.assignee":                    {"Đơn vị thực hiện", "Assigned to"},
		"task.officer":                     {"Cán bộ thực hiện", "Officer"},
		"task.monitor":                     {"Người theo dõi", "Monitor"},
		"task.due":                         {"Hạn hoàn thành", "Deadline"},
		"task.original_due":                {"Hạn ban đầu", "Original deadline"},
		"task.status":                      {"Trạng thái", "Status"},
		"task.escalation":                  {"Bậc cảnh báo", "Escalation level"},
		"task.escalation_none":             {"Chưa cảnh báo", "Not escalated"},
		"task.assigned_at":                 {"Ngày giao", "Assigned"},
		"task.description":                 {"Nội dung", "Description"},
		"task.returned_count":              {"Số lần bị trả lại", "Times returned"},
		"task.cancel_reason":               {"Lý do hủy", "Cancellation reason"},
		"task.result":                      {"Kết quả đã báo cáo", "Reported result"},
		"task.result_by":                   {"Báo cáo bởi %s lúc %s", "Reported by %s at %s"},
		"task.result_returned":             {"Kết quả bị trả lại, lý do: %s", "The result was returned; reason: %s"},
		"task.links":                       {"Tài liệu kèm theo", "Attached links"},
		"task.extension":                   {"Đề nghị gia hạn", "Extension request"},
		"task.ext_proposed":                {"Hạn đề nghị", "Proposed deadline"},
		"task.ext_reason":                  {"Lý do", "Reason"},
		"task.ext_requested":               {"Đề nghị bởi %s lúc %s", "Requested by %s at %s"},
		"task.ext.pending":                 {"Đang chờ quyết định", "Awaiting decision"},
		"task.ext.approved":                {"Đã đồng ý", "Approved"},
		"task.ext.denied":                  {"Không đồng ý", "Refused"},
		"task.ext_decided":                 {"Quyết định bởi %s lúc %s", "Decided by %s at %s"},
		"task.ext_new_due":                 {"Hạn mới", "New deadline"},
		"task.ext_note":                    {"Ghi chú", "Note"},
		"task.timeline":                    {"Diễn biến", "Timeline"},
		"task.timeline_empty":              {"Chưa có diễn biến.", "Nothing has happened yet."},
		"task.tl_when":                     {"Thời gian", "When"},
		"task.tl_what":                     {"Sự việc", "What"},
		"task.tl_who":                      {"Người thực hiện", "Who"},
		"task.tl_system":                   {"Hệ thống", "System"},
		"task.form_result":                 {"Báo cáo kết quả", "Report the result"},
		"task.result_text":                 {"Kết quả thực hiện", "What was done"},
		"task.result_links":                {"Đường dẫn tài liệu (mỗi dòng một địa chỉ http/https)", "Links to documents (one http/https address per line)"},
		"task.submit_result":               {"Gửi kết quả", "Submit the result"},
		"task.form_extension":              {"Xin gia hạn", "Ask for an extension"},
		"task.ext_due_input":               {"Hạn mới đề nghị (giờ Việt Nam)", "Proposed new deadline (Vietnam time)"},
		"task.ext_reason_input":            {"Lý do xin gia hạn", "Reason for the extension"},
		"task.ask_extension":               {"Gửi đề nghị gia hạn", "Send the request"},
		"task.form_decision":               {"Quyết định gia hạn", "Decide the extension"},
		"task.dec_due_input":               {"Hạn mới (để trống để dùng hạn đề nghị)", "New deadline (leave empty to use the proposed one)"},
		"task.dec_note_input":              {"Ghi chú", "Note"},
		"task.approve":                     {"Đồng ý gia hạn", "Approve"},
		"task.refuse":                      {"Không đồng ý", "Refuse"},
		"task.form_review":                 {"Nghiệm thu kết quả", "Review the result"},
		"task.rev_reason_input":            {"Lý do trả lại (bắt buộc khi trả lại)", "Reason for returning it (required to return)"},
		"task.accept":                      {"Nghiệm thu", "Accept"},
		"task.return":                      {"Trả lại", "Return"},
		"task.confirm_accept":              {"Nghiệm thu kết quả này?", "Accept this result?"},
		"task.err_datetime":                {"Ngày giờ không hợp lệ.", "Not a valid date and time."},
		"task.live_unavailable":            {"Không đọc được trạng thái trực tiếp của quy trình; thông tin dưới đây lấy từ cơ sở dữ liệu.", "The workflow's live state could not be read; what follows comes from the database."},
		"task.tl.task.assigned":            {"Giao nhiệm vụ", "Task assigned"},
		"task.tl.task.in_progress":         {"Bắt đầu thực hiện", "Work started"},
		"task.tl.task.result_submitted":    {"Báo cáo kết quả", "Result submitted"},
		"task.tl.task.accepted":            {"Kết quả được nghiệm thu", "Result accepted"},
		"task.tl.task.returned":            {"Kết quả bị trả lại", "Result returned"},
		"task.tl.task.extension_requested": {"Đề nghị gia hạn", "Extension requested"},
		"task.tl.task.extension_approved":  {"Đồng ý gia hạn", "Extension approved"},
		"task.tl.task.extension_denied":    {"Không đồng ý gia hạn", "Extension refused"},
		"task.tl.task.reassigned":          {"Giao lại", "Reassigned"},
		"task.tl.task.cancelled":           {"Hủy nhiệm vụ", "Task cancelled"},
		"task.tl.task.escalated":           {"Chuyển bậc cảnh báo", "Escalated"},
		"task.tl.alert.acknowledged":       {"Cảnh báo đã được xác nhận", "Alert acknowledged"},
		"task.tl.task_overdue":             {"Cảnh báo quá hạn", "Overdue alert"},
		"task.tl.reminder":                 {"Nhắc hạn", "Reminder"},
		"task.tl.notice":                   {"Thông báo", "Notice"},
		"ok.task_result":                   {"Đã gửi kết quả.", "The result was submitted."},
		"ok.task_extension":                {"Đã gửi đề nghị gia hạn.", "The extension request was sent."},
		"ok.task_decision":                 {"Đã ghi quyết định gia hạn.", "The extension decision was recorded."},
		"ok.task_review":                   {"Đã ghi kết quả nghiệm thu.", "The review was recorded."},
		"task.tl_detail_reason":            {"Lý do: %s", "Reason: %s"},
		"task.tl_detail_note":              {"Ghi chú: %s", "Note: %s"},
		"task.tl_detail_level":             {"Bậc %v", "Level %v"},
		"task.tl_detail_due":               {"Hạn: %s", "Deadline: %s"},
		"task.escalation_level":            {"Bậc %d", "Level %d"},
		"task.actions":                     {"Thao tác", "Actions"},
		"task.result_none":                 {"Chưa có kết quả.", "No result yet."},
		"task.dialogue_report":             {"Báo cáo giám sát của hội nghị", "The dialogue's supervision report"},
		"task.deadline_hint":               {"Giờ Việt Nam (GMT+7)", "Vietnam time (GMT+7)"},
		"task.submitted_at":                {"Ngày báo cáo", "Submitted"},
		"task.completed_at":                {"Ngày hoàn thành", "Completed"},
		"task.list_caption":                {"Danh sách nhiệm vụ, sắp xếp theo hạn", "Tasks, by deadline"},
		"task.timeline_caption":            {"Diễn biến của nhiệm vụ, cũ trước", "What happened to the task, oldest first"},
		"task.rev_hint":                    {"Nghiệm thu nếu kết quả đạt; trả lại kèm lý do nếu chưa đạt.", "Accept a satisfactory result; return it with a reason otherwise."},
		"task.dec_hint":                    {"Người chủ trì hoặc cán bộ lập kế hoạch quyết định đề nghị gia hạn.", "The host or the planner decides the extension request."},
		"task.ext_hint":                    {"Hạn mới phải sau hạn hiện tại.", "The new deadline must be after the current one."},
		"task.result_hint":                 {"Mô tả việc đã làm; MTTQ hoặc cán bộ lập kế hoạch sẽ nghiệm thu.", "Describe what was done; MTTQ or the planner will review it."},
	})
}

// taskStatusFilters are the filters of the task list, the first the default.
var taskStatusFilters = []string{"open", "overdue", "submitted", "done", "all"}

// taskJSON is a task as the API answers it.
type taskJSON struct {
	ID              string             `json:"id"`
	DialogueID      string             `json:"dialogue_id"`
	PlanID          string             `json:"plan_id"`
	UnitID          string             `json:"unit_id"`
	AssigneeUnitID  string             `json:"assignee_unit_id"`
	Title           string             `json:"title"`
	Description     string             `json:"description"`
	AssigneeAgency  string             `json:"assignee_agency"`
	AssigneeOfficer string             `json:"assignee_officer"`
	Monitor         string             `json:"monitor"`
	Status          string             `json:"status"`
	Overdue         bool               `json:"overdue"`
	EscalationLevel int                `json:"escalation_level"`
	AssignedAt      time.Time          `json:"assigned_at"`
	DueAt           time.Time          `json:"due_at"`
	OriginalDueAt   time.Time          `json:"original_due_at"`
	Extension       *taskExtensionJSON `json:"extension"`
	Result          *taskResultJSON    `json:"result"`
	SubmittedAt     *time.Time         `json:"submitted_at"`
	Late            bool               `json:"late"`
	ReturnedCount   int                `json:"returned_count"`
	CompletedAt     *time.Time         `json:"completed_at"`
	CancelReason    string             `json:"cancel_reason"`
}

// Open says whether the task still waits for something (not done or
// cancelled).
func (t taskJSON) Open() bool {
	return t.Status != domain.TaskDone && t.Status != domain.TaskCancelled
}

// IsOverdue is an open task past its deadline.
func (t taskJSON) IsOverdue() bool { return t.Overdue && t.Open() }

// ExtensionPending says whether an extension request awaits a decision.
func (t taskJSON) ExtensionPending() bool {
	return t.Extension != nil && t.Extension.Status == "pending" && t.Open()
}

// DeadlineChanged says whether the deadline differs from the original.
func (t taskJSON) DeadlineChanged() bool {
	return !t.OriginalDueAt.IsZero() && !t.OriginalDueAt.Equal(t.DueAt)
}

type taskExtensionJSON struct {
	Reason        string     `json:"reason"`
	ProposedDueAt time.Time  `json:"proposed_due_at"`
	RequestedBy   string     `json:"requested_by"`
	RequestedAt   time.Time  `json:"requested_at"`
	Status        string     `json:"status"`
	DecidedBy     string     `json:"decided_by"`
	DecidedAt     *time.Time `json:"decided_at"`
	NewDueAt      *time.Time `json:"new_due_at"`
	DecisionNote  string     `json:"decision_note"`
}

type taskResultJSON struct {
	Text         string    `json:"text"`
	Links        []string  `json:"links"`
	SubmittedBy  string    `json:"submitted_by"`
	SubmittedAt  time.Time `json:"submitted_at"`
	ReturnReason string    `json:"return_reason"`
}

// taskPageJSON is GET /api/v1/tasks.
type taskPageJSON struct {
	Items   []taskJSON `json:"items"`
	Total   int        `json:"total"`
	Limit   int        `json:"limit"`
	Offset  int        `json:"offset"`
	Overdue int        `json:"overdue"`
}

// taskViewJSON is GET /api/v1/tasks/{id}.
type taskViewJSON struct {
	taskJSON
	Timeline  []timelineJSON `json:"timeline"`
	LiveError string         `json:"live_error"`
}

type timelineJSON struct {
	At     time.Time       `json:"at"`
	Type   string          `json:"type"`
	Action string          `json:"action"`
	Actor  string          `json:"actor"`
	Text   string          `json:"text"`
	TextEN string          `json:"text_en"`
	Data   json.RawMessage `json:"data"`
	Ref    string          `json:"ref"`
}

// taskListData is the task list page.
type taskListData struct {
	Mine     bool
	Status   string
	Filters  []string
	Tasks    []taskJSON
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
	var page taskPageJSON
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
		Tasks:   page.Items,
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
	Task         taskJSON
	Timeline     []timelineRow
	AssigneeUnit string
	LiveError    bool
	// What the page offers to this user in the task's current state.
	CanSubmit, CanExtend, CanDecide, CanReview, SeesDialogue bool
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
	var t taskViewJSON
	if e := s.get(c, v, "/api/v1/tasks/"+url.PathEscape(id), nil, &t); e != nil {
		s.failed(c, v, e)
		return
	}
	d := taskDetailData{Task: t.taskJSON, LiveError: t.LiveError != ""}
	for _, e := range t.Timeline {
		d.Timeline = append(d.Timeline, timelineRowOf(v, e))
	}
	if t.AssigneeUnitID != "" {
		var u unitJSON
		if s.get(c, v, "/api/v1/units/"+url.PathEscape(t.AssigneeUnitID), nil, &u) == nil {
			d.AssigneeUnit = u.Name
		}
	}
	working := t.Status == domain.TaskAssigned || t.Status == domain.TaskInProgress
	d.CanSubmit = v.Has(auth.RoleOfficer) && working
	d.CanExtend = v.Has(auth.RoleOfficer) && working && !t.ExtensionPending()
	d.CanDecide = (v.Has(auth.RolePlanner) || v.Has(auth.RoleHost)) && t.ExtensionPending()
	d.CanReview = (v.Has(auth.RoleMTTQ) || v.Has(auth.RolePlanner)) && t.Status == domain.TaskSubmitted
	d.SeesDialogue = v.Has(auth.RolePlanner) || v.Has(auth.RoleHost) || v.Has(auth.RoleMonitor) || v.Has(auth.RoleMTTQ)
	if t.Extension != nil {
		d.ProposedInput = v.InputTime(t.Extension.ProposedDueAt)
	}
	v.Title = "task.details"
	v.Data = d
	s.render(c, status, "task", v)
}

// timelineRowOf labels a timeline entry in the page language.
func timelineRowOf(v *view, e timelineJSON) timelineRow {
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
func keepRefusedForm(c *gin.Context, v *view, e *apiError, rename func(string) string) int {
	switch e.Status {
	case http.StatusBadRequest, http.StatusUnprocessableEntity:
		v.Form = c.Request.PostForm
		v.Errors = e.FieldErrors(v.Lang, rename)
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
	body := map[string]any{"text": c.PostForm("result_text"), "links": links}
	s.taskCommand(c, v, "/result", body, map[string]string{"text": "result_text", "links": "result_links"}, "task_result")
}

func (s *Server) taskAskExtension(c *gin.Context, v *view) {
	body := map[string]any{"reason": c.PostForm("ext_reason")}
	if raw := c.PostForm("ext_due"); raw != "" {
		due, ok := deadlineFromInput(raw)
		if !ok {
			v.Form = c.Request.PostForm
			v.Errors = map[string]string{"ext_due": v.T("task.err_datetime")}
			v.FormError = v.T("err.form")
			s.renderTask(c, v, http.StatusUnprocessableEntity)
			return
		}
		body["proposed_due_at"] = due
	}
	s.taskCommand(c, v, "/extension", body, map[string]string{"reason": "ext_reason", "proposed_due_at": "ext_due"}, "task_extension")
}

func (s *Server) taskDecideExtension(c *gin.Context, v *view) {
	body := map[string]any{"note": c.PostForm("dec_note")}
	switch c.PostForm("dec_approve") {
	case "yes":
		body["approve"] = true
	case "no":
		body["approve"] = false
	}
	if raw := c.PostForm("dec_due"); raw != "" && body["approve"] == true {
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
		body["due_at"] = due
	}
	s.taskCommand(c, v, "/extension/decision", body, map[string]string{"approve": "dec_approve", "due_at": "dec_due", "note": "dec_note"}, "task_decision")
}

// taskReview accepts or returns a result, from the task page or from the
// review queue.
func (s *Server) taskReview(c *gin.Context, v *view) {
	body := map[string]any{"decision": c.PostForm("rev_decision"), "reason": c.PostForm("rev_reason")}
	s.taskCommand(c, v, "/review", body, map[string]string{"decision": "rev_decision", "reason": "rev_reason"}, "task_review")
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
