package store_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/doithoai/doithoai/devkit/testenv"
	"github.com/doithoai/doithoai/internal/calendar"
	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/internal/report"
	"github.com/doithoai/doithoai/internal/store"
)

// BenchmarkReports measures every report kind over a generated year at
// country scale and, in the same run, the floor: a plain count(*) over the
// same tables. Generate the data first, then point the benchmark at it:
//
//	createdb -h 127.0.0.1 -U postgres doithoai_country
//	DATABASE_URL=postgres://postgres@127.0.0.1:5432/doithoai_country?sslmode=disable go run ./cmd/gen -scale country -seed 1 -year 2026
//	DOITHOAI_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/doithoai_country?sslmode=disable \
//	  go test ./internal/store -run '^$' -bench Reports -benchtime 1x
func BenchmarkReports(b *testing.B) {
	url := os.Getenv("DOITHOAI_BENCH_DATABASE_URL")
	if url == "" {
		b.Fatal("set DOITHOAI_BENCH_DATABASE_URL to a database filled by `go run ./cmd/gen -scale country` (see the comment of BenchmarkReports)")
	}
	st, err := store.Open(url)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	cal, err := calendar.New(calendar.Options{})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := st.Prepare(ctx, true, cal); err != nil {
		b.Fatal(err)
	}
	var year int
	if err := st.DB.QueryRowContext(ctx, "SELECT coalesce(max(year), 0) FROM plans").Scan(&year); err != nil || year == 0 {
		b.Fatalf("no plans in the bench database (%v): generate it first", err)
	}
	from := time.Date(year, 1, 1, 0, 0, 0, 0, domain.Location)
	to := from.AddDate(1, 0, 0)
	pick := func(q string, n int) []string {
		rows, err := st.DB.QueryContext(ctx, q+" LIMIT ?", n)
		if err != nil {
			b.Fatal(err)
		}
		defer rows.Close()
		var ids []string
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				b.Fatal(err)
			}
			ids = append(ids, id)
		}
		return ids
	}
	dialogues := pick("SELECT d.id FROM dialogues d JOIN sessions s ON s.dialogue_id = d.id ORDER BY d.id", 20)
	plans := pick("SELECT p.id FROM plans p JOIN units u ON u.id = p.unit_id WHERE u.level = 'district' ORDER BY p.id", 10)
	provincePlans := pick("SELECT p.id FROM plans p JOIN units u ON u.id = p.unit_id WHERE u.level = 'province' ORDER BY p.id", 5)
	provinces := pick("SELECT id FROM units WHERE level = 'province' ORDER BY id", 5)

	kinds := []struct {
		name   string
		scopes []report.Scope
	}{
		{"dialogue", scopesOf(dialogues, func(id string) report.Scope { return report.Scope{Kind: report.KindDialogue, DialogueID: id} })},
		{"plan-district", scopesOf(plans, func(id string) report.Scope { return report.Scope{Kind: report.KindPlan, PlanID: id} })},
		{"plan-province", scopesOf(provincePlans, func(id string) report.Scope { return report.Scope{Kind: report.KindPlan, PlanID: id} })},
		{"rollup-province-year", scopesOf(provinces, func(id string) report.Scope {
			return report.Scope{Kind: report.KindRollup, UnitID: id, From: from, To: to}
		})},
		{"rollup-province-communes", scopesOf(provinces, func(id string) report.Scope {
			return report.Scope{Kind: report.KindRollup, UnitID: id, From: from, To: to, Level: domain.LevelCommune}
		})},
	}
	floorQuery := `SELECT (SELECT count(*) FROM dialogues) + (SELECT count(*) FROM opinions) + (SELECT count(*) FROM tasks)
		+ (SELECT count(*) FROM survey_responses) + (SELECT count(*) FROM alerts) + (SELECT count(*) FROM sessions)`
	now := time.Date(year+1, 1, 15, 12, 0, 0, 0, domain.Location)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var floor []time.Duration
		timed := map[string][]time.Duration{}
		for round := 0; round < 3; round++ {
			start := time.Now()
			var n int64
			if err := st.DB.QueryRowContext(ctx, floorQuery).Scan(&n); err != nil {
				b.Fatal(err)
			}
			floor = append(floor, time.Since(start))
			for _, k := range kinds {
				for _, sc := range k.scopes {
					start := time.Now()
					if _, err := st.ComputeReport(ctx, sc, now); err != nil {
						b.Fatalf("%s: %v", k.name, err)
					}
					timed[k.name] = append(timed[k.name], time.Since(start))
				}
			}
		}
		f50 := testenv.Percentile(floor, 0.5)
		fmt.Printf("report bench: floor count(*) over dialogues, sessions, opinions, tasks, survey answers, alerts: p50 %v\n", f50.Round(time.Millisecond))
		for _, k := range kinds {
			p50, p95 := testenv.Percentile(timed[k.name], 0.5), testenv.Percentile(timed[k.name], 0.95)
			fmt.Printf("report bench: %-26s n=%-3d p50 %-9v p95 %-9v  ×floor p50 %.2f p95 %.2f\n", k.name, len(timed[k.name]),
				p50.Round(100*time.Microsecond), p95.Round(100*time.Microsecond), float64(p50)/float64(f50), float64(p95)/float64(f50))
			b.ReportMetric(float64(p95)/float64(f50), k.name+"-p95/floor")
		}
		b.ReportMetric(float64(f50.Microseconds())/1000, "floor-ms")
	}
}

func scopesOf(ids []string, f func(string) report.Scope) []report.Scope {
	out := make([]report.Scope, len(ids))
	for i, id := range ids {
		out[i] = f(id)
	}
	return out
}
