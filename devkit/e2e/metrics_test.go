package e2e

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/doithoai/doithoai/app"
	"github.com/doithoai/doithoai/devkit/testenv"
	"github.com/doithoai/doithoai/internal/auth"
	"github.com/doithoai/doithoai/internal/domain"
)

// waitMetric scrapes url until the sum of name over labels satisfies ok.
func waitMetric(t *testing.T, url string, within time.Duration, what string, ok func(float64) bool, name string, labels ...string) float64 {
	t.Helper()
	var v float64
	waitFor(t, within, what, func() bool {
		v, _ = testenv.Scrape(t, url).Sum(name, labels...)
		return ok(v)
	})
	return v
}

// panickingWorkflow fails its workflow task every time: a bug that wedges
// a workflow. It is registered only by this test.
func panickingWorkflow(ctx workflow.Context) error {
	panic("test: this workflow task always fails")
}

// A separate worker process (its own app, Temporal client and registry)
// serving /metrics on a port of its own, as cmd/worker runs.
func startMetricsWorker(t *testing.T, env *testenv.Env) (a *app.App, url string) {
	t.Helper()
	env.StopWorker()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg := env.App.Config
	cfg.DatabaseURL = env.DBURL
	ctx, cancel := context.WithCancel(context.Background())
	a, err = app.New(ctx, cfg, app.WithLogger(env.Logger), app.WithMetricsListener(ln))
	if err != nil {
		cancel()
		t.Fatalf("worker app: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- a.RunWorker(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Logf("worker: %v", err)
		}
		_ = a.Close()
	})
	return a, "http://" + ln.Addr().String() + "/metrics"
}

// /metrics on the API and on the worker: the Temporal SDK's metrics, the
// HTTP requests by route, and every business gauge moving as tasks go
// overdue, deliveries fail, answers arrive and alerts are acknowledged; a
// workflow failing its workflow task in a loop shows on the worker.
func TestMetrics(t *testing.T) {
	env := testenv.Start(t, testenv.Options{Metrics: true})
	worker, workerURL := startMetricsWorker(t, env)
	apiURL := env.MetricsURL
	c := env.NewClient(t)

	city := c.CreateUnit("Tỉnh Hưng Yên", "province", "")
	c = c.As(testenv.Staff(city))
	district := c.CreateUnit("Huyện Vũ Thư", "district", city)
	ward := c.CreateUnit("Xã Tam Quang", "commune", district)
	// Every webhook of the ladder's units refuses: deliveries retry.
	dead, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	deadURL := "http://" + dead.Addr().String() + "/hook"
	dead.Close()
	for _, u := range []string{district, ward} {
		mustStatus(t, c.Do(http.MethodPut, "/api/v1/units/"+u+"/channels", map[string]any{"webhook_url": deadURL, "webhook_secret": "bí-mật-0123456789-0123456789-abc"}), 200, "set channels")
	}

	before := testenv.Scrape(t, apiURL)
	for _, level := range []string{"province", "district", "commune"} {
		if v, ok := before.Sum("doithoai_tasks_overdue", `level="`+level+`"`); !ok || v != 0 {
			t.Errorf("tasks_overdue{level=%s} before any task: %v (present %v), want 0", level, v, ok)
		}
	}

	surveyAnswers(t, env, c, district, apiURL)

	// A session with a task due in 3 s: open, then overdue, with alerts and
	// deliveries retrying against the dead webhook.
	dlg := readyForSession(t, env, c, district, map[string]any{
		"escalation": []map[string]any{{"after_working_days": 0, "recipients": []string{"assignee", "monitor"}}},
	})
	due := time.Now().Add(3 * time.Second).Truncate(time.Second)
	session := map[string]any{"held_at": time.Now().Add(-time.Minute).Format(time.RFC3339), "attendance": map[string]any{"total": 40},
		"conclusions": []map[string]any{{"content": "Nạo vét kênh", "tasks": []map[string]any{{"title": "Nạo vét kênh T3", "monitor": "Đ/c Hà",
			"assignee": map[string]any{"agency": "UBND xã Tam Quang", "unit_id": ward}, "due_at": due.Format(time.RFC3339)}}}}}
	mustStatus(t, c.As(testenv.User("planner.vuthu", district, auth.RolePlanner)).Do(http.MethodPost, "/api/v1/dialogues/"+dlg+"/session", session), 200, "session")
	waitMetric(t, apiURL, 10*time.Second, "one open task of a district dialogue", func(v float64) bool { return v == 1 }, "doithoai_tasks_open", `level="district"`)
	waitMetric(t, apiURL, 30*time.Second, "the task overdue", func(v float64) bool { return v == 1 }, "doithoai_tasks_overdue", `level="district"`)
	waitMetric(t, apiURL, 30*time.Second, "alerts unacknowledged under an hour", func(v float64) bool { return v >= 1 }, "doithoai_alerts_unacknowledged", `age="lt_1h"`)
	waitMetric(t, apiURL, 60*time.Second, "webhook deliveries retrying", func(v float64) bool { return v >= 1 }, "doithoai_deliveries_undelivered", `channel="webhook"`, `state="retrying"`)

	// Acknowledging every alert brings the gauge back to zero.
	r := c.Do(http.MethodGet, "/api/v1/alerts?unit_id="+city+"&status=open", nil)
	mustStatus(t, r, 200, "list alerts")
	var alerts struct {
		Items []struct {
			ID     string `json:"id"`
			UnitID string `json:"unit_id"`
			Role   string `json:"recipient_role"`
		} `json:"items"`
	}
	r.Decode(t, &alerts)
	if len(alerts.Items) == 0 {
		t.Fatal("no open alert to acknowledge")
	}
	for _, a := range alerts.Items {
		mustStatus(t, c.Do(http.MethodPost, "/api/v1/alerts/"+a.ID+"/ack", nil), 200, "ack alert")
	}
	waitMetric(t, apiURL, 10*time.Second, "no alert unacknowledged", func(v float64) bool { return v == 0 }, "doithoai_alerts_unacknowledged")

	api := testenv.Scrape(t, apiURL)
	checkHTTPMetrics(t, api)
	workflowTaskFailures(t, env, worker, workerURL)
	wk := testenv.Scrape(t, workerURL)
	checkSDKMetrics(t, api, wk)
	checkRuleMetrics(t, api, wk)
}

