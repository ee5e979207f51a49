package e2e

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/doithoai/doithoai/devkit/testenv"
	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/internal/store"
	"github.com/doithoai/doithoai/workflows"
)

func benchInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// floorTimer is the engine's floor: a bare workflow with one timer and one
// activity that reports when it ran.
func floorTimer(ctx workflow.Context, target time.Time) (time.Time, error) {
	if d := target.Sub(workflow.Now(ctx)); d > 0 {
		if err := workflow.Sleep(ctx, d); err != nil {
			return time.Time{}, err
		}
	}
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second})
	var at time.Time
	err := workflow.ExecuteActivity(ctx, floorNow).Get(ctx, &at)
	return at, err
}

func floorNow(context.Context) (time.Time, error) { return time.Now(), nil }

// BenchmarkEscalation opens N follow-up tasks (DOITHOAI_BENCH_TASKS,
// default 200) whose deadlines fall over 10 seconds, on the real stack
// (in-process Temporal, PostgreSQL, worker, HTTP API), and reports how fast
// tasks open and the escalation lag (first alert stored − deadline), next
// to a bare Temporal workflow with one timer on the same server in the
// same run. Run it once:
//
//	go test ./devkit/e2e -run '^$' -bench Escalation -benchtime 1x
func BenchmarkEscalation(b *testing.B) {
	n := benchInt("DOITHOAI_BENCH_TASKS", 200)
	spread := 10 * time.Second
	env := testenv.Start(b, testenv.Options{Quiet: true})
	c := env.NewClient(b)
	ctx := context.Background()

	// The floor: N bare timer workflows due over the same spread.
	fw := worker.New(env.Client, "bench-floor", worker.Options{})
	fw.RegisterWorkflow(floorTimer)
	fw.RegisterActivity(floorNow)
	if err := fw.Start(); err != nil {
		b.Fatal(err)
	}
	defer fw.Stop()
	b.ResetTimer()
	for iter := 0; iter < b.N; iter++ {
		// Deadlines leave room for the starts (~30 ms each at worst), so the
		// lag measures the timers, not a start backlog.
		base := time.Now().Add(3*time.Second + time.Duration(n)*30*time.Millisecond)
		runs := make([]client.WorkflowRun, n)
		targets := make([]time.Time, n)
		floorStart := time.Now()
		var wg sync.WaitGroup
		sem := make(chan struct{}, 8)
		for i := 0; i < n; i++ {
			targets[i] = base.Add(time.Duration(i) * spread / time.Duration(n))
			wg.Add(1)
			sem <- struct{}{}
			go func(i int) {
				defer wg.Done()
				defer func() { <-sem }()
				run, err := env.Client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "floor/" + uuid.NewString(), TaskQueue: "bench-floor"}, floorTimer, targets[i])
				if err != nil {
					b.Error(err)
					return
				}
				runs[i] = run
			}(i)
		}
		wg.Wait()
		floorStartRate := float64(n) / time.Since(floorStart).Seconds()
		var floorLag []time.Duration
		for i, run := range runs {
			var at time.Time
			if err := run.Get(ctx, &at); err != nil {
				b.Fatal(err)
			}
			floorLag = append(floorLag, at.Sub(targets[i]))
		}

		// Ours: one dialogue whose session assigns N tasks.
		district := c.CreateUnit("Huyện Bench", "province", "")
		c := c.As(testenv.Staff(district))
		dlg := readyForSession(b, env, c, district, map[string]any{
			"reminder_working_days": []int{}, "escalation": []map[string]any{{"after_working_days": 0, "recipients": []string{"mttq"}}}})
		at := time.Now()
		dueBase := time.Now().Add(5*time.Second + time.Duration(n)*30*time.Millisecond)
		// The session carries up to 300 tasks (the API's cap); the rest are
		// added to its conclusion with POST /dialogues/{id}/tasks, 200 at a time.
		taskJSON := func(j int) map[string]any {
			due := dueBase.Add(time.Duration(j) * spread / time.Duration(n))
			return map[string]any{"title": fmt.Sprintf("Nhiệm vụ %d", j), "assignee": map[string]any{"agency": "UBND"}, "due_at": due.Format(time.RFC3339Nano)}
		}
		first := min(n, 200)
		var tasks []map[string]any
		for j := 0; j < first; j++ {
			tasks = append(tasks, taskJSON(j))
		}
		opened := time.Now()
		r := c.Do(http.MethodPost, "/api/v1/dialogues/"+dlg+"/session", map[string]any{"held_at": at.Format(time.RFC3339), "attendance": map[string]any{"total": 1},
			"conclusions": []map[string]any{{"content": "Kết luận", "tasks": tasks}}})
		if r.Status != http.StatusOK {
			b.Fatalf("session: %d %.500s", r.Status, r.Body)
		}
		var sess struct {
			Session struct {
				Conclusions []struct{ ID string } `json:"conclusions"`
			} `json:"session"`
		}
		r.Decode(b, &sess)
		for i := first; i < n; i += 200 {
			var more []map[string]any
			for j := i; j < n && j < i+200; j++ {
				more = append(more, taskJSON(j))
			}
			r = c.Do(http.MethodPost, "/api/v1/dialogues/"+dlg+"/tasks", map[string]any{"conclusion_id": sess.Session.Conclusions[0].ID, "tasks": more})
			if r.Status != http.StatusCreated {
				b.Fatalf("add tasks: %d %.500s", r.Status, r.Body)
			}
		}
		// Open: every task's workflow has started (the dialogue's live
		// state has them all open and none still starting).
		waitUntil(b, 120*time.Second, func() bool {
			v, err := env.Client.QueryWorkflow(ctx, workflows.DialogueWorkflowID(dlg), "", workflows.QueryState)
			var st workflows.DialogueState
			return err == nil && v.Get(&st) == nil && st.TasksOpen == n && st.TasksStarting == 0
		})
		openTook := time.Since(opened)
		// In progress: every task's workflow has taken its first step.
		waitUntil(b, 120*time.Second, func() bool {
			_, k, err := env.Store.ListTasks(ctx, store.TaskFilter{DialogueID: dlg, Status: domain.TaskInProgress, Limit: 1})
			return err == nil && k == n
		})
		progressTook := time.Since(opened)
		var lags []time.Duration
		waitUntil(b, 120*time.Second, func() bool {
			lags = lags[:0]
			rows, err := env.Store.DB.QueryContext(ctx, `SELECT a.created_at - t.due_at FROM tasks t JOIN alerts a ON a.task_id = t.id AND a.level = 1 WHERE t.dialogue_id = ?`, dlg)
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
		p50, p99 := testenv.Percentile(lags, 0.50), testenv.Percentile(lags, 0.99)
		f50, f99 := testenv.Percentile(floorLag, 0.50), testenv.Percentile(floorLag, 0.99)
		tps := float64(n) / openTook.Seconds()
		pps := float64(n) / progressTook.Seconds()
		b.ReportMetric(tps, "tasks/s")
		b.ReportMetric(float64(p50.Milliseconds()), "lag-p50-ms")
		b.ReportMetric(float64(p99.Milliseconds()), "lag-p99-ms")
		b.ReportMetric(float64(f50.Milliseconds()), "floor-p50-ms")
		b.ReportMetric(float64(f99.Milliseconds()), "floor-p99-ms")
		b.ReportMetric(floorStartRate, "floor-starts/s")
		b.ReportMetric(tps/floorStartRate, "open-ratio")
		b.ReportMetric(pps/floorStartRate, "in-progress-ratio")
		b.ReportMetric(ratio(p50, f50), "p50-ratio")
		b.ReportMetric(ratio(p99, f99), "p99-ratio")
		fmt.Printf("escalation bench: %d tasks opened in %v (%.0f tasks/s; bare workflow starts %.0f/s; open ratio %.2f); all in progress after %v (%.0f tasks/s, ratio %.2f); escalation lag p50 %v p99 %v; bare timer floor p50 %v p99 %v; lag ratio p50 %.2f p99 %.2f\n",
			n, openTook.Round(time.Millisecond), tps, floorStartRate, tps/floorStartRate, progressTook.Round(time.Millisecond), pps, pps/floorStartRate,
			p50.Round(time.Millisecond), p99.Round(time.Millisecond), f50.Round(time.Millisecond), f99.Round(time.Millisecond), ratio(p50, f50), ratio(p99, f99))
	}
}

