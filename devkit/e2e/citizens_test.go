package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/doithoai/doithoai/activities"
	"github.com/doithoai/doithoai/devkit/testenv"
	"github.com/doithoai/doithoai/internal/auth"
	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/internal/notify/smtptest"
	"github.com/doithoai/doithoai/workflows"
)

type publicReceiptDoc struct {
	Receipt  string `json:"receipt"`
	Kind     string `json:"kind"`
	Field    string `json:"field"`
	Content  string `json:"content"`
	Status   string `json:"status"`
	CanRate  bool   `json:"can_rate"`
	Opinions []struct {
		Outcome     string `json:"outcome"`
		Answer      string `json:"answer"`
		Conclusions []struct {
			Content string `json:"content"`
			Tasks   []struct {
				Agency  string `json:"agency"`
				Status  string `json:"status"`
				Overdue bool   `json:"overdue"`
				Result  *struct {
					Text string `json:"text"`
				} `json:"result"`
			} `json:"tasks"`
		} `json:"conclusions"`
	} `json:"opinions"`
	Rating *struct {
		Satisfied bool `json:"satisfied"`
	} `json:"rating"`
	Dialogue struct {
		PublicCode string `json:"public_code"`
	} `json:"dialogue"`
}

// TestCitizenFollowsOpinionToResult runs the chain a citizen sees, through
// the API: a survey answer gets a receipt; the session links it to a
// conclusion and its task; the result is accepted; the lookup shows it;
// the holder rates it "not satisfied", which raises one alert to the
// commune's MTTQ; the people's inspection board remarks on the task; the
// planner publishes the dialogue's page; the report counts it all. Every
// public answer is scanned for what must never be in one.
func TestCitizenFollowsOpinionToResult(t *testing.T) {
	mail := smtptest.Start(t)
	sms := startSMSGateway(t)
	env := testenv.Start(t, testenv.Options{SMTPAddr: mail.Addr(), SMSGatewayURL: sms.srv.URL + "/send", ContactRetention: 3 * time.Second})
	admin := env.NewClient(t)
	province := admin.CreateUnit("Tỉnh Hưng Yên", "province", "")
	c := admin.As(testenv.Staff(province))
	commune := c.CreateUnit("Xã Vũ Thư", "commune", province)
	planner := c.As(testenv.User("planner.vuthu", commune, auth.RolePlanner))
	mttq := c.As(testenv.User("mttq.vuthu", commune, auth.RoleMTTQ))
	officer := c.As(testenv.User("officer.vuthu", commune, auth.RoleOfficer))
	board := c.As(testenv.User("bttnd.vuthu", commune, auth.RoleBoard))
	public := c.WithToken("")

	// Everything a public answer must never hold.
	secrets := []string{"Nguyễn Thị Hoa", "Trần Văn Nam", "Phạm Văn Đức", "Lê Văn Chủ", "Đ/c Hoàng", "hoa@example.vn", "912345678", "912 345 678"}
	uuidRE := regexp.MustCompile(`[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`)
	var tokens []string
	scan := func(r *testenv.Response, what string) {
		t.Helper()
		body := string(r.Body)
		if m := uuidRE.FindString(body); m != "" {
			t.Errorf("%s: public answer holds an internal id %s: %s", what, m, body)
		}
		for _, s := range append(secrets, tokens...) {
			if s != "" && strings.Contains(body, s) {
				t.Errorf("%s: public answer holds %q: %s", what, s, body)
			}
		}
	}

	at := time.Now().Add(8 * time.Second).Truncate(time.Second)
	plan := map[string]any{
		"unit_id": commune, "year": at.In(domain.Location).Year(), "reference_no": "12-KH/ĐU", "issuing_body": "Đảng ủy xã Vũ Thư",
		"policy": map[string]any{"survey_lead": "PT7S", "survey_close": "PT2S", "session_grace": "PT1H", "supervision_within": "P1D"},
		"dialogues": []map[string]any{{"scheduled_at": at.Format(time.RFC3339), "kind": "periodic", "title": "Đối thoại quý IV",
			"hosts": []map[string]any{{"name": "Trần Văn Nam", "title": "Bí thư Đảng ủy"}}}},
	}
	r := planner.Do(http.MethodPost, "/api/v1/plans", plan)
	mustStatus(t, r, http.StatusCreated, "plan")
	var p struct {
		Dialogues []created `json:"dialogues"`
	}
	r.Decode(t, &p)
	dlg := p.Dialogues[0].ID
	waitPhase(t, planner, dlg, domain.PhaseSurveyOpen, 30*time.Second)
	link := surveyLink(t, planner, dlg)
	tokens = append(tokens, strings.TrimPrefix(link, "/api/v1/survey/"))

	answer := func(field, content string, contact map[string]any) string {
		t.Helper()
		body := map[string]any{"field": field, "content": content, "respondent_name": "Nguyễn Thị Hoa"}
		if contact != nil {
			body["contact"] = contact
		}
		r := public.Do(http.MethodPost, link+"/responses", body)
		mustStatus(t, r, http.StatusCreated, "survey answer")
		scan(r, "survey answer")
		var a struct {
			Receipt string `json:"receipt"`
		}
		r.Decode(t, &a)
		if !regexp.MustCompile(`^[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}$`).MatchString(a.Receipt) {
			t.Fatalf("receipt %q is not XXXX-XXXX-XXXX: %s", a.Receipt, r.Body)
		}
		return a.Receipt
	}
	// A contact needs consent and a real address or number.
	expectError(t, public.Do(http.MethodPost, link+"/responses", map[string]any{"field": "Đất đai", "content": "x",
		"contact": map[string]any{"email": "hoa@example.vn"}}), 422, "validation_failed", "contact.consent", "consent_required")
	expectError(t, public.Do(http.MethodPost, link+"/responses", map[string]any{"field": "Đất đai", "content": "x",
		"contact": map[string]any{"phone": "12345", "consent": true}}), 422, "validation_failed", "contact.phone", "invalid_phone")
	expectError(t, planner.Do(http.MethodPost, "/api/v1/dialogues/"+dlg+"/survey/responses", map[string]any{"field": "Đất đai", "content": "x",
		"contact": map[string]any{"email": "hoa@example.vn", "consent": true}}), 422, "validation_failed", "contact", "contact_public_only")
	rcptRoad := answer("Giao thông", "Đường liên thôn xuống cấp, đề nghị sửa chữa.", nil)
	rcptLand := answer("Đất đai", "Khi nào cấp sổ đỏ cho các hộ thôn Đông?",
		map[string]any{"email": "hoa@example.vn", "phone": "0912 345 678", "consent": true})
	lookup := func(code string) publicReceiptDoc {
		t.Helper()
		r := public.Do(http.MethodGet, "/api/v1/public/receipts/"+code, nil)
		mustStatus(t, r, http.StatusOK, "receipt lookup")
		scan(r, "receipt lookup")
		var d publicReceiptDoc
		r.Decode(t, &d)
		return d
	}
	if d := lookup(strings.ToLower(strings.ReplaceAll(rcptRoad, "-", " "))); d.Status != "received" || d.Content != "Đường liên thôn xuống cấp, đề nghị sửa chữa." || d.CanRate {
		t.Fatalf("before the session: %+v", d)
	}
	expectError(t, public.Do(http.MethodGet, "/api/v1/public/receipts/2222-2222-2222", nil), 404, "receipt_unknown", "", "")
	expectError(t, public.Do(http.MethodGet, "/api/v1/public/receipts/not-a-code", nil), 404, "receipt_unknown", "", "")

	waitPhase(t, planner, dlg, domain.PhaseAwaitingSession, 30*time.Second)
	r = planner.Do(http.MethodGet, "/api/v1/dialogues/"+dlg+"/survey/responses", nil)
	mustStatus(t, r, http.StatusOK, "survey answers")
	var answers struct {
		Items []struct {
			ID      string `json:"id"`
			Receipt string `json:"receipt"`
			Field   string `json:"field"`
		} `json:"items"`
	}
	r.Decode(t, &answers)
	ids := map[string]string{}
	for _, a := range answers.Items {
		ids[a.Field] = a.ID
		if a.Receipt == "" {
			t.Errorf("staff list lacks the receipt of answer %s", a.ID)
		}
	}
	due := time.Now().Add(time.Hour).Truncate(time.Second)
	session := map[string]any{"held_at": at.Format(time.RFC3339), "chair": "Lê Văn Chủ", "attendance": map[string]any{"total": 60},
		"opinions": []map[string]any{
			{"field": "Giao thông", "content": "Sửa đường liên thôn", "source": "survey", "survey_response_ids": []string{ids["Giao thông"]}, "conclusions": []int{1}},
			{"field": "Đất đai", "content": "Cấp giấy chứng nhận thôn Đông", "source": "survey", "survey_receipts": []string{strings.ToLower(rcptLand)},
				"answered_on_spot": true, "answer": "UBND xã sẽ cấp trong tháng 12."},
			{"field": "Môi trường", "content": "Rác thải ven sông", "source": "floor"},
		},
		"conclusions": []map[string]any{{"content": "Giao UBND xã sửa đường liên thôn", "tasks": []map[string]any{{
			"title": "Sửa đường liên thôn Đông – Tây", "monitor": "Đ/c Hoàng",
			"assignee": map[string]any{"agency": "UBND xã Vũ Thư", "officer": "Phạm Văn Đức", "unit_id": commune}, "due_at": due.Format(time.RFC3339)}}}},
	}
	bad := func(k string, v any) map[string]any {
		ops := append([]map[string]any{}, session["opinions"].([]map[string]any)...)
		ops[0] = with(ops[0], k, v)
		return with(session, "opinions", ops)
	}
	expectError(t, planner.Do(http.MethodPost, "/api/v1/dialogues/"+dlg+"/session", bad("survey_response_ids", []string{"4b5b5a8e-8f62-4d0c-9d59-2d1bfa2b6d51"})),
		422, "validation_failed", "opinions[0].survey_response_ids[0]", "unknown_survey_response")
	expectError(t, planner.Do(http.MethodPost, "/api/v1/dialogues/"+dlg+"/session", bad("survey_receipts", []string{"2222-2222-2222"})),
		422, "validation_failed", "opinions[0].survey_receipts[0]", "unknown_receipt")
	expectError(t, planner.Do(http.MethodPost, "/api/v1/dialogues/"+dlg+"/session", bad("conclusions", []int{2})),
		422, "validation_failed", "opinions[0].conclusions[0]", "unknown_conclusion")
	mustStatus(t, planner.Do(http.MethodPost, "/api/v1/dialogues/"+dlg+"/session", session), http.StatusOK, "record session")

	d := getDialogue(t, planner, dlg)
	floorReceipt, _ := d.Session.Opinions[2]["receipt"].(string)
	if floorReceipt == "" || d.Session.Opinions[0]["receipt"] != nil {
		t.Fatalf("a floor opinion gets a receipt, a survey one does not: %+v", d.Session.Opinions)
	}
	if fr := lookup(floorReceipt); fr.Kind != "floor_opinion" || fr.Status != "open" {
		t.Errorf("floor receipt: %+v", fr)
	}
	road := lookup(rcptRoad)
	if road.Status != "led_to_task" || len(road.Opinions) != 1 || len(road.Opinions[0].Conclusions) != 1 ||
		road.Opinions[0].Conclusions[0].Tasks[0].Agency != "UBND xã Vũ Thư" || road.CanRate {
		t.Fatalf("after the session, the road receipt: %+v", road)
	}
	expectError(t, public.Do(http.MethodPost, "/api/v1/public/receipts/"+rcptRoad+"/rating", map[string]any{"satisfied": false}), 409, "not_ratable_yet", "", "")
	land := lookup(rcptLand)
	if land.Status != "answered_on_spot" || land.Opinions[0].Answer != "UBND xã sẽ cấp trong tháng 12." || !land.CanRate {
		t.Fatalf("the land receipt: %+v", land)
	}
	// The respondent who left a contact is told, once by e-mail and once
	// by text, with the receipt code and nobody's name.
	msgs := mail.Wait(t, 1, 30*time.Second)
	if len(msgs) != 1 || !strings.Contains(msgs[0].Body, rcptLand) || strings.Contains(msgs[0].Body, "Trần Văn Nam") {
		t.Fatalf("e-mail to the respondent: %+v", msgs)
	}
	texts := sms.wait(t, 1, 30*time.Second)
	if len(texts) != 1 || texts[0].To != "+84912345678" || !strings.Contains(texts[0].Text, rcptLand) {
		t.Fatalf("text to the respondent: %+v", texts)
	}
	// The dialogue-wide read the notices use answers each contact's
	// receipt as the receipt read whole does.
	_, statuses, err := env.Store.ContactStatuses(context.Background(), dlg)
	if err != nil || len(statuses) != 1 {
		t.Fatalf("contact statuses: %v %v, want the one contact's", statuses, err)
	}
	for _, st := range statuses {
		if st != land.Status {
			t.Fatalf("contact status %q, the receipt read whole %q", st, land.Status)
		}
	}
	expectError(t, public.Do(http.MethodPost, "/api/v1/public/receipts/"+rcptLand+"/rating", map[string]any{}), 422, "validation_failed", "satisfied", "required")
	r = public.Do(http.MethodPost, "/api/v1/public/receipts/"+rcptLand+"/rating", map[string]any{"satisfied": true})
	mustStatus(t, r, http.StatusCreated, "rate satisfied")
	scan(r, "rating")
	mustStatus(t, public.Do(http.MethodPost, "/api/v1/public/receipts/"+rcptLand+"/rating", map[string]any{"satisfied": true}), http.StatusOK, "the same rating again")
	expectError(t, public.Do(http.MethodPost, "/api/v1/public/receipts/"+rcptLand+"/rating", map[string]any{"satisfied": false}), 409, "already_rated", "", "")

	// The task is done and accepted.
	r = planner.Do(http.MethodGet, "/api/v1/tasks?dialogue_id="+dlg, nil)
	var tasks struct {
		Items []taskDoc `json:"items"`
	}
	r.Decode(t, &tasks)
	taskID := tasks.Items[0].ID
	mustStatus(t, officer.Do(http.MethodPost, "/api/v1/tasks/"+taskID+"/result", map[string]any{"text": "Đã rải nhựa 1,2 km đường liên thôn."}), 200, "submit result")
	mustStatus(t, mttq.Do(http.MethodPost, "/api/v1/tasks/"+taskID+"/review", map[string]any{"decision": "accept"}), 200, "accept result")
	waitFor(t, 20*time.Second, "the road receipt to show the accepted result", func() bool {
		road = lookup(rcptRoad)
		return road.Status == "result_accepted"
	})
	if res := road.Opinions[0].Conclusions[0].Tasks[0].Result; res == nil || res.Text != "Đã rải nhựa 1,2 km đường liên thôn." || !road.CanRate {
		t.Fatalf("accepted road receipt: %+v", road)
	}
	r = public.Do(http.MethodPost, "/api/v1/public/receipts/"+rcptRoad+"/rating", map[string]any{"satisfied": false, "comment": "Mới rải một đoạn."})
	mustStatus(t, r, http.StatusCreated, "rate not satisfied")
	notSatisfied := func() int {
		r := mttq.Do(http.MethodGet, "/api/v1/alerts?kind=citizen_not_satisfied", nil)
		mustStatus(t, r, 200, "alerts")
		var page struct {
			Total int `json:"total"`
		}
		r.Decode(t, &page)
		return page.Total
	}
	if n := notSatisfied(); n != 1 {
		t.Fatalf("MTTQ has %d not-satisfied alerts, want 1", n)
	}

	// The people's inspection board reads and remarks; it does nothing else.
	mustStatus(t, board.Do(http.MethodGet, "/api/v1/tasks/"+taskID, nil), 200, "board reads the task")
	mustStatus(t, board.Do(http.MethodGet, "/api/v1/dialogues/"+dlg, nil), 200, "board reads the dialogue")
	expectError(t, board.Do(http.MethodGet, "/api/v1/dialogues/"+dlg+"/survey/responses", nil), 403, "forbidden", "", "")
	expectError(t, board.Do(http.MethodPost, "/api/v1/tasks/"+taskID+"/result", map[string]any{"text": "x"}), 403, "forbidden", "", "")
	expectError(t, planner.Do(http.MethodPost, "/api/v1/tasks/"+taskID+"/remarks", map[string]any{"content": "x"}), 403, "forbidden", "", "")
	expectError(t, board.Do(http.MethodPost, "/api/v1/tasks/"+taskID+"/remarks", map[string]any{"content": " "}), 422, "validation_failed", "content", "required")
	remark := map[string]any{"content": "Đoạn qua thôn Tây chưa được rải nhựa như kết luận."}
	mustStatus(t, board.Do(http.MethodPost, "/api/v1/tasks/"+taskID+"/remarks", remark, "Idempotency-Key", "remark-1"), http.StatusCreated, "remark")
	mustStatus(t, board.Do(http.MethodPost, "/api/v1/tasks/"+taskID+"/remarks", remark, "Idempotency-Key", "remark-1"), http.StatusCreated, "remark again")
	// The Feedback runs replay against the current code (and are kept for
	// the replay tests with DOITHOAI_KEEP_HISTORIES=1).
	for id, name := range map[string]string{
		workflows.RatingWorkflowID(strings.ReplaceAll(rcptRoad, "-", "")):                                                  "feedback-rating-not-satisfied",
		workflows.RemarkWorkflowID(activities.StableID(fmt.Sprintf("remark|%s|%s|%s", taskID, "bttnd.vuthu", "remark-1"))): "feedback-board-remark",
	} {
		if err := env.Client.GetWorkflow(context.Background(), id, "").Get(context.Background(), nil); err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		replayAndKeep(t, env, id, name)
	}
	r = mttq.Do(http.MethodGet, "/api/v1/alerts?kind=board_remark", nil)
	var remarks struct {
		Total int `json:"total"`
	}
	r.Decode(t, &remarks)
	if remarks.Total != 1 {
		t.Errorf("MTTQ has %d remark alerts, want 1: %s", remarks.Total, r.Body)
	}
	r = mttq.Do(http.MethodGet, "/api/v1/tasks/"+taskID, nil)
	var td taskDoc
	r.Decode(t, &td)
	found := false
	for _, e := range td.Timeline {
		found = found || e.Action == "task.remark"
	}
	if !found {
		t.Errorf("the task's timeline lacks the remark: %s", r.Body)
	}

	// The planner publishes the dialogue's page; the public reads it.
	r = planner.Do(http.MethodPost, "/api/v1/dialogues/"+dlg+"/publish", map[string]any{"published": true})
	mustStatus(t, r, 200, "publish")
	code := lookup(rcptRoad).Dialogue.PublicCode
	if code == "" {
		t.Fatal("a published dialogue's receipt lookup names no public page")
	}
	r = public.Do(http.MethodGet, "/api/v1/public/dialogues/"+code, nil)
	mustStatus(t, r, 200, "public dialogue page")
	scan(r, "public dialogue")
	if !strings.Contains(string(r.Body), "Sửa đường liên thôn Đông – Tây") {
		t.Errorf("public page lacks the task: %s", r.Body)
	}
	mustStatus(t, planner.Do(http.MethodPost, "/api/v1/dialogues/"+dlg+"/publish", map[string]any{"published": false}), 200, "unpublish")
	expectError(t, public.Do(http.MethodGet, "/api/v1/public/dialogues/"+code, nil), 404, "public_page_unknown", "", "")

	// The report counts outcomes, satisfaction and remarks.
	r = mttq.Do(http.MethodGet, "/api/v1/dialogues/"+dlg+"/report", nil)
	mustStatus(t, r, 200, "report")
	var rep struct {
		Data struct {
			Opinions struct {
				Outcomes map[string]int `json:"outcomes"`
			} `json:"opinions"`
			Satisfaction struct {
				Rated, Satisfied int
				NotSatisfied     int `json:"not_satisfied"`
				ByField          []struct {
					Field        string `json:"field"`
					NotSatisfied int    `json:"not_satisfied"`
				} `json:"by_field"`
			} `json:"satisfaction"`
			Remarks int `json:"remarks"`
		} `json:"data"`
	}
	r.Decode(t, &rep)
	got := rep.Data
	want := map[string]int{"answered_on_spot": 1, "result_accepted": 1, "open": 1, "led_to_task": 0}
	defer func() {
		// Once the dialogue has closed (its only task is done), the
		// contacts are deleted after the retention time, and that is logged.
		waitFor(t, 60*time.Second, "the respondents' contacts to be deleted", func() bool {
			var n int
			err := env.Store.DB.QueryRowContext(context.Background(), "SELECT count(*) FROM respondent_contacts WHERE dialogue_id = ?", dlg).Scan(&n)
			return err == nil && n == 0
		})
		var logged int
		if err := env.Store.DB.QueryRowContext(context.Background(), "SELECT count(*) FROM events WHERE action = 'dialogue.contacts_deleted' AND entity_id = ?", dlg).Scan(&logged); err != nil || logged != 1 {
			t.Errorf("contact deletion logged %d times (%v), want 1", logged, err)
		}
		id := workflows.ContactRetentionWorkflowID(dlg)
		if err := env.Client.GetWorkflow(context.Background(), id, "").Get(context.Background(), nil); err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		replayAndKeep(t, env, id, "contact-retention")
	}()
	if fmt.Sprint(got.Opinions.Outcomes) != fmt.Sprint(want) || got.Satisfaction.Rated != 2 || got.Satisfaction.NotSatisfied != 1 || got.Remarks != 1 {
		t.Errorf("report: outcomes %v, satisfaction %+v, remarks %d", got.Opinions.Outcomes, got.Satisfaction, got.Remarks)
	}
}

// smsGateway is a fake HTTP SMS gateway (the notify.SMS contract) that
// records the messages it takes.
type smsGateway struct {
	srv  *httptest.Server
	mu   sync.Mutex
	msgs []smsMessage
}

type smsMessage struct {
	To   string `json:"to"`
	Text string `json:"text"`
}

func startSMSGateway(t *testing.T) *smsGateway {
	g := &smsGateway{}
	g.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m smsMessage
		if r.URL.Path != "/send" || json.NewDecoder(r.Body).Decode(&m) != nil || r.Header.Get("Idempotency-Key") == "" {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		g.mu.Lock()
		g.msgs = append(g.msgs, m)
		g.mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(g.srv.Close)
	return g
}

func (g *smsGateway) wait(t *testing.T, n int, within time.Duration) []smsMessage {
	t.Helper()
	var out []smsMessage
	waitFor(t, within, fmt.Sprintf("%d text messages", n), func() bool {
		g.mu.Lock()
		defer g.mu.Unlock()
		out = append([]smsMessage{}, g.msgs...)
		return len(out) >= n
	})
	time.Sleep(500 * time.Millisecond) // a duplicate would arrive meanwhile
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]smsMessage{}, g.msgs...)
}
