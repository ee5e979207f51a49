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
	"github.com/doithoai/doithoai/internal/domain"
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
