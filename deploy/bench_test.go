package deploy

import (
	"os"
	"strconv"
	"testing"

	"github.com/doithoai/doithoai/devkit/bench"
	"github.com/doithoai/doithoai/devkit/cluster"
	"github.com/doithoai/doithoai/devkit/testenv"
)

// BenchmarkCluster is devkit/e2e's BenchmarkEscalation on the production
// topology: N follow-up tasks (DOITHOAI_BENCH_TASKS, default 200) opened
// through one of two API processes, run by two worker processes, on a
// Temporal server process with 4 history shards persisted in PostgreSQL;
// the floor (bare timer workflows) runs on the same server in the same run.
//
//	DOITHOAI_BENCH_TASKS=1000 go test ./deploy -run '^$' -bench Cluster -benchtime 1x
func BenchmarkCluster(b *testing.B) {
	n := 200
	if v, err := strconv.Atoi(os.Getenv("DOITHOAI_BENCH_TASKS")); err == nil && v > 0 {
		n = v
	}
	cl := cluster.Start(b, cluster.Options{APIs: 2, Workers: 2, Shards: 4})
	target := bench.Target{Temporal: cl.Temporal, Store: cl.Store, API: testenv.NewClient(b, cl.APIs[0].BaseURL).As(testenv.Admin)}
	b.ResetTimer()
	for range b.N {
		bench.Escalation(b, target, n).Report(b, "cluster escalation bench (4 shards, 2 api, 2 workers)")
	}
}