// surveyAnswers sends a batch of answers and one by the public link while
// a survey is open; the ingestion counter counts them.
func surveyAnswers(t *testing.T, env *testenv.Env, c *testenv.Client, unit, apiURL string) {
	t.Helper()
	at := time.Now().Add(10 * time.Minute).Truncate(time.Second)
	r := c.Do(http.MethodPost, "/api/v1/plans", map[string]any{
		"unit_id": unit, "year": at.In(domain.Location).Year(), "reference_no": "KH-" + uuid.NewString()[:8], "issuing_body": "Huyện ủy",
		"policy":    map[string]any{"survey_lead": "PT1H", "survey_close": "PT1M", "session_grace": "PT1H"},
		"dialogues": []map[string]any{{"scheduled_at": at.Format(time.RFC3339), "kind": "periodic", "hosts": []map[string]any{{"name": "Chủ trì"}}}},
	})
	mustStatus(t, r, http.StatusCreated, "plan with an open survey")
	var p struct {
		Dialogues []struct{ ID string } `json:"dialogues"`
	}
	r.Decode(t, &p)
	dlg := p.Dialogues[0].ID
	waitPhase(t, c, dlg, domain.PhaseSurveyOpen, 30*time.Second)
	var batch []map[string]any
	for i := range 7 {
		batch = append(batch, map[string]any{"field": "Giao thông", "content": fmt.Sprintf("Đường liên xã số %d xuống cấp", i)})
	}
	mustStatus(t, c.Do(http.MethodPost, "/api/v1/dialogues/"+dlg+"/survey/responses", map[string]any{"responses": batch}), http.StatusCreated, "batch")
	link := surveyLink(t, c, dlg)
	mustStatus(t, c.WithToken("").Do(http.MethodPost, link+"/responses", map[string]any{"field": "Y tế", "content": "Trạm y tế thiếu thuốc"}), http.StatusCreated, "answer by link")
	s := testenv.Scrape(t, apiURL)
	if v, _ := s.Sum("doithoai_survey_answers_ingested_total", `source="batch"`); v != 7 {
		t.Errorf("survey answers ingested by batch: %v, want 7", v)
	}
	if v, _ := s.Sum("doithoai_survey_answers_ingested_total", `source="link"`); v != 1 {
		t.Errorf("survey answers ingested by link: %v, want 1", v)
	}
}

