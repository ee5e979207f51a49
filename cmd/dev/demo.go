package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/doithoai/doithoai/internal/auth"
	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/internal/store"
	"github.com/doithoai/doithoai/web"
)

// loadDemo creates, through the API like any client, the demo's map on
// the two-level map of 1 July 2025 (Hưng Yên and its communes from the
// catalogue; the former Thái Bình and Vũ Thư district with their 2025 plan
// held before the mergers, then merged, Xã Thư Vũ formed from four
// communes: see demo_map.go; all reused on later runs) and a fresh province
// plan whose first dialogue, in Xã Thư Vũ, has its survey open within a
// minute; it sends a few survey answers once the survey is open and, at
// the session time, records the session with a task due three minutes
// later, so the whole lifecycle — survey, summary, session, reminder,
// overdue alerts up the ladder — can be watched moving.
func loadDemo(ctx context.Context, base string, minter *auth.HS256, devLogin *web.DevLogin, st *store.Store, log *zap.Logger) error {
	c, m, err := setupDemo(ctx, base, minter, devLogin, st, log)
	if err != nil {
		return err
	}
	planID, dialogueID, first, err := demoPlan(ctx, c, m.id(demoProvince), m.id(demoSuccessor))
	if err != nil {
		return err
	}
	fmt.Printf("  Demo plan        %s/plans/%s  (sign in as planner.hungyen)\n", base, planID)
	fmt.Printf("  Demo dialogue    %s/dialogues/%s  (Xã Thư Vũ; survey opens ~30 s from now)\n\n", base, dialogueID)
	log.Info("demo loaded", zap.String("plan_id", planID), zap.String("dialogue_id", dialogueID))

	if open, err := demoAwaitSurvey(ctx, c, dialogueID); err != nil || !open {
		return err
	}
	if err := demoSurvey(ctx, c, base, dialogueID); err != nil {
		return err
	}
	log.Info("demo: 25 survey answers sent (5 by link, 20 entered)", zap.String("dialogue_id", dialogueID))

	// At the session time, record the session: its conclusion becomes a
	// task due three minutes later, which nobody completes — so the
	// reminder, the overdue alerts and the ladder show up.
	select {
	case <-ctx.Done():
		return nil
	case <-time.After(time.Until(first)):
	}
	return demoSession(ctx, c, base, dialogueID, first, m.id(demoSuccessor))
}

// setupDemo makes the demo's map and history (demoUnits, demoHistory,
// demoMergers), prints the demo users' tokens and offers them on the
// sign-in page; it returns a client acting as the province's planner.
func setupDemo(ctx context.Context, base string, minter *auth.HS256, devLogin *web.DevLogin, st *store.Store, log *zap.Logger) (*demoClient, *demoMap, error) {
	admin, err := minter.Mint(devAdmin, devTokenTTL)
	if err != nil {
		return nil, nil, err
	}
	c := &demoClient{base: base + "/api/v1", http: &http.Client{Timeout: 60 * time.Second}, token: admin}
	m, err := demoUnits(ctx, c)
	if err != nil {
		return nil, nil, err
	}
	// The district's own planner of the time makes its 2025 plan.
	old, err := minter.Mint(auth.Principal{Subject: "planner.vuthu.2025", Name: "Lê Thị Mai", Roles: []string{auth.RolePlanner},
		UnitID: m.id(demoOldDistrict)}, time.Hour)
	if err != nil {
		return nil, nil, err
	}
	history, err := demoHistory(ctx, c.as(old), m)
	if err != nil {
		return nil, nil, err
	}
	if err := demoMergers(ctx, c, m); err != nil {
		return nil, nil, err
	}
	tokens, err := printDemoTokens(minter, m.id(demoProvince), m.id(demoSuccessor), m.id(demoOtherCommune))
	if err != nil {
		return nil, nil, err
	}
	if history != "" {
		fmt.Printf("  History          %s/plans/%s  (Vũ Thư's plan %s of 2025, before the mergers; sign in as planner.thuvu or planner.hungyen)\n", base, history, demoHistoryRef)
		log.Info("demo history loaded", zap.String("plan_id", history))
	}
	devLogin.SetUsers(webUsers(ctx, st))
	return c.as(tokens["planner.hungyen"]), m, nil
}

