// Package bench holds measurements the benchmarks of several packages run
// against different stacks: the in-process dev stack (devkit/e2e) and the
// production topology (deploy). Each measures its floor on the same
// Temporal server in the same run and reports ratios.
package bench

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/doithoai/doithoai/devkit/testenv"
	"github.com/doithoai/doithoai/internal/config"
	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/internal/store"
	"github.com/doithoai/doithoai/workflows"
)

// Target is the stack a measurement runs against.
type Target struct {
	// Temporal is a client of the stack's Temporal server (the floor's
	// workflows run there, on a worker of this process).
	Temporal client.Client
	// Store is the stack's database, read to see tasks and alerts.
	Store *store.Store
	// API is a client of one API replica, acting as the admin.
	API *testenv.Client
}

// EscalationResult is what Escalation measured.
type EscalationResult struct {
	Tasks                               int
	Open, InProgress                    time.Duration // from the first request
	LagP50, LagP99                      time.Duration // first alert stored − deadline
	FloorP50, FloorP99                  time.Duration // bare timer workflow: activity ran − target
	FloorStartsPerSecond                float64
	TasksPerSecond, InProgressPerSecond float64 // opened, in progress
}

// OpenRatio is tasks opened per second over bare workflow starts per second.
func (r EscalationResult) OpenRatio() float64 { return r.TasksPerSecond / r.FloorStartsPerSecond }

// InProgressRatio is tasks in progress per second over bare starts per second.
func (r EscalationResult) InProgressRatio() float64 {
	return r.InProgressPerSecond / r.FloorStartsPerSecond
}

// Report adds the figures to b and prints them on one line under name.
func (r EscalationResult) Report(b *testing.B, name string) {
	b.ReportMetric(r.TasksPerSecond, "tasks/s")
	b.ReportMetric(float64(r.LagP50.Milliseconds()), "lag-p50-ms")
	b.ReportMetric(float64(r.LagP99.Milliseconds()), "lag-p99-ms")
	b.ReportMetric(float64(r.FloorP50.Milliseconds()), "floor-p50-ms")
	b.ReportMetric(float64(r.FloorP99.Milliseconds()), "floor-p99-ms")
	b.ReportMetric(r.FloorStartsPerSecond, "floor-starts/s")
	b.ReportMetric(r.OpenRatio(), "open-ratio")
	b.ReportMetric(r.InProgressRatio(), "in-progress-ratio")
	b.ReportMetric(Ratio(r.LagP50, r.FloorP50), "p50-ratio")
	b.ReportMetric(Ratio(r.LagP99, r.FloorP99), "p99-ratio")
	fmt.Printf("%s: %d tasks opened in %v (%.0f tasks/s; bare workflow starts %.0f/s; open ratio %.2f); all in progress after %v (%.0f tasks/s, ratio %.2f); escalation lag p50 %v p99 %v; bare timer floor p50 %v p99 %v; lag ratio p50 %.2f p99 %.2f\n",
		name, r.Tasks, r.Open.Round(time.Millisecond), r.TasksPerSecond, r.FloorStartsPerSecond, r.OpenRatio(), r.InProgress.Round(time.Millisecond), r.InProgressPerSecond, r.InProgressRatio(),
		r.LagP50.Round(time.Millisecond), r.LagP99.Round(time.Millisecond), r.FloorP50.Round(time.Millisecond), r.FloorP99.Round(time.Millisecond),
		Ratio(r.LagP50, r.FloorP50), Ratio(r.LagP99, r.FloorP99))
}

// FloorTimer is the engine's floor: a bare workflow with one timer and one
// activity that reports when it ran.
func FloorTimer(ctx workflow.Context, target time.Time) (time.Time, error) {
	if d := target.Sub(workflow.Now(ctx)); d > 0 {
		if err := workflow.Sleep(ctx, d); err != nil {
			return time.Time{}, err
		}
	}
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second})
	var at time.Time
	err := workflow.ExecuteActivity(ctx, FloorNow).Get(ctx, &at)
	return at, err
}

// FloorNow reports when the floor's activity ran.
func FloorNow(context.Context) (time.Time, error) { return time.Now(), nil }

// StartFloorWorker runs the floor (FloorTimer and FloorNow) on queue, with
// as many pollers as the service's worker runs by default, so the floor and
// the service take their tasks alike; call the returned func to stop it.
func StartFloorWorker(tb testing.TB, c client.Client, queue string) (stop func()) {
	tb.Helper()
	pollers := config.Defaults().WorkerPollers
	fw := worker.New(c, queue, worker.Options{MaxConcurrentWorkflowTaskPollers: pollers, MaxConcurrentActivityTaskPollers: pollers})
	fw.RegisterWorkflow(FloorTimer)
	fw.RegisterActivity(FloorNow)
	if err := fw.Start(); err != nil {
		tb.Fatal(err)
	}
	return fw.Stop
}