// checkHTTPMetrics: requests are counted by route template, never by raw
// path, with their latency.
func checkHTTPMetrics(t *testing.T, s testenv.Metrics) {
	t.Helper()
	if v, _ := s.Sum("doithoai_http_requests_total", `route="/api/v1/alerts/:id/ack"`, `method="POST"`, `status="200"`); v < 1 {
		t.Errorf("acks by route template: %v, want ≥ 1", v)
	}
	if v, _ := s.Sum("doithoai_http_request_duration_seconds_count", `route="/api/v1/units"`, `method="POST"`, `status="201"`); v != 3 {
		t.Errorf("unit creations timed: %v, want 3", v)
	}
	uuidRE := regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-`)
	for series := range s {
		if strings.HasPrefix(series, "doithoai_http_") && uuidRE.MatchString(series) {
			t.Errorf("a raw path leaked into a label: %s", series)
		}
	}
}

// workflowTaskFailures starts a workflow whose workflow task always fails,
// on the worker process's client, and waits for the worker's SDK counter
// to show it failing again and again.
func workflowTaskFailures(t *testing.T, env *testenv.Env, worker *app.App, url string) {
	t.Helper()
	queue := "doithoai-test-failing"
	w := sdkworker.New(worker.Temporal, queue, sdkworker.Options{})
	w.RegisterWorkflowWithOptions(panickingWorkflow, workflow.RegisterOptions{Name: "PanickingWorkflow"})
	if err := w.Start(); err != nil {
		t.Fatalf("start the failing worker: %v", err)
	}
	defer w.Stop()
	ctx := context.Background()
	run, err := env.Client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "panics/" + uuid.NewString(), TaskQueue: queue, WorkflowTaskTimeout: time.Second}, "PanickingWorkflow")
	if err != nil {
		t.Fatalf("start the failing workflow: %v", err)
	}
	defer func() { _ = env.Client.TerminateWorkflow(ctx, run.GetID(), "", "test over") }()
	n := waitMetric(t, url, 60*time.Second, "the workflow task failing 3 times", func(v float64) bool { return v >= 3 },
		"temporal_workflow_task_execution_failed_total", `workflow_type="PanickingWorkflow"`)
	t.Logf("workflow task failures counted on the worker: %v", n)
}

// checkSDKMetrics: the Temporal SDK's own metrics, from the API's client
// and from the worker.
func checkSDKMetrics(t *testing.T, api, wk testenv.Metrics) {
	t.Helper()
	// Updates wait for their outcome: the SDK counts them as long requests.
	if v, _ := api.Sum("temporal_long_request_total", `operation="UpdateWorkflowExecution"`); v < 1 {
		var got []string
		for series := range api {
			if strings.HasPrefix(series, "temporal_") && strings.Contains(series, "request_total") {
				got = append(got, series)
			}
		}
		t.Errorf("the API's Temporal client counted %v Update requests, want ≥ 1; it has %v", v, got)
	}
	if v, _ := api.Sum("temporal_request_total", `operation="QueryWorkflow"`); v < 1 {
		t.Errorf("the API's Temporal client counted %v queries, want ≥ 1", v)
	}
	for _, name := range []string{"temporal_workflow_task_queue_poll_succeed_total", "temporal_workflow_task_execution_latency_seconds_bucket",
		"temporal_activity_execution_latency_seconds_bucket", "temporal_workflow_task_schedule_to_start_latency_seconds_bucket"} {
		if v, _ := wk.Sum(name); v < 1 {
			t.Errorf("worker metric %s: %v, want ≥ 1", name, v)
		}
	}
	if v, _ := wk.Sum("temporal_activity_execution_failed_total", `activity_type="Deliver"`); v < 1 {
		t.Errorf("the worker counted %v failed deliveries to the dead webhook, want ≥ 1", v)
	}
}

// checkRuleMetrics: every metric the alert rules and the dashboard use is
// one the service exports (or one that appears only with what it counts).
func checkRuleMetrics(t *testing.T, api, wk testenv.Metrics) {
	t.Helper()
	later := map[string]bool{"up": true, "temporal_workflow_failed_total": true, "temporal_request_failure_total": true}
	name := regexp.MustCompile(`\b((?:doithoai|temporal|go_sql)_[a-z0-9_]+)\b`)
	for _, f := range []string{"../../deploy/prometheus/rules.yml", "../../deploy/grafana/doithoai.json"} {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range name.FindAllString(string(raw), -1) {
			if strings.HasSuffix(m, "_") || later[m] || api.Has(m) || wk.Has(m) { // "doithoai_tasks_*" in a comment
				continue
			}
			t.Errorf("%s uses %s, which neither the API nor the worker exports", f, m)
		}
	}
}