// demoPlan creates the province's plan for this year: a dialogue of Xã Thư
// Vũ (commune) in four minutes (first) and a province dialogue in a week.
func demoPlan(ctx context.Context, c *demoClient, province, commune string) (planID, dialogueID string, first time.Time, err error) {
	now := time.Now().In(domain.Location)
	first = now.Add(4 * time.Minute).Truncate(time.Second)
	second := now.Add(7 * 24 * time.Hour).Truncate(time.Second)
	if second.Year() != now.Year() {
		second = first.Add(time.Hour)
	}
	plan := map[string]any{
		"unit_id": province, "year": first.Year(), "reference_no": "DEMO-" + now.Format("20060102-1504") + "-KH/TU",
		"issuing_body": "Tỉnh ủy Hưng Yên", "title": "Kế hoạch tiếp xúc, đối thoại trực tiếp (demo)",
		// Short timings so the lifecycle moves while you watch: the survey
		// opens in about 30 s, closes 1 min before the session, and a
		// session not recorded within 2 min of its time raises an alert.
		// Tasks are reminded 1 min before their deadline and climb the
		// ladder a minute a rung.
		"policy": map[string]any{"survey_lead": "PT3M30S", "survey_close": "PT1M", "session_grace": "PT2M",
			"reminder_offsets": []string{"PT1M"},
			"escalation": []map[string]any{
				{"after_working_days": 0, "recipients": []string{"assignee", "monitor"}},
				{"after": "PT1M", "recipients": []string{"mttq"}},
				{"after": "PT2M", "recipients": []string{"parent_mttq", "parent_party_committee"}},
			}},
		"dialogues": []map[string]any{
			{"unit_id": commune, "scheduled_at": first.Format(time.RFC3339), "kind": "periodic", "place": "Hội trường UBND xã Thư Vũ",
				"hosts":          []map[string]any{{"name": "Nguyễn Văn Hùng", "title": "Bí thư Đảng ủy xã"}, {"name": "Phạm Thị Lan", "title": "Chủ tịch UBND xã"}},
				"invited_groups": []string{"Đại biểu nhân dân", "Hội Nông dân", "Đoàn Thanh niên"}},
			{"scheduled_at": second.Format(time.RFC3339), "kind": "thematic", "topic": "Bồi thường, giải phóng mặt bằng khu công nghiệp",
				"hosts": []map[string]any{{"name": "Trần Quốc Văn", "title": "Chủ tịch UBND tỉnh"}}},
		},
	}
	var created struct {
		ID        string `json:"id"`
		Dialogues []struct {
			ID          string    `json:"id"`
			ScheduledAt time.Time `json:"scheduled_at"`
		} `json:"dialogues"`
	}
	if err := c.do(ctx, http.MethodPost, "/plans", plan, http.StatusCreated, &created); err != nil {
		return "", "", first, fmt.Errorf("create demo plan: %w", err)
	}
	for _, d := range created.Dialogues {
		if d.ScheduledAt.Equal(first) {
			dialogueID = d.ID
		}
	}
	return created.ID, dialogueID, first, nil
}

// demoAwaitSurvey waits until the dialogue's survey opens; false means it
// never will (the dialogue moved on, or ctx ended).
func demoAwaitSurvey(ctx context.Context, c *demoClient, dialogueID string) (bool, error) {
	for {
		var d struct {
			Phase string `json:"phase"`
		}
		if err := c.do(ctx, http.MethodGet, "/dialogues/"+dialogueID, nil, http.StatusOK, &d); err != nil {
			return false, err
		}
		if d.Phase == domain.PhaseSurveyOpen {
			return true, nil
		}
		if d.Phase != domain.PhaseScheduled {
			return false, nil
		}
		select {
		case <-ctx.Done():
			return false, nil
		case <-time.After(2 * time.Second):
		}
	}
}

// demoSurvey answers the open survey: five respondents through the public
// link (no account), and the planner enters twenty paper forms in one batch.
func demoSurvey(ctx context.Context, c *demoClient, base, dialogueID string) error {
	samples := []struct{ field, content string }{
		{"Đất đai", "Đề nghị đẩy nhanh cấp giấy chứng nhận quyền sử dụng đất"},
		{"Đất đai", "Giá bồi thường giải phóng mặt bằng chưa thỏa đáng"},
		{"Môi trường", "Ô nhiễm từ cơ sở chăn nuôi gần khu dân cư"},
		{"Giao thông", "Đường liên xã xuống cấp, đề nghị sửa chữa"},
		{"Chính sách xã hội", "Chậm chi trả trợ cấp cho người cao tuổi"},
	}
	var d struct {
		SurveyLink struct {
			Path string `json:"path"`
		} `json:"survey_link"`
	}
	if err := c.do(ctx, http.MethodGet, "/dialogues/"+dialogueID, nil, http.StatusOK, &d); err != nil {
		return err
	}
	fmt.Printf("  Demo survey      %s/s/%s  (open now; respondents need no account)\n", base, strings.TrimPrefix(d.SurveyLink.Path, "/api/v1/survey/"))
	respondent := c.as("")
	var acc map[string]any
	for _, s := range samples {
		answer := map[string]any{"field": s.field, "content": s.content, "respondent_group": "Đại biểu nhân dân"}
		if err := respondent.do(ctx, http.MethodPost, strings.TrimPrefix(d.SurveyLink.Path, "/api/v1")+"/responses", answer, http.StatusCreated, &acc); err != nil {
			return fmt.Errorf("demo survey answer by link: %w", err)
		}
	}
	var batch []map[string]any
	for i := 0; i < 20; i++ {
		s := samples[i%len(samples)]
		batch = append(batch, map[string]any{"field": s.field, "content": s.content, "respondent_group": "Hội viên Hội Nông dân"})
	}
	if err := c.do(ctx, http.MethodPost, "/dialogues/"+dialogueID+"/survey/responses", map[string]any{"responses": batch}, http.StatusCreated, &acc); err != nil {
		return fmt.Errorf("demo survey answers: %w", err)
	}
	return nil
}

