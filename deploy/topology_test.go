package deploy

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/doithoai/doithoai/devkit/cluster"
	"github.com/doithoai/doithoai/devkit/testenv"
	"github.com/doithoai/doithoai/internal/domain"
)

// topoTasks is the number of follow-up tasks the test's session assigns;
// each climbs a three-rung ladder of five alerts.
const topoTasks = 4

// The survey link's limit in the test: a burst of 4, then one a minute, so
// a fifth answer within the test is refused whichever replica it reaches.
const (
	topoSurveyBurst     = 4
	topoSurveyPerMinute = 1
)

// TestProductionTopology runs the service as it runs in production, on
// this machine: a Temporal server process persisted in PostgreSQL with 4
// history shards, two API and two worker processes built from cmd/api and
// cmd/worker, one store database. Through both APIs it makes a plan, sends
// survey answers by the public link, records a session with tasks whose
// ladder runs in seconds, and kills (SIGKILL) one worker and one API
// between the first and the second rung. Every alert must be stored once,
// reach the SSE clients of both replicas once (the killed replica's client
// resumes at the other with Last-Event-ID) and the webhooks once; the
// survey link's rate limit and the Idempotency-Keys hold across replicas.
func TestProductionTopology(t *testing.T) {
	began := time.Now()
	cl := cluster.Start(t, cluster.Options{APIs: 2, Workers: 2, Shards: 4, Env: map[string]string{
		"SURVEY_RATE_PER_MINUTE": strconv.Itoa(topoSurveyPerMinute),
		"SURVEY_RATE_BURST":      strconv.Itoa(topoSurveyBurst),
	}})
	up := time.Since(began)
	t.Logf("cluster up in %v (build %v, Temporal schema and start %v): Temporal 4 shards at %s, APIs %s %s",
		up.Round(time.Millisecond), cl.Built.Round(time.Millisecond), cl.Ready.Round(time.Millisecond), cl.Server.Addr, cl.APIs[0].BaseURL, cl.APIs[1].BaseURL)

	a0 := testenv.NewClient(t, cl.APIs[0].BaseURL).As(testenv.Admin)
	a1 := testenv.NewClient(t, cl.APIs[1].BaseURL).As(testenv.Admin)
	city := a0.CreateUnit("Thành phố Hải Phòng", "province", "")
	a0, a1 = a0.As(testenv.Staff(city)), a1.As(testenv.Staff(city))
	district := a1.CreateUnit("Quận Lê Chân", "district", city)
	ward := a0.CreateUnit("Phường An Biên", "commune", district)

	sink := cluster.NewWebhookSink(t)
	for i, u := range []string{city, district, ward} {
		secret := "bí-mật-" + u[:8] + "-0123456789abcdef"
		r := []*testenv.Client{a0, a1}[i%2].Do(http.MethodPut, "/api/v1/units/"+u+"/channels", map[string]any{"webhook_url": sink.Hook(u, secret), "webhook_secret": secret})
		must(t, r, http.StatusOK, "set channels")
	}
	token := testenv.Token(t, testenv.Staff(city))
	bases := []string{cl.APIs[0].BaseURL, cl.APIs[1].BaseURL}
	streams := []*cluster.StreamClient{
		cluster.FollowStream(t, "api-0", bases, city, token),
		cluster.FollowStream(t, "api-1", []string{bases[1], bases[0]}, city, token),
	}

	dlg := topoPlan(t, a0, a1, district)
	topoSurvey(t, cl, a0, dlg)
	testenv.WaitFor(t, 40*time.Second, "the survey to close", func() bool {
		d, err := cl.Store.GetDialogue(context.Background(), dlg)
		return err == nil && d.Phase == domain.PhaseAwaitingSession
	})
	due := topoSession(t, cl, a0, a1, dlg, ward)

	// The first rung (assignee and monitor of every task) is stored; then
	// one worker and one API die without warning.
	waitAlerts(t, cl, dlg, 2*topoTasks, 60*time.Second)
	killedAt := time.Since(due)
	cl.Workers[0].Kill()
	cl.APIs[0].Kill()
	t.Logf("killed worker-0 and api-0 (SIGKILL) %v after the deadline, with the first rung stored", killedAt.Round(time.Millisecond))

	want := waitAlerts(t, cl, dlg, 5*topoTasks, 120*time.Second)
	ladder := time.Since(due)
	checkAlertRows(t, cl, dlg)
	testenv.WaitFor(t, 60*time.Second, "every alert on both streams and at the webhooks", func() bool {
		return len(streams[0].Alerts()) >= len(want) && len(streams[1].Alerts()) >= len(want) && len(sink.Alerts()) >= len(want)
	})
	time.Sleep(2 * time.Second) // let a repeat arrive before counting
	exactlyOnce(t, "webhook sink", want, sink.Alerts())
	if n := sink.Refused(); n > 0 {
		t.Errorf("the webhook sink refused %d deliveries (bad signature or unit)", n)
	}
	for _, s := range streams {
		exactlyOnce(t, "stream first connected to "+s.Name, want, s.Alerts())
		if n := s.Repeats(); n > 0 {
			t.Errorf("stream first connected to %s was sent %d events more than once", s.Name, n)
		}
	}
	if conns := streams[0].Connections(); len(conns) < 2 || conns[len(conns)-1] != bases[1] {
		t.Errorf("the stream of the killed api-0 did not resume at api-1: connections %v", conns)
	}
	t.Logf("alerts: %d stored (each once), %d at the webhook sink (%d resends of an accepted delivery id dropped, as receivers must), %d on the stream of api-0 (connections %v), %d on the stream of api-1 (connections %v); faults survived: worker-0 and api-0 killed mid-ladder; ladder done %v after the deadline; whole test %v",
		len(want), len(sink.Alerts()), sink.Resent(), len(streams[0].Alerts()), streams[0].Connections(), len(streams[1].Alerts()), streams[1].Connections(),
		ladder.Round(time.Millisecond), time.Since(began).Round(time.Millisecond))
}

