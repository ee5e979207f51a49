package web_test

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/doithoai/doithoai/devkit/testenv"
	"github.com/doithoai/doithoai/internal/auth"
	"github.com/doithoai/doithoai/internal/domain"
)

// ---------- spreadsheets for the import page ----------

// plnXLSX builds a workbook whose first sheet holds rows; a time.Time
// cell is written as a real Excel date.
func plnXLSX(t *testing.T, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range rows {
		if err := f.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+1), &r); err != nil {
			t.Fatal(err)
		}
	}
	b, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

var plnHeader = []any{"Ngày (dd/mm/yyyy)", "Giờ (hh:mm)", "Hình thức", "Chuyên đề", "Địa điểm", "Người chủ trì", "Chức vụ", "Thành phần mời"}

// ---------- the pages, on the real stack ----------

type plnClient struct {
	t    *testing.T
	base string
	http *http.Client
	csrf string
}

var plnCSRF = regexp.MustCompile(`name="csrf" value="([0-9a-f]+)"`)

func plnPages(t *testing.T, env *testenv.Env, p auth.Principal) *plnClient {
	c := &plnClient{t: t, base: env.BaseURL, http: env.PageClient(t, p)}
	_, body := c.get("/plans")
	m := plnCSRF.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no form token on /plans: %.500s", body)
	}
	c.csrf = m[1]
	return c
}

func (c *plnClient) do(req *http.Request) (*http.Response, string) {
	c.t.Helper()
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func (c *plnClient) get(path string) (int, string) {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.base+path, nil)
	resp, body := c.do(req)
	return resp.StatusCode, body
}

