package deploy

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/sdk/client"

	"github.com/doithoai/doithoai/devkit/bench"
	"github.com/doithoai/doithoai/devkit/cluster"
	"github.com/doithoai/doithoai/devkit/testenv"
	"github.com/doithoai/doithoai/internal/config"
	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/workflows"
)

// tasksPerDialogue is how many tasks each dialogue of the memory bench
// holds: dialogues (and their plans) are open workflows too.
const tasksPerDialogue = 200

// BenchmarkWorkerMemory measures the resident memory of one worker process
// of the production topology (a Temporal server process on PostgreSQL with
// 4 history shards, one API process, one worker process with the
// worker's defaults) as open follow-up tasks grow: at each step of
// DOITHOAI_BENCH_OPEN (total open tasks, default 1000,10000) it opens the
// tasks missing, 200 per dialogue (each dialogue in a plan of its own), due
// 30 days and more away so every task waits on a timer, waits until every
// task's workflow has taken its first step (its state in_progress in
// PostgreSQL), lets the worker settle (DOITHOAI_BENCH_SETTLE, default 10s)
// and reads the worker's VmRSS and VmHWM from /proc. It prints one line per
// step and the ratio RSS@last / RSS@first against the budget
// (DOITHOAI_BENCH_BUDGET_MB, default 1024).
//
// Then the cost of a cache miss (cacheMissCost): a query ("state") on each
// of the 200 tasks of the dialogue opened first and on the first 20
// dialogues, once evicted and once cached.
// DOITHOAI_BENCH_CACHE sets WORKER_WORKFLOW_CACHE_SIZE for the run (to
// measure what a cached workflow costs, give it more than the open
// workflows, and DOITHOAI_BENCH_GOMEMLIMIT=off: the worker runs with the
// compose file's GOMEMLIMIT=800MiB otherwise).
//
//	go test ./deploy -run '^$' -bench WorkerMemory -benchtime 1x -timeout 90m -vet=off
func BenchmarkWorkerMemory(b *testing.B) {
	steps := openSteps(b)
	budget := int64(envInt(b, "DOITHOAI_BENCH_BUDGET_MB", 1024)) << 20
	settle := 10 * time.Second
	if v := os.Getenv("DOITHOAI_BENCH_SETTLE"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			b.Fatalf("DOITHOAI_BENCH_SETTLE: %v", err)
		}
		settle = d
	}
	metricsAddr := freeAddr(b)
	// The compose file's soft limit (DOITHOAI_BENCH_GOMEMLIMIT=off for
	// none, e.g. with a cache larger than it allows).
	env := map[string]string{"WORKER_METRICS_ADDR": metricsAddr, "GOMEMLIMIT": "800MiB"}
	if v := os.Getenv("DOITHOAI_BENCH_GOMEMLIMIT"); v == "off" {
		delete(env, "GOMEMLIMIT")
	} else if v != "" {
		env["GOMEMLIMIT"] = v
	}
	cache := config.WorkerWorkflowCacheSize // what cmd/worker takes when unset
	if v := os.Getenv("DOITHOAI_BENCH_CACHE"); v != "" {
		cache = envInt(b, "DOITHOAI_BENCH_CACHE", cache)
		env["WORKER_WORKFLOW_CACHE_SIZE"] = strconv.Itoa(cache)
	}
	cl := cluster.Start(b, cluster.Options{APIs: 1, Workers: 1, Shards: 4, Env: env})
	w := cl.Workers[0]
	metrics := "http://" + metricsAddr + "/metrics"
	admin := testenv.NewClient(b, cl.APIs[0].BaseURL).As(testenv.Admin)
	b.ResetTimer()

	type sample struct {
		open, cached    int
		rss, peak, heap int64
		goroutines      int
	}
	measure := func(open int) sample {
		rss, peak, err := w.Memory()
		if err != nil {
			b.Fatal(err)
		}
		m := testenv.Scrape(b, metrics)
		return sample{open: open, cached: int(m.Max("temporal_sticky_cache_size")), rss: rss, peak: peak,
			heap: int64(sum(m, "go_memstats_heap_inuse_bytes")), goroutines: int(sum(m, "go_goroutines"))}
	}
	// The worker serves /metrics once it has connected.
	testenv.WaitFor(b, time.Minute, "the worker's /metrics", func() bool {
		resp, err := http.Get(metrics)
		if err == nil {
			resp.Body.Close()
		}
		return err == nil && resp.StatusCode == http.StatusOK
	})
	time.Sleep(settle)
	idle := measure(0)
	fmt.Printf("worker memory: idle, no open workflow: RSS %.1f MiB, Go heap in use %.1f MiB, %d goroutines\n", mib(idle.rss), mib(idle.heap), idle.goroutines)
	var samples []sample
	var dialogues []string // in the order they were opened
	dueBase := time.Now().Add(30 * 24 * time.Hour)
	open := 0
	for _, target := range steps {
		start := time.Now()
		dialogues = append(dialogues, openDialogues(b, cl, admin, open, target, dueBase)...)
		opened := time.Since(start)
		testenv.WaitFor(b, 2*time.Minute+time.Duration(target-open)*200*time.Millisecond, "every task in progress", func() bool {
			var k int
			err := cl.Store.DB.QueryRowContext(context.Background(), `SELECT count(*) FROM tasks WHERE status = ?`, domain.TaskInProgress).Scan(&k)
			return err == nil && k == target
		})
		inProgress := time.Since(start)
		added := target - open
		open = target
		time.Sleep(settle)
		s := measure(open)
		samples = append(samples, s)
		fmt.Printf("worker memory: %d open tasks in %d dialogues (%d open workflows with their plans; sticky cache holds %d, size %d): RSS %.1f MiB, peak %.1f MiB, Go heap in use %.1f MiB, %d goroutines; the step's %d tasks opened at %.0f tasks/s, in progress at %.0f tasks/s\n",
			s.open, len(dialogues), s.open+2*len(dialogues), s.cached, cache, mib(s.rss), mib(s.peak), mib(s.heap), s.goroutines,
			added, float64(added)/opened.Seconds(), float64(added)/inProgress.Seconds())
	}
	first, last := samples[0], samples[len(samples)-1]
	ratio := float64(last.rss) / float64(first.rss)
	within := "within"
	if last.peak > budget {
		within = "OVER"
	}
	fmt.Printf("worker memory: RSS@%d / RSS@%d = %.2f (%.1f / %.1f MiB); peak %.1f MiB, %s the budget of %.0f MiB; sticky cache %d\n",
		last.open, first.open, ratio, mib(last.rss), mib(first.rss), mib(last.peak), within, mib(budget), cache)
	// What a cached workflow costs: the growth of RSS and heap over the
	// growth of the cache, from idle to the largest cache seen.
	top := samples[0]
	for _, s := range samples {
		if s.cached > top.cached {
			top = s
		}
	}
	if top.cached > 0 {
		per := float64(top.rss-idle.rss) / float64(top.cached)
		heap := float64(top.heap-idle.heap) / float64(top.cached)
		fmt.Printf("worker memory: per cached workflow %.1f KiB of RSS, %.1f KiB of Go heap, %.2f goroutines (idle → %d cached)\n",
			per/1024, heap/1024, float64(top.goroutines-idle.goroutines)/float64(top.cached), top.cached)
		b.ReportMetric(per/1024, "KiB/cached-workflow")
	}
	b.ReportMetric(mib(first.rss), "MiB-rss-first")
	b.ReportMetric(mib(last.rss), "MiB-rss-last")
	b.ReportMetric(mib(last.peak), "MiB-peak")
	b.ReportMetric(ratio, "rss-ratio")

	cacheMissCost(b, cl, metrics, dialogues)
}

