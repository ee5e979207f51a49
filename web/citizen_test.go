package web_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/doithoai/doithoai/devkit/testenv"
	"github.com/doithoai/doithoai/internal/receipt"
)

var (
	ctzUUID    = regexp.MustCompile(`[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`)
	ctzReceipt = regexp.MustCompile(`/tra-cuu/([2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4})`)
	ctzPublic  = regexp.MustCompile(`/cong-khai/([2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4})`)
)

// ctzScan fails when a public page holds an internal id, the survey link's
// token, or the name of a person (host, chair, officer, monitor,
// respondent, the signed-in staff).
func (s *ctzStory) ctzScan(where, body string) {
	s.t.Helper()
	text := html.UnescapeString(body)
	if m := ctzUUID.FindString(text); m != "" {
		s.t.Errorf("%s holds an internal id %s:\n%s", where, m, mtExcerpt(body))
	}
	for _, secret := range []string{s.token, ctzHost, ctzChair, ctzOfficer, ctzMonitor, ctzRespondent,
		s.planner.Name, s.mttq.Name, s.board.Name, s.planner.Subject, s.officer.Subject} {
		if strings.Contains(text, secret) {
			s.t.Errorf("%s holds %q:\n%s", where, secret, mtExcerpt(body))
		}
	}
}