// topoPlan makes a plan with one dialogue 14 s away (survey open from
// 10 s before it to 2 s before it) and a three-rung ladder in seconds. The
// request goes to api-0 and again, with the same Idempotency-Key, to
// api-1, which must replay the first answer.
func topoPlan(t *testing.T, a0, a1 *testenv.Client, district string) string {
	t.Helper()
	at := time.Now().Add(14 * time.Second).Truncate(time.Second)
	plan := map[string]any{
		"unit_id": district, "year": at.In(domain.Location).Year(), "reference_no": "KH-" + uuid.NewString()[:8], "issuing_body": "Quận ủy Lê Chân",
		"policy": map[string]any{
			"survey_lead": "PT10S", "survey_close": "PT2S", "session_grace": "PT1H", "reminder_offsets": []string{},
			"escalation": []map[string]any{
				{"after_working_days": 0, "recipients": []string{"assignee", "monitor"}},
				{"after": "PT4S", "recipients": []string{"mttq"}},
				{"after": "PT8S", "recipients": []string{"parent_mttq", "parent_party_committee"}},
			},
		},
		"dialogues": []map[string]any{{"scheduled_at": at.Format(time.RFC3339), "kind": "periodic", "hosts": []map[string]any{{"name": "Bí thư Quận ủy"}}}},
	}
	key := "plan-" + uuid.NewString()
	r := a0.Do(http.MethodPost, "/api/v1/plans", plan, "Idempotency-Key", key)
	must(t, r, http.StatusCreated, "plan on api-0")
	again := a1.Do(http.MethodPost, "/api/v1/plans", plan, "Idempotency-Key", key)
	must(t, again, http.StatusCreated, "the same plan and key on api-1")
	if again.Header.Get("Idempotent-Replayed") != "true" || string(again.Body) != string(r.Body) {
		t.Errorf("api-1 did not replay api-0's answer to the same Idempotency-Key: replayed %q\n%s\nvs\n%s", again.Header.Get("Idempotent-Replayed"), again.Body, r.Body)
	}
	var p struct {
		ID        string                `json:"id"`
		Dialogues []struct{ ID string } `json:"dialogues"`
	}
	r.Decode(t, &p)
	return p.Dialogues[0].ID
}

// topoSurvey sends answers through the public link, alternating between
// the replicas: the burst passes, the next are refused with Retry-After,
// although neither replica alone has seen more than half of them.
func topoSurvey(t *testing.T, cl *cluster.Cluster, a0 *testenv.Client, dlg string) {
	t.Helper()
	testenv.WaitFor(t, 30*time.Second, "the survey to open", func() bool {
		d, err := cl.Store.GetDialogue(context.Background(), dlg)
		return err == nil && d.Phase == domain.PhaseSurveyOpen
	})
	r := a0.Do(http.MethodGet, "/api/v1/dialogues/"+dlg, nil)
	var d struct {
		SurveyLink struct {
			Path string `json:"path"`
		} `json:"survey_link"`
	}
	r.Decode(t, &d)
	var passed, refused int
	for i := range topoSurveyBurst + 2 {
		resp := testenv.NewClient(t, cl.APIs[i%2].BaseURL).Do(http.MethodPost, d.SurveyLink.Path+"/responses",
			map[string]any{"field": "Giao thông", "content": fmt.Sprintf("Đường Hai Bà Trưng ngập khi mưa (%d)", i), "respondent_group": "Người dân"})
		switch resp.Status {
		case http.StatusCreated:
			passed++
		case http.StatusTooManyRequests:
			refused++
			if ra, err := strconv.Atoi(resp.Header.Get("Retry-After")); err != nil || ra < 1 || ra > 60 {
				t.Errorf("answer %d refused with Retry-After %q, want 1–60 s", i+1, resp.Header.Get("Retry-After"))
			}
		default:
			t.Fatalf("answer %d by the link on api-%d: %d %s", i+1, i%2, resp.Status, resp.Body)
		}
	}
	if passed != topoSurveyBurst || refused != 2 {
		t.Errorf("survey link across replicas: %d passed, %d refused; want the burst of %d, then 2 refused", passed, refused, topoSurveyBurst)
	}
	var stored int
	if err := cl.Store.DB.QueryRowContext(context.Background(), "SELECT count(*) FROM survey_responses WHERE dialogue_id = ?", dlg).Scan(&stored); err != nil || stored != topoSurveyBurst {
		t.Errorf("survey answers stored: %d (%v), want %d", stored, err, topoSurveyBurst)
	}
	t.Logf("survey link: %d answers passed, %d refused across the two replicas (burst %d, %d a minute)", passed, refused, topoSurveyBurst, topoSurveyPerMinute)
}

