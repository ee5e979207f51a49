package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/doithoai/doithoai/devkit/testenv"
	"github.com/doithoai/doithoai/internal/auth"
	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/internal/notify"
	"github.com/doithoai/doithoai/internal/notify/smtptest"
)

// webhookReceiver is a unit's webhook endpoint: it verifies every
// signature and counts deliveries by id.
type webhookReceiver struct {
	t      *testing.T
	secret string
	mu     sync.Mutex
	got    map[string]int
	events []notify.Event
	srv    *httptest.Server
}

func newWebhookReceiver(t *testing.T, secret string) *webhookReceiver {
	w := &webhookReceiver{t: t, secret: secret, got: map[string]int{}}
	w.srv = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := notify.Verify(secret, r.Header, body, time.Now(), 5*time.Minute); err != nil {
			t.Errorf("webhook signature: %v", err)
			rw.WriteHeader(http.StatusUnauthorized)
			return
		}
		var ev notify.Event
		if err := json.Unmarshal(body, &ev); err != nil {
			t.Errorf("webhook body: %v", err)
		}
		w.mu.Lock()
		w.got[r.Header.Get(notify.HeaderDelivery)]++
		w.events = append(w.events, ev)
		w.mu.Unlock()
		rw.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(w.srv.Close)
	return w
}

func (w *webhookReceiver) snapshot() (map[string]int, []notify.Event) {
	w.mu.Lock()
	defer w.mu.Unlock()
	cp := map[string]int{}
	for k, v := range w.got {
		cp[k] = v
	}
	return cp, append([]notify.Event{}, w.events...)
}

type sseEvent struct {
	ID, Event, Data string
}

// streamAlerts reads the SSE stream of a unit subtree into a channel.
func streamAlerts(t *testing.T, base, unitID, token string) <-chan sseEvent {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/v1/alerts/stream?unit_id="+unitID, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("open stream: %v", err)
	}
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("stream: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	out := make(chan sseEvent, 100)
	go func() {
		defer resp.Body.Close()
		defer close(out)
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		var ev sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if ev.Data != "" {
					out <- ev
				}
				ev = sseEvent{}
			case strings.HasPrefix(line, "id: "):
				ev.ID = strings.TrimPrefix(line, "id: ")
			case strings.HasPrefix(line, "event: "):
				ev.Event = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				ev.Data = strings.TrimPrefix(line, "data: ")
			}
		}
	}()
	return out
}

type taskDoc struct {
	ID              string `json:"id"`
	Status          string `json:"status"`
	Overdue         bool   `json:"overdue"`
	EscalationLevel int    `json:"escalation_level"`
	Late            bool   `json:"late"`
	AssigneeUnitID  string `json:"assignee_unit_id"`
	Timeline        []struct {
		Type   string `json:"type"`
		Action string `json:"action"`
	} `json:"timeline"`
}