// spread is the time over which the n deadlines fall.
const spread = 10 * time.Second

// Escalation opens n follow-up tasks whose deadlines fall over 10 seconds
// and measures how fast they open and the escalation lag (first alert
// stored − deadline), next to n bare timer workflows on the same Temporal
// server in the same run (started eight at a time).
func Escalation(tb testing.TB, t Target, n int) EscalationResult {
	tb.Helper()
	defer StartFloorWorker(tb, t.Temporal, "bench-floor")()
	res := floor(tb, t, n)
	res.Tasks = n

	district := t.API.CreateUnit("Huyện Bench "+uuid.NewString()[:6], "province", "")
	c := t.API.As(testenv.Staff(district))
	dlg := ReadyForSession(tb, t.Store, c, district, map[string]any{
		"reminder_working_days": []int{}, "escalation": []map[string]any{{"after_working_days": 0, "recipients": []string{"mttq"}}}})
	opened := time.Now()
	dueBase := time.Now().Add(5*time.Second + time.Duration(n)*30*time.Millisecond)
	OpenTasks(tb, c, dlg, n, func(j int) time.Time { return dueBase.Add(time.Duration(j) * spread / time.Duration(n)) })
	ctx := context.Background()
	// Open: every task's workflow has started (the dialogue's live state
	// has them all open and none still starting).
	WaitUntil(tb, 120*time.Second, func() bool {
		v, err := t.Temporal.QueryWorkflow(ctx, workflows.DialogueWorkflowID(dlg), "", workflows.QueryState)
		var st workflows.DialogueState
		return err == nil && v.Get(&st) == nil && st.TasksOpen == n && st.TasksStarting == 0
	})
	res.Open = time.Since(opened)
	// In progress: every task's workflow has taken its first step.
	WaitUntil(tb, 120*time.Second, func() bool {
		_, k, err := t.Store.ListTasks(ctx, store.TaskFilter{DialogueID: dlg, Status: domain.TaskInProgress, Limit: 1})
		return err == nil && k == n
	})
	res.InProgress = time.Since(opened)
	lags := alertLags(tb, t.Store, dlg, n)
	res.LagP50, res.LagP99 = testenv.Percentile(lags, 0.50), testenv.Percentile(lags, 0.99)
	res.TasksPerSecond = float64(n) / res.Open.Seconds()
	res.InProgressPerSecond = float64(n) / res.InProgress.Seconds()
	return res
}

// floor starts n bare timer workflows due over the spread and waits for
// them all.
func floor(tb testing.TB, t Target, n int) EscalationResult {
	tb.Helper()
	ctx := context.Background()
	// Deadlines leave room for the starts (~30 ms each at worst), so the
	// lag measures the timers, not a start backlog.
	base := time.Now().Add(3*time.Second + time.Duration(n)*30*time.Millisecond)
	runs := make([]client.WorkflowRun, n)
	targets := make([]time.Time, n)
	start := time.Now()
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i := range n {
		targets[i] = base.Add(time.Duration(i) * spread / time.Duration(n))
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			run, err := t.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "floor/" + uuid.NewString(), TaskQueue: "bench-floor"}, FloorTimer, targets[i])
			if err != nil {
				tb.Error(err)
				return
			}
			runs[i] = run
		}()
	}
	wg.Wait()
	var res EscalationResult
	res.FloorStartsPerSecond = float64(n) / time.Since(start).Seconds()
	var lag []time.Duration
	for i, run := range runs {
		if run == nil {
			tb.FailNow()
		}
		var at time.Time
		if err := run.Get(ctx, &at); err != nil {
			tb.Fatal(err)
		}
		lag = append(lag, at.Sub(targets[i]))
	}
	res.FloorP50, res.FloorP99 = testenv.Percentile(lag, 0.50), testenv.Percentile(lag, 0.99)
	return res
}

// OpenTasks records the dialogue's session with its first 200 tasks and
// adds the rest to its conclusion 200 at a time; task j is due at due(j).
func OpenTasks(tb testing.TB, c *testenv.Client, dlg string, n int, due func(j int) time.Time) {
	tb.Helper()
	taskJSON := func(j int) map[string]any {
		return map[string]any{"title": fmt.Sprintf("Nhiệm vụ %d", j), "assignee": map[string]any{"agency": "UBND"}, "due_at": due(j).Format(time.RFC3339Nano)}
	}
	first := min(n, 200)
	var tasks []map[string]any
	for j := range first {
		tasks = append(tasks, taskJSON(j))
	}
	r := c.Do(http.MethodPost, "/api/v1/dialogues/"+dlg+"/session", map[string]any{"held_at": time.Now().Format(time.RFC3339), "attendance": map[string]any{"total": 1},
		"conclusions": []map[string]any{{"content": "Kết luận", "tasks": tasks}}})
	if r.Status != http.StatusOK {
		tb.Fatalf("session: %d %.500s", r.Status, r.Body)
	}
	var sess struct {
		Session struct {
			Conclusions []struct{ ID string } `json:"conclusions"`
		} `json:"session"`
	}
	r.Decode(tb, &sess)
	for i := first; i < n; i += 200 {
		var more []map[string]any
		for j := i; j < n && j < i+200; j++ {
			more = append(more, taskJSON(j))
		}
		r = c.Do(http.MethodPost, "/api/v1/dialogues/"+dlg+"/tasks", map[string]any{"conclusion_id": sess.Session.Conclusions[0].ID, "tasks": more})
		if r.Status != http.StatusCreated {
			tb.Fatalf("add tasks: %d %.500s", r.Status, r.Body)
		}
	}
}

