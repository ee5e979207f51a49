package e2e

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/sdk/client"

	"github.com/doithoai/doithoai/devkit/bench"
	"github.com/doithoai/doithoai/devkit/testenv"
	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/internal/store"
)

// BenchmarkHerd opens N follow-up tasks (DOITHOAI_BENCH_HERD, default
// 5,000) whose deadlines all fall at the same instant, and measures, once
// the deadline passes, when each task's overdue alert becomes visible to a
// feed reader (store.FeedSince, what every SSE stream reads), against the
// floor: N bare Temporal workflows with one timer due at one instant and one
// activity, on the same server in the same run. While the alerts are being
// raised it samples pg_stat_activity every 20 ms for sessions of the
// test database waiting on a lock. DOITHOAI_BENCH_LEAD_MS (default 15)
// sets how long per task the starts are given before the instant (twice that
// for the tasks); raise it on a loaded machine. Run it once:
//
//	DOITHOAI_BENCH_HERD=5000 go test ./devkit/e2e -run '^$' -bench Herd -benchtime 1x -timeout 30m
func BenchmarkHerd(b *testing.B) {
	n := benchInt("DOITHOAI_BENCH_HERD", 5000)
	env := testenv.Start(b, testenv.Options{Quiet: true})
	defer bench.StartFloorWorker(b, env.Client, "bench-herd-floor")()
	b.ResetTimer()
	for iter := 0; iter < b.N; iter++ {
		f50, f99 := floorHerd(b, env, n)
		h := runHerd(b, env, n)
		p50, p99 := testenv.Percentile(h.visible, 0.50), testenv.Percentile(h.visible, 0.99)
		c50, c99 := testenv.Percentile(h.created, 0.50), testenv.Percentile(h.created, 0.99)
		b.ReportMetric(float64(p50.Milliseconds()), "lag-p50-ms")
		b.ReportMetric(float64(p99.Milliseconds()), "lag-p99-ms")
		b.ReportMetric(float64(f50.Milliseconds()), "floor-p50-ms")
		b.ReportMetric(float64(f99.Milliseconds()), "floor-p99-ms")
		b.ReportMetric(bench.Ratio(p50, f50), "p50-ratio")
		b.ReportMetric(bench.Ratio(p99, f99), "p99-ratio")
		b.ReportMetric(h.lockWaitAvg, "lock-waiters-avg")
		fmt.Printf("herd bench: %d deadlines at one instant (all in progress %v before it: %v); alert visible to the feed: lag p50 %v p99 %v (created_at lag p50 %v p99 %v); "+
			"bare one-timer herd floor p50 %v p99 %v; lag ratio p50 %.2f p99 %.2f; sessions waiting on a lock: avg %.2f max %d (advisory avg %.2f) over %d samples\n",
			n, h.lead.Round(time.Millisecond), h.ready, p50.Round(time.Millisecond), p99.Round(time.Millisecond), c50.Round(time.Millisecond), c99.Round(time.Millisecond),
			f50.Round(time.Millisecond), f99.Round(time.Millisecond), bench.Ratio(p50, f50), bench.Ratio(p99, f99), h.lockWaitAvg, h.lockWaitMax, h.advisoryAvg, h.samples)
	}
}

// floorHerd starts n bare timer workflows due at one instant and returns
// the p50 and p99 of (activity ran − instant).
func floorHerd(b *testing.B, env *testenv.Env, n int) (time.Duration, time.Duration) {
	ctx := context.Background()
	target := time.Now().Add(10*time.Second + time.Duration(n)*time.Duration(benchInt("DOITHOAI_BENCH_LEAD_MS", 15))*time.Millisecond)
	runs := make([]client.WorkflowRun, n)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i := 0; i < n; i++ {
		wg.Add(1)
		sem <- struct{}{}
		go func(i int) {
			defer wg.Done()
			defer func() { <-sem }()
			run, err := env.Client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "herd-floor/" + uuid.NewString(), TaskQueue: "bench-herd-floor"}, bench.FloorTimer, target)
			if err != nil {
				b.Error(err)
				return
			}
			runs[i] = run
		}(i)
	}
	wg.Wait()
	if b.Failed() {
		b.FailNow()
	}
	if time.Now().After(target) {
		b.Fatalf("floor: %d starts took past the instant; raise DOITHOAI_BENCH_LEAD_MS", n)
	}
	lags := make([]time.Duration, 0, n)
	for _, run := range runs {
		var at time.Time
		if err := run.Get(ctx, &at); err != nil {
			b.Fatal(err)
		}
		lags = append(lags, at.Sub(target))
	}
	return testenv.Percentile(lags, 0.50), testenv.Percentile(lags, 0.99)
}