// topoSession records the session on api-1 with topoTasks tasks due 4 s
// later, and again on api-0 with the same Idempotency-Key; it returns the
// deadline.
func topoSession(t *testing.T, cl *cluster.Cluster, a0, a1 *testenv.Client, dlg, ward string) time.Time {
	t.Helper()
	due := time.Now().Add(4 * time.Second).Truncate(time.Second).Add(time.Second)
	var tasks []map[string]any
	for i := range topoTasks {
		tasks = append(tasks, map[string]any{"title": fmt.Sprintf("Khơi thông cống thoát nước số %d", i+1), "monitor": "Đ/c Hưng",
			"assignee": map[string]any{"agency": "UBND phường An Biên", "unit_id": ward}, "due_at": due.Format(time.RFC3339)})
	}
	session := map[string]any{"held_at": time.Now().Format(time.RFC3339), "attendance": map[string]any{"total": 60},
		"conclusions": []map[string]any{{"content": "Giao UBND phường khơi thông cống", "tasks": tasks}}}
	key := "session-" + uuid.NewString()
	r := a1.Do(http.MethodPost, "/api/v1/dialogues/"+dlg+"/session", session, "Idempotency-Key", key)
	must(t, r, http.StatusOK, "session on api-1")
	again := a0.Do(http.MethodPost, "/api/v1/dialogues/"+dlg+"/session", session, "Idempotency-Key", key)
	must(t, again, http.StatusOK, "the same session and key on api-0")
	if again.Header.Get("Idempotent-Replayed") != "true" {
		t.Errorf("api-0 did not replay api-1's session answer: %s", again.Body)
	}
	var n int
	if err := cl.Store.DB.QueryRowContext(context.Background(), "SELECT count(*) FROM tasks WHERE dialogue_id = ?", dlg).Scan(&n); err != nil || n != topoTasks {
		t.Errorf("tasks stored: %d (%v), want %d", n, err, topoTasks)
	}
	return due
}

// waitAlerts waits until the dialogue's tasks have n alerts stored and
// returns their ids.
func waitAlerts(t *testing.T, cl *cluster.Cluster, dlg string, n int, within time.Duration) map[string]bool {
	t.Helper()
	ids := map[string]bool{}
	testenv.WaitFor(t, within, fmt.Sprintf("%d alerts stored", n), func() bool {
		rows, err := cl.Store.DB.QueryContext(context.Background(), "SELECT id FROM alerts WHERE dialogue_id = ? AND kind = 'task_overdue'", dlg)
		if err != nil {
			return false
		}
		defer rows.Close()
		clear(ids)
		for rows.Next() {
			var id string
			if rows.Scan(&id) == nil {
				ids[id] = true
			}
		}
		return len(ids) >= n
	})
	return ids
}

// checkAlertRows asserts one alert per task, rung and recipient: five per
// task, none twice.
func checkAlertRows(t *testing.T, cl *cluster.Cluster, dlg string) {
	t.Helper()
	rows, err := cl.Store.DB.QueryContext(context.Background(), `SELECT task_id, level, recipient_role, unit_id, count(*) FROM alerts
WHERE dialogue_id = ? AND kind = 'task_overdue' GROUP BY 1, 2, 3, 4`, dlg)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	perTask := map[string]int{}
	for rows.Next() {
		var task, role, unit string
		var level, n int
		if err := rows.Scan(&task, &level, &role, &unit, &n); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Errorf("task %s level %d %s@%s: %d alerts, want 1", task, level, role, unit, n)
		}
		perTask[task] += n
	}
	if len(perTask) != topoTasks {
		t.Errorf("alerts for %d tasks, want %d", len(perTask), topoTasks)
	}
	for task, n := range perTask {
		if n != 5 {
			t.Errorf("task %s: %d alerts, want 5 (assignee, monitor, MTTQ, parent MTTQ, parent party committee)", task, n)
		}
	}
}

// exactlyOnce checks that got holds every wanted alert once and nothing else.
func exactlyOnce(t *testing.T, where string, want map[string]bool, got map[string]int) {
	t.Helper()
	for id := range want {
		if got[id] != 1 {
			t.Errorf("%s: alert %s arrived %d times, want once", where, id, got[id])
		}
	}
	for _, id := range slices.Sorted(maps.Keys(got)) {
		if !want[id] {
			t.Errorf("%s: alert %s is not one of the dialogue's", where, id)
		}
	}
}

func must(t *testing.T, r *testenv.Response, status int, what string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("%s: %d, want %d: %s", what, r.Status, status, r.Body)
	}
}
