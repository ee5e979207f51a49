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

	"github.com/doithoai/doithoai/devkit/bench"
	"github.com/doithoai/doithoai/devkit/testenv"
	"github.com/doithoai/doithoai/internal/receipt"
	"github.com/doithoai/doithoai/internal/store"
)

func benchInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// BenchmarkEscalation opens N follow-up tasks (DOITHOAI_BENCH_TASKS,
// default 200) whose deadlines fall over 10 seconds, on the real stack
// (in-process Temporal, PostgreSQL, worker, HTTP API), and reports how fast
// tasks open and the escalation lag (first alert stored − deadline), next
// to a bare Temporal workflow with one timer on the same server in the
// same run (bench.Escalation; deploy's BenchmarkCluster runs the same on
// the production topology). Run it once:
//
//	go test ./devkit/e2e -run '^$' -bench Escalation -benchtime 1x
func BenchmarkEscalation(b *testing.B) {
	n := benchInt("DOITHOAI_BENCH_TASKS", 200)
	env := testenv.Start(b, testenv.Options{Quiet: true})
	target := bench.Target{Temporal: env.Client, Store: env.Store, API: env.NewClient(b)}
	b.ResetTimer()
	for range b.N {
		bench.Escalation(b, target, n).Report(b, "escalation bench")
	}
}

// waitUntil is testenv.WaitFor without a description.
func waitUntil(b testing.TB, within time.Duration, fn func() bool) {
	b.Helper()
	testenv.WaitFor(b, within, "the condition", fn)
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
	dlg := openSurveyForBench(b, env, c, unit)
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
		r, took := c.DoTimed(http.MethodPost, "/api/v1/dialogues/"+dlg+"/survey/responses", map[string]any{"responses": batch})
		if r.Status != http.StatusCreated {
			b.Fatalf("batch: %d %.300s", r.Status, r.Body)
		}
		apiTook += took
		rows := make([]store.SurveyResponse, len(batch))
		for j, a := range batch {
			rows[j] = store.SurveyResponse{ID: uuid.NewString(), DialogueID: dlg, Field: a["field"].(string), Content: a["content"].(string), RespondentGroup: "Hội viên", Receipt: receipt.New()}
		}
		start := time.Now()
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
