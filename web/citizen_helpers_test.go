package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/doithoai/doithoai/devkit/testenv"
	"github.com/doithoai/doithoai/internal/auth"
	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/web"
)

// ctzStory is one commune's dialogue followed by its citizens: the users
// of the commune, the dialogue and its survey link token.
type ctzStory struct {
	t   *testing.T
	env *testenv.Env

	commune                         string
	planner, mttq, officer, board   auth.Principal
	plannerAPI, mttqAPI, officerAPI *testenv.Client
	dialogue, token                 string
	at                              time.Time
}

// Names that no public page may show: the host, the chair, the officer,
// the monitor, the respondent.
const (
	ctzHost       = "Trần Văn Nam"
	ctzChair      = "Lê Văn Chủ"
	ctzOfficer    = "Phạm Văn Đức"
	ctzMonitor    = "Đ/c Hoàng Văn Giám"
	ctzRespondent = "Nguyễn Thị Hoa"
	ctzAgency     = "UBND xã Vũ Thư"
	ctzTaskTitle  = "Sửa đường liên thôn Đông – Tây"
	ctzResult     = "Đã rải nhựa 1,2 km đường liên thôn."
	ctzContent    = "Đường liên thôn xuống cấp, đề nghị sửa chữa."
)

// ctzStart makes the commune, its users (offered on the dev sign-in page)
// and a plan with one dialogue whose survey opens at once and stays open
// for window; it returns when the survey is open.
func ctzStart(t *testing.T, env *testenv.Env, window time.Duration) *ctzStory {
	t.Helper()
	admin := env.NewClient(t)
	province := admin.CreateUnit("Tỉnh Hưng Yên", "province", "")
	admin = admin.As(testenv.Staff(province))
	commune := admin.CreateUnit("Xã Vũ Thư", "commune", province)
	s := &ctzStory{t: t, env: env, commune: commune,
		planner: auth.Principal{Subject: "lan.planner", Name: "Nguyễn Thị Lan", Roles: []string{auth.RolePlanner}, UnitID: commune},
		mttq:    auth.Principal{Subject: "hoa.mttq", Name: "Lê Thị Hòa", Roles: []string{auth.RoleMTTQ}, UnitID: commune},
		officer: auth.Principal{Subject: "duc.officer", Name: ctzOfficer, Roles: []string{auth.RoleOfficer}, UnitID: commune},
		board:   auth.Principal{Subject: "thanh.board", Name: "Võ Văn Thanh", Roles: []string{auth.RoleBoard}, UnitID: commune},
	}
	env.DevLogin.SetUsers([]web.DevUser{
		{Principal: s.planner, What: "UBND xã Vũ Thư"},
		{Principal: s.mttq, What: "Ủy ban MTTQ xã Vũ Thư"},
		{Principal: s.officer, What: "UBND xã Vũ Thư"},
		{Principal: s.board, What: "Ban Thanh tra nhân dân xã Vũ Thư"},
	})
	s.plannerAPI, s.mttqAPI, s.officerAPI = admin.As(s.planner), admin.As(s.mttq), admin.As(s.officer)

	// The survey opens a second from now and closes after window; the
	// session is five seconds later.
	s.at = time.Now().Add(window + 6*time.Second).Truncate(time.Second)
	lead := time.Until(s.at) - time.Second
	plan := map[string]any{
		"unit_id": commune, "year": s.at.In(domain.Location).Year(), "reference_no": "12-KH/ĐU", "issuing_body": "Đảng ủy xã Vũ Thư",
		"policy": map[string]any{"survey_lead": fmt.Sprintf("PT%dS", int(lead.Seconds())), "survey_close": "PT5S",
			"session_grace": "PT1H", "supervision_within": "P1D"},
		"dialogues": []map[string]any{{"scheduled_at": s.at.Format(time.RFC3339), "kind": "periodic", "title": "Đối thoại quý IV",
			"place": "Nhà văn hóa thôn Đông", "hosts": []map[string]any{{"name": ctzHost, "title": "Bí thư Đảng ủy"}}}},
	}
	r := s.plannerAPI.Do(http.MethodPost, "/api/v1/plans", plan)
	mtStatus(t, r, http.StatusCreated, "create the plan")
	var p struct {
		Dialogues []struct {
			ID string `json:"id"`
		} `json:"dialogues"`
	}
	r.Decode(t, &p)
	s.dialogue = p.Dialogues[0].ID
	s.waitPhase(domain.PhaseSurveyOpen, 30*time.Second)
	r = s.plannerAPI.Do(http.MethodGet, "/api/v1/dialogues/"+s.dialogue, nil)
	var d struct {
		SurveyLink *struct {
			Token string `json:"token"`
		} `json:"survey_link"`
	}
	r.Decode(t, &d)
	if d.SurveyLink == nil || d.SurveyLink.Token == "" {
		t.Fatalf("the dialogue has no survey link: %s", r.Body)
	}
	s.token = d.SurveyLink.Token
	return s
}