// demoSession records the session of the dialogue held at first, with a
// conclusion whose task, for the commune, is due three minutes from now.
func demoSession(ctx context.Context, c *demoClient, base, dialogueID string, first time.Time, commune string) error {
	due := time.Now().Add(3 * time.Minute).Truncate(time.Second)
	session := map[string]any{
		"held_at": first.Format(time.RFC3339), "chair": "Nguyễn Văn Hùng", "attendance": map[string]any{"total": 96, "groups": map[string]int{"Đại biểu nhân dân": 70, "Hội Nông dân": 26}},
		"opinions": []map[string]any{
			{"field": "Đất đai", "content": "Giá bồi thường giải phóng mặt bằng chưa thỏa đáng", "source": "survey", "answered_on_spot": true, "answer": "Xã sẽ rà soát đơn giá trong quý"},
			{"field": "Môi trường", "content": "Ô nhiễm từ cơ sở chăn nuôi gần khu dân cư", "source": "floor"},
		},
		"conclusions": []map[string]any{{"content": "Giao UBND xã Thư Vũ kiểm tra, xử lý cơ sở chăn nuôi gây ô nhiễm", "tasks": []map[string]any{{
			"title": "Kiểm tra, xử lý cơ sở chăn nuôi gây ô nhiễm", "monitor": "Đ/c Phó Bí thư Thường trực",
			"assignee": map[string]any{"agency": "UBND xã Thư Vũ", "officer": "Trần Văn Bình", "unit_id": commune},
			"due_at":   due.Format(time.RFC3339)}}}},
	}
	var recorded map[string]any
	if err := c.do(ctx, http.MethodPost, "/dialogues/"+dialogueID+"/session", session, http.StatusOK, &recorded); err != nil {
		return fmt.Errorf("demo session: %w", err)
	}
	fmt.Printf("\n  Demo session recorded; its task is due %s (reminder 1 min before, then an alert a minute per rung):\n", due.In(domain.Location).Format("15:04:05"))
	fmt.Printf("  My tasks         %s/tasks  (sign in as officer.thuvu)\n", base)
	fmt.Printf("  Alert board      %s/alerts  (sign in as mttq.hungyen: every rung arrives live)\n\n", base)
	return nil
}

type demoClient struct {
	base  string
	http  *http.Client
	token string
}

// as is the client acting with another token ("" for none).
func (c *demoClient) as(token string) *demoClient {
	cp := *c
	cp.token = token
	return &cp
}

// unitCodes lists every unit's id by code (the demo's admin sees all).
func (c *demoClient) unitCodes(ctx context.Context) (map[string]string, error) {
	out := map[string]string{}
	for offset := 0; ; offset += 500 {
		var page struct {
			Items []struct {
				ID   string  `json:"id"`
				Code *string `json:"code"`
			} `json:"items"`
			Total int `json:"total"`
		}
		if err := c.do(ctx, http.MethodGet, fmt.Sprintf("/units?limit=500&offset=%d", offset), nil, http.StatusOK, &page); err != nil {
			return nil, err
		}
		for _, u := range page.Items {
			if u.Code != nil {
				out[*u.Code] = u.ID
			}
		}
		if len(page.Items) == 0 || offset+len(page.Items) >= page.Total {
			return out, nil
		}
	}
}

// createUnit creates a unit and returns its id.
func (c *demoClient) createUnit(ctx context.Context, code, name, level, kind, parent string) (string, error) {
	body := map[string]any{"name": name, "level": level, "code": code, "kind": kind}
	if parent != "" {
		body["parent_id"] = parent
	}
	var u struct {
		ID string `json:"id"`
	}
	if err := c.do(ctx, http.MethodPost, "/units", body, http.StatusCreated, &u); err != nil {
		return "", fmt.Errorf("create demo unit %s: %w", name, err)
	}
	return u.ID, nil
}

// demoHTTPError is an answer other than the one expected.
type demoHTTPError struct {
	method, path string
	status       int
	body         []byte
}

func (e *demoHTTPError) Error() string {
	return fmt.Sprintf("%s %s: %d %s", e.method, e.path, e.status, e.body)
}

func (c *demoClient) do(ctx context.Context, method, path string, body any, want int, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != want {
		return &demoHTTPError{method: method, path: path, status: resp.StatusCode, body: data}
	}
	return json.Unmarshal(data, out)
}
