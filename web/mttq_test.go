package web_test

import (
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/doithoai/doithoai/devkit/testenv"
	"github.com/doithoai/doithoai/internal/auth"
	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/web"
)

// mtPages is a signed-in (or anonymous) browser of the env's pages: it
// keeps the session cookie, does not follow redirects, and sends form
// posts with the page's form token from the same origin.
type mtPages struct {
	t    *testing.T
	base string
	c    *http.Client
}

func mtBrowse(t *testing.T, env *testenv.Env, p *auth.Principal) *mtPages {
	t.Helper()
	if p == nil {
		return &mtPages{t: t, base: env.BaseURL, c: &http.Client{Timeout: 60 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	}
	return &mtPages{t: t, base: env.BaseURL, c: env.PageClient(t, *p)}
}

// get answers a page's status, body and headers.
func (b *mtPages) get(path string) (int, string, http.Header) {
	b.t.Helper()
	resp, err := b.c.Get(b.base + path)
	if err != nil {
		b.t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatalf("read %s: %v", path, err)
	}
	return resp.StatusCode, string(body), resp.Header
}

// page reads a page that must answer want.
func (b *mtPages) page(path string, want int) string {
	b.t.Helper()
	status, body, _ := b.get(path)
	if status != want {
		b.t.Fatalf("GET %s: status %d, want %d:\n%s", path, status, want, mtExcerpt(body))
	}
	return body
}

var mtCSRF = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// post sends a form (with the form token of the page formPage, when given)
// and answers status, body and the redirect target.
func (b *mtPages) post(formPage, path string, form url.Values) (int, string, string) {
	b.t.Helper()
	if formPage != "" {
		m := mtCSRF.FindStringSubmatch(b.page(formPage, http.StatusOK))
		if m == nil {
			b.t.Fatalf("no form token on %s", formPage)
		}
		form.Set("csrf", m[1])
	}
	req, err := http.NewRequest(http.MethodPost, b.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", b.base)
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), resp.Header.Get("Location")
}

// postOK sends a form that must succeed with a redirect to a path starting
// with to.
func (b *mtPages) postOK(formPage, path string, form url.Values, to string) {
	b.t.Helper()
	status, body, loc := b.post(formPage, path, form)
	if status != http.StatusSeeOther || !strings.HasPrefix(loc, to) {
		b.t.Fatalf("POST %s: %d → %q, want 303 → %s…:\n%s", path, status, loc, to, mtExcerpt(body))
	}
}

var mtKeyLeak = regexp.MustCompile(`![a-z_]+\.[a-z0-9_.]+`)

// english reads a page in English and checks no text key shows untranslated.
func (b *mtPages) english(path string, want int) string {
	b.t.Helper()
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	body := b.page(path+sep+"lang=en", want)
	if k := mtKeyLeak.FindString(body); k != "" {
		b.t.Errorf("%s in English shows the key %s", path, k)
	}
	if !strings.Contains(body, `<html lang="en">`) {
		b.t.Errorf("%s?lang=en is not in English", path)
	}
	// Back to Vietnamese for what follows.
	b.page(path+sep+"lang=vi", want)
	return body
}

func mtExcerpt(s string) string {
	if i := strings.Index(s, `<main`); i >= 0 {
		s = s[i:]
	}
	if len(s) > 3000 {
		s = s[:3000] + "…"
	}
	return s
}

func mtContains(t *testing.T, where, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("%s lacks %q:\n%s", where, w, mtExcerpt(body))
		}
	}
}

func mtStatus(t *testing.T, r *testenv.Response, want int, what string) {
	t.Helper()
	if r.Status != want {
		t.Fatalf("%s: status %d, want %d: %s", what, r.Status, want, r.Body)
	}
}

func mtWait(t *testing.T, within time.Duration, what string, fn func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !fn() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", within, what)
		}
		time.Sleep(150 * time.Millisecond)
	}
}

type mtTask struct {
	ID       string `json:"id"`
	Title    string `json:"title"`
	Status   string `json:"status"`
	Overdue  bool   `json:"overdue"`
	DueAt    string `json:"due_at"`
	Assignee string `json:"assignee_agency"`
}

