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

// loadDemo creates, through the API like any client, a province, a
// district with three wards (reused on later runs) and a fresh plan whose
// first survey opens within a minute; it sends a few survey answers once
// the survey is open and, at the session time, records the session with a
// task due three minutes later, so the whole lifecycle — survey, summary,
// session, reminder, overdue alerts up the ladder — can be watched moving.
func loadDemo(ctx context.Context, base string, minter *auth.HS256, devLogin *web.DevLogin, st *store.Store, log *zap.Logger) error {
	admin, err := minter.Mint(devAdmin, devTokenTTL)
	if err != nil {
		return err
	}
	c := &demoClient{base: base + "/api/v1", http: &http.Client{Timeout: 60 * time.Second}, token: admin}
	province, district, wards, err := demoUnits(ctx, c)
	if err != nil {
		return err
	}
	tokens, err := printDemoTokens(minter, province, district, wards)
	if err != nil {
		return err
	}
	c = c.as(tokens["planner.vuthu"])
	devLogin.SetUsers(webUsers(ctx, st))
	planID, dialogueID, first, err := demoPlan(ctx, c, district)
	if err != nil {
		return err
	}
	fmt.Printf("  Demo plan        %s/plans/%s  (sign in as planner.vuthu)\n", base, planID)
	fmt.Printf("  Demo dialogue    %s/dialogues/%s  (survey opens ~30 s from now)\n\n", base, dialogueID)
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
	return demoSession(ctx, c, base, dialogueID, first, wards[0])
}

// demoUnits creates (or finds) the demo province, district and wards.
func demoUnits(ctx context.Context, c *demoClient) (province, district string, wards []string, err error) {
	province, err = c.unit(ctx, demoProvinceCode, "Tỉnh Thái Bình (demo)", domain.LevelProvince, "")
	if err != nil {
		return "", "", nil, err
	}
	district, err = c.unit(ctx, demoDistrictCode, "Huyện Vũ Thư (demo)", domain.LevelDistrict, province)
	if err != nil {
		return "", "", nil, err
	}
	for i, w := range []string{"Xã Tân Hòa", "Xã Minh Quang", "Thị trấn Vũ Thư"} {
		id, err := c.unit(ctx, fmt.Sprintf("%s-%d", demoDistrictCode, i+1), w+" (demo)", domain.LevelCommune, district)
		if err != nil {
			return "", "", nil, err
		}
		wards = append(wards, id)
	}
	return province, district, wards, nil
}

// demoPlan creates the demo plan of the district: a dialogue in four
// minutes (first) and another in a week.
func demoPlan(ctx context.Context, c *demoClient, district string) (planID, dialogueID string, first time.Time, err error) {
	now := time.Now().In(domain.Location)
	first = now.Add(4 * time.Minute).Truncate(time.Second)
	second := now.Add(7 * 24 * time.Hour).Truncate(time.Second)
	if second.Year() != now.Year() {
		second = first.Add(time.Hour)
	}
	plan := map[string]any{
		"unit_id": district, "year": first.Year(), "reference_no": "DEMO-" + now.Format("20060102-1504") + "-KH/HU",
		"issuing_body": "Huyện ủy Vũ Thư", "title": "Kế hoạch tiếp xúc, đối thoại trực tiếp (demo)",
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
			{"scheduled_at": first.Format(time.RFC3339), "kind": "periodic", "place": "Hội trường Huyện ủy",
				"hosts":          []map[string]any{{"name": "Nguyễn Văn Hùng", "title": "Bí thư Huyện ủy"}, {"name": "Phạm Thị Lan", "title": "Chủ tịch UBND huyện"}},
				"invited_groups": []string{"Đại biểu nhân dân", "Hội Nông dân", "Đoàn Thanh niên"}},
			{"scheduled_at": second.Format(time.RFC3339), "kind": "thematic", "topic": "Bồi thường, giải phóng mặt bằng khu công nghiệp",
				"hosts": []map[string]any{{"name": "Phạm Thị Lan", "title": "Chủ tịch UBND huyện"}}},
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
// conclusion whose task, for ward, is due three minutes from now.
func demoSession(ctx context.Context, c *demoClient, base, dialogueID string, first time.Time, ward string) error {
	due := time.Now().Add(3 * time.Minute).Truncate(time.Second)
	session := map[string]any{
		"held_at": first.Format(time.RFC3339), "chair": "Nguyễn Văn Hùng", "attendance": map[string]any{"total": 96, "groups": map[string]int{"Đại biểu nhân dân": 70, "Hội Nông dân": 26}},
		"opinions": []map[string]any{
			{"field": "Đất đai", "content": "Giá bồi thường giải phóng mặt bằng chưa thỏa đáng", "source": "survey", "answered_on_spot": true, "answer": "Huyện sẽ rà soát đơn giá trong quý"},
			{"field": "Môi trường", "content": "Ô nhiễm từ cơ sở chăn nuôi gần khu dân cư", "source": "floor"},
		},
		"conclusions": []map[string]any{{"content": "Giao UBND xã Tân Hòa kiểm tra, xử lý cơ sở chăn nuôi gây ô nhiễm", "tasks": []map[string]any{{
			"title": "Kiểm tra, xử lý cơ sở chăn nuôi gây ô nhiễm", "monitor": "Đ/c Phó Bí thư Thường trực",
			"assignee": map[string]any{"agency": "UBND xã Tân Hòa", "officer": "Trần Văn Bình", "unit_id": ward},
			"due_at":   due.Format(time.RFC3339)}}}},
	}
	var recorded map[string]any
	if err := c.do(ctx, http.MethodPost, "/dialogues/"+dialogueID+"/session", session, http.StatusOK, &recorded); err != nil {
		return fmt.Errorf("demo session: %w", err)
	}
	fmt.Printf("\n  Demo session recorded; its task is due %s (reminder 1 min before, then an alert a minute per rung):\n", due.In(domain.Location).Format("15:04:05"))
	fmt.Printf("  My tasks         %s/tasks  (sign in as officer.tanhoa)\n", base)
	fmt.Printf("  Alert board      %s/alerts  (sign in as mttq.thaibinh: every rung arrives live)\n\n", base)
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

func (c *demoClient) unit(ctx context.Context, code, name, level, parent string) (string, error) {
	var page struct {
		Items []struct {
			ID   string  `json:"id"`
			Code *string `json:"code"`
		} `json:"items"`
	}
	if err := c.do(ctx, http.MethodGet, "/units?limit=500&level="+level, nil, http.StatusOK, &page); err != nil {
		return "", err
	}
	for _, u := range page.Items {
		if u.Code != nil && *u.Code == code {
			return u.ID, nil
		}
	}
	body := map[string]any{"name": name, "level": level, "code": code}
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
		return fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, data)
	}
	return json.Unmarshal(data, out)
}