func (s *ctzStory) waitPhase(phase string, within time.Duration) {
	s.t.Helper()
	mtWait(s.t, within, "the dialogue to reach "+phase, func() bool {
		r := s.plannerAPI.Do(http.MethodGet, "/api/v1/dialogues/"+s.dialogue, nil)
		var d struct {
			Phase string `json:"phase"`
		}
		r.Decode(s.t, &d)
		return d.Phase == phase
	})
}

// recordSession waits for the survey to close and records the session:
// the survey answer with receipt code is linked to a conclusion whose task
// goes to the commune (by name to the officer, watched by the monitor);
// one opinion is raised from the floor. It returns the task's id and the
// floor opinion's receipt.
func (s *ctzStory) recordSession(code string) (taskID, floorReceipt string) {
	s.t.Helper()
	s.waitPhase(domain.PhaseAwaitingSession, time.Until(s.at)+30*time.Second)
	r := s.plannerAPI.Do(http.MethodGet, "/api/v1/dialogues/"+s.dialogue+"/survey/responses", nil)
	mtStatus(s.t, r, http.StatusOK, "survey answers")
	var answers struct {
		Items []struct {
			ID      string `json:"id"`
			Receipt string `json:"receipt"`
		} `json:"items"`
	}
	r.Decode(s.t, &answers)
	var answerID string
	for _, a := range answers.Items {
		if strings.EqualFold(strings.ReplaceAll(a.Receipt, "-", ""), strings.ReplaceAll(code, "-", "")) {
			answerID = a.ID
		}
	}
	if answerID == "" {
		s.t.Fatalf("no survey answer has receipt %s: %s", code, r.Body)
	}
	due := time.Now().Add(time.Hour).Truncate(time.Second)
	session := map[string]any{"held_at": s.at.Format(time.RFC3339), "chair": ctzChair, "attendance": map[string]any{"total": 60},
		"opinions": []map[string]any{
			{"field": "Giao thông", "content": "Sửa đường liên thôn", "source": "survey", "survey_response_ids": []string{answerID}, "conclusions": []int{1}},
			{"field": "Môi trường", "content": "Rác thải ven sông", "source": "floor"},
		},
		"conclusions": []map[string]any{{"content": "Giao UBND xã sửa đường liên thôn", "tasks": []map[string]any{{
			"title": ctzTaskTitle, "monitor": ctzMonitor,
			"assignee": map[string]any{"agency": ctzAgency, "officer": ctzOfficer, "unit_id": s.commune}, "due_at": due.Format(time.RFC3339)}}}},
	}
	mtStatus(s.t, s.plannerAPI.Do(http.MethodPost, "/api/v1/dialogues/"+s.dialogue+"/session", session), http.StatusOK, "record the session")
	r = s.plannerAPI.Do(http.MethodGet, "/api/v1/dialogues/"+s.dialogue, nil)
	var d struct {
		Session struct {
			Opinions []struct {
				Receipt string `json:"receipt"`
			} `json:"opinions"`
		} `json:"session"`
	}
	r.Decode(s.t, &d)
	if len(d.Session.Opinions) != 2 || d.Session.Opinions[1].Receipt == "" {
		s.t.Fatalf("the floor opinion has no receipt: %s", r.Body)
	}
	r = s.plannerAPI.Do(http.MethodGet, "/api/v1/tasks?dialogue_id="+s.dialogue, nil)
	var tasks struct {
		Items []mtTask `json:"items"`
	}
	r.Decode(s.t, &tasks)
	if len(tasks.Items) != 1 {
		s.t.Fatalf("the session made %d tasks, want 1: %s", len(tasks.Items), r.Body)
	}
	return tasks.Items[0].ID, d.Session.Opinions[1].Receipt
}

// acceptResult has the officer report the task's result and MTTQ accept it.
func (s *ctzStory) acceptResult(taskID string) {
	s.t.Helper()
	mtStatus(s.t, s.officerAPI.Do(http.MethodPost, "/api/v1/tasks/"+taskID+"/result", map[string]any{"text": ctzResult}), http.StatusOK, "submit the result")
	mtStatus(s.t, s.mttqAPI.Do(http.MethodPost, "/api/v1/tasks/"+taskID+"/review", map[string]any{"decision": "accept"}), http.StatusOK, "accept the result")
}

// notSatisfiedAlerts counts MTTQ's citizen_not_satisfied alerts.
func (s *ctzStory) notSatisfiedAlerts() int {
	s.t.Helper()
	r := s.mttqAPI.Do(http.MethodGet, "/api/v1/alerts?kind="+domain.AlertNotSatisfied, nil)
	mtStatus(s.t, r, http.StatusOK, "alerts")
	var page struct {
		Total int `json:"total"`
	}
	r.Decode(s.t, &page)
	return page.Total
}