// TestOfficerMTTQAndRespondentPages drives one dialogue through its
// survey, session and follow-up with the pages of respondents, officers and
// MTTQ: the public survey form while open and closed, the officer's task
// list (sorted, overdue counted) and result form, the alert board and its
// acknowledgement, the review queue, the report page with its charts and
// exports, the units page, English everywhere, and another ward's officer
// kept out.
func TestOfficerMTTQAndRespondentPages(t *testing.T) {
	env := testenv.Start(t, testenv.Options{Quiet: true})
	admin := env.NewClient(t)
	city := admin.CreateUnit("Thành phố Hà Nội", "province", "")
	staff := admin.As(testenv.Staff(city))
	district := staff.CreateUnit("Quận Đống Đa", "district", city)
	wardA := staff.CreateUnit("Phường Láng Thượng", "commune", district)
	wardB := staff.CreateUnit("Phường Ô Chợ Dừa", "commune", district)

	plannerP := testenv.User("lan", district, auth.RolePlanner)
	mttqP := testenv.User("mttq.dongda", district, auth.RoleMTTQ)
	officerP := testenv.User("duc", wardA, auth.RoleOfficer)
	strangerP := testenv.User("hoa", wardB, auth.RoleOfficer)
	adminP := testenv.User("admin.dongda", district, auth.RoleAdmin)
	planner := admin.As(plannerP)
	mttqAPI := admin.As(mttqP)

	// A plan whose dialogue's survey opens in about a second and stays open
	// about eight.
	at := time.Now().Add(12 * time.Second).Truncate(time.Second)
	r := planner.Do(http.MethodPost, "/api/v1/plans", map[string]any{
		"unit_id": district, "year": at.In(domain.Location).Year(), "reference_no": "88-KH/QU", "issuing_body": "Quận ủy Đống Đa",
		"policy": map[string]any{
			"survey_lead": "PT11S", "survey_close": "PT3S", "session_grace": "PT1H", "supervision_within": "P1D",
			"reminder_offsets": []string{"PT3S"},
			"escalation": []map[string]any{
				{"after_working_days": 0, "recipients": []string{"assignee", "monitor"}},
				{"after": "PT2S", "recipients": []string{"mttq"}},
			},
		},
		"dialogues": []map[string]any{{"scheduled_at": at.Format(time.RFC3339), "kind": "periodic", "place": "Nhà văn hóa phường",
			"hosts": []map[string]any{{"name": "Nguyễn Văn An", "title": "Bí thư"}}}},
	})
	mtStatus(t, r, http.StatusCreated, "create plan")
	var plan struct {
		ID        string `json:"id"`
		Dialogues []struct {
			ID string `json:"id"`
		} `json:"dialogues"`
	}
	r.Decode(t, &plan)
	dlg := plan.Dialogues[0].ID
	var dv struct {
		Phase      string `json:"phase"`
		SurveyLink *struct {
			Token string `json:"token"`
		} `json:"survey_link"`
	}
	readDialogue := func() {
		r := planner.Do(http.MethodGet, "/api/v1/dialogues/"+dlg, nil)
		mtStatus(t, r, http.StatusOK, "get dialogue")
		r.Decode(t, &dv)
	}
	readDialogue()
	if dv.SurveyLink == nil {
		t.Fatal("the planner sees no survey link")
	}
	surveyPath := "/s/" + dv.SurveyLink.Token

	// --- The respondent, while the survey is open.
	mtWait(t, 20*time.Second, "the survey to open", func() bool { readDialogue(); return dv.Phase == domain.PhaseSurveyOpen })
	anon := mtBrowse(t, env, nil)
	form := anon.page(surveyPath, http.StatusOK)
	mtContains(t, "survey form", form, "Phiếu xin ý kiến", "Quận Đống Đa", "Nhà văn hóa phường", `name="content"`, `maxlength="2000"`,
		`<option value="Môi trường"`, `<option value="Khác"`, `name="answer_id"`)
	if strings.Contains(form, `name="csrf"`) || strings.Contains(form, `href="/tasks"`) || strings.Contains(form, "<nav") {
		t.Error("the public survey form shows a form token or the signed-in navigation")
	}
	anon.english(surveyPath, http.StatusOK)
	answerID := regexp.MustCompile(`name="answer_id" value="([^"]+)"`).FindStringSubmatch(form)
	if answerID == nil {
		t.Fatal("survey form has no answer id")
	}
	// A blank answer comes back with the errors next to the fields.
	status, body, _ := anon.post("", surveyPath, url.Values{"field": {"Môi trường"}, "content": {"  "}, "answer_id": {answerID[1]}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="e-content"`) || !strings.Contains(body, `<option value="Môi trường" selected>`) {
		t.Errorf("blank survey answer: %d\n%s", status, mtExcerpt(body))
	}
	answer := url.Values{"field": {"Môi trường"}, "content": {"Rác tồn đọng ở ngõ 105 nhiều ngày"}, "respondent_name": {"Trần Thị Bình"},
		"respondent_group": {"Tổ dân phố 5"}, "answer_id": {answerID[1]}}
	anon.postOK("", surveyPath, answer, surveyPath+"/done")
	// The same form sent twice counts once.
	anon.postOK("", surveyPath, answer, surveyPath+"/done")
	thanks := anon.page(surveyPath+"/done", http.StatusOK)
	mtContains(t, "thank-you page", thanks, "Cảm ơn bạn đã gửi ý kiến")
	anon.english(surveyPath+"/done", http.StatusOK)
	r = planner.Do(http.MethodGet, "/api/v1/dialogues/"+dlg+"/survey/summary", nil)
	mtStatus(t, r, http.StatusOK, "survey summary")
	var sum struct {
		Total int `json:"total"`
	}
	r.Decode(t, &sum)
	if sum.Total != 1 {
		t.Errorf("survey summary counts %d answers, want 1: %s", sum.Total, r.Body)
	}
	unknown := anon.page("/s/"+strings.Repeat("0", 64), http.StatusNotFound)
	mtContains(t, "unknown survey link", unknown, "Không tìm thấy phiếu xin ý kiến")

	// --- Closed: the link explains when it was open.
	mtWait(t, 20*time.Second, "the survey to close", func() bool { readDialogue(); return dv.Phase == domain.PhaseAwaitingSession })
	closed := anon.page(surveyPath, http.StatusGone)
	mtContains(t, "closed survey", closed, "Phiếu xin ý kiến đã đóng", "Phiếu đã nhận ý kiến từ")
	anon.english(surveyPath, http.StatusGone)
	status, body, _ = anon.post("", surveyPath, answer)
	if status != http.StatusGone || !strings.Contains(body, "Phiếu xin ý kiến đã đóng") {
		t.Errorf("answer to a closed survey: %d\n%s", status, mtExcerpt(body))
	}

	// --- The session, with two tasks for ward A: the later one listed first.
	due := time.Now().Add(5 * time.Second).Truncate(time.Second)
	assignee := map[string]any{"agency": "UBND phường Láng Thượng", "officer": "Phạm Văn Đức", "unit_id": wardA}
	r = planner.Do(http.MethodPost, "/api/v1/dialogues/"+dlg+"/session", map[string]any{
		"held_at": at.Format(time.RFC3339), "attendance": map[string]any{"total": 90},
		"opinions": []map[string]any{{"field": "Môi trường", "content": "Rác tồn đọng ngõ 105", "source": "survey"},
			{"field": "Giao thông", "content": "Đèn đường hỏng", "source": "floor", "answered_on_spot": true}},
		"conclusions": []map[string]any{{"content": "Giao UBND phường xử lý", "tasks": []map[string]any{
			{"title": "Sửa đèn đường ngõ 40", "assignee": assignee, "due_at": due.Add(time.Hour).Format(time.RFC3339)},
			{"title": "Thu gom rác ngõ 105", "assignee": assignee, "monitor": "Đ/c Hoàng", "due_at": due.Format(time.RFC3339)},
		}}},
	})
	mtStatus(t, r, http.StatusOK, "record session")
	r = planner.Do(http.MethodGet, "/api/v1/tasks?dialogue_id="+dlg, nil)
	mtStatus(t, r, http.StatusOK, "list tasks")
	var tasks struct {
		Items []mtTask `json:"items"`
	}
	r.Decode(t, &tasks)
	if len(tasks.Items) != 2 {
		t.Fatalf("want 2 tasks: %s", r.Body)
	}
	var rubbish, lamps string
	for _, tk := range tasks.Items {
		if strings.HasPrefix(tk.Title, "Thu gom") {
			rubbish = tk.ID
		} else {
			lamps = tk.ID
		}
	}
	taskOf := func(id string) mtTask {
		r := planner.Do(http.MethodGet, "/api/v1/tasks/"+id, nil)
		mtStatus(t, r, http.StatusOK, "get task")
		var tk mtTask
		r.Decode(t, &tk)
		return tk
	}

	// --- The officer's list: by deadline, the overdue one marked and counted.
	officer := mtBrowse(t, env, &officerP)
	mtWait(t, 20*time.Second, "the task to fall overdue", func() bool { return taskOf(rubbish).Overdue })
	list := officer.page("/tasks", http.StatusOK)
	mtContains(t, "officer's tasks", list, "Nhiệm vụ của tôi", "1 nhiệm vụ quá hạn", `<tr class="overdue" data-task-id="`+rubbish+`"`)
	if i, j := strings.Index(list, "Thu gom rác ngõ 105"), strings.Index(list, "Sửa đèn đường ngõ 40"); i < 0 || j < 0 || i > j {
		t.Errorf("tasks are not sorted by deadline (rubbish at %d, lamps at %d)", i, j)
	}
	officer.english("/tasks", http.StatusOK)
	officer.english("/tasks?status=all", http.StatusOK)

	// The task page and its result form: a blank result comes back.
	taskPath := "/tasks/" + rubbish
	tp := officer.page(taskPath, http.StatusOK)
	mtContains(t, "officer's task page", tp, "Thu gom rác ngõ 105", "UBND phường Láng Thượng", "Đ/c Hoàng", "Diễn biến",
		`action="/tasks/`+rubbish+`/result"`, `action="/tasks/`+rubbish+`/extension"`)
	if strings.Contains(tp, `/review"`) {
		t.Error("the officer is offered the review form")
	}
	officer.english(taskPath, http.StatusOK)
	status, body, _ = officer.post(taskPath, taskPath+"/result", url.Values{"result_text": {"   "}, "result_links": {"https://langthuong.example.vn/anh.jpg"}})
	if status != http.StatusUnprocessableEntity {
		t.Fatalf("blank result: status %d:\n%s", status, mtExcerpt(body))
	}
	mtContains(t, "blank result", body, `id="e-result_text"`, `aria-invalid="true"`, `class="form-error"`,
		"Có lỗi trong biểu mẫu", "https://langthuong.example.vn/anh.jpg")
	mtContains(t, "blank result", body, `<p class="error" id="e-result_text">Trường này là bắt buộc.</p>`)
	// An extension asked in the past is refused next to its field.
	status, body, _ = officer.post(taskPath, taskPath+"/extension", url.Values{"ext_due": {"2020-01-01T08:00"}, "ext_reason": {"Cần thêm xe"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="e-ext_due"`) || !strings.Contains(body, "Cần thêm xe") {
		t.Errorf("extension in the past: %d\n%s", status, mtExcerpt(body))
	}

	// --- MTTQ's alert board: the alert, acknowledged by form.
	mttq := mtBrowse(t, env, &mttqP)
	var alerts struct {
		Items []struct {
			ID     string `json:"id"`
			TaskID string `json:"task_id"`
			Status string `json:"status"`
		} `json:"items"`
	}
	mtWait(t, 20*time.Second, "an alert for the overdue task", func() bool {
		r := mttqAPI.Do(http.MethodGet, "/api/v1/alerts?kind=task_overdue&status=open", nil)
		mtStatus(t, r, http.StatusOK, "list alerts")
		r.Decode(t, &alerts)
		return len(alerts.Items) > 0
	})
	alertID := alerts.Items[0].ID
	board := mttq.page("/alerts", http.StatusOK)
	mtContains(t, "alert board", board, `data-alert-id="`+alertID+`"`, `action="/alerts/`+alertID+`/ack"`, `href="/tasks/`+rubbish+`"`,
		`<template id="alert-row-template">`, `data-stream="/api/v1/alerts/stream"`, `<script src="/static/alerts.js"></script>`, "Quá hạn",
		`data-msg-on="Đang theo dõi trực tiếp"`, `data-msg-off="Mất kết nối, đang thử lại"`)
	mttq.english("/alerts", http.StatusOK)
	mttq.postOK("/alerts", "/alerts/"+alertID+"/ack", url.Values{}, "/alerts?ok=alert_ack")
	r = mttqAPI.Do(http.MethodGet, "/api/v1/alerts?status=acknowledged", nil)
	mtStatus(t, r, http.StatusOK, "acknowledged alerts")
	if !strings.Contains(string(r.Body), alertID) {
		t.Errorf("the alert acknowledged by form is not acknowledged: %s", r.Body)
	}
	mtContains(t, "board after acknowledging", mttq.page("/alerts?ok=alert_ack", http.StatusOK), "Đã xác nhận cảnh báo.")
	status, js, hdr := mttq.get("/static/alerts.js")
	if status != http.StatusOK || !strings.Contains(js, "new EventSource(") || !strings.Contains(hdr.Get("Content-Type"), "javascript") {
		t.Errorf("alerts.js: %d %s", status, hdr.Get("Content-Type"))
	}

	// --- The officer reports the result by form.
	officer.postOK(taskPath, taskPath+"/result", url.Values{"result_text": {"Đã thu gom 3 tấn rác, vệ sinh ngõ 105."},
		"result_links": {"https://langthuong.example.vn/anh-1.jpg\r\n\r\nhttps://langthuong.example.vn/anh-2.jpg"}}, taskPath+"?ok=task_result")
	if st := taskOf(rubbish).Status; st != "submitted" {
		t.Fatalf("after the result form the task is %s, want submitted", st)
	}
	mtContains(t, "task after the result", officer.page(taskPath+"?ok=task_result", http.StatusOK), "Đã gửi kết quả.", "Đã thu gom 3 tấn rác", "anh-2.jpg")

	// --- MTTQ's review queue: a return needs a reason; accepting works.
	queue := mttq.page("/reviews", http.StatusOK)
	mtContains(t, "review queue", queue, "Thu gom rác ngõ 105", "Đã thu gom 3 tấn rác", `action="/tasks/`+rubbish+`/review"`)
	mttq.english("/reviews", http.StatusOK)
	status, body, _ = mttq.post("/reviews", taskPath+"/review", url.Values{"from": {"reviews"}, "rev_decision": {"return"}, "rev_reason": {""}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="rev-err-`+rubbish+`"`) {
		t.Errorf("return without a reason: %d\n%s", status, mtExcerpt(body))
	}
	mttq.postOK("/reviews", taskPath+"/review", url.Values{"from": {"reviews"}, "rev_decision": {"accept"}}, "/reviews?ok=task_review")
	if st := taskOf(rubbish).Status; st != "done" {
		t.Errorf("after accepting the task is %s, want done", st)
	}
	mttq.english(taskPath, http.StatusOK)
	// A form sent from a page gone stale comes back with the conflict.
	status, body, _ = officer.post(taskPath, taskPath+"/result", url.Values{"result_text": {"Bổ sung"}})
	if status != http.StatusConflict || !strings.Contains(body, `<p class="form-error" role="alert">Nhiệm vụ đã kết thúc`) {
		t.Errorf("result on a finished task: %d\n%s", status, mtExcerpt(body))
	}

	// --- An extension: asked by the officer, approved by the planner from
	// the queue, shown on the task.
	lampsPath := "/tasks/" + lamps
	proposed := due.Add(3 * time.Hour).In(domain.Location)
	officer.postOK(lampsPath, lampsPath+"/extension", url.Values{"ext_due": {proposed.Format("2006-01-02T15:04")},
		"ext_reason": {"Chờ vật tư thay thế"}}, lampsPath+"?ok=task_extension")
	plannerPages := mtBrowse(t, env, &plannerP)
	mtContains(t, "planner's tasks", plannerPages.page("/tasks", http.StatusOK), "<h1>Nhiệm vụ</h1>", "Sửa đèn đường ngõ 40", "Chờ gia hạn")
	pq := plannerPages.page("/reviews", http.StatusOK)
	mtContains(t, "planner's queue", pq, "Chờ vật tư thay thế", `action="/tasks/`+lamps+`/extension/decision"`,
		`value="`+proposed.Format("2006-01-02T15:04")+`"`)
	plannerPages.english("/reviews", http.StatusOK)
	plannerPages.postOK("/reviews", lampsPath+"/extension/decision", url.Values{"from": {"reviews"}, "dec_approve": {"yes"},
		"dec_due": {proposed.Format("2006-01-02T15:04")}, "dec_note": {"Đồng ý, hoàn thành trước hạn mới"}}, "/reviews?ok=task_decision")
	if got := taskOf(lamps).DueAt; !strings.HasPrefix(got, proposed.UTC().Format("2006-01-02T15:04")) {
		t.Errorf("after the approval the deadline is %s, want %s", got, proposed.UTC().Format(time.RFC3339))
	}
	lp := officer.page(lampsPath, http.StatusOK)
	mtContains(t, "task after the extension", lp, "Đã đồng ý", "Đồng ý, hoàn thành trước hạn mới", "Hạn ban đầu", "Đồng ý gia hạn")
	officer.english(lampsPath, http.StatusOK)

	// --- The dialogue's report: charts, tables, exports that download.
	repPath := "/reports/dialogue/" + dlg
	rep := mttq.page(repPath, http.StatusOK)
	mtContains(t, "report page", rep, "<svg", `id="chart-tasks"`, `id="chart-opinions"`, "DỰ THẢO", "format=xlsx", "format=csv", " download>",
		"Bảng 8.", `action="/reports/`, "/assessment", "/finalise", "data-confirm=")
	mttq.english(repPath, http.StatusOK)
	xlsx := regexp.MustCompile(`href="(/api/v1/reports/[^"]+format=xlsx[^"]*)"`).FindStringSubmatch(rep)
	if xlsx == nil {
		t.Fatal("no XLSX link on the report page")
	}
	status, _, hdr = mttq.get(html.UnescapeString(xlsx[1]))
	if status != http.StatusOK || hdr.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Errorf("XLSX export with the session cookie: %d %s", status, hdr.Get("Content-Type"))
	}
	// The assessment saved by form shows on the page.
	repID := regexp.MustCompile(`action="/reports/([0-9a-f-]+)/assessment"`).FindStringSubmatch(rep)
	if repID == nil {
		t.Fatal("no assessment form")
	}
	mttq.postOK(repPath, "/reports/"+repID[1]+"/assessment", url.Values{"assessment": {"Các kiến nghị được giải quyết kịp thời."}, "back": {repPath}}, repPath+"?ok=rep_assessment")
	mtContains(t, "report with assessment", mttq.page(repPath, http.StatusOK), "Các kiến nghị được giải quyết kịp thời.")
	mttq.postOK(repPath, "/reports/"+repID[1]+"/finalise", url.Values{"back": {repPath}}, repPath+"?ok=rep_final")
	final := mttq.page(repPath+"?ok=rep_final", http.StatusOK)
	mtContains(t, "final report", final, "Báo cáo đã được hoàn tất.", "CHÍNH THỨC", "Các kiến nghị được giải quyết kịp thời.")
	if strings.Contains(final, "/assessment\"") || strings.Contains(final, "DỰ THẢO") {
		t.Error("a final report still offers the assessment form or says draft")
	}
	reports := mttq.page("/reports", http.StatusOK)
	mtContains(t, "report list", reports, `href="/reports/plan/`+plan.ID+`"`, `href="/reports/dialogue/`+dlg+`"`, `action="/reports/rollup"`)
	mttq.english("/reports", http.StatusOK)
	mtContains(t, "plan report", mttq.page("/reports/plan/"+plan.ID, http.StatusOK), "<svg", `id="chart-levels"`, "format=xlsx")
	year := at.In(domain.Location).Year()
	rollup := "/reports/rollup?" + url.Values{"unit_id": {district}, "from": {time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)},
		"to": {time.Date(year+1, 1, 1, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)}}.Encode()
	mtContains(t, "roll-up", mttq.page(rollup, http.StatusOK), "<svg", "format=xlsx")
	mtContains(t, "bad roll-up", mttq.page("/reports/rollup?unit_id="+district+"&from=2026-13-01&to=x", http.StatusUnprocessableEntity), `id="e-from"`)

	// --- Another ward's officer: the task is not there for them.
	stranger := mtBrowse(t, env, &strangerP)
	nf := stranger.page(taskPath, http.StatusNotFound)
	mtContains(t, "another ward's task", nf, "Không tìm thấy trang này")
	if strings.Contains(nf, "Thu gom rác") {
		t.Error("the 404 page shows the task")
	}
	if strings.Contains(stranger.page("/tasks?status=all", http.StatusOK), lamps) {
		t.Error("another ward's officer lists ward A's task")
	}

	// --- The units page of an administrator.
	adm := mtBrowse(t, env, &adminP)
	units := adm.page("/units", http.StatusOK)
	mtContains(t, "units page", units, "Phường Láng Thượng", `name="parent_id"`)
	adm.english("/units", http.StatusOK)
	status, body, _ = adm.post("/units", "/units", url.Values{"name": {""}, "level": {"commune"}, "parent_id": {district}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="e-name"`) {
		t.Errorf("unit without a name: %d\n%s", status, mtExcerpt(body))
	}
	adm.postOK("/units", "/units", url.Values{"name": {"Phường Trung Liệt"}, "level": {"commune"}, "kind": {"phuong"}, "parent_id": {district}}, "/units?ok=unit_created")
	mtContains(t, "units after adding", adm.page("/units", http.StatusOK), "Phường Trung Liệt", "<td>Phường</td>")
	status, body, _ = adm.post("/units", "/units", url.Values{"name": {"Xã Sai Loại"}, "level": {"commune"}, "kind": {"huyen"}, "parent_id": {district}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="e-kind"`) {
		t.Errorf("commune of kind huyen: %d\n%s", status, mtExcerpt(body))
	}
}

// TestSurveyPageRateLimited answers the respondent's form from an API that
// refuses the client for sending too fast: the wait is shown in Vietnamese
// and what they typed stays in the form.
func TestSurveyPageRateLimited(t *testing.T) {
	gin.SetMode(gin.TestMode)
	reads := 0
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.Method == http.MethodGet && reads == 0 {
			reads++
			_, _ = io.WriteString(w, `{"unit_name":"Phường Láng Thượng","title":"Hội nghị đối thoại quý III","kind":"periodic",
				"scheduled_at":"2026-09-10T01:00:00Z","place":"Nhà văn hóa","invited_groups":[],"opens_at":"2026-09-01T01:00:00Z",
				"closes_at":"2026-09-09T01:00:00Z","fields":["Đất đai","Môi trường","Khác"]}`)
			return
		}
		w.Header().Set("Retry-After", "3")
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = io.WriteString(w, `{"code":"rate_limited","message":"Bạn gửi quá nhanh, vui lòng thử lại sau 3 giây.","message_en":"Too many requests; try again in 3 seconds."}`)
	})
	r := gin.New()
	(&web.Server{API: api}).Register(r)
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	b := &mtPages{t: t, base: srv.URL, c: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}

	mtContains(t, "survey form", b.page("/s/tok", http.StatusOK), "Hội nghị đối thoại quý III", `name="content"`)
	status, body, _ := b.post("", "/s/tok", url.Values{"field": {"Đất đai"}, "content": {"Cấp sổ đỏ chậm"}})
	if status != http.StatusTooManyRequests {
		t.Fatalf("rate-limited answer: status %d:\n%s", status, mtExcerpt(body))
	}
	mtContains(t, "rate-limited answer", body, "Bạn gửi quá nhanh, vui lòng thử lại sau 3 giây.", ">Cấp sổ đỏ chậm</textarea>",
		`<option value="Đất đai" selected>`, `action="/s/tok"`)
	mtContains(t, "rate-limited page", b.page("/s/tok", http.StatusTooManyRequests), "thử lại sau 3 giây")
}