// alertLags waits for the first alert of each of the dialogue's n tasks and
// returns created_at − due_at for each.
func alertLags(tb testing.TB, st *store.Store, dlg string, n int) []time.Duration {
	tb.Helper()
	var lags []time.Duration
	WaitUntil(tb, 120*time.Second, func() bool {
		lags = lags[:0]
		rows, err := st.DB.QueryContext(context.Background(), `SELECT a.created_at - t.due_at FROM tasks t JOIN alerts a ON a.task_id = t.id AND a.level = 1 WHERE t.dialogue_id = ?`, dlg)
		if err != nil {
			return false
		}
		defer rows.Close()
		for rows.Next() {
			var iv string
			if err := rows.Scan(&iv); err != nil {
				return false
			}
			lags = append(lags, parseInterval(iv))
		}
		return len(lags) == n
	})
	return lags
}

// ReadyForSession makes a plan of unit for this year with one dialogue
// three seconds away, a two-second survey and the given extra policy
// fields, and waits until its survey has closed; it returns the dialogue id.
func ReadyForSession(tb testing.TB, st *store.Store, c *testenv.Client, unit string, policy map[string]any) string {
	tb.Helper()
	pol := map[string]any{"survey_lead": "PT2S", "survey_close": "PT1S", "session_grace": "PT1H"}
	for k, v := range policy {
		pol[k] = v
	}
	at := time.Now().Add(3 * time.Second).Truncate(time.Second)
	r := c.Do(http.MethodPost, "/api/v1/plans", map[string]any{
		"unit_id": unit, "year": at.In(domain.Location).Year(), "reference_no": "KH-" + uuid.NewString()[:8], "issuing_body": "Tỉnh ủy",
		"policy":    pol,
		"dialogues": []map[string]any{{"scheduled_at": at.Format(time.RFC3339), "kind": "periodic", "hosts": []map[string]any{{"name": "Chủ trì"}}}},
	})
	if r.Status != http.StatusCreated {
		tb.Fatalf("plan: %d %s", r.Status, r.Body)
	}
	var p struct {
		Dialogues []struct{ ID string } `json:"dialogues"`
	}
	r.Decode(tb, &p)
	dlg := p.Dialogues[0].ID
	// Both the row and the workflow itself: the workflow takes its new
	// phase only once the activity that writes the row has returned, and a
	// session sent in between is refused.
	WaitUntil(tb, 30*time.Second, func() bool {
		d, err := st.GetDialogue(context.Background(), dlg)
		if err != nil || d.Phase != domain.PhaseAwaitingSession {
			return false
		}
		var live struct {
			Live *struct {
				Phase string `json:"phase"`
			} `json:"live"`
		}
		r := c.Do(http.MethodGet, "/api/v1/dialogues/"+dlg, nil)
		if r.Status != http.StatusOK {
			return false
		}
		r.Decode(tb, &live)
		return live.Live != nil && live.Live.Phase == domain.PhaseAwaitingSession
	})
	return dlg
}

// Ratio is a / b, with b at least a millisecond.
func Ratio(a, b time.Duration) float64 {
	if b <= 0 {
		b = time.Millisecond
	}
	return float64(a) / float64(b)
}

// parseInterval reads a PostgreSQL interval like "00:00:00.123456" or "-00:00:00.002".
func parseInterval(s string) time.Duration {
	neg := false
	if len(s) > 0 && s[0] == '-' {
		neg, s = true, s[1:]
	}
	var h, m int
	var sec float64
	fmt.Sscanf(s, "%d:%d:%f", &h, &m, &sec)
	d := time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(sec*float64(time.Second))
	if neg {
		d = -d
	}
	return d
}

// WaitUntil polls fn every 50 ms until it returns true, failing tb after
// WaitUntil is testenv.WaitFor without a description.
func WaitUntil(tb testing.TB, within time.Duration, fn func() bool) {
	tb.Helper()
	testenv.WaitFor(tb, within, "the condition", fn)
}
