package e2e

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	enumspb "go.temporal.io/api/enums/v1"

	"github.com/doithoai/doithoai/devkit/testenv"
	"github.com/doithoai/doithoai/internal/auth"
	"github.com/doithoai/doithoai/internal/domain"
)

// TestLifecycle drives the first half of the lifecycle through the HTTP
// API: units → plan → survey answers (a batch of 1,000) → summary → missed
// session alert → session → closed; plus reschedule, cancel, ad hoc
// dialogues, idempotency and the error contract.
func TestLifecycle(t *testing.T) {
	env := testenv.Start(t, testenv.Options{})
	c := env.NewClient(t)
	ctx := context.Background()

	// Units: a city, a district, three wards.
	city := c.CreateUnit("Thành phố Hà Nội", "province", "")
	c = c.As(testenv.Staff(city)) // plans, supervises and administers the city
	district := c.CreateUnit("Quận Đống Đa", "district", city)
	planner := c.As(testenv.User("planner.dongda", district, auth.RolePlanner))
	for _, w := range []string{"Phường Láng Thượng", "Phường Ô Chợ Dừa", "Phường Văn Miếu - Quốc Tử Giám"} {
		c.CreateUnit(w, "commune", district)
	}
	r := c.Do(http.MethodGet, "/api/v1/units/"+district, nil)
	mustStatus(t, r, http.StatusOK, "get unit")
	var unit struct {
		Children []created `json:"children"`
	}
	r.Decode(t, &unit)
	if len(unit.Children) != 3 {
		t.Fatalf("district has %d children, want 3", len(unit.Children))
	}
	expectError(t, c.Do(http.MethodPost, "/api/v1/units", map[string]any{"name": "Xã X", "level": "commune"}), 422, "validation_failed", "parent_id", "parent_required")
	expectError(t, c.Do(http.MethodPost, "/api/v1/units", map[string]any{"name": "Quận Y", "level": "district", "parent_id": district}), 422, "validation_failed", "parent_id", "invalid_parent_level")
	// The kind is checked against the level; a commune of the two-level map
	// hangs directly under its province.
	expectError(t, c.Do(http.MethodPost, "/api/v1/units", map[string]any{"name": "Xã Z", "level": "commune", "kind": "huyen", "parent_id": district}), 422, "validation_failed", "kind", "invalid_kind")
	r = c.Do(http.MethodPost, "/api/v1/units", map[string]any{"name": "Phường Láng", "level": "commune", "kind": "phuong", "parent_id": city})
	mustStatus(t, r, http.StatusCreated, "create a commune under its province")
	var lang struct {
		Kind string `json:"kind"`
	}
	if r.Decode(t, &lang); lang.Kind != "phuong" {
		t.Errorf("created commune has kind %q, want phuong", lang.Kind)
	}

	now := time.Now()
	year := now.Add(20 * time.Second).In(domain.Location).Year()
	d1At := now.Add(20 * time.Second).Truncate(time.Second)
	// Later dialogues sit "step" apart, an hour unless New Year (in Vietnam)
	// is nearer: every date must stay inside the plan year.
	step := time.Hour
	if untilNewYear := time.Date(year+1, 1, 1, 0, 0, 0, 0, domain.Location).Sub(now); untilNewYear < 4*time.Hour {
		step = (untilNewYear - 30*time.Second) / 4
	}
	d2At := now.Add(2 * step).Truncate(time.Second)
	plan := map[string]any{
		"unit_id": district, "year": year, "reference_no": "55-KH/QU", "issuing_body": "Quận ủy Đống Đa",
		"title":  "Kế hoạch tiếp xúc, đối thoại trực tiếp năm " + fmt.Sprint(year),
		"policy": map[string]any{"survey_lead": "PT16S", "survey_close": "PT6S", "session_grace": "PT3S"},
		"dialogues": []map[string]any{
			{"scheduled_at": d1At.Format(time.RFC3339), "kind": "periodic", "place": "Hội trường UBND quận",
				"hosts":          []map[string]any{{"name": "Nguyễn Văn An", "title": "Bí thư Quận ủy"}, {"name": "Trần Thị Bình", "title": "Chủ tịch UBND quận"}},
				"invited_groups": []string{"Đại biểu nhân dân", "Đoàn viên", "Hội viên"}},
			{"scheduled_at": d2At.Format(time.RFC3339), "kind": "thematic", "topic": "Giải phóng mặt bằng dự án đường Láng",
				"hosts": []map[string]any{{"name": "Trần Thị Bình"}}},
		},
	}

	t.Run("plan validation errors write nothing", func(t *testing.T) {
		expectError(t, c.Do(http.MethodPost, "/api/v1/plans", `{"unit_id": `), 400, "malformed_json", "", "")
		expectError(t, c.Do(http.MethodPost, "/api/v1/plans", with(plan, "colour", "red")), 422, "validation_failed", "colour", "unknown_field")
		expectError(t, c.Do(http.MethodPost, "/api/v1/plans", with(plan, "year", "năm nay")), 422, "validation_failed", "year", "invalid_type")
		expectError(t, c.Do(http.MethodPost, "/api/v1/plans", with(plan, "unit_id", uuid.NewString())), 422, "validation_failed", "unit_id", "unknown_unit")
		bad := dialoguesWith(plan, 0, "scheduled_at", time.Date(year+1, 1, 15, 8, 0, 0, 0, domain.Location).Format(time.RFC3339))
		expectError(t, c.Do(http.MethodPost, "/api/v1/plans", bad), 422, "validation_failed", "dialogues[0].scheduled_at", "outside_plan_year")
		expectError(t, c.Do(http.MethodPost, "/api/v1/plans", dialoguesWith(plan, 1, "hosts", []any{})), 422, "validation_failed", "dialogues[1].hosts", "host_required")
		expectError(t, c.Do(http.MethodPost, "/api/v1/plans", dialoguesWith(plan, 1, "topic", "")), 422, "validation_failed", "dialogues[1].topic", "topic_required")
		expectError(t, c.Do(http.MethodPost, "/api/v1/plans", with(plan, "policy", map[string]any{"survey_lead": "P3D", "survey_close": "P5D"})), 422, "validation_failed", "policy.survey_close", "survey_window_empty")
		expectError(t, c.Do(http.MethodPost, "/api/v1/plans", with(plan, "policy", map[string]any{"survey_close": "-PT1H"})), 422, "validation_failed", "policy.survey_close", "survey_after_session")
		expectError(t, c.Do(http.MethodPost, "/api/v1/plans", with(plan, "policy", map[string]any{"survey_lead": "2 weeks"})), 422, "validation_failed", "policy.survey_lead", "invalid_duration")
		expectError(t, c.Do(http.MethodPost, "/api/v1/plans", dialoguesWith(plan, 0, "scheduled_at", "15/03/2026")), 422, "validation_failed", "dialogues[0].scheduled_at", "invalid_datetime")
		r := c.Do(http.MethodGet, "/api/v1/plans?unit_id="+district, nil)
		mustStatus(t, r, 200, "list plans")
		var page struct{ Total int }
		r.Decode(t, &page)
		if page.Total != 0 {
			t.Fatalf("rejected plans left %d rows behind", page.Total)
		}
	})

	// Create the plan with an Idempotency-Key; a retry returns the same plan.
	r = planner.Do(http.MethodPost, "/api/v1/plans", plan, "Idempotency-Key", "plan-55")
	mustStatus(t, r, http.StatusCreated, "create plan")
	var created struct {
		ID        string        `json:"id"`
		Status    string        `json:"status"`
		Dialogues []dialogueDoc `json:"dialogues"`
	}
	r.Decode(t, &created)
	if len(created.Dialogues) != 2 || created.Status != "active" {
		t.Fatalf("created plan: %s", r.Body)
	}
	planID := created.ID
	var d1, d2 string
	for _, d := range created.Dialogues {
		if d.ScheduledAt.Equal(d1At) {
			d1 = d.ID
		} else {
			d2 = d.ID
		}
	}
	if d1 == "" || d2 == "" {
		t.Fatalf("could not tell the dialogues apart: %s", r.Body)
	}
	again := planner.Do(http.MethodPost, "/api/v1/plans", plan, "Idempotency-Key", "plan-55")
	mustStatus(t, again, http.StatusCreated, "replay create plan")
	if again.Header.Get("Idempotent-Replayed") != "true" || string(again.Body) != string(r.Body) {
		t.Errorf("replay did not return the stored response")
	}
	expectError(t, planner.Do(http.MethodPost, "/api/v1/plans", with(plan, "title", "khác"), "Idempotency-Key", "plan-55"), 409, "idempotency_key_reused", "", "")
	// Keys are per user: another user's same key replays nothing of the
	// planner's; their request runs and meets the existing plan.
	other := c.Do(http.MethodPost, "/api/v1/plans", plan, "Idempotency-Key", "plan-55")
	if other.Header.Get("Idempotent-Replayed") == "true" {
		t.Errorf("another user's request with the same key was answered from the planner's stored response")
	}
	expectError(t, other, 409, "plan_exists", "", "")
	e := expectError(t, c.Do(http.MethodPost, "/api/v1/plans", plan), 409, "plan_exists", "", "")
	if e.Details["plan_id"] != planID {
		t.Errorf("plan_exists names %v, want %s", e.Details["plan_id"], planID)
	}

	r = c.Do(http.MethodGet, fmt.Sprintf("/api/v1/plans?unit_id=%s&year=%d", city, year)+"&subtree=true", nil)
	mustStatus(t, r, 200, "list plans of the city subtree")
	var plans struct {
		Total int `json:"total"`
		Items []struct {
			ID             string         `json:"id"`
			DialogueCounts map[string]int `json:"dialogue_counts"`
		} `json:"items"`
	}
	r.Decode(t, &plans)
	if plans.Total != 1 || plans.Items[0].ID != planID {
		t.Fatalf("plans of the city subtree: %s", r.Body)
	}
	r = c.Do(http.MethodGet, "/api/v1/plans/"+planID, nil)
	mustStatus(t, r, 200, "get plan")
	var planDoc struct {
		Live *struct {
			Phase string `json:"phase"`
			Saved bool   `json:"saved"`
		} `json:"live"`
		Dialogues []dialogueDoc `json:"dialogues"`
	}
	r.Decode(t, &planDoc)
	if planDoc.Live == nil || !planDoc.Live.Saved || planDoc.Live.Phase != "active" {
		t.Errorf("plan live state: %s", r.Body)
	}

	// Before the window opens, answers are refused with the window in the message.
	answer := map[string]any{"field": "Đất đai", "content": "Đề nghị đẩy nhanh cấp giấy chứng nhận quyền sử dụng đất", "respondent_name": "Lê Văn Cường", "respondent_group": "Tổ dân phố 5"}
	e = expectError(t, c.Do(http.MethodPost, "/api/v1/dialogues/"+d1+"/survey/responses", answer), 409, "survey_closed", "", "")
	if !strings.Contains(e.Message, "chỉ nhận từ") || e.Details["opens_at"] == nil {
		t.Errorf("survey_closed should say when the window is: %+v", e)
	}
	// The public link (no account) works only while the survey is open.
	link := surveyLink(t, c, d1)
	respondent := c.WithToken("")
	publicAnswer := map[string]any{"field": "Y tế", "content": "Trạm y tế phường thiếu bác sĩ", "respondent_group": "Người dân"}
	expectError(t, respondent.Do(http.MethodGet, link, nil), 410, "survey_closed", "", "")
	expectError(t, respondent.Do(http.MethodGet, "/api/v1/survey/"+strings.Repeat("0", 64), nil), 404, "survey_link_unknown", "", "")

	waitPhase(t, c, d1, domain.PhaseSurveyOpen, 30*time.Second)
	mustStatus(t, c.Do(http.MethodPost, "/api/v1/dialogues/"+d1+"/survey/responses", answer), http.StatusCreated, "single answer")
	r = respondent.Do(http.MethodGet, link, nil)
	mustStatus(t, r, http.StatusOK, "public survey form")
	if !strings.Contains(string(r.Body), "Quận Đống Đa") || strings.Contains(string(r.Body), d1) {
		t.Errorf("public survey shows %s: want the unit's name and no internal ids", r.Body)
	}
	mustStatus(t, respondent.Do(http.MethodPost, link+"/responses", publicAnswer), http.StatusCreated, "answer by link")
	expectError(t, respondent.Do(http.MethodPost, link+"/responses", map[string]any{"field": "Y tế", "content": strings.Repeat("dài ", 600)}),
		422, "validation_failed", "content", "too_long")

	fields := []struct {
		name string
		n    int
	}{{"Đất đai", 400}, {"Môi trường", 300}, {"Giao thông", 200}, {"Chính sách xã hội", 100}}
	var batch []map[string]any
	for _, f := range fields {
		for i := 0; i < f.n; i++ {
			batch = append(batch, map[string]any{"id": uuid.NewString(), "field": f.name,
				"content": fmt.Sprintf("Ý kiến về %s số %d", strings.ToLower(f.name), i%7), "respondent_group": "Hội viên"})
		}
	}
	start := time.Now()
	r = c.Do(http.MethodPost, "/api/v1/dialogues/"+d1+"/survey/responses", map[string]any{"responses": batch}, "Idempotency-Key", "batch-1")
	took := time.Since(start)
	mustStatus(t, r, http.StatusCreated, "batch of 1000")
	var acc struct{ Accepted, Duplicates int }
	r.Decode(t, &acc)
	if acc.Accepted != 1000 {
		t.Fatalf("batch accepted %d", acc.Accepted)
	}
	t.Logf("survey batch: 1000 answers in %v through the API (%.0f answers/s)", took, 1000/took.Seconds())
	// Resent without the key (a client that lost the response): ids dedupe.
	r = c.Do(http.MethodPost, "/api/v1/dialogues/"+d1+"/survey/responses", map[string]any{"responses": batch[:10]})
	mustStatus(t, r, http.StatusCreated, "resend")
	r.Decode(t, &acc)
	if acc.Accepted != 0 || acc.Duplicates != 10 {
		t.Errorf("resent answers: accepted %d duplicates %d", acc.Accepted, acc.Duplicates)
	}
	expectError(t, c.Do(http.MethodPost, "/api/v1/dialogues/"+d1+"/survey/responses", map[string]any{"responses": []map[string]any{{"field": "", "content": "x"}}}), 422, "validation_failed", "responses[0].field", "required")

	r = c.Do(http.MethodGet, "/api/v1/dialogues/"+d1+"/survey/summary", nil)
	mustStatus(t, r, 200, "live summary")
	var sum summaryDoc
	r.Decode(t, &sum)
	if sum.Final || sum.Total != 1002 {
		t.Errorf("live summary: final=%v total=%d", sum.Final, sum.Total)
	}

	d := waitPhase(t, c, d1, domain.PhaseAwaitingSession, 30*time.Second)
	if d.SurveySummary == nil || !d.SurveySummary.Final || d.SurveySummary.Total != 1002 {
		t.Fatalf("stored summary: %+v", d.SurveySummary)
	}
	if top := d.SurveySummary.ByField[0]; top.Field != "Đất đai" || top.Count != 401 {
		t.Errorf("top field %+v, want Đất đai 401", top)
	}
	if len(d.Notifications) != 2 || !strings.Contains(d.Notifications[0].Subject, "Tổng hợp phiếu xin ý kiến") {
		t.Errorf("hosts' notices: %+v", d.Notifications)
	}
	expectError(t, c.Do(http.MethodPost, "/api/v1/dialogues/"+d1+"/survey/responses", answer), 409, "survey_closed", "", "")
	expectError(t, respondent.Do(http.MethodPost, link+"/responses", publicAnswer), 410, "survey_closed", "", "")
	expectError(t, respondent.Do(http.MethodGet, link, nil), 410, "survey_closed", "", "")
	r = c.Do(http.MethodGet, "/api/v1/dialogues/"+d1+"/survey/responses?limit=5&field="+"Giao%20th%C3%B4ng", nil)
	mustStatus(t, r, 200, "list answers")
	var answers struct{ Total int }
	r.Decode(t, &answers)
	if answers.Total != 200 {
		t.Errorf("answers in Giao thông: %d", answers.Total)
	}

	// No session recorded within the grace: one alert each for planner and MTTQ.
	type alertDoc struct {
		ID            string `json:"id"`
		RecipientRole string `json:"recipient_role"`
		Status        string `json:"status"`
		Kind          string `json:"kind"`
		Title         string `json:"title"`
	}
	var alerts struct {
		Total int        `json:"total"`
		Items []alertDoc `json:"items"`
	}
	waitFor(t, 30*time.Second, "missed-session alerts", func() bool {
		r := c.Do(http.MethodGet, "/api/v1/alerts?dialogue_id="+d1, nil)
		mustStatus(t, r, 200, "list alerts")
		r.Decode(t, &alerts)
		return alerts.Total >= 2
	})
	roles := map[string]bool{}
	for _, a := range alerts.Items {
		roles[a.RecipientRole] = true
		if a.Kind != domain.AlertSessionMissed || !strings.Contains(a.Title, "Chưa ghi nhận") {
			t.Errorf("alert %+v", a)
		}
	}
	if !roles["planner"] || !roles["mttq"] || alerts.Total != 2 {
		t.Fatalf("alerts: %+v", alerts)
	}
	r = c.Do(http.MethodGet, "/api/v1/alerts?unit_id="+city+"&recipient_role=mttq&status=open", nil)
	mustStatus(t, r, 200, "MTTQ alerts of the city subtree")
	var mttq struct {
		Items []alertDoc `json:"items"`
	}
	r.Decode(t, &mttq)
	if len(mttq.Items) != 1 {
		t.Fatalf("MTTQ of the city sees %d open alerts, want 1", len(mttq.Items))
	}
	r = c.As(testenv.User("mttq.dongda", district, auth.RoleMTTQ)).Do(http.MethodPost, "/api/v1/alerts/"+mttq.Items[0].ID+"/ack", nil)
	mustStatus(t, r, 200, "ack")
	var acked alertDoc
	r.Decode(t, &acked)
	if acked.Status != "acknowledged" {
		t.Errorf("acked alert status %q", acked.Status)
	}
	mustStatus(t, c.Do(http.MethodPost, "/api/v1/alerts/"+mttq.Items[0].ID+"/ack", nil), 200, "ack again")

	// Record the session.
	session := map[string]any{
		"held_at": d1At.Format(time.RFC3339), "chair": "Nguyễn Văn An", "attendance": map[string]any{"total": 135, "groups": map[string]int{"Đại biểu nhân dân": 90}},
		"opinions": []map[string]any{
			{"field": "Đất đai", "content": "Cấp giấy chứng nhận chậm", "source": "survey", "answered_on_spot": true, "answer": "Quận sẽ rà soát trong tháng"},
			{"field": "Môi trường", "content": "Rác thải tồn đọng ở ngõ 105", "source": "floor", "answered_on_spot": false},
		},
		"conclusions": []map[string]any{{"content": "Giao UBND phường Láng Thượng thu gom rác ngõ 105 trong 10 ngày làm việc"}},
	}
	expectError(t, c.Do(http.MethodPost, "/api/v1/dialogues/"+d1+"/session", dialogueField(session, "opinions", 0, "source", "tv")), 422, "validation_failed", "opinions[0].source", "invalid_enum")
	r = planner.Do(http.MethodPost, "/api/v1/dialogues/"+d1+"/session", session)
	mustStatus(t, r, 200, "record session")
	d = waitPhase(t, c, d1, domain.PhaseClosed, 30*time.Second)
	if d.Session == nil || len(d.Session.Opinions) != 2 || len(d.Session.Conclusions) != 1 {
		t.Errorf("session record: %+v", d.Session)
	}
	expectError(t, c.Do(http.MethodPost, "/api/v1/dialogues/"+d1+"/session", session), 409, "state_conflict", "", "")
	r = c.Do(http.MethodGet, "/api/v1/alerts?dialogue_id="+d1, nil)
	r.Decode(t, &alerts)
	if alerts.Total != 2 {
		t.Errorf("alerts after the session: %d, want still 2", alerts.Total)
	}

	// The second dialogue: reschedule (timers move), then cancel.
	expectError(t, c.Do(http.MethodPost, "/api/v1/dialogues/"+d2+"/reschedule", map[string]any{"scheduled_at": time.Date(year+1, 2, 1, 8, 0, 0, 0, domain.Location).Format(time.RFC3339)}), 422, "validation_failed", "scheduled_at", "outside_plan_year")
	newAt := d2At.Add(step / 2).Truncate(time.Second)
	r = c.Do(http.MethodPost, "/api/v1/dialogues/"+d2+"/reschedule", map[string]any{"scheduled_at": newAt.Format(time.RFC3339), "reason": "Trùng lịch họp HĐND"})
	mustStatus(t, r, 200, "reschedule")
	var moved dialogueDoc
	r.Decode(t, &moved)
	if !moved.ScheduledAt.Equal(newAt) || !moved.SurveyOpensAt.Equal(newAt.Add(-16*time.Second)) {
		t.Errorf("rescheduled dialogue: at %v opens %v", moved.ScheduledAt, moved.SurveyOpensAt)
	}
	expectError(t, c.Do(http.MethodPost, "/api/v1/dialogues/"+d2+"/cancel", map[string]any{"reason": " "}), 422, "validation_failed", "reason", "required")
	r = c.Do(http.MethodPost, "/api/v1/dialogues/"+d2+"/cancel", map[string]any{"reason": "Đã giải quyết xong kiến nghị"})
	mustStatus(t, r, 200, "cancel")
	waitPhase(t, c, d2, domain.PhaseCancelled, 10*time.Second)
	expectError(t, c.Do(http.MethodPost, "/api/v1/dialogues/"+d2+"/reschedule", map[string]any{"scheduled_at": d2At.Add(step).Format(time.RFC3339)}), 409, "state_conflict", "", "")

	// An ad hoc dialogue joins the running plan.
	adhoc := map[string]any{"scheduled_at": now.Add(3 * step).Truncate(time.Second).Format(time.RFC3339), "topic": "An ninh trật tự khu vực chợ", "hosts": []map[string]any{{"name": "Trần Thị Bình"}}}
	r = c.Do(http.MethodPost, "/api/v1/plans/"+planID+"/dialogues", adhoc, "Idempotency-Key", "adhoc-1")
	mustStatus(t, r, http.StatusCreated, "add ad hoc dialogue")
	var ad dialogueDoc
	r.Decode(t, &ad)
	r2 := c.Do(http.MethodPost, "/api/v1/plans/"+planID+"/dialogues", adhoc, "Idempotency-Key", "adhoc-1")
	mustStatus(t, r2, http.StatusCreated, "replayed ad hoc dialogue")
	r = c.Do(http.MethodGet, "/api/v1/plans/"+planID, nil)
	r.Decode(t, &planDoc)
	if len(planDoc.Dialogues) != 3 {
		t.Errorf("plan has %d dialogues after the ad hoc one, want 3", len(planDoc.Dialogues))
	}

	// Temporal holds the workflows under IDs derived from the domain IDs.
	for id, want := range map[string]enumspb.WorkflowExecutionStatus{
		"plan/" + planID:    enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING,
		"dialogue/" + d1:    enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED,
		"dialogue/" + d2:    enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED,
		"dialogue/" + ad.ID: enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING,
	} {
		desc, err := env.Client.DescribeWorkflowExecution(ctx, id, "")
		if err != nil {
			t.Errorf("describe %s: %v", id, err)
			continue
		}
		if got := desc.WorkflowExecutionInfo.Status; got != want {
			t.Errorf("%s is %v, want %v", id, got, want)
		}
	}

	// The histories replay against the current code, and can be kept for
	// the replay tests (DOITHOAI_KEEP_HISTORIES=1).
	replayAndKeep(t, env, "dialogue/"+d1, "dialogue-missed-session-then-recorded")
	replayAndKeep(t, env, "dialogue/"+d2, "dialogue-rescheduled-then-cancelled")
	replayAndKeep(t, env, "plan/"+planID, "plan-running-with-adhoc-dialogue")

	// The audit trail of the first dialogue names who did what.
	r = c.Do(http.MethodGet, "/api/v1/dialogues/"+d1+"/events", nil)
	mustStatus(t, r, 200, "events")
	var evs struct {
		Items []struct{ Action, Actor string }
	}
	r.Decode(t, &evs)
	var actions []string
	for _, ev := range evs.Items {
		actions = append(actions, ev.Action+"@"+ev.Actor)
	}
	joined := strings.Join(actions, ",")
	for _, want := range []string{"dialogue.survey_open@system", "dialogue.survey_closed@system", "dialogue.session_recorded@planner.dongda", "dialogue.closed@system"} {
		if !strings.Contains(joined, want) {
			t.Errorf("audit trail lacks %s: %s", want, joined)
		}
	}

	// The audit trail answers by entity and by actor, too.
	r = c.Do(http.MethodGet, "/api/v1/audit?entity_type=dialogue&entity_id="+d1, nil)
	mustStatus(t, r, 200, "audit by entity")
	var audit struct {
		Total int
		Items []struct {
			Action   string `json:"action"`
			Actor    string `json:"actor"`
			EntityID string `json:"entity_id"`
		}
	}
	r.Decode(t, &audit)
	if audit.Total != len(evs.Items) {
		t.Errorf("audit of the dialogue has %d events, its events endpoint %d", audit.Total, len(evs.Items))
	}
	r = c.Do(http.MethodGet, "/api/v1/audit?actor=planner.dongda&action=plan.created", nil)
	r.Decode(t, &audit)
	if audit.Total != 1 || audit.Items[0].EntityID != planID {
		t.Errorf("audit of planner.dongda's plan creation: %+v", audit)
	}
	expectError(t, c.Do(http.MethodGet, "/api/v1/audit?entity_type=person", nil), 422, "validation_failed", "entity_type", "invalid_enum")

	// Not found, bad ids and unknown routes are 404s with the error body.
	expectError(t, c.Do(http.MethodGet, "/api/v1/plans/"+uuid.NewString(), nil), 404, "not_found", "", "")
	expectError(t, c.Do(http.MethodGet, "/api/v1/dialogues/khong-phai-uuid", nil), 404, "not_found", "", "")
	expectError(t, c.Do(http.MethodGet, "/api/v1/plans?limit=0", nil), 422, "validation_failed", "limit", "out_of_range")
	mustStatus(t, c.Do(http.MethodGet, "/readyz", nil), 200, "readyz")
	mustStatus(t, c.Do(http.MethodGet, "/api/v1/openapi.yaml", nil), 200, "openapi")
	t.Logf("%d responses checked against the OpenAPI document", c.Checked)
}

// with returns a copy of m with key set to v.
func with(m map[string]any, key string, v any) map[string]any {
	out := make(map[string]any, len(m)+1)
	for k, x := range m {
		out[k] = x
	}
	out[key] = v
	return out
}

// dialoguesWith returns a copy of a plan body with dialogues[i][key] = v.
func dialoguesWith(plan map[string]any, i int, key string, v any) map[string]any {
	return dialogueField(plan, "dialogues", i, key, v)
}

// dialogueField returns a copy of m with m[list][i][key] = v.
func dialogueField(m map[string]any, list string, i int, key string, v any) map[string]any {
	out := with(m, list, nil)
	items := m[list].([]map[string]any)
	cp := make([]map[string]any, len(items))
	for j, it := range items {
		cp[j] = with(it, "_", nil)
		delete(cp[j], "_")
	}
	cp[i][key] = v
	out[list] = cp
	return out
}