// cacheMissCost measures what a cache miss costs: each workflow of a
// sample (the tasks of the dialogue opened first, then the first dialogues)
// is queried once as it is — evicted, when the open workflows outnumber the
// cache — then brought into the cache by an Update no handler knows (the
// worker takes it in a workflow task and rejects it; nothing is written to
// the history) and queried again. The worker's sticky cache hit and miss
// counters, read around every query, say which each query was; the
// latencies are printed by that.
func cacheMissCost(b *testing.B, cl *cluster.Cluster, metrics string, dialogues []string) {
	ctx := context.Background()
	rows, err := cl.Store.DB.QueryContext(ctx, `SELECT id FROM tasks WHERE dialogue_id = ? ORDER BY id`, dialogues[0])
	if err != nil {
		b.Fatal(err)
	}
	var tasks []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			b.Fatal(err)
		}
		tasks = append(tasks, workflows.TaskWorkflowID(id))
	}
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
	rows.Close()
	var dlgs []string
	for _, d := range dialogues[:min(20, len(dialogues))] {
		dlgs = append(dlgs, workflows.DialogueWorkflowID(d))
	}
	counters := func() (hits, misses float64) {
		m := testenv.Scrape(b, metrics)
		return sum(m, "temporal_sticky_cache_hit_total"), sum(m, "temporal_sticky_cache_miss_total")
	}
	// query returns the query's latency and whether the worker had the
	// workflow cached (false: it replayed it).
	query := func(id string) (time.Duration, bool) {
		h0, m0 := counters()
		t0 := time.Now()
		if _, err := cl.Temporal.QueryWorkflow(ctx, id, "", workflows.QueryState); err != nil {
			b.Fatalf("query %s: %v", id, err)
		}
		d := time.Since(t0)
		h1, m1 := counters()
		if m1 > m0 {
			return d, false
		}
		if h1 <= h0 {
			b.Logf("query %s: neither a sticky cache hit nor a miss counted", id)
		}
		return d, true
	}
	warm := func(id string) {
		// Rejected, by the SDK (no such handler): that is the point.
		h, err := cl.Temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: id, UpdateName: "bench.warm", WaitForStage: client.WorkflowUpdateStageCompleted})
		if err == nil {
			err = h.Get(ctx, nil)
		}
		if err == nil {
			b.Fatalf("update bench.warm of %s was accepted", id)
		}
	}
	measure := func(what string, ids []string) {
		var hit, miss []time.Duration
		for _, id := range ids {
			for i := range 2 {
				if i == 1 {
					warm(id)
				}
				d, cached := query(id)
				if cached {
					hit = append(hit, d)
				} else {
					miss = append(miss, d)
				}
			}
		}
		p := func(ds []time.Duration, q float64) time.Duration {
			return testenv.Percentile(ds, q).Round(10 * time.Microsecond)
		}
		fmt.Printf("cache miss cost: %s: query of a cached workflow (%d) p50 %v p99 %v; of an evicted one, replayed (%d) p50 %v p99 %v",
			what, len(hit), p(hit, 0.5), p(hit, 0.99), len(miss), p(miss, 0.5), p(miss, 0.99))
		if len(hit) == 0 || len(miss) == 0 {
			fmt.Printf("; no ratio (the cache held every open workflow?)\n")
			return
		}
		r50, r99 := bench.Ratio(testenv.Percentile(miss, 0.5), testenv.Percentile(hit, 0.5)), bench.Ratio(testenv.Percentile(miss, 0.99), testenv.Percentile(hit, 0.99))
		fmt.Printf("; evicted / cached p50 %.2f p99 %.2f\n", r50, r99)
		b.ReportMetric(float64(testenv.Percentile(hit, 0.5).Microseconds())/1000, what+"-cached-p50-ms")
		b.ReportMetric(float64(testenv.Percentile(miss, 0.5).Microseconds())/1000, what+"-evicted-p50-ms")
		b.ReportMetric(r50, what+"-miss-p50-ratio")
	}
	measure("task", tasks)
	measure("dialogue", dlgs)
}

