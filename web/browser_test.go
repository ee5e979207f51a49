package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"github.com/doithoai/doithoai/devkit/testenv"
	"github.com/doithoai/doithoai/internal/auth"
	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/web"
)

// TestBrowser drives the pages in a real Chromium against the real stack
// (PostgreSQL, Temporal, worker, API, pages), the way the issue tells the
// story: a planner imports a plan from a spreadsheet → a respondent
// answers the survey on a phone → the planner records the session with a
// task due a minute later → the officer sees it in "my tasks" → it goes
// overdue → the MTTQ board shows the alert without a reload → MTTQ
// acknowledges it → the report shows its chart and downloads as XLSX.
// Every page visited is also rendered in English and checked for
// untranslated keys, another unit's MTTQ gets 404 for the task and the
// plans, and each step leaves a full-page screenshot in
// artifacts/screenshots/.
//
// The import page sets no timing policy (imported plans take the default
// one: the survey opens 14 days before the session and closes 3 days
// before), so a dialogue imported minutes ahead has its survey closed at
// once. The dialogue whose survey is answered therefore belongs to a
// second plan created through the API with a policy in seconds; the
// imported plan proves the import.
func TestBrowser(t *testing.T) {
	env := testenv.Start(t, testenv.Options{Quiet: true})
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	t.Cleanup(cancel)

	admin := env.NewClient(t)
	province := admin.CreateUnit("Thành phố Hà Nội", "province", "")
	admin = admin.As(testenv.Staff(province))
	district := admin.CreateUnit("Quận Đống Đa", "district", province)
	wardA := admin.CreateUnit("Phường Láng Thượng", "commune", district)
	wardB := admin.CreateUnit("Phường Ô Chợ Dừa", "commune", district)

	planner := auth.Principal{Subject: "lan.planner", Name: "Nguyễn Thị Lan", Roles: []string{auth.RolePlanner}, UnitID: district}
	officer := auth.Principal{Subject: "duc.officer", Name: "Phạm Văn Đức", Roles: []string{auth.RoleOfficer}, UnitID: wardA}
	mttq := auth.Principal{Subject: "hoa.mttq", Name: "Lê Thị Hòa", Roles: []string{auth.RoleMTTQ}, UnitID: district}
	mttqB := auth.Principal{Subject: "binh.mttq", Name: "Trần Văn Bình", Roles: []string{auth.RoleMTTQ}, UnitID: wardB}
	env.DevLogin.SetUsers([]web.DevUser{
		{Principal: planner, What: "Ban Dân vận Quận ủy Đống Đa"},
		{Principal: officer, What: "UBND phường Láng Thượng"},
		{Principal: mttq, What: "Ủy ban MTTQ quận Đống Đa"},
		{Principal: mttqB, What: "Ủy ban MTTQ phường Ô Chợ Dừa"},
	})

	b := startBrowser(t, ctx, env.BaseURL)
	start := time.Now()
	step := func(name string) { t.Helper(); t.Logf("%5.1fs %s", time.Since(start).Seconds(), name) }

	step("sign in")
	// 1. The planner signs in through the sign-in page.
	pl := b.tab("planner", false)
	pl.bothLanguages("/login")
	pl.shot("01-login")
	pl.signIn(planner.Subject)
	if p := pl.path(); !strings.HasPrefix(p, "/plans") {
		t.Fatalf("a planner lands on %s, want /plans", p)
	}

	step("import")
	// 2. … and imports a plan from a spreadsheet.
	now := time.Now().In(domain.Location)
	imported := now.Add(2 * time.Minute).Truncate(time.Minute)
	xlsx := planSpreadsheet(t, imported)
	pl.openOK("/plans/import")
	pl.bothLanguages("/plans/import")
	pl.do(
		chromedp.SetValue(byID("f-reference_no"), "55-KH/QU"),
		chromedp.SetValue(byID("f-issuing_body"), "Ban Thường vụ Quận ủy Đống Đa"),
		chromedp.SetValue(byID("f-title"), fmt.Sprintf("Kế hoạch tiếp xúc, đối thoại trực tiếp năm %d", imported.Year())),
		chromedp.SetValue(byID("f-year"), fmt.Sprint(imported.Year())),
		chromedp.SetUploadFiles(byID("f-file"), []string{xlsx}),
	)
	if v := eval[string](pl, `document.getElementById("f-unit_id").value`); v != district {
		t.Errorf("the import form offers unit %q first, want the planner's district %s", v, district)
	}
	pl.shot("02-import")
	if st := pl.submit(`form[action="/plans/import"] button[type=submit]`); st != 200 {
		t.Fatalf("import: landed on %s with %d: %.1500s", pl.path(), st, pl.text("main"))
	}
	importedPlan := strings.TrimPrefix(strings.SplitN(pl.path(), "?", 2)[0], "/plans/")
	if !isUUID(importedPlan) {
		t.Fatalf("after the import the planner is on %s, want the new plan's page: %.1500s", pl.path(), pl.text("main"))
	}
	pl.noKeyLeaks("the imported plan")
	if n := eval[int](pl, `document.querySelectorAll('main a[href^="/dialogues/"]').length`); n < 2 {
		t.Errorf("the imported plan's page links %d dialogues, want at least the file's 2 rows: %.1500s", n, pl.text("main"))
	}
	if txt := pl.text("main"); !strings.Contains(txt, "55-KH/QU") || !strings.Contains(txt, "Nhà văn hóa phường Láng Thượng") {
		t.Errorf("the imported plan's page lacks the reference or the place from the file: %.1500s", txt)
	}
	pl.shot("03-plan-imported")
	pl.bothLanguages("/plans/"+importedPlan, "03-plan-imported-en")

	step("short-policy plan")
	// The dialogue whose survey is answered: a plan with a policy in
	// seconds (the import page has no policy fields).
	surveyed, surveyPlan := shortPolicyPlan(t, env, planner, district)

	pl.openOK("/plans")
	if txt := pl.text("main"); !strings.Contains(txt, "55-KH/QU") || !strings.Contains(txt, "56-KH/QU") {
		t.Errorf("the plan list lacks a plan: %.1500s", txt)
	}
	pl.shot("04-plans")
	pl.bothLanguages("/plans")

	step("survey link")
	// The planner finds the survey link on the dialogue page.
	pl.openOK("/plans/" + surveyPlan)
	if st := pl.follow(`main a[href="/dialogues/` + surveyed + `"]`); st != 200 || pl.path() != "/dialogues/"+surveyed {
		t.Fatalf("the plan's link to its dialogue led to %s (%d)", pl.path(), st)
	}
	pl.noKeyLeaks("the dialogue page")
	link := eval[string](pl, `document.getElementById("survey-link").value`)
	u, err := url.Parse(link)
	if err != nil || !strings.HasPrefix(u.Path, "/s/") || "http://"+u.Host != env.BaseURL {
		t.Fatalf("the dialogue page's survey link is %q, want %s/s/<token>", link, env.BaseURL)
	}
	pl.shot("05-dialogue-survey-open")
	pl.bothLanguages("/dialogues/" + surveyed)

	step("survey on a phone")
	// 3. A respondent answers on a phone through the public link.
	ph := b.tab("respondent-phone", true)
	ph.openOK(u.Path)
	ph.bothLanguages(u.Path, "06-survey-phone-en")
	ph.noOverflow("the survey form")
	ph.shot("06-survey-phone")
	ph.do(
		chromedp.SetValue(byID("f-field"), "Môi trường"),
		chromedp.SendKeys(byID("f-content"), "Rác thải tồn đọng nhiều ngày ở ngõ 105 Láng Hạ, đề nghị phường thu gom."),
		chromedp.SendKeys(byID("f-respondent_name"), "Vũ Thị Mai"),
		chromedp.SendKeys(byID("f-respondent_group"), "Tổ dân phố số 5"),
	)
	if v := eval[string](ph, `document.getElementById("f-field").value`); v != "Môi trường" {
		t.Fatalf("the survey offers no field Môi trường (got %q): %s", v, eval[string](ph, `Array.from(document.querySelectorAll("#f-field option")).map(o => o.value).join(" | ")`))
	}
	// The thank-you page carries the answer's receipt code.
	if st := ph.submit(`form[action^="/s/"] button[type=submit]`); st != 200 || !strings.HasPrefix(ph.path(), u.Path+"/done?r=") {
		t.Fatalf("survey answer: landed on %s with %d: %.800s", ph.path(), st, ph.text("main"))
	}
	thanks := ph.path()
	if code := ph.text("#receipt-code"); "?r="+code != strings.TrimPrefix(thanks, u.Path+"/done") {
		t.Errorf("the thank-you page at %s shows the receipt %q", thanks, code)
	}
	ph.noOverflow("the thank-you page")
	ph.shot("07-survey-thanks-phone")
	ph.bothLanguages(thanks)

	step("survey closes")
	// The planner's dialogue page counts it live, then the survey closes.
	pl.openOK("/dialogues/" + surveyed)
	pl.waitJS("the answer counted on the dialogue page", `document.getElementById("survey-total").textContent.trim() === "1"`, 30*time.Second)
	pl.reloadUntil("the survey to close (the session form)", "/dialogues/"+surveyed, `!!document.querySelector('form[action$="/session"]')`, 90*time.Second)
	pl.bothLanguages("/dialogues/" + surveyed)

	step("session")
	// 4. The planner records the session with a task due about a minute
	// later (the form's date-time input has minute precision).
	due := time.Now().Add(20 * time.Second).In(domain.Location).Truncate(time.Minute).Add(time.Minute)
	const taskTitle = "Thu gom rác tồn đọng ngõ 105 Láng Hạ"
	pl.do(
		chromedp.SetValue(byID("f-attendance_total"), "85"),
		chromedp.SetValue(byID("f-op0.field"), "Môi trường"),
		chromedp.SetValue(byID("f-op0.source"), "survey"),
		chromedp.SendKeys(byID("f-op0.content"), "Rác thải tồn đọng ở ngõ 105 Láng Hạ"),
		chromedp.SendKeys(byID("f-con0.content"), "Giao UBND phường Láng Thượng thu gom rác tồn đọng"),
		chromedp.SendKeys(byID("f-con0.t0.title"), taskTitle),
		chromedp.SendKeys(byID("f-con0.t0.agency"), "UBND phường Láng Thượng"),
		chromedp.SendKeys(byID("f-con0.t0.officer"), officer.Name),
		chromedp.SetValue(byID("f-con0.t0.unit"), wardA),
		chromedp.SendKeys(byID("f-con0.t0.monitor"), "Đ/c Hoàng, Ủy viên Ban Thường vụ"),
		chromedp.SetValue(byID("f-con0.t0.due_at"), due.Format("2006-01-02T15:04")),
	)
	pl.shot("08-session-form")
	if st := pl.submit(`form[action$="/session"] > div.actions:last-of-type button[type=submit]`); st != 200 {
		t.Fatalf("record session: landed on %s with %d: %.1500s", pl.path(), st, pl.text("main"))
	}
	if p := pl.path(); !strings.HasPrefix(p, "/dialogues/"+surveyed) {
		t.Fatalf("after recording the session the planner is on %s: %.1500s", p, pl.text("main"))
	}
	if eval[bool](pl, `!!document.querySelector("main .form-error, main .error")`) || !strings.Contains(pl.text("main"), taskTitle) {
		t.Fatalf("the recorded session does not show the task: %.2000s", pl.text("main"))
	}
	pl.noKeyLeaks("the recorded dialogue")
	pl.shot("09-session-recorded")
	pl.bothLanguages("/dialogues/" + surveyed)

	step("my tasks")
	// 5. The officer sees it in "my tasks".
	of := b.tab("officer", false)
	of.signIn(officer.Subject)
	if p := of.path(); !strings.HasPrefix(p, "/tasks") {
		t.Fatalf("an officer lands on %s, want /tasks", p)
	}
	row := `tr[data-task-id]`
	of.waitJS("the task in my tasks", fmt.Sprintf(`Array.from(document.querySelectorAll(%q)).some(r => r.innerText.includes(%q))`, row, taskTitle), 5*time.Second)
	taskID := eval[string](of, fmt.Sprintf(`Array.from(document.querySelectorAll(%q)).find(r => r.innerText.includes(%q)).dataset.taskId`, row, taskTitle))
	taskRow := fmt.Sprintf(`tr[data-task-id=%q]`, taskID)
	if time.Now().Before(due.Add(-2*time.Second)) && eval[bool](of, `!!document.querySelector('`+taskRow+`.overdue')`) {
		t.Errorf("the task shows overdue before its deadline %s", due)
	}
	of.shot("10-officer-tasks")
	of.bothLanguages("/tasks", "10-officer-tasks-en")

	step("board open")
	// The MTTQ board is open, and live, before the task falls due.
	mt := b.tab("mttq", false)
	mt.signIn(mttq.Subject)
	if p := mt.path(); !strings.HasPrefix(p, "/alerts") {
		t.Fatalf("MTTQ lands on %s, want /alerts", p)
	}
	mt.bothLanguages("/alerts")
	mt.waitJS("the live stream to connect", `document.getElementById("live-status").dataset.state === "on"`, 15*time.Second)
	if time.Now().After(due) {
		t.Fatalf("the task fell due (%s) before the board was open; the test is too slow to show a live alert", due)
	}
	before := eval[int](mt, `document.querySelectorAll("#alerts-open tr[data-alert-id]").length`)
	mt.do(chromedp.Evaluate[chromedp.Void](`window.__marker = 1`))
	mt.shot("11-board-before")

	step("other unit")
	// Nothing of another unit is reachable by URL: ward B's MTTQ gets the
	// error page, 404, for the task, the plans, the dialogue and its
	// report; and ward B's live board, open while the task falls due,
	// never gets its alert.
	ob := b.tab("mttq-ward-b", false)
	ob.signIn(mttqB.Subject)
	for _, p := range []string{"/tasks/" + taskID, "/plans/" + surveyPlan, "/plans/" + importedPlan, "/dialogues/" + surveyed, "/reports/dialogue/" + surveyed} {
		ob.expectNotFound(p)
		if p == "/tasks/"+taskID {
			ob.shot("12-ward-b-task-not-found")
		}
	}
	ob.expectNotFound("/tasks/" + taskID + "?lang=en")
	ob.bothLanguages("/alerts")
	ob.waitJS("ward B's live stream to connect", `document.getElementById("live-status").dataset.state === "on"`, 15*time.Second)
	ob.do(chromedp.Evaluate[chromedp.Void](`window.__marker = 1`))

	step("overdue")
	// 6. It goes overdue: the officer's list marks it.
	of.reloadUntil("the overdue mark in my tasks", "/tasks", `!!document.querySelector('`+taskRow+`.overdue .badge')`, 2*time.Minute)
	of.shot("13-officer-overdue")
	of.openOK("/tasks/" + taskID)
	if !strings.Contains(of.text("main"), taskTitle) {
		t.Errorf("the task page does not show the task: %.1000s", of.text("main"))
	}
	of.shot("14-officer-task")
	of.bothLanguages("/tasks/" + taskID)

	step("live alert")
	// 7. The board shows the alert without a reload.
	newRow := fmt.Sprintf(`#alerts-open tr[data-alert-id]:has(a[href="/tasks/%s"])`, taskID)
	mt.waitJS("the overdue alert on the live board", `!!document.querySelector('`+newRow+`')`, 30*time.Second)
	if m := eval[int](mt, `window.__marker || 0`); m != 1 {
		t.Fatal("the board was reloaded to show the alert; it must arrive live")
	}
	after := eval[int](mt, `document.querySelectorAll("#alerts-open tr[data-alert-id]").length`)
	if after <= before {
		t.Errorf("the board had %d open alerts before and %d after", before, after)
	}
	if h := mt.text("#h-open"); !strings.Contains(h, fmt.Sprintf("(%d)", after)) {
		t.Errorf("the board lists %d open alerts under the heading %q", after, h)
	}
	mt.noKeyLeaks("the live board")
	alertID := eval[string](mt, `document.querySelector('`+newRow+`').dataset.alertId`)
	if !strings.Contains(mt.text(newRow), "Quá hạn") {
		t.Errorf("the live row does not say overdue: %s", mt.text(newRow))
	}
	mt.shot("15-board-live-alert")

	step("acknowledge")
	// 8. MTTQ acknowledges it: the row moves to the acknowledged ones.
	ack := fmt.Sprintf(`#alerts-open tr[data-alert-id=%q] form button[type=submit]`, alertID)
	if st := mt.submit(ack); st != 200 {
		t.Fatalf("acknowledge: landed on %s with %d: %.1500s", mt.path(), st, mt.text("main"))
	}
	acked := fmt.Sprintf(`section[aria-labelledby="h-acked"] tr[data-alert-id=%q]`, alertID)
	if eval[bool](mt, `!!document.querySelector('#alerts-open tr[data-alert-id="`+alertID+`"]')`) || !eval[bool](mt, `!!document.querySelector('`+acked+`')`) {
		t.Fatalf("after acknowledging, alert %s is not among the acknowledged: %.2000s", alertID, mt.text("main"))
	}
	if txt := mt.text(acked); !strings.Contains(txt, mttq.Subject) && !strings.Contains(txt, mttq.Name) {
		t.Errorf("the acknowledged row does not say who acknowledged it: %s", txt)
	}
	mt.shot("16-board-acknowledged")

	step("report")
	// 9. The report shows its chart, and the XLSX downloads.
	mt.openOK("/reports/dialogue/" + surveyed)
	if n := eval[int](mt, `document.querySelectorAll("main figure.chart svg").length`); n == 0 {
		t.Errorf("the report page has no chart (<svg> in figure.chart): %.1500s", mt.text("main"))
	}
	if txt := mt.text("main"); !strings.Contains(txt, "Môi trường") {
		t.Errorf("the report does not mention the opinion's field: %.1500s", txt)
	}
	mt.shot("17-report")
	mt.bothLanguages("/reports/dialogue/"+surveyed, "17-report-en")
	dl := eval[map[string]any](mt, `(async () => {
		const a = document.querySelector('a[href*="format=xlsx"]');
		if (!a) return {status: 0, type: "no link"};
		const r = await fetch(a.href, {credentials: "same-origin"});
		const b = new Uint8Array(await r.arrayBuffer());
		return {status: r.status, type: r.headers.get("content-type") || "", head: String.fromCharCode(b[0], b[1]), size: b.length};
	})()`)
	if dl["status"] != float64(200) || !strings.Contains(fmt.Sprint(dl["type"]), "spreadsheetml") || dl["head"] != "PK" {
		t.Errorf("the report's XLSX link: %v, want 200, an XLSX content type and a zip (PK…)", dl)
	}

	// Ward B's board, live all along, never showed ward A's alert, nor
	// does it after a reload.
	wardBRow := fmt.Sprintf(`tr[data-alert-id]:has(a[href="/tasks/%s"])`, taskID)
	if eval[int](ob, `window.__marker || 0`) != 1 || eval[bool](ob, `!!document.querySelector('`+wardBRow+`')`) {
		t.Errorf("ward B's live board shows ward A's alert (or was reloaded): %.1500s", ob.text("main"))
	}
	ob.openOK("/alerts")
	if eval[bool](ob, `!!document.querySelector('`+wardBRow+`')`) {
		t.Errorf("ward B's MTTQ sees ward A's alert on the board: %.1500s", ob.text("main"))
	}
	ob.shot("18-ward-b-board")
	step("done")
}