// TestFollowUpEscalatesToMTTQ drives a session with a conclusion whose task
// is due seconds later: reminder → overdue → the escalation ladder, with
// the worker stopped and started again in the middle of it. Every alert
// reaches the SSE stream, the units' webhooks (signatures verified) and the
// SMTP server's mailbox exactly once.
func TestFollowUpEscalatesToMTTQ(t *testing.T) {
	mail := smtptest.Start(t)
	env := testenv.Start(t, testenv.Options{SMTPAddr: mail.Addr()})
	c := env.NewClient(t)
	ctx := context.Background()

	city := c.CreateUnit("Thành phố Hà Nội", "province", "")
	c = c.As(testenv.Staff(city))
	district := c.CreateUnit("Quận Đống Đa", "district", city)
	wardA := c.CreateUnit("Phường Láng Thượng", "commune", district)
	wardB := c.CreateUnit("Phường Ô Chợ Dừa", "commune", district)

	hooks := map[string]*webhookReceiver{}
	contacts := map[string][]map[string]any{
		city:     {{"role": "mttq", "email": "mttq@hanoi.example.vn", "name": "Ủy ban MTTQ thành phố"}, {"role": "party_committee", "email": "thanhuy@hanoi.example.vn"}},
		district: {{"role": "mttq", "email": "mttq@dongda.example.vn", "name": "Ủy ban MTTQ quận"}, {"role": "monitor", "email": "hoang@dongda.example.vn"}},
		wardA:    {{"role": "officer", "email": "duc@langthuong.example.vn", "name": "Phạm Văn Đức"}},
	}
	for _, u := range []string{city, district, wardA} {
		secret := "bí-mật-" + u[:8] + "-0123456789"
		hooks[u] = newWebhookReceiver(t, secret)
		r := c.Do(http.MethodPut, "/api/v1/units/"+u+"/channels", map[string]any{"webhook_url": hooks[u].srv.URL + "/hook", "webhook_secret": secret, "contacts": contacts[u]})
		mustStatus(t, r, 200, "set channels")
		if strings.Contains(string(r.Body), secret) {
			t.Fatal("the webhook secret must never be shown")
		}
	}
	expectError(t, c.Do(http.MethodPut, "/api/v1/units/"+wardB+"/channels", map[string]any{"webhook_url": "ftp://x", "contacts": []map[string]any{{"role": "mttq", "email": "không-phải-email"}}}), 422, "validation_failed", "contacts[0].email", "invalid_email")

	stream := streamAlerts(t, env.BaseURL, city, testenv.Token(t, testenv.Staff(city)))
	// Ward B's MTTQ streams its own ward: nothing of ward A may arrive.
	wardBStream := streamAlerts(t, env.BaseURL, wardB, testenv.Token(t, testenv.User("mttq.ochodua", wardB, auth.RoleMTTQ)))

	now := time.Now()
	at := now.Add(4 * time.Second).Truncate(time.Second)
	plan := map[string]any{
		"unit_id": district, "year": at.In(domain.Location).Year(), "reference_no": "77-KH/QU", "issuing_body": "Quận ủy Đống Đa",
		"policy": map[string]any{
			"survey_lead": "PT3S", "survey_close": "PT1S", "session_grace": "PT1H", "supervision_within": "P1D",
			"reminder_offsets": []string{"PT3S"},
			"escalation": []map[string]any{
				{"after_working_days": 0, "recipients": []string{"assignee", "monitor"}},
				{"after": "PT3S", "recipients": []string{"mttq"}},
				{"after": "PT6S", "recipients": []string{"parent_mttq", "parent_party_committee"}},
			},
		},
		"dialogues": []map[string]any{{"scheduled_at": at.Format(time.RFC3339), "kind": "periodic", "hosts": []map[string]any{{"name": "Nguyễn Văn An"}}}},
	}
	r := c.Do(http.MethodPost, "/api/v1/plans", plan)
	mustStatus(t, r, http.StatusCreated, "plan")
	var p struct {
		Dialogues []struct {
			ID string `json:"id"`
		} `json:"dialogues"`
	}
	r.Decode(t, &p)
	dlg := p.Dialogues[0].ID
	waitPhase(t, c, dlg, domain.PhaseAwaitingSession, 30*time.Second)

	due := time.Now().Add(6 * time.Second).Truncate(time.Second)
	task := map[string]any{"title": "Thu gom rác tồn đọng ngõ 105", "monitor": "Đ/c Hoàng",
		"assignee": map[string]any{"agency": "UBND phường Láng Thượng", "officer": "Phạm Văn Đức", "unit_id": wardA}, "due_at": due.Format(time.RFC3339)}
	session := map[string]any{"held_at": at.Format(time.RFC3339), "attendance": map[string]any{"total": 80},
		"opinions":    []map[string]any{{"field": "Môi trường", "content": "Rác tồn đọng", "source": "floor"}},
		"conclusions": []map[string]any{{"content": "Giao UBND phường thu gom rác", "tasks": []map[string]any{task}}}}
	outside := map[string]any{"held_at": at.Format(time.RFC3339), "attendance": map[string]any{"total": 80},
		"conclusions": []map[string]any{{"content": "x", "tasks": []map[string]any{with(task, "assignee", map[string]any{"agency": "Sở X", "unit_id": city})}}}}
	expectError(t, c.Do(http.MethodPost, "/api/v1/dialogues/"+dlg+"/session", outside), 422, "validation_failed", "conclusions[0].tasks[0].assignee.unit_id", "unit_outside_scope")
	noDeadline := map[string]any{"held_at": at.Format(time.RFC3339), "attendance": map[string]any{"total": 80},
		"conclusions": []map[string]any{{"content": "x", "tasks": []map[string]any{{"title": "y", "assignee": map[string]any{"agency": "z"}}}}}}
	expectError(t, c.Do(http.MethodPost, "/api/v1/dialogues/"+dlg+"/session", noDeadline), 422, "validation_failed", "conclusions[0].tasks[0].due_at", "deadline_required")
	r = c.As(testenv.User("planner.dongda", district, auth.RolePlanner)).Do(http.MethodPost, "/api/v1/dialogues/"+dlg+"/session", session)
	mustStatus(t, r, 200, "record session with a task")

	r = c.Do(http.MethodGet, "/api/v1/tasks?dialogue_id="+dlg, nil)
	mustStatus(t, r, 200, "list tasks")
	var page struct {
		Total int       `json:"total"`
		Items []taskDoc `json:"items"`
	}
	r.Decode(t, &page)
	if page.Total != 1 || page.Items[0].AssigneeUnitID != wardA {
		t.Fatalf("tasks of the dialogue: %s", r.Body)
	}
	taskID := page.Items[0].ID
	expectError(t, c.Do(http.MethodPost, "/api/v1/tasks/"+taskID+"/review", map[string]any{"decision": "accept"}), 409, "state_conflict", "", "")
	// Reassigning to the assignee it has is refused at the edge, in the
	// words of the rule the workflow's validator applies.
	expectError(t, c.Do(http.MethodPost, "/api/v1/tasks/"+taskID+"/reassign", map[string]any{
		"assignee": map[string]any{"agency": "UBND phường Láng Thượng", "officer": "Phạm Văn Đức", "unit_id": wardA}}), 422, "validation_failed", "assignee", "same_assignee")
	expectError(t, c.As(testenv.User("duc", wardA, auth.RoleOfficer)).Do(http.MethodPost, "/api/v1/tasks/"+taskID+"/extension", map[string]any{"reason": "x", "proposed_due_at": now.Add(-time.Hour).Format(time.RFC3339)}), 422, "validation_failed", "proposed_due_at", "in_past")

	// The alerts of level 1 arrive on the stream; then the worker goes away.
	seen := map[string]sseEvent{}
	waitStream := func(n int, within time.Duration) {
		t.Helper()
		deadline := time.After(within)
		for countAlerts(seen) < n {
			select {
			case ev, ok := <-stream:
				if !ok {
					t.Fatal("stream closed")
				}
				if _, dup := seen[ev.ID]; dup {
					t.Errorf("stream sent event %s twice", ev.ID)
				}
				seen[ev.ID] = ev
			case <-deadline:
				t.Fatalf("stream: %d alerts after %v, want %d", countAlerts(seen), within, n)
			}
		}
	}
	waitStream(2, 30*time.Second)
	env.StopWorker()
	t.Log("worker stopped after the first rung")
	time.Sleep(4 * time.Second) // the second rung falls due while no worker runs
	env.StartWorker(t)
	t.Log("worker started again")
	waitStream(5, 40*time.Second)

	// Exactly five alerts, one per rung and recipient.
	r = c.Do(http.MethodGet, "/api/v1/alerts?unit_id="+city+"&kind=task_overdue", nil)
	var alerts struct {
		Total int `json:"total"`
		Items []struct {
			ID            string `json:"id"`
			Level         int    `json:"level"`
			RecipientRole string `json:"recipient_role"`
			RecipientKey  string `json:"recipient_key"`
			UnitID        string `json:"unit_id"`
			Recipient     string `json:"recipient"`
		} `json:"items"`
	}
	r.Decode(t, &alerts)
	if alerts.Total != 5 {
		t.Fatalf("task alerts: %s", r.Body)
	}
	byKey, rungOf := map[string]string{}, map[string]string{}
	for _, a := range alerts.Items {
		byKey[a.RecipientRole+"@"+a.UnitID] = a.ID
		rungOf[a.RecipientRole+"@"+a.UnitID] = a.RecipientKey
	}
	// One per recipient, each naming the rung's recipient that raised it.
	for want, key := range map[string]string{"officer@" + wardA: "assignee", "monitor@" + district: "monitor", "mttq@" + district: "mttq",
		"mttq@" + city: "parent_mttq", "party_committee@" + city: "parent_party_committee"} {
		if byKey[want] == "" || rungOf[want] != key {
			t.Errorf("no alert for %s from rung recipient %s: %s", want, key, r.Body)
		}
	}
	// MTTQ of the district sees its alert; MTTQ of ward B sees nothing.
	r = c.Do(http.MethodGet, "/api/v1/alerts?unit_id="+district+"&recipient_role=mttq", nil)
	var districtMTTQ struct{ Total int }
	r.Decode(t, &districtMTTQ)
	if districtMTTQ.Total != 1 {
		t.Errorf("district MTTQ alerts: %s", r.Body)
	}
	checkAlertAccess(t, c, byKey, city, district, wardA, wardB, wardBStream)

	// Webhooks: every alert and the reminder exactly once, at its unit's hook.
	waitFor(t, 30*time.Second, "webhook deliveries", func() bool {
		a, _ := hooks[wardA].snapshot()
		d, _ := hooks[district].snapshot()
		ci, _ := hooks[city].snapshot()
		return len(a) >= 3 && len(d) >= 2 && len(ci) >= 2 // ward: assignment notice, reminder, L1; district: L1 monitor, L2; city: L3 ×2
	})
	time.Sleep(time.Second) // let any duplicate arrive before counting
	for u, h := range hooks {
		got, evs := h.snapshot()
		for id, n := range got {
			if n != 1 {
				t.Errorf("webhook of %s got %s %d times", u, id, n)
			}
		}
		for _, ev := range evs {
			if ev.UnitID != u {
				t.Errorf("webhook of %s got an item of unit %s", u, ev.UnitID)
			}
		}
	}
	_, wardEvents := hooks[wardA].snapshot()
	kinds := map[string]int{}
	for _, ev := range wardEvents {
		kinds[ev.Type]++
	}
	if kinds["reminder"] != 1 || kinds["alert"] != 1 {
		t.Errorf("ward A webhook got %v, want one reminder and one alert", kinds)
	}

	// E-mail: officer (reminder + L1), monitor (L1), district MTTQ (L2), city MTTQ and party committee (L3).
	msgs := mail.Wait(t, 6, 30*time.Second)
	time.Sleep(time.Second)
	msgs = mail.Messages()
	to := map[string]int{}
	for _, m := range msgs {
		for _, rcpt := range m.To {
			to[rcpt]++
		}
		if !strings.Contains(m.Subject, "[") || !strings.ContainsAny(m.Body, "ăâđêôơưệ") {
			t.Errorf("mail not in Vietnamese: %q", m.Subject)
		}
	}
	want := map[string]int{"duc@langthuong.example.vn": 2, "hoang@dongda.example.vn": 1, "mttq@dongda.example.vn": 1, "mttq@hanoi.example.vn": 1, "thanhuy@hanoi.example.vn": 1}
	for addr, n := range want {
		if to[addr] != n {
			t.Errorf("mail to %s: %d, want %d (all: %v)", addr, to[addr], n, to)
		}
	}

	// Overdue tasks are listed as such; a late result accepted closes the task and the dialogue.
	r = c.Do(http.MethodGet, "/api/v1/tasks?unit_id="+wardA+"&status=overdue", nil)
	var overdue struct {
		Total   int `json:"total"`
		Overdue int `json:"overdue"`
	}
	r.Decode(t, &overdue)
	if overdue.Total != 1 || overdue.Overdue != 1 {
		t.Errorf("overdue tasks of ward A: %s", r.Body)
	}
	r = c.Do(http.MethodGet, "/api/v1/tasks?unit_id="+wardB, nil)
	r.Decode(t, &overdue)
	if overdue.Total != 0 {
		t.Errorf("ward B sees ward A's task: %s", r.Body)
	}
	// An officer of ward B cannot complete ward A's task (to them it does
	// not exist), nor can the district MTTQ (it may read it, not do it).
	result := map[string]any{"text": "Đã thu gom xong 12 tấn rác", "links": []string{"https://langthuong.example.vn/bao-cao.pdf"}}
	expectError(t, c.As(testenv.User("lan", wardB, auth.RoleOfficer)).Do(http.MethodPost, "/api/v1/tasks/"+taskID+"/result", result), 404, "not_found", "", "")
	expectError(t, c.As(testenv.User("mttq.dongda", district, auth.RoleMTTQ)).Do(http.MethodPost, "/api/v1/tasks/"+taskID+"/result", result), 403, "forbidden", "", "")
	r = c.As(testenv.User("duc", wardA, auth.RoleOfficer)).Do(http.MethodPost, "/api/v1/tasks/"+taskID+"/result", result)
	mustStatus(t, r, 200, "submit result")
	checkTaskAudit(t, c, taskID)
	var td taskDoc
	r.Decode(t, &td)
	if td.Status != "submitted" || !td.Late {
		t.Errorf("after late submission: %+v", td)
	}
	mttqDongda := c.As(testenv.User("mttq.dongda", district, auth.RoleMTTQ))
	r = mttqDongda.Do(http.MethodPost, "/api/v1/tasks/"+taskID+"/review", map[string]any{"decision": "accept"})
	mustStatus(t, r, 200, "accept")
	r.Decode(t, &td)
	if td.Status != "done" {
		t.Errorf("after acceptance: %+v", td)
	}
	actions := map[string]bool{}
	for _, e := range td.Timeline {
		actions[e.Type+":"+e.Action] = true
	}
	for _, a := range []string{"event:task.assigned", "reminder:reminder", "alert:task_overdue", "event:task.escalated", "event:task.result_submitted", "event:task.accepted"} {
		if !actions[a] {
			t.Errorf("timeline lacks %s: %v", a, actions)
		}
	}
	waitPhase(t, c, dlg, domain.PhaseClosed, 30*time.Second)

	// The ladder's alerts were each stored exactly once despite the restart.
	var n int
	if err := env.Store.DB.QueryRowContext(ctx, "SELECT count(*) FROM alerts WHERE task_id = ?", taskID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 5 {
		t.Errorf("%d alerts stored for the task, want 5", n)
	}
	// The dialogue drafted its supervision report when its task settled.
	checkDialogueReport(t, c, dlg)
	// A roll-up over the city's year counts the district's dialogue.
	y := at.In(domain.Location).Year()
	r = c.Do(http.MethodGet, fmt.Sprintf("/api/v1/reports?unit_id=%s&from=%d-01-01&to=%d-01-01", city, y, y+1), nil)
	mustStatus(t, r, 200, "roll-up")
	var roll reportDoc
	r.Decode(t, &roll)
	if roll.Data.Dialogues.Held != 1 || roll.Data.Tasks.Total != 1 {
		t.Errorf("roll-up: %s", r.Body)
	}
	expectError(t, c.Do(http.MethodGet, "/api/v1/reports?unit_id="+city+"&from=2026-12-31&to=2026-01-01", nil), 422, "validation_failed", "to", "out_of_range")

	replayAndKeep(t, env, "task/"+taskID, "task-reminder-ladder-late-accepted")
	replayAndKeep(t, env, "dialogue/"+dlg, "dialogue-with-task")
}

func countAlerts(seen map[string]sseEvent) int {
	n := 0
	for _, ev := range seen {
		if ev.Event == "alert" {
			n++
		}
	}
	return n
}

type reportDoc struct {
	ID         string `json:"id"`
	Version    int    `json:"version"`
	Status     string `json:"status"`
	Assessment string `json:"assessment"`
	Data       struct {
		Dialogues struct {
			Planned, Held int
		} `json:"dialogues"`
		Opinions struct {
			Total int `json:"total"`
		} `json:"opinions"`
		Tasks struct {
			Total      int `json:"total"`
			DoneLate   int `json:"done_late"`
			DoneOnTime int `json:"done_on_time"`
		} `json:"tasks"`
		Escalations struct {
			Total int `json:"total"`
		} `json:"escalations"`
	} `json:"data"`
}

// checkDialogueReport walks MTTQ's side of the report: the draft, the
// assessment, the exports, finalisation, and immutability afterwards.
func checkDialogueReport(t *testing.T, c *testenv.Client, dlg string) {
	t.Helper()
	r := c.Do(http.MethodGet, "/api/v1/dialogues/"+dlg+"/report", nil)
	mustStatus(t, r, 200, "dialogue report")
	var rep reportDoc
	r.Decode(t, &rep)
	d := rep.Data
	if rep.Status != "draft" || rep.Version != 1 || d.Dialogues.Planned != 1 || d.Dialogues.Held != 1 || d.Opinions.Total != 1 ||
		d.Tasks.Total != 1 || d.Tasks.DoneLate != 1 || d.Escalations.Total != 5 {
		t.Errorf("dialogue report: %s", r.Body)
	}
	r = c.Do(http.MethodPut, "/api/v1/reports/"+rep.ID+"/assessment", map[string]any{"assessment": "Ủy ban MTTQ đánh giá: nhiệm vụ hoàn thành nhưng trễ hạn; đề nghị rút kinh nghiệm."})
	mustStatus(t, r, 200, "assessment")
	for format, want := range map[string]string{"csv": "text/csv", "xlsx": "spreadsheetml", "html": "text/html"} {
		r = c.Do(http.MethodGet, "/api/v1/dialogues/"+dlg+"/report?format="+format, nil)
		mustStatus(t, r, 200, "export "+format)
		if !strings.Contains(r.Header.Get("Content-Type"), want) || len(r.Body) < 200 {
			t.Errorf("export %s: %s, %d bytes", format, r.Header.Get("Content-Type"), len(r.Body))
		}
	}
	r = c.Do(http.MethodGet, "/api/v1/dialogues/"+dlg+"/report?format=html&lang=vi", nil)
	if !strings.Contains(string(r.Body), "BÁO CÁO GIÁM SÁT") || !strings.Contains(string(r.Body), "<svg") || !strings.Contains(string(r.Body), "trễ hạn") {
		t.Errorf("printable report lacks its title, chart or assessment")
	}
	expectError(t, c.Do(http.MethodGet, "/api/v1/dialogues/"+dlg+"/report?format=pdf", nil), 422, "validation_failed", "format", "invalid_enum")
	r = c.Do(http.MethodPost, "/api/v1/reports/"+rep.ID+"/finalise", nil)
	mustStatus(t, r, 200, "finalise")
	r.Decode(t, &rep)
	if rep.Status != "final" || !strings.Contains(rep.Assessment, "trễ hạn") {
		t.Errorf("finalised: %+v", rep)
	}
	expectError(t, c.Do(http.MethodPut, "/api/v1/reports/"+rep.ID+"/assessment", map[string]any{"assessment": "sửa"}), 409, "state_conflict", "", "")
	expectError(t, c.Do(http.MethodPost, "/api/v1/reports/"+rep.ID+"/finalise", nil), 409, "state_conflict", "", "")
	r = c.Do(http.MethodGet, "/api/v1/dialogues/"+dlg+"/report", nil)
	r.Decode(t, &rep)
	if rep.Status != "final" || rep.Version != 1 {
		t.Errorf("after finalising, the report is %s v%d", rep.Status, rep.Version)
	}
	r = c.Do(http.MethodGet, "/api/v1/dialogues/"+dlg+"/report?refresh=true", nil)
	r.Decode(t, &rep)
	if rep.Status != "draft" || rep.Version != 2 {
		t.Errorf("refresh after a final: %s v%d, want a v2 draft", rep.Status, rep.Version)
	}
	r = c.Do(http.MethodGet, "/api/v1/dialogues/"+dlg+"/report?version=1", nil)
	r.Decode(t, &rep)
	if rep.Status != "final" || rep.Version != 1 {
		t.Errorf("version 1 is %s v%d", rep.Status, rep.Version)
	}
}

// checkAlertAccess: MTTQ of the district sees the alerts of all its wards;
// MTTQ of ward A sees ward A's and not the district's; MTTQ of ward B sees
// none of them, in lists and on its live stream; the ward A officer sees
// and acknowledges only the alert addressed to officers there.
func checkAlertAccess(t *testing.T, c *testenv.Client, byKey map[string]string, city, district, wardA, wardB string, wardBStream <-chan sseEvent) {
	t.Helper()
	type alertPage struct {
		Total int `json:"total"`
		Items []struct {
			ID     string `json:"id"`
			UnitID string `json:"unit_id"`
		} `json:"items"`
	}
	list := func(cl *testenv.Client, query string) alertPage {
		t.Helper()
		r := cl.Do(http.MethodGet, "/api/v1/alerts"+query, nil)
		mustStatus(t, r, 200, "list alerts"+query)
		var p alertPage
		r.Decode(t, &p)
		return p
	}
	mttqDistrict := c.As(testenv.User("mttq.dongda", district, auth.RoleMTTQ))
	got := list(mttqDistrict, "")
	units := map[string]int{}
	for _, a := range got.Items {
		units[a.UnitID]++
	}
	if got.Total != 3 || units[wardA] != 1 || units[district] != 2 || units[city] != 0 {
		t.Errorf("district MTTQ sees %d alerts by unit %v, want ward A's 1 and the district's 2, none of the city's", got.Total, units)
	}
	mttqA := c.As(testenv.User("mttq.langthuong", wardA, auth.RoleMTTQ))
	if got := list(mttqA, ""); got.Total != 1 || got.Items[0].ID != byKey["officer@"+wardA] {
		t.Errorf("ward A MTTQ sees %+v, want only ward A's alert", got)
	}
	mttqB := c.As(testenv.User("mttq.ochodua", wardB, auth.RoleMTTQ))
	if got := list(mttqB, ""); got.Total != 0 {
		t.Errorf("ward B MTTQ sees %+v, want nothing", got)
	}
	expectError(t, mttqB.Do(http.MethodGet, "/api/v1/alerts?unit_id="+wardA, nil), 403, "forbidden", "", "")
	expectError(t, mttqB.Do(http.MethodPost, "/api/v1/alerts/"+byKey["officer@"+wardA]+"/ack", nil), 404, "not_found", "", "")
	// The ward A officer sees only the alert addressed to officers of the
	// ward and may acknowledge it; the monitor's alert is not theirs.
	officerA := c.As(testenv.User("duc", wardA, auth.RoleOfficer))
	if got := list(officerA, ""); got.Total != 1 || got.Items[0].ID != byKey["officer@"+wardA] {
		t.Errorf("ward A officer sees %+v, want only the officers' alert", got)
	}
	expectError(t, officerA.Do(http.MethodPost, "/api/v1/alerts/"+byKey["monitor@"+district]+"/ack", nil), 404, "not_found", "", "")
	r := officerA.Do(http.MethodPost, "/api/v1/alerts/"+byKey["officer@"+wardA]+"/ack", nil)
	mustStatus(t, r, 200, "officer acknowledges")
	var acked struct {
		AckedBy string `json:"acked_by"`
	}
	r.Decode(t, &acked)
	if acked.AckedBy != "duc" {
		t.Errorf("acked_by = %q, want the token's subject duc", acked.AckedBy)
	}
	select {
	case ev, ok := <-wardBStream:
		if ok {
			t.Errorf("ward B's MTTQ stream carried %s %s", ev.Event, ev.Data)
		}
	default:
	}
}

// checkTaskAudit: the task's trail names the officer (from the token) and
// the role that allowed the result, with the status before and after.
func checkTaskAudit(t *testing.T, c *testenv.Client, taskID string) {
	t.Helper()
	r := c.Do(http.MethodGet, "/api/v1/tasks/"+taskID+"/events", nil)
	mustStatus(t, r, 200, "task events")
	var evs struct {
		Items []struct {
			Action    string `json:"action"`
			Actor     string `json:"actor"`
			ActorRole string `json:"actor_role"`
			RequestID string `json:"request_id"`
			Data      struct {
				Before map[string]*string `json:"before"`
				After  map[string]*string `json:"after"`
			} `json:"data"`
		} `json:"items"`
	}
	r.Decode(t, &evs)
	for _, ev := range evs.Items {
		if ev.Action != "task.result_submitted" {
			continue
		}
		if ev.Actor != "duc" || ev.ActorRole != "officer" || ev.RequestID == "" {
			t.Errorf("result event names %q as %q (request %q), want duc as officer", ev.Actor, ev.ActorRole, ev.RequestID)
		}
		if b, a := ev.Data.Before["status"], ev.Data.After["status"]; b == nil || a == nil || *b == "submitted" || *a != "submitted" {
			t.Errorf("result event before/after status = %v/%v, want a change to submitted: %s", b, a, r.Body)
		}
		return
	}
	t.Errorf("no task.result_submitted event: %s", r.Body)
}