// openDialogues opens tasks from..to-1 (global numbers), 200 per dialogue,
// each dialogue in a plan of a unit of its own, four dialogues at a time;
// task i is due at dueBase + i minutes. It returns the dialogues in order.
func openDialogues(b *testing.B, cl *cluster.Cluster, admin *testenv.Client, from, to int, dueBase time.Time) []string {
	var starts []int
	for i := from; i < to; i += tasksPerDialogue {
		starts = append(starts, i)
	}
	out := make([]string, len(starts))
	sem := make(chan struct{}, 4)
	var wg sync.WaitGroup
	for k, s := range starts {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			unit := admin.CreateUnit("Huyện Mem "+uuid.NewString()[:8], "province", "")
			c := admin.As(testenv.Staff(unit))
			dlg := bench.ReadyForSession(b, cl.Store, c, unit, nil)
			n := min(tasksPerDialogue, to-s)
			bench.OpenTasks(b, c, dlg, n, func(j int) time.Time { return dueBase.Add(time.Duration(s+j) * time.Minute) })
			out[k] = dlg
		}()
		if b.Failed() {
			break
		}
	}
	wg.Wait()
	if b.Failed() {
		b.FailNow()
	}
	return out
}

// openSteps reads DOITHOAI_BENCH_OPEN: increasing totals of open tasks.
func openSteps(b *testing.B) []int {
	v := os.Getenv("DOITHOAI_BENCH_OPEN")
	if v == "" {
		return []int{1000, 10000}
	}
	var steps []int
	for _, f := range strings.Split(v, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 || (len(steps) > 0 && n <= steps[len(steps)-1]) {
			b.Fatalf("DOITHOAI_BENCH_OPEN=%q: want increasing positive totals, e.g. 1000,10000", v)
		}
		steps = append(steps, n)
	}
	return steps
}

func envInt(b *testing.B, key string, def int) int {
	v := os.Getenv(key)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		b.Fatalf("%s=%q: want a positive number", key, v)
	}
	return n
}

// freeAddr is a free loopback address (the worker's /metrics).
func freeAddr(b *testing.B) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func mib(n int64) float64 { return float64(n) / (1 << 20) }

// sum is the sum of a metric's series (0 for none).
func sum(m testenv.Metrics, name string) float64 {
	v, _ := m.Sum(name)
	return v
}