// planSpreadsheet writes the plan file the planner uploads: the import
// template's columns, the first dialogue at first (minutes ahead), a
// thematic one a day later (when still in the same year).
func planSpreadsheet(t *testing.T, first time.Time) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	rows := [][]any{
		{"Ngày (dd/mm/yyyy)", "Giờ (hh:mm)", "Hình thức", "Chuyên đề", "Địa điểm", "Người chủ trì", "Chức vụ", "Thành phần mời"},
		{first.Format("02/01/2006"), first.Format("15:04"), "định kỳ", "", "Nhà văn hóa phường Láng Thượng",
			"Nguyễn Văn An; Trần Thị Bình", "Bí thư Quận ủy; Chủ tịch UBND quận", "Ủy ban MTTQ quận; Hội Cựu chiến binh; Đại biểu Nhân dân các phường"},
	}
	second := first.Add(24 * time.Hour)
	if second.Year() != first.Year() {
		second = first.Add(time.Minute)
	}
	rows = append(rows, []any{second.Format("02/01/2006"), second.Format("15:04"), "chuyên đề", "Giải phóng mặt bằng dự án đường Vành đai 1",
		"Hội trường UBND quận Đống Đa", "Trần Thị Bình", "Chủ tịch UBND quận", "Các hộ dân bị ảnh hưởng"})
	for i, r := range rows {
		if err := f.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+1), &r); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), "ke-hoach-55-KH-QU.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return path
}

