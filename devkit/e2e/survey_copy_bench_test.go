package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun/driver/pgdriver"

	"github.com/doithoai/doithoai/devkit/testenv"
	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/internal/receipt"
)

// BenchmarkSurveyIngest posts batches of 5,000 survey answers (each with
// its own id, as an idempotent client sends them) through the HTTP API and,
// right after each, COPYs the same rows into a table with the same columns
// and indexes (the floor: PostgreSQL's own bulk load), in interleaved
// pairs, and prints the median of the per-pair ratios API time / COPY time.
// Run it once (b.N pairs):
//
//	go test ./devkit/e2e -run '^$' -bench SurveyIngest -benchtime 8x
func BenchmarkSurveyIngest(b *testing.B) {
	const size = 5000
	env := testenv.Start(b, testenv.Options{Quiet: true})
	ctx := context.Background()
	c := env.NewClient(b)
	unit := c.CreateUnit("Tỉnh Ingest", "province", "")
	c = c.As(testenv.Staff(unit))
	dlg := openSurveyForBench(b, env, c, unit)
	if _, err := env.Store.DB.ExecContext(ctx, "CREATE TABLE survey_copy_floor (LIKE survey_responses INCLUDING ALL)"); err != nil {
		b.Fatal(err)
	}
	conn, err := env.Store.DB.Conn(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	var ratios []float64
	var apiTook, copyTook time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		body, copyText := surveyBatchForBench(b, dlg, i, size)
		r, api := c.DoTimed(http.MethodPost, "/api/v1/dialogues/"+dlg+"/survey/responses", body)
		if r.Status != http.StatusCreated || !strings.Contains(string(r.Body), fmt.Sprintf(`"accepted":%d`, size)) {
			b.Fatalf("batch: %d %.300s", r.Status, r.Body)
		}
		start := time.Now()
		res, err := pgdriver.CopyFrom(ctx, conn, bytes.NewReader(copyText),
			"COPY survey_copy_floor (id, dialogue_id, field, content, respondent_name, respondent_group, receipt) FROM STDIN")
		floor := time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		if n, _ := res.RowsAffected(); n != size {
			b.Fatalf("COPY stored %d rows, want %d", n, size)
		}
		apiTook, copyTook = apiTook+api, copyTook+floor
		ratios = append(ratios, float64(api)/float64(floor))
	}
	b.StopTimer()
	slices.Sort(ratios)
	med := ratios[len(ratios)/2]
	if len(ratios)%2 == 0 {
		med = (ratios[len(ratios)/2-1] + ratios[len(ratios)/2]) / 2
	}
	apiRate := float64(size*b.N) / apiTook.Seconds()
	copyRate := float64(size*b.N) / copyTook.Seconds()
	b.ReportMetric(apiRate, "answers/s")
	b.ReportMetric(copyRate, "copy-rows/s")
	b.ReportMetric(med, "time-ratio")
	fmt.Printf("survey ingest bench: %d batches of %d: API %.0f answers/s, COPY %.0f rows/s; API time / COPY time per pair: median %.2f (min %.2f, max %.2f)\n",
		b.N, size, apiRate, copyRate, med, ratios[0], ratios[len(ratios)-1])
}

// openSurveyForBench plans one dialogue an hour away whose survey opens at
// once, and waits until it is open.
func openSurveyForBench(b *testing.B, env *testenv.Env, c *testenv.Client, unit string) string {
	at := time.Now().Add(time.Hour).Truncate(time.Second)
	if at.In(domain.Location).Year() != time.Now().In(domain.Location).Year() {
		at = time.Now().Add(10 * time.Minute)
	}
	r := c.Do(http.MethodPost, "/api/v1/plans", map[string]any{
		"unit_id": unit, "year": at.In(domain.Location).Year(), "reference_no": "SI-" + uuid.NewString()[:8], "issuing_body": "Bench",
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
	waitUntil(b, 60*time.Second, func() bool {
		d, err := env.Store.GetDialogue(context.Background(), dlg)
		return err == nil && d.Phase == domain.PhaseSurveyOpen
	})
	return dlg
}

// surveyBatchForBench returns batch k of size answers as the API's JSON body
// and as COPY text of the same rows.
func surveyBatchForBench(b *testing.B, dlg string, k, size int) ([]byte, []byte) {
	fields := []string{"Đất đai", "Môi trường", "Giao thông", "Chính sách xã hội", "An ninh trật tự"}
	answers := make([]map[string]any, size)
	var text bytes.Buffer
	for i := range answers {
		id, f := uuid.NewString(), fields[i%len(fields)]
		content := fmt.Sprintf("Ý kiến số %d của đợt %d về %s: đề nghị xem xét, giải quyết dứt điểm.", i, k, f)
		answers[i] = map[string]any{"id": id, "field": f, "content": content, "respondent_name": fmt.Sprintf("Người dân %d", i), "respondent_group": "Hội viên"}
		fmt.Fprintf(&text, "%s\t%s\t%s\t%s\tNgười dân %d\tHội viên\t%s\n", id, dlg, f, content, i, receipt.New())
	}
	body, err := json.Marshal(map[string]any{"responses": answers})
	if err != nil {
		b.Fatal(err)
	}
	return body, text.Bytes()
}