// herdResult is what runHerd measured.
type herdResult struct {
	visible, created []time.Duration // per alert: seen by a feed reader − due, created_at − due
	lead             time.Duration   // how long before the instant every task was in progress
	ready            bool            // every task was in progress before the instant
	lockWaitAvg      float64         // sessions waiting on a lock, mean over the samples
	advisoryAvg      float64         // of them on an advisory lock
	lockWaitMax      int
	samples          int
}

// runHerd opens n tasks on one dialogue, all due at one instant, with one
// escalation rung (MTTQ) at the deadline, and follows the feed until every
// task's alert is visible.
func runHerd(b *testing.B, env *testenv.Env, n int) herdResult {
	ctx := context.Background()
	c := env.NewClient(b)
	district := c.CreateUnit("Huyện Herd", "province", "")
	c = c.As(testenv.Staff(district))
	dlg := readyForSession(b, env, c, district, map[string]any{
		"reminder_working_days": []int{}, "escalation": []map[string]any{{"after_working_days": 0, "recipients": []string{"mttq"}}}})
	due := time.Now().Add(15*time.Second + time.Duration(n)*time.Duration(2*benchInt("DOITHOAI_BENCH_LEAD_MS", 20))*time.Millisecond)
	bench.OpenTasks(b, c, dlg, n, func(int) time.Time { return due })
	var res herdResult
	waitUntil(b, time.Until(due)+10*time.Minute, func() bool {
		_, k, err := env.Store.ListTasks(ctx, store.TaskFilter{DialogueID: dlg, Status: domain.TaskInProgress, Limit: 1})
		return err == nil && k == n
	})
	res.lead, res.ready = time.Until(due), time.Now().Before(due)
	after, err := env.Store.FeedHead(ctx)
	if err != nil {
		b.Fatal(err)
	}
	if d := time.Until(due) - 500*time.Millisecond; d > 0 {
		time.Sleep(d)
	}
	stop := make(chan struct{})
	sampled := make(chan herdResult, 1)
	go func() { sampled <- sampleLockWaits(env.Store.DB.DB, stop) }()
	seen := map[string]bool{}
	deadline := time.Now().Add(10 * time.Minute)
	for len(seen) < n {
		if time.Now().After(deadline) {
			close(stop)
			b.Fatalf("herd: %d of %d alerts visible after 10 minutes", len(seen), n)
		}
		items, err := env.Store.FeedSince(ctx, district, true, nil, nil, after, 500)
		if err != nil {
			b.Fatal(err)
		}
		now := time.Now()
		for _, it := range items {
			after = it.Seq
			a := it.Alert
			if a == nil || a.DialogueID == nil || *a.DialogueID != dlg || a.Level != 1 || seen[*a.TaskID] {
				continue
			}
			seen[*a.TaskID] = true
			res.visible = append(res.visible, now.Sub(due))
			res.created = append(res.created, a.CreatedAt.Sub(due))
		}
		if len(items) < 500 {
			time.Sleep(20 * time.Millisecond)
		}
	}
	close(stop)
	s := <-sampled
	res.lockWaitAvg, res.advisoryAvg, res.lockWaitMax, res.samples = s.lockWaitAvg, s.advisoryAvg, s.lockWaitMax, s.samples
	return res
}

// sampleLockWaits counts, every 20 ms until stop closes, the sessions of
// this database waiting on a heavyweight lock (advisory locks among them).
func sampleLockWaits(db *sql.DB, stop <-chan struct{}) herdResult {
	var r herdResult
	var sum, adv int
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-stop:
			if r.samples > 0 {
				r.lockWaitAvg, r.advisoryAvg = float64(sum)/float64(r.samples), float64(adv)/float64(r.samples)
			}
			return r
		case <-t.C:
		}
		var k, a int
		err := db.QueryRow(`SELECT count(*) FILTER (WHERE wait_event_type = 'Lock'), count(*) FILTER (WHERE wait_event = 'advisory')
			FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`).Scan(&k, &a)
		if err != nil {
			continue
		}
		r.samples++
		sum, adv = sum+k, adv+a
		r.lockWaitMax = max(r.lockWaitMax, k)
	}
}