// TestCitizenPages follows one opinion through the citizens' pages
// without a browser: the thank-you page shows its receipt; the lookup page
// (in both languages) shows it received, then the task, then the accepted
// result; the holder rates it once through the page (a second rating and
// a post from another site are refused); an unknown or malformed code gets
// a friendly 404; the planner publishes and takes down the dialogue's
// public page; the floor opinion's receipt shows in the session view; the
// people's inspection board reads the dialogue and the task, posts a
// remark, and can do nothing else. No public page ever holds an internal
// id, the survey token or a person's name.
func TestCitizenPages(t *testing.T) {
	env := testenv.Start(t, testenv.Options{Quiet: true})
	s := ctzStart(t, env, 15*time.Second)
	pub := mtBrowse(t, env, nil)

	// A contact without the consent box ticked is refused next to the box,
	// with what was typed kept.
	status, body, _ := pub.post("", "/s/"+s.token, url.Values{"field": {"Giao thông"}, "content": {ctzContent},
		"contact.email": {"nguoidan@example.vn"}, "answer_id": {uuid.NewString()}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="e-contact.consent"`) || !strings.Contains(body, `value="nguoidan@example.vn"`) {
		t.Fatalf("a contact without consent: %d\n%s", status, mtExcerpt(body))
	}
	// The respondent answers through the survey page, with a contact and
	// consent, and gets a receipt.
	status, body, loc := pub.post("", "/s/"+s.token, url.Values{"field": {"Giao thông"}, "content": {ctzContent},
		"respondent_name": {ctzRespondent}, "answer_id": {uuid.NewString()},
		"contact.email": {"nguoidan@example.vn"}, "contact.consent": {"yes"}})
	if status != http.StatusSeeOther || !strings.HasPrefix(loc, "/s/"+s.token+"/done?r=") {
		t.Fatalf("survey answer: %d → %q:\n%s", status, loc, mtExcerpt(body))
	}
	done := pub.page(loc, http.StatusOK)
	m := ctzReceipt.FindStringSubmatch(done)
	if m == nil {
		t.Fatalf("the thank-you page links no receipt lookup:\n%s", mtExcerpt(done))
	}
	code := m[1]
	mtContains(t, "the thank-you page", done, `id="receipt-code">`+code+`<`, "Hãy ghi lại")
	if ctzUUID.MatchString(done) || strings.Contains(done, ctzRespondent) {
		t.Errorf("the thank-you page holds an id or the respondent's name:\n%s", mtExcerpt(done))
	}

	// The lookup: the form, a malformed code, an unknown one, this one.
	page := func(path string, want int) string {
		t.Helper()
		b := pub.page(path, want)
		s.ctzScan(path, b)
		s.ctzScan(path+" (en)", pub.english(path, want))
		return b
	}
	mtContains(t, "/tra-cuu", page("/tra-cuu", http.StatusOK), `action="/tra-cuu"`, `name="ma"`)
	mtContains(t, "a malformed code", page("/tra-cuu?ma=abc", http.StatusUnprocessableEntity), "Mã phiếu gồm 12 ký tự")
	_, _, hdr := pub.get("/tra-cuu?ma=" + url.QueryEscape(strings.ToLower(strings.ReplaceAll(code, "-", " "))))
	if hdr.Get("Location") != "/tra-cuu/"+code {
		t.Errorf("the lookup form typed in lower case with spaces goes to %q, want /tra-cuu/%s", hdr.Get("Location"), code)
	}
	mtContains(t, "an unknown code", page("/tra-cuu/2222-2222-2222", http.StatusNotFound), "Không tìm thấy mã phiếu", `name="ma"`)
	mtContains(t, "an unknown code in English", pub.english("/tra-cuu/2222-2222-2222", http.StatusNotFound), "Receipt code not found")
	page("/tra-cuu/not-a-code", http.StatusNotFound)
	mtContains(t, "the receipt before the session", page("/tra-cuu/"+code, http.StatusOK),
		ctzContent, "Đã tiếp nhận", "Đối thoại quý IV", "Xã Vũ Thư", `data-poll-url="/api/v1/public/receipts/`+code+`"`, `data-poll-ms="5000"`)

	// The session links it to a task.
	taskID, floor := s.recordSession(code)
	floor = receipt.Format(floor)
	rc := page("/tra-cuu/"+code, http.StatusOK)
	mtContains(t, "the receipt after the session", rc, ctzTaskTitle, ctzAgency, "Đã giao nhiệm vụ giải quyết", "Sửa đường liên thôn")
	if strings.Contains(rc, `action="/tra-cuu/`) {
		t.Errorf("a receipt whose task is still open offers the rating form:\n%s", mtExcerpt(rc))
	}
	page("/tra-cuu/"+floor, http.StatusOK)

	// The planner sees the floor opinion's receipt and publishes the page.
	planner := mtBrowse(t, env, &s.planner)
	dlg := "/dialogues/" + s.dialogue
	mtContains(t, "the dialogue's session", planner.page(dlg, http.StatusOK), floor, `id="dlg-publish"`)
	planner.postOK(dlg, dlg+"/publish", url.Values{"published": {"yes"}}, dlg+"?ok=dlg_published")
	m = ctzPublic.FindStringSubmatch(planner.page(dlg, http.StatusOK))
	if m == nil {
		t.Fatal("the published dialogue's page does not link its public page")
	}
	publicPath := "/cong-khai/" + m[1]
	mtContains(t, "the public page", page(publicPath, http.StatusOK), "Đối thoại quý IV", ctzTaskTitle, ctzAgency, "Giao UBND xã sửa đường liên thôn")
	mtContains(t, "the receipt of a published dialogue", page("/tra-cuu/"+code, http.StatusOK), publicPath)

	// The people's inspection board reads and remarks, and does nothing else.
	board := mtBrowse(t, env, &s.board)
	task := "/tasks/" + taskID
	if _, _, h := board.get("/"); h.Get("Location") != "/tasks" {
		t.Errorf("the board's start page is %q, want /tasks", h.Get("Location"))
	}
	for _, p := range []string{"/tasks", "/plans", "/reports", "/reports/dialogue/" + s.dialogue} {
		board.page(p, http.StatusOK)
	}
	mtContains(t, "the board's task page", board.page(task, http.StatusOK), `action="`+task+`/remarks"`)
	bd := board.page(dlg, http.StatusOK)
	if strings.Contains(bd, `action="`+dlg+`/publish"`) || strings.Contains(bd, `action="`+dlg+`/session"`) {
		t.Errorf("the board's dialogue page offers a planner's form:\n%s", mtExcerpt(bd))
	}
	board.postOK(task, task+"/remarks", url.Values{"remark_content": {"Đoạn qua thôn Tây chưa được rải nhựa."}}, task+"?ok=task_remark")
	mtContains(t, "the task after the remark", board.page(task, http.StatusOK), "Đoạn qua thôn Tây chưa được rải nhựa.", "Kiến nghị của Ban Thanh tra nhân dân")
	for _, p := range []string{task + "/result", dlg + "/publish", task + "/review"} {
		if st, b, _ := board.post(task, p, url.Values{"result_text": {"x"}, "published": {"no"}, "rev_decision": {"accept"}}); st != http.StatusForbidden {
			t.Errorf("the board's POST %s: %d, want 403:\n%s", p, st, mtExcerpt(b))
		}
	}
	if st, b, _ := planner.post(task, task+"/remarks", url.Values{"remark_content": {"x"}}); st != http.StatusForbidden {
		t.Errorf("a planner's remark: %d, want 403:\n%s", st, mtExcerpt(b))
	}

	// The result is accepted: the lookup shows it and offers the rating.
	s.acceptResult(taskID)
	mtWait(t, 20*time.Second, "the lookup to show the accepted result", func() bool {
		return strings.Contains(pub.page("/tra-cuu/"+code, http.StatusOK), ctzResult)
	})
	rc = page("/tra-cuu/"+code, http.StatusOK)
	mtContains(t, "the accepted receipt", rc, "Đã có kết quả giải quyết được nghiệm thu", `action="/tra-cuu/`+code+`"`, `value="no"`)

	// A rating from another site is refused; the holder's is taken once.
	req, _ := http.NewRequest(http.MethodPost, env.BaseURL+"/tra-cuu/"+code, strings.NewReader("satisfied=no"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://evil.example")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("a rating posted from another site: %v %v, want 403", resp, err)
	} else {
		resp.Body.Close()
	}
	pub.postOK("", "/tra-cuu/"+code, url.Values{"satisfied": {"no"}, "comment": {"Mới rải một đoạn."}}, "/tra-cuu/"+code+"?ok=rated")
	rc = page("/tra-cuu/"+code, http.StatusOK)
	mtContains(t, "the rated receipt", rc, `id="rc-rated"`, "Chưa hài lòng", "Mới rải một đoạn.")
	if st, b, _ := pub.post("", "/tra-cuu/"+code, url.Values{"satisfied": {"yes"}}); st != http.StatusConflict || !strings.Contains(b, "đã được đánh giá") {
		t.Errorf("a second rating: %d, want 409 with the reason:\n%s", st, mtExcerpt(b))
	}
	if n := s.notSatisfiedAlerts(); n != 1 {
		t.Errorf("MTTQ has %d not-satisfied alerts, want 1", n)
	}

	// Taken down, the public page is gone.
	planner.postOK(dlg, dlg+"/publish", url.Values{"published": {"no"}}, dlg+"?ok=dlg_unpublished")
	mtContains(t, "a taken-down public page", page(publicPath, http.StatusNotFound), "Không tìm thấy trang công khai")
}