func ratio(a, b time.Duration) float64 {
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

func waitUntil(b testing.TB, within time.Duration, fn func() bool) {
	b.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		if fn() {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	b.Fatalf("timed out after %v", within)
}

// BenchmarkSurveyBatch posts batches of 1,000 survey answers through the
// HTTP API and, in the same run, inserts the same rows straight through
// bun (the floor), reporting answers/s for both and their ratio.
//
//	go test ./devkit/e2e -run '^$' -bench SurveyBatch
func BenchmarkSurveyBatch(b *testing.B) {
	env := testenv.Start(b, testenv.Options{Quiet: true})
	c := env.NewClient(b)
	ctx := context.Background()
	unit := c.CreateUnit("Tỉnh Bench", "province", "")
	c = c.As(testenv.Staff(unit))
	at := time.Now().Add(time.Hour).Truncate(time.Second)
	if at.In(domain.Location).Year() != time.Now().In(domain.Location).Year() {
		at = time.Now().Add(10 * time.Minute)
	}
	r := c.Do(http.MethodPost, "/api/v1/plans", map[string]any{
		"unit_id": unit, "year": at.In(domain.Location).Year(), "reference_no": "SB-" + uuid.NewString()[:8], "issuing_body": "Bench",
		"policy":    map[string]any{"survey_lead": "PT2H", "survey_close": "PT1M"},
		"dialogues": []map[string]any{{"scheduled_at": at.Format(time.RFC3339), "kind": "periodic", "hosts": []map[string]any{{"name": "Chủ trì"}}}},
	})
	if r.Status != http.StatusCreated {
		b.Fatalf("plan: %d %s", r.Status, r.Body)
	}
	var p struct {
		Dialogues []struct{ ID string } `json:"dialogues"`
	}
	r.Decode(b, &p)
	dlg := p.Dialogues[0].ID
	waitUntil(b, 30*time.Second, func() bool {
		d, err := env.Store.GetDialogue(ctx, dlg)
		return err == nil && d.Phase == domain.PhaseSurveyOpen
	})
	fields := []string{"Đất đai", "Môi trường", "Giao thông", "Chính sách xã hội", "An ninh trật tự"}
	batch := func() []map[string]any {
		out := make([]map[string]any, 1000)
		for i := range out {
			out[i] = map[string]any{"field": fields[i%len(fields)], "content": fmt.Sprintf("Ý kiến số %d về %s", i, fields[i%len(fields)]), "respondent_group": "Hội viên"}
		}
		return out
	}()
	var apiTook, floorTook time.Duration
	var mu sync.Mutex
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		r := c.Do(http.MethodPost, "/api/v1/dialogues/"+dlg+"/survey/responses", map[string]any{"responses": batch})
		if r.Status != http.StatusCreated {
			b.Fatalf("batch: %d %.300s", r.Status, r.Body)
		}
		apiTook += time.Since(start)
		rows := make([]store.SurveyResponse, len(batch))
		for j, a := range batch {
			rows[j] = store.SurveyResponse{ID: uuid.NewString(), DialogueID: dlg, Field: a["field"].(string), Content: a["content"].(string), RespondentGroup: "Hội viên"}
		}
		start = time.Now()
		if _, err := env.Store.DB.NewInsert().Model(&rows).Exec(ctx); err != nil {
			b.Fatal(err)
		}
		mu.Lock()
		floorTook += time.Since(start)
		mu.Unlock()
	}
	apiRate := float64(1000*b.N) / apiTook.Seconds()
	floorRate := float64(1000*b.N) / floorTook.Seconds()
	b.ReportMetric(apiRate, "answers/s")
	b.ReportMetric(floorRate, "floor-answers/s")
	b.ReportMetric(floorRate/apiRate, "cost-ratio")
	fmt.Printf("survey batch bench: %d batches of 1,000: API %.0f answers/s, plain INSERT %.0f answers/s, ratio %.2f\n", b.N, apiRate, floorRate, floorRate/apiRate)
}
