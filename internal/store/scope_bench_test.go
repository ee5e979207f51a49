package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/doithoai/doithoai/devkit/gen"
	"github.com/doithoai/doithoai/devkit/testenv"
	"github.com/doithoai/doithoai/internal/store"
)

// BenchmarkScopedLists measures what access control adds to the list
// queries: the task and alert lists of a district (what the API ran before
// scopes) against the same lists narrowed by the scope of the district's
// MTTQ, and a ward officer's task list, over a generated province year.
// It prints the ratios:
//
//	go test ./internal/store -run '^$' -bench ScopedLists -benchtime 200x
func BenchmarkScopedLists(b *testing.B) {
	st, _ := testenv.NewDatabase(b)
	ctx := context.Background()
	year := time.Now().Year() - 1
	if _, err := gen.Generate(ctx, st, gen.Options{Seed: 7, Year: year, Scale: gen.ScaleProvince}); err != nil {
		b.Fatal(err)
	}
	var district, districtPath, ward string
	if err := st.DB.QueryRowContext(ctx, "SELECT id, path FROM units WHERE level = 'district' ORDER BY code LIMIT 1").Scan(&district, &districtPath); err != nil {
		b.Fatal(err)
	}
	if err := st.DB.QueryRowContext(ctx, "SELECT id FROM units WHERE parent_id = ? ORDER BY code LIMIT 1", district).Scan(&ward); err != nil {
		b.Fatal(err)
	}
	mttq := &store.Scope{Grants: []store.Grant{{UnitID: district, Path: districtPath, Subtree: true}}}
	officer := &store.Scope{OfficerUnit: ward, Officer: "nobody"}
	cases := []struct {
		name string
		run  func() (int, error)
	}{
		{"tasks/district/unscoped", func() (int, error) {
			_, n, err := st.ListTasks(ctx, store.TaskFilter{UnitID: district, Subtree: true, Limit: 50})
			return n, err
		}},
		{"tasks/district/mttq-scope", func() (int, error) {
			_, n, err := st.ListTasks(ctx, store.TaskFilter{UnitID: district, Subtree: true, Scope: mttq, Limit: 50})
			return n, err
		}},
		{"tasks/ward/officer-scope", func() (int, error) {
			_, n, err := st.ListTasks(ctx, store.TaskFilter{Scope: officer, Limit: 50})
			return n, err
		}},
		{"alerts/district/unscoped", func() (int, error) {
			_, n, err := st.ListAlerts(ctx, store.AlertFilter{UnitID: district, Subtree: true, Limit: 50})
			return n, err
		}},
		{"alerts/district/mttq-scope", func() (int, error) {
			_, n, err := st.ListAlerts(ctx, store.AlertFilter{UnitID: district, Subtree: true, Scope: mttq, Limit: 50})
			return n, err
		}},
	}
	took := map[string]time.Duration{}
	rows := map[string]int{}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			start := time.Now()
			for range b.N {
				n, err := tc.run()
				if err != nil {
					b.Fatal(err)
				}
				rows[tc.name] = n
			}
			took[tc.name] = time.Since(start) / time.Duration(b.N)
		})
	}
	if rows["tasks/district/unscoped"] != rows["tasks/district/mttq-scope"] || rows["alerts/district/unscoped"] != rows["alerts/district/mttq-scope"] {
		b.Fatalf("the MTTQ scope of the district changed the lists: %v", rows)
	}
	ratio := func(a, bname string) float64 { return float64(took[a]) / float64(took[bname]) }
	b.Logf("rows: %v", rows)
	b.Logf("per list: %v", took)
	b.Logf("tasks: mttq scope / unscoped = %.2f; officer scope / unscoped district = %.2f; alerts: mttq scope / unscoped = %.2f",
		ratio("tasks/district/mttq-scope", "tasks/district/unscoped"), ratio("tasks/ward/officer-scope", "tasks/district/unscoped"),
		ratio("alerts/district/mttq-scope", "alerts/district/unscoped"))
}