// shortPolicyPlan creates, through the API as the planner, a plan whose
// dialogue's survey is open now and closes about 25 seconds later; it
// returns the dialogue's and the plan's ids.
func shortPolicyPlan(t *testing.T, env *testenv.Env, planner auth.Principal, unit string) (dialogue, plan string) {
	t.Helper()
	now := time.Now()
	at := now.Add(3 * time.Minute).Truncate(time.Minute)
	closeIn := at.Sub(now.Add(25 * time.Second)).Truncate(time.Second)
	body := map[string]any{
		"unit_id": unit, "year": at.In(domain.Location).Year(), "reference_no": "56-KH/QU",
		"issuing_body": "Ban Thường vụ Quận ủy Đống Đa", "title": "Kế hoạch đối thoại chuyên đề môi trường",
		"policy": map[string]any{"survey_lead": "PT1H", "survey_close": fmt.Sprintf("PT%dS", int(closeIn.Seconds())), "session_grace": "PT1H"},
		"dialogues": []map[string]any{{
			"scheduled_at": at.Format(time.RFC3339), "kind": "thematic", "topic": "Vệ sinh môi trường, thu gom rác thải",
			"place": "Nhà văn hóa phường Láng Thượng", "hosts": []map[string]any{{"name": "Nguyễn Văn An", "title": "Bí thư Quận ủy"}},
			"invited_groups": []string{"Ủy ban MTTQ phường", "Tổ dân phố số 5"},
		}},
	}
	r := env.NewClient(t).As(planner).Do(http.MethodPost, "/api/v1/plans", body)
	if r.Status != http.StatusCreated {
		t.Fatalf("create the short-policy plan: %d %s", r.Status, r.Body)
	}
	var p struct {
		ID        string `json:"id"`
		Dialogues []struct {
			ID string `json:"id"`
		} `json:"dialogues"`
	}
	r.Decode(t, &p)
	if len(p.Dialogues) != 1 {
		t.Fatalf("short-policy plan: %s", r.Body)
	}
	return p.Dialogues[0].ID, p.ID
}