// post sends a form; it answers the status, the redirect target and the body.
func (c *plnClient) post(path string, form url.Values) (int, string, string) {
	c.t.Helper()
	form.Set("csrf", c.csrf)
	req, _ := http.NewRequest(http.MethodPost, c.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", c.base)
	resp, body := c.do(req)
	return resp.StatusCode, resp.Header.Get("Location"), body
}

func (c *plnClient) upload(path string, form url.Values, filename string, data []byte) (int, string, string) {
	c.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	form.Set("csrf", c.csrf)
	for k, vs := range form {
		for _, v := range vs {
			_ = w.WriteField(k, v)
		}
	}
	fw, _ := w.CreateFormFile("file", filename)
	_, _ = fw.Write(data)
	_ = w.Close()
	req, _ := http.NewRequest(http.MethodPost, c.base+path, &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Origin", c.base)
	resp, body := c.do(req)
	return resp.StatusCode, resp.Header.Get("Location"), body
}

func plnMust(t *testing.T, r *testenv.Response, status int, what string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("%s: %d, want %d: %s", what, r.Status, status, r.Body)
	}
}

type plnPlanDoc struct {
	ID          string `json:"id"`
	ReferenceNo string `json:"reference_no"`
	Dialogues   []struct {
		ID          string    `json:"id"`
		UnitID      string    `json:"unit_id"`
		Kind        string    `json:"kind"`
		Phase       string    `json:"phase"`
		ScheduledAt time.Time `json:"scheduled_at"`
		Hosts       []struct {
			Name  string `json:"name"`
			Title string `json:"title"`
		} `json:"hosts"`
	} `json:"dialogues"`
}

func plnGetPlan(t *testing.T, c *testenv.Client, id string) plnPlanDoc {
	t.Helper()
	r := c.Do(http.MethodGet, "/api/v1/plans/"+id, nil)
	plnMust(t, r, http.StatusOK, "get plan")
	var p plnPlanDoc
	r.Decode(t, &p)
	return p
}

type plnEscalationDoc struct {
	AfterWorkingDays *int     `json:"after_working_days"`
	After            string   `json:"after"`
	Recipients       []string `json:"recipients"`
}

type plnPolicyDoc struct {
	SurveyLead          string             `json:"survey_lead"`
	SurveyClose         string             `json:"survey_close"`
	SessionGrace        string             `json:"session_grace"`
	ReminderWorkingDays []int              `json:"reminder_working_days"`
	Escalation          []plnEscalationDoc `json:"escalation"`
}

// plnGetPolicy reads a plan's policy through the JSON API.
func plnGetPolicy(t *testing.T, c *testenv.Client, id string) plnPolicyDoc {
	t.Helper()
	r := c.Do(http.MethodGet, "/api/v1/plans/"+id, nil)
	plnMust(t, r, http.StatusOK, "get plan")
	var p struct {
		Policy plnPolicyDoc `json:"policy"`
	}
	r.Decode(t, &p)
	return p.Policy
}

// plnPolicyString writes a policy for comparing (working days by value).
func plnPolicyString(p plnPolicyDoc) string {
	s := fmt.Sprintf("lead=%s close=%s grace=%s reminders=%v", p.SurveyLead, p.SurveyClose, p.SessionGrace, p.ReminderWorkingDays)
	for _, e := range p.Escalation {
		wd := "-"
		if e.AfterWorkingDays != nil {
			wd = strconv.Itoa(*e.AfterWorkingDays)
		}
		s += fmt.Sprintf(" [wd=%s after=%s to=%v]", wd, e.After, e.Recipients)
	}
	return s
}

// plnRefs lists the reference numbers of a unit's plans of a year.
func plnRefs(t *testing.T, c *testenv.Client, unit string, year int) []string {
	t.Helper()
	r := c.Do(http.MethodGet, fmt.Sprintf("/api/v1/plans?unit_id=%s&year=%d", unit, year), nil)
	plnMust(t, r, http.StatusOK, "list plans")
	var page struct {
		Items []plnPlanDoc `json:"items"`
	}
	r.Decode(t, &page)
	var refs []string
	for _, p := range page.Items {
		refs = append(refs, p.ReferenceNo)
	}
	return refs
}

// plnMissingKey finds a text shown as "!key" (a key with no translation).
var plnMissingKey = regexp.MustCompile(`![a-z]+\.[a-z0-9_.]+`)

func plnPlanID(t *testing.T, location string) string {
	t.Helper()
	m := regexp.MustCompile(`^/plans/([0-9a-f-]{36})\?ok=`).FindStringSubmatch(location)
	if m == nil {
		t.Fatalf("redirect to %q, want /plans/<id>?ok=…", location)
	}
	return m[1]
}

func TestPlannerPages(t *testing.T) {
	env := testenv.Start(t, testenv.Options{Quiet: true})
	admin := env.NewClient(t)
	province := admin.CreateUnit("Tỉnh Thái Bình", "province", "")
	staff := admin.As(testenv.Staff(province))
	district := staff.CreateUnit("Huyện Vũ Thư", "district", province)
	other := staff.CreateUnit("Huyện Kiến Xương", "district", province)
	commune := staff.CreateUnit("Xã Minh Lãng", "commune", district)

	lan := testenv.User("lan", district, auth.RolePlanner)
	api := env.NewClient(t).As(lan)
	now := time.Now()
	year := now.In(domain.Location).Year()
	next := year + 1

	// A plan whose dialogue is seconds away, so its survey closes and the
	// session can be recorded while the other pages are tested.
	at := now.Add(4 * time.Second).Truncate(time.Second)
	r := api.Do(http.MethodPost, "/api/v1/plans", map[string]any{
		"unit_id": district, "year": at.In(domain.Location).Year(), "reference_no": "55-KH/HU", "issuing_body": "Ban Thường vụ Huyện ủy Vũ Thư",
		"title":  "Kế hoạch tiếp xúc, đối thoại năm nay",
		"policy": map[string]any{"survey_lead": "PT3S", "survey_close": "PT1S", "session_grace": "PT1H"},
		"dialogues": []map[string]any{{"scheduled_at": at.Format(time.RFC3339), "kind": "periodic", "place": "Hội trường UBND huyện",
			"hosts": []map[string]any{{"name": "Nguyễn Văn An", "title": "Bí thư Huyện ủy"}}, "invited_groups": []string{"Hội Nông dân"}}},
	})
	plnMust(t, r, http.StatusCreated, "create plan")
	var live plnPlanDoc
	r.Decode(t, &live)
	dlg := live.Dialogues[0].ID

	pages := plnPages(t, env, lan)

	t.Run("plans list", func(t *testing.T) {
		status, body := pages.get("/plans")
		if status != http.StatusOK || !strings.Contains(body, "55-KH/HU") || !strings.Contains(body, "/plans/"+live.ID) ||
			!strings.Contains(body, `href="/plans/new"`) || !strings.Contains(body, `href="/plans/import"`) || !strings.Contains(body, "Huyện Vũ Thư") {
			t.Errorf("GET /plans: %d %.3000s", status, body)
		}
		status, body = pages.get(fmt.Sprintf("/plans?year=%d", next))
		if status != http.StatusOK || strings.Contains(body, "55-KH/HU") {
			t.Errorf("GET /plans?year=%d shows this year's plan: %d", next, status)
		}
	})

	t.Run("create by form", func(t *testing.T) {
		form := url.Values{"unit_id": {district}, "year": {strconv.Itoa(next)}, "reference_no": {"60-KH/HU"}, "issuing_body": {""},
			"title": {"Kế hoạch thử"}, "rows": {"3"},
			"d0.at": {fmt.Sprintf("%d-06-18T08:00", next)}, "d0.kind": {"periodic"}, "d0.host": {"Nguyễn Văn An"}, "d0.host_title": {"Bí thư Huyện ủy"},
			"d1.kind": {"thematic"}, "d1.at": {fmt.Sprintf("%d-09-10T14:00", next)}, "d1.host": {"Trần Thị Bình"}}
		status, _, body := pages.post("/plans", form)
		if status != http.StatusUnprocessableEntity {
			t.Fatalf("missing issuing body and topic: %d %.2000s", status, body)
		}
		for _, want := range []string{`value="60-KH/HU"`, `value="Nguyễn Văn An"`, `value="Kế hoạch thử"`,
			`id="e-issuing_body">Trường này là bắt buộc.`, `id="e-d1.topic">Hội nghị chuyên đề cần có chủ đề.`} {
			if !strings.Contains(body, want) {
				t.Errorf("the form that came back lacks %s", want)
			}
		}
		if refs := plnRefs(t, api, district, next); len(refs) != 0 {
			t.Errorf("a refused form created plans %v", refs)
		}
		// "Thêm dòng" without JavaScript: the form comes back with a row more.
		form.Set("add_row", "1")
		status, _, body = pages.post("/plans", form)
		if status != http.StatusOK || !strings.Contains(body, `name="d3.at"`) || strings.Contains(body, `name="d4.at"`) || !strings.Contains(body, `value="Trần Thị Bình"`) {
			t.Errorf("add a row: %d", status)
		}
		form.Del("add_row")
		form.Set("issuing_body", "Ban Thường vụ Huyện ủy Vũ Thư")
		form.Set("d1.topic", "Giải phóng mặt bằng")
		status, loc, body := pages.post("/plans", form)
		if status != http.StatusSeeOther {
			t.Fatalf("create: %d %.2000s", status, body)
		}
		p := plnGetPlan(t, api, plnPlanID(t, loc))
		if len(p.Dialogues) != 2 || p.Dialogues[0].Hosts[0].Title != "Bí thư Huyện ủy" || p.Dialogues[1].Kind != "thematic" ||
			!p.Dialogues[0].ScheduledAt.Equal(time.Date(next, 6, 18, 8, 0, 0, 0, domain.Location)) {
			t.Errorf("plan created: %+v", p)
		}
	})

	t.Run("timings by form", func(t *testing.T) {
		status, body := pages.get("/plans/new")
		if status != http.StatusOK || !strings.Contains(body, "Thời gian biểu (tùy chọn)") || !strings.Contains(body, `name="pol_lead"`) ||
			!strings.Contains(body, `placeholder="14"`) || strings.Contains(body, `<details class="card pln-policy" open>`) {
			t.Errorf("the form lacks the collapsed timings: %d", status)
		}
		form := url.Values{"unit_id": {district}, "year": {strconv.Itoa(next)}, "reference_no": {"61-KH/HU"}, "issuing_body": {"Ban Thường vụ Huyện ủy Vũ Thư"},
			"rows": {"3"}, "d0.at": {fmt.Sprintf("%d-05-12T08:00", next)}, "d0.kind": {"periodic"}, "d0.host": {"Nguyễn Văn An"},
			"pol_lead": {"1"}, "pol_lead_unit": {"d"}, "pol_close": {"3"}, "pol_close_unit": {"d"}, "pol_esc1_n": {"3"}}
		// The survey closing before it opens: the API's message next to the field.
		status, _, body = pages.post("/plans", form)
		if status != http.StatusUnprocessableEntity {
			t.Fatalf("survey closing before it opens: %d %.2000s", status, body)
		}
		for _, want := range []string{`id="e-pol_close">Phiếu xin ý kiến phải đóng sau khi mở`, `name="pol_lead" type="number" min="1" step="1" inputmode="numeric" value="1"`,
			`name="pol_close" type="number" min="1" step="1" inputmode="numeric" value="3"`, `<details class="card pln-policy" open>`, `value="61-KH/HU"`,
			`id="e-pol_esc1_to">`, `name="pol_esc1_n" type="number" min="0" step="1" inputmode="numeric" value="3"`} {
			if !strings.Contains(body, want) {
				t.Errorf("the refused timings lack %s", want)
			}
		}
		// Not a positive number: refused by the page before the API.
		form.Set("pol_grace", "-2")
		form.Set("pol_reminders", "3, x")
		status, _, body = pages.post("/plans", form)
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="e-pol_grace">Hãy nhập một số nguyên dương.`) ||
			!strings.Contains(body, `id="e-pol_reminders">`) || !strings.Contains(body, `value="3, x"`) {
			t.Errorf("bad numbers: %d", status)
		}
		if refs := plnRefs(t, api, district, next); len(refs) != 1 {
			t.Errorf("refused forms created plans: %v", refs)
		}
		form.Del("pol_esc1_n")
		form.Set("pol_lead", "2")
		form.Set("pol_lead_unit", "m")
		form.Set("pol_close", "1")
		form.Set("pol_close_unit", "m")
		form.Set("pol_grace", "5")
		form.Set("pol_grace_unit", "m")
		form.Set("pol_reminders", "2")
		form.Set("pol_esc0_n", "10")
		form.Set("pol_esc0_unit", "min")
		form["pol_esc0_to"] = []string{"mttq"}
		status, loc, body := pages.post("/plans", form)
		if status != http.StatusSeeOther {
			t.Fatalf("create with timings: %d %.2000s", status, body)
		}
		pol := plnGetPolicy(t, api, plnPlanID(t, loc))
		zero := 0
		want := plnPolicyDoc{SurveyLead: "PT2M", SurveyClose: "PT1M", SessionGrace: "PT5M", ReminderWorkingDays: []int{2},
			Escalation: []plnEscalationDoc{{AfterWorkingDays: &zero, After: "PT10M", Recipients: []string{"mttq"}}}}
		if plnPolicyString(pol) != plnPolicyString(want) {
			t.Errorf("stored policy %s, want %s", plnPolicyString(pol), plnPolicyString(want))
		}
	})

	var imported string
	t.Run("import", func(t *testing.T) {
		header := url.Values{"unit_id": {district}, "year": {strconv.Itoa(next)}, "reference_no": {"70-KH/HU"}, "issuing_body": {"Ban Thường vụ Huyện ủy Vũ Thư"}}
		bad := plnXLSX(t, [][]any{plnHeader,
			{fmt.Sprintf("18/06/%d", next), "08:00", "định kỳ", "", "Hội trường", "Nguyễn Văn An", "", ""},
			{fmt.Sprintf("31/02/%d", next), "08:00", "định kỳ", "", "", "Nguyễn Văn An", "", ""},
			{fmt.Sprintf("01/03/%d", next), "08:00", "hội thảo", "", "", "Nguyễn Văn An", "", ""},
			{fmt.Sprintf("02/03/%d", next), "08:00", "định kỳ", "", "", "", "", ""},
		})
		status, _, body := pages.upload("/plans/import", header, "ke-hoach.xlsx", bad)
		if status != http.StatusUnprocessableEntity {
			t.Fatalf("bad file: %d %.2000s", status, body)
		}
		for _, want := range []string{"Lỗi trong tệp (3)", "<td>3</td><td>Ngày</td><td>Ngày “31/02/" + strconv.Itoa(next) + "” không hợp lệ",
			"<td>4</td><td>Hình thức</td><td>Hình thức “hội thảo” không hợp lệ", "<td>5</td><td>Người chủ trì</td><td>Cần ít nhất một người chủ trì.",
			`value="70-KH/HU"`, "Chưa có gì được tạo"} {
			if !strings.Contains(body, want) {
				t.Errorf("bad file page lacks %q", want)
			}
		}
		for _, ref := range plnRefs(t, api, district, next) {
			if ref == "70-KH/HU" {
				t.Fatal("a bad file created the plan")
			}
		}
		status, _, body = pages.upload("/plans/import", header, "ke-hoach.pdf", []byte("%PDF-1.4"))
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, "Chỉ nhận tệp .xlsx hoặc .csv.") {
			t.Errorf("wrong file type: %d", status)
		}
		status, _, body = pages.upload("/plans/import", header, "ke-hoach.csv", bytes.Repeat([]byte("a"), 3<<20))
		if status != http.StatusRequestEntityTooLarge || !strings.Contains(body, "Tệp quá lớn: tối đa 2 MiB.") {
			t.Errorf("a 3 MiB file: %d", status)
		}
		tooBig := append([]byte("Ngày,Hình thức,Người chủ trì\n"), bytes.Repeat([]byte("01/02/2027,định kỳ,An\n"), 1100)...)
		status, _, body = pages.upload("/plans/import", header, "ke-hoach.csv", tooBig)
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, "Tệp có quá nhiều dòng: tối đa 1000 hội nghị mỗi lần nhập.") {
			t.Errorf("1100 rows: %d", status)
		}

		good := plnXLSX(t, [][]any{plnHeader,
			{fmt.Sprintf("18/06/%d", next), "08:00", "định kỳ", "", "Hội trường UBND huyện", "Nguyễn Văn An; Trần Thị Bình", "Bí thư Huyện ủy; Chủ tịch UBND huyện", "Hội Nông dân; Hội Phụ nữ"},
			{fmt.Sprintf("10/09/%d", next), "14:00", "chuyên đề", "Giải phóng mặt bằng", "Nhà văn hóa xã Tân Phong", "Trần Thị Bình", "Chủ tịch UBND huyện", "Các hộ dân bị ảnh hưởng"},
			{fmt.Sprintf("05/12/%d", next), "", "đột xuất", "", "UBND xã Minh Lãng", "Lê Văn Cường", "", ""},
		})
		status, loc, body := pages.upload("/plans/import", header, "ke-hoach.xlsx", good)
		if status != http.StatusSeeOther {
			t.Fatalf("good file: %d %.3000s", status, body)
		}
		imported = plnPlanID(t, loc)
		p := plnGetPlan(t, api, imported)
		if p.ReferenceNo != "70-KH/HU" || len(p.Dialogues) != 3 || len(p.Dialogues[0].Hosts) != 2 || p.Dialogues[2].Kind != "adhoc" {
			t.Errorf("imported plan: %+v", p)
		}
		// A unit column schedules the dialogues of the units below: named by
		// official name (or code); an unknown name is an error of its row.
		unitHeader := append(append([]any{}, plnHeader...), "Đơn vị")
		withUnits := url.Values{"unit_id": {district}, "year": {strconv.Itoa(next)}, "reference_no": {"72-KH/HU"}, "issuing_body": {"Ban Thường vụ Huyện ủy Vũ Thư"}}
		status, _, body = pages.upload("/plans/import", withUnits, "ke-hoach.xlsx", plnXLSX(t, [][]any{unitHeader,
			{fmt.Sprintf("18/06/%d", next), "08:00", "định kỳ", "", "Hội trường", "Nguyễn Văn An", "", "", ""},
			{fmt.Sprintf("19/06/%d", next), "08:00", "định kỳ", "", "Nhà văn hóa", "Lê Văn Cường", "", "", "Xã Không Có"},
		}))
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, "<td>3</td><td>Đơn vị</td><td>Không tìm thấy đơn vị “Xã Không Có”") {
			t.Errorf("unknown unit: %d %.3000s", status, body)
		}
		status, loc, body = pages.upload("/plans/import", withUnits, "ke-hoach.xlsx", plnXLSX(t, [][]any{unitHeader,
			{fmt.Sprintf("18/06/%d", next), "08:00", "định kỳ", "", "Hội trường", "Nguyễn Văn An", "", "", ""},
			{fmt.Sprintf("19/06/%d", next), "08:00", "định kỳ", "", "Nhà văn hóa", "Lê Văn Cường", "", "", "minh lãng"},
		}))
		if status != http.StatusSeeOther {
			t.Fatalf("import with units: %d %.3000s", status, body)
		}
		withID := plnPlanID(t, loc)
		if p := plnGetPlan(t, api, withID); len(p.Dialogues) != 2 || p.Dialogues[1].UnitID != commune || p.Dialogues[0].UnitID != district {
			t.Errorf("imported units: %+v", p.Dialogues)
		}
		// The plan page shows how the communes held theirs.
		if _, page := pages.get("/plans/" + withID); !strings.Contains(page, "0/1 xã, phường, đặc khu") || !strings.Contains(page, "Chưa tổ chức: Xã Minh Lãng") {
			t.Errorf("plan page lacks the communes' coverage: %.4000s", page)
		}

		// Timings apply to every imported dialogue.
		timed := url.Values{"unit_id": {district}, "year": {strconv.Itoa(next)}, "reference_no": {"71-KH/HU"}, "issuing_body": {"Ban Thường vụ Huyện ủy Vũ Thư"},
			"pol_lead": {"5"}, "pol_lead_unit": {"d"}, "pol_close": {"12"}, "pol_close_unit": {"h"}, "pol_reminders": {"4, 2"},
			"pol_esc0_n": {"0"}, "pol_esc0_unit": {"wd"}, "pol_esc0_to": {"assignee", "monitor"},
			"pol_esc1_n": {"2"}, "pol_esc1_unit": {"wd"}, "pol_esc1_to": {"parent_party_committee"}}
		status, loc, body = pages.upload("/plans/import", timed, "ke-hoach.xlsx", good)
		if status != http.StatusSeeOther {
			t.Fatalf("import with timings: %d %.3000s", status, body)
		}
		pol := plnGetPolicy(t, api, plnPlanID(t, loc))
		zero, two := 0, 2
		want := plnPolicyDoc{SurveyLead: "P5D", SurveyClose: "PT12H", SessionGrace: "P2D", ReminderWorkingDays: []int{4, 2},
			Escalation: []plnEscalationDoc{{AfterWorkingDays: &zero, Recipients: []string{"assignee", "monitor"}}, {AfterWorkingDays: &two, Recipients: []string{"parent_party_committee"}}}}
		if plnPolicyString(pol) != plnPolicyString(want) {
			t.Errorf("imported policy %s, want %s", plnPolicyString(pol), plnPolicyString(want))
		}
		// A refused timing on the import form: next to its field, typed values kept.
		timed.Set("reference_no", "72-KH/HU")
		timed.Set("pol_close", "6")
		timed.Set("pol_close_unit", "d")
		status, _, body = pages.upload("/plans/import", timed, "ke-hoach.xlsx", good)
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="e-pol_close">Phiếu xin ý kiến phải đóng sau khi mở`) ||
			!strings.Contains(body, `value="4, 2"`) || !strings.Contains(body, `value="parent_party_committee" checked`) {
			t.Errorf("import with the survey closing before it opens: %d %.3000s", status, body)
		}
		// The same reference number again: a conflict, shown on the form.
		status, _, body = pages.upload("/plans/import", header, "ke-hoach.xlsx", good)
		if status != http.StatusConflict || !strings.Contains(body, "/plans/"+imported) {
			t.Errorf("import twice: %d", status)
		}
		// The templates download.
		req, _ := http.NewRequest(http.MethodGet, pages.base+"/plans/import/template.xlsx", nil)
		resp, tb := pages.do(req)
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(tb, "PK") || !strings.Contains(resp.Header.Get("Content-Disposition"), ".xlsx") {
			t.Errorf("xlsx template: %d %s", resp.StatusCode, resp.Header)
		}
		if status, tb := pages.get("/plans/import/template.csv"); status != http.StatusOK || !strings.Contains(tb, "Người chủ trì") {
			t.Errorf("csv template: %d %q", status, tb)
		}
	})
	if imported == "" {
		t.Fatal("no imported plan to go on with")
	}

	t.Run("plan page", func(t *testing.T) {
		status, body := pages.get("/plans/" + imported)
		if status != http.StatusOK {
			t.Fatalf("plan page: %d", status)
		}
		p := plnGetPlan(t, api, imported)
		for _, want := range []string{`class="calendar"`, "Tháng 6", "Tháng 12", "Danh sách hội nghị", "Đã lên lịch", "/dialogues/" + p.Dialogues[0].ID,
			"/reports/plan/" + imported, "Nguyễn Văn An (Bí thư Huyện ủy)", "Giải phóng mặt bằng", `action="/plans/` + imported + `/dialogues"`} {
			if !strings.Contains(body, want) {
				t.Errorf("plan page lacks %q", want)
			}
		}
		// An ad hoc dialogue by form.
		form := url.Values{"ad_at": {fmt.Sprintf("%d-07-02T14:00", next)}, "ad_kind": {"adhoc"}, "ad_topic": {"Ô nhiễm môi trường"}, "ad_host": {"Trần Thị Bình"}}
		status, loc, body := pages.post("/plans/"+imported+"/dialogues", form)
		if status != http.StatusSeeOther || !strings.HasPrefix(loc, "/plans/"+imported) {
			t.Fatalf("add dialogue: %d %.2000s", status, body)
		}
		if n := len(plnGetPlan(t, api, imported).Dialogues); n != 4 {
			t.Errorf("dialogues after adding one: %d", n)
		}
		form.Set("ad_at", fmt.Sprintf("%d-07-02T14:00", year-1))
		status, _, body = pages.post("/plans/"+imported+"/dialogues", form)
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="e-ad_at"`) || !strings.Contains(body, `value="Ô nhiễm môi trường"`) {
			t.Errorf("ad hoc dialogue outside the year: %d", status)
		}
	})

	t.Run("dialogue and session", func(t *testing.T) {
		r := api.Do(http.MethodGet, "/api/v1/dialogues/"+dlg, nil)
		var d struct {
			SurveyLink struct {
				Token string `json:"token"`
			} `json:"survey_link"`
		}
		r.Decode(t, &d)
		status, body := pages.get("/dialogues/" + dlg)
		if status != http.StatusOK || d.SurveyLink.Token == "" || !strings.Contains(body, "/s/"+d.SurveyLink.Token) || !strings.Contains(body, "/static/dialogue.js") {
			t.Fatalf("dialogue page: %d, survey link /s/%s missing", status, d.SurveyLink.Token)
		}
		// Wait for the survey to close: then the session can be recorded.
		deadline := time.Now().Add(30 * time.Second)
		for {
			r := api.Do(http.MethodGet, "/api/v1/dialogues/"+dlg, nil)
			var s struct {
				Phase string `json:"phase"`
			}
			r.Decode(t, &s)
			if s.Phase == domain.PhaseAwaitingSession {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("dialogue still %s", s.Phase)
			}
			time.Sleep(200 * time.Millisecond)
		}
		status, body = pages.get("/dialogues/" + dlg)
		if status != http.StatusOK || !strings.Contains(body, `name="held_at"`) || !strings.Contains(body, `name="con2.t1.due_at"`) || !strings.Contains(body, "Xã Minh Lãng") {
			t.Fatalf("session form: %d", status)
		}
		held := at.In(domain.Location).Format("2006-01-02T15:04")
		form := url.Values{"held_at": {held}, "chair": {"Nguyễn Văn An"}, "n_op": {"5"}, "n_con": {"3"}, "n_task": {"2"},
			"grp0.name": {"Hội Nông dân"}, "grp0.count": {"30"},
			"op0.field": {"Môi trường"}, "op0.content": {"Cụm công nghiệp xả thải"}, "op0.source": {"floor"},
			"op1.field": {"Đất đai"}, "op1.content": {"Cấp giấy chứng nhận"}, "op1.source": {"survey"}, "op1.answered": {"1"}, "op1.answer": {"Trong quý III"},
			"con0.content":  {"Giao Phòng Tài nguyên và Môi trường kiểm tra việc xả thải"},
			"con0.t0.title": {"Kiểm tra việc xả thải"}, "con0.t0.unit": {commune}, "con0.t0.days": {"10"}, "con0.t0.monitor": {"Đ/c Phó Bí thư"}}
		// Without attendance or the task's agency: errors next to the fields.
		status, _, body = pages.post("/dialogues/"+dlg+"/session", form)
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="e-attendance_total"`) || !strings.Contains(body, `id="e-con0.t0.agency"`) ||
			!strings.Contains(body, `value="Kiểm tra việc xả thải"`) || !strings.Contains(body, "Cụm công nghiệp xả thải</textarea>") {
			t.Fatalf("session without attendance and agency: %d %.3000s", status, body)
		}
		// "Thêm dòng" keeps what was typed and adds an opinion row.
		form.Set("add", "op")
		status, _, body = pages.post("/dialogues/"+dlg+"/session", form)
		if status != http.StatusOK || !strings.Contains(body, `name="op5.field"`) || !strings.Contains(body, `value="Kiểm tra việc xả thải"`) {
			t.Errorf("add an opinion row: %d", status)
		}
		form.Del("add")
		form.Set("attendance_total", "80")
		form.Set("con0.t0.agency", "UBND xã Minh Lãng")
		// An opinion names the conclusions it led to by their numbers on
		// the form, and the survey answers it covers by receipt code.
		form.Set("op0.leads", "3") // row 3 is blank
		status, _, body = pages.post("/dialogues/"+dlg+"/session", form)
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="e-op0.leads"`) {
			t.Fatalf("an opinion leading to a blank conclusion: %d %.2000s", status, body)
		}
		form.Set("op0.leads", "1")
		form.Set("op1.receipts", "2222-2222-2222")
		status, _, body = pages.post("/dialogues/"+dlg+"/session", form)
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="e-op1.receipts"`) || !strings.Contains(body, "2222-2222-2222") {
			t.Fatalf("an unknown receipt: %d %.2000s", status, body)
		}
		form.Del("op1.receipts")
		status, loc, body := pages.post("/dialogues/"+dlg+"/session", form)
		if status != http.StatusSeeOther || !strings.HasPrefix(loc, "/dialogues/"+dlg) {
			t.Fatalf("record session: %d %.3000s", status, body)
		}
		r = api.Do(http.MethodGet, "/api/v1/tasks?dialogue_id="+dlg, nil)
		plnMust(t, r, http.StatusOK, "tasks")
		var tasks struct {
			Items []struct {
				ID             string `json:"id"`
				Title          string `json:"title"`
				AssigneeUnitID string `json:"assignee_unit_id"`
				DeadlineSpec   struct {
					Days int `json:"due_in_working_days"`
				} `json:"deadline_spec"`
			} `json:"items"`
		}
		r.Decode(t, &tasks)
		if len(tasks.Items) != 1 || tasks.Items[0].Title != "Kiểm tra việc xả thải" || tasks.Items[0].AssigneeUnitID != commune || tasks.Items[0].DeadlineSpec.Days != 10 {
			t.Fatalf("tasks after the session: %+v", tasks.Items)
		}
		r = api.Do(http.MethodGet, "/api/v1/dialogues/"+dlg, nil)
		var rec struct {
			Session struct {
				Opinions []struct {
					Conclusions []int `json:"conclusions"`
				} `json:"opinions"`
			} `json:"session"`
		}
		r.Decode(t, &rec)
		if len(rec.Session.Opinions) != 2 || fmt.Sprint(rec.Session.Opinions[0].Conclusions) != "[1]" {
			t.Errorf("the first opinion should lead to conclusion 1: %+v", rec.Session.Opinions)
		}
		status, body = pages.get("/dialogues/" + dlg)
		for _, want := range []string{"/tasks/" + tasks.Items[0].ID, "/reports/dialogue/" + dlg, "Đã tổ chức", "Cấp giấy chứng nhận", "Hội Nông dân: 30"} {
			if status != http.StatusOK || !strings.Contains(body, want) {
				t.Errorf("dialogue page after the session lacks %q (%d)", want, status)
			}
		}
		if strings.Contains(body, `name="held_at"`) {
			t.Error("the session form is still offered after the session")
		}
	})

	t.Run("reschedule and cancel", func(t *testing.T) {
		p := plnGetPlan(t, api, imported)
		id := p.Dialogues[0].ID
		status, loc, body := pages.post("/dialogues/"+id+"/reschedule", url.Values{"rs_at": {fmt.Sprintf("%d-06-25T08:00", next)}, "rs_reason": {"Trùng lịch"}})
		if status != http.StatusSeeOther || !strings.Contains(loc, "ok=dlg_rescheduled") {
			t.Fatalf("reschedule: %d %.2000s", status, body)
		}
		status, _, body = pages.post("/dialogues/"+id+"/cancel", url.Values{"cancel_reason": {""}})
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="e-cancel_reason"`) {
			t.Errorf("cancel without a reason: %d", status)
		}
		status, _, _ = pages.post("/dialogues/"+id+"/cancel", url.Values{"cancel_reason": {"Đã giải quyết"}})
		if status != http.StatusSeeOther {
			t.Fatalf("cancel: %d", status)
		}
		// A cancelled dialogue cannot be cancelled again: a form error.
		status, _, body = pages.post("/dialogues/"+id+"/cancel", url.Values{"cancel_reason": {"Lần nữa"}})
		if status != http.StatusConflict || !strings.Contains(body, `class="form-error"`) {
			t.Errorf("cancel twice: %d", status)
		}
	})

	t.Run("both languages", func(t *testing.T) {
		p := plnGetPlan(t, api, imported)
		en := plnPages(t, env, lan)
		for _, path := range []string{"/plans", "/plans/new", "/plans/import", "/plans/" + imported, "/plans/" + live.ID,
			"/dialogues/" + dlg, "/dialogues/" + p.Dialogues[0].ID, "/dialogues/" + p.Dialogues[1].ID} {
			for _, lang := range []string{"vi", "en"} {
				c := pages
				if lang == "en" {
					c = en
				}
				status, body := c.get(path + "?lang=" + lang)
				if status != http.StatusOK {
					t.Errorf("%s in %s: %d", path, lang, status)
				}
				if m := plnMissingKey.FindString(body); m != "" {
					t.Errorf("%s in %s shows %s", path, lang, m)
				}
				if !strings.Contains(body, `<html lang="`+lang+`"`) {
					t.Errorf("%s is not in %s", path, lang)
				}
			}
		}
		if _, body := en.get("/plans/" + imported); !strings.Contains(body, "Scheduled") || !strings.Contains(body, "December") {
			t.Error("the English plan page is not in English")
		}
	})

	t.Run("another district", func(t *testing.T) {
		stranger := plnPages(t, env, testenv.User("hoa", other, auth.RolePlanner))
		for _, path := range []string{"/plans/" + imported, "/plans/" + live.ID, "/dialogues/" + dlg} {
			status, body := stranger.get(path)
			if status != http.StatusNotFound || !strings.Contains(body, "Không tìm thấy trang này") {
				t.Errorf("%s for a planner of another district: %d", path, status)
			}
		}
		if _, body := stranger.get("/plans"); strings.Contains(body, "55-KH/HU") || strings.Contains(body, "70-KH/HU") {
			t.Error("another district's plans are listed")
		}
		status, _, _ := stranger.post("/plans/"+imported+"/dialogues", url.Values{"ad_at": {fmt.Sprintf("%d-07-02T14:00", next)}, "ad_host": {"X"}})
		if status != http.StatusNotFound {
			t.Errorf("adding a dialogue to another district's plan: %d", status)
		}
	})

	t.Run("host reads", func(t *testing.T) {
		host := plnPages(t, env, testenv.User("an", district, auth.RoleHost))
		status, body := host.get("/plans")
		if status != http.StatusOK || !strings.Contains(body, "55-KH/HU") || strings.Contains(body, `href="/plans/new"`) {
			t.Errorf("host's plan list: %d", status)
		}
		status, body = host.get("/dialogues/" + dlg)
		if status != http.StatusOK || strings.Contains(body, `action="/dialogues/`+dlg+`/cancel"`) {
			t.Errorf("host's dialogue page: %d", status)
		}
	})
}
