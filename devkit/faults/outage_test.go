package faults

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/doithoai/doithoai/devkit/bench"
	"github.com/doithoai/doithoai/devkit/pglocal"
	"github.com/doithoai/doithoai/devkit/testenv"
	"github.com/doithoai/doithoai/internal/auth"
	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/internal/store"
)

// outageFor is how long the database stays away: twice the 15 s after which
// a local activity's retries used to stop.
const outageFor = 30 * time.Second

// TestDatabaseOutageLosesNothing stops the service's own PostgreSQL (a
// private cluster, so other tests are not disturbed) twice, each time for
// longer than any write's retry limit: first right after a session assigns
// tasks, while their assignment notices and their reminders fall due, then
// while their first escalation rung falls due. Once the database is back,
// every task has its assignment notice, its reminder, its in-progress
// state, and its overdue state at level 1 with exactly one alert: nothing
// lost, nothing doubled, nothing marked done before it was written.
func TestDatabaseOutageLosesNothing(t *testing.T) {
	const tasks = 5
	cl := privateCluster(t)
	env := testenv.Start(t, testenv.Options{Quiet: true, DatabaseURL: cl.URL()})
	ctx := context.Background()
	unit := env.NewClient(t).CreateUnit("Tỉnh Mất Điện", "province", "")
	c := env.NewClient(t).As(testenv.Staff(unit))
	dlg := bench.ReadyForSession(t, env.Store, c, unit, map[string]any{
		"reminder_working_days": []int{}, "reminder_offsets": []string{"PT30S"},
		"escalation": []map[string]any{{"after_working_days": 0, "recipients": []string{"mttq"}}}})

	// Reminders 15 s after the session, inside the first outage; deadlines
	// 45 s after it, inside the second.
	held := time.Now()
	due := held.Add(45 * time.Second)
	var specs []map[string]any
	for i := 0; i < tasks; i++ {
		specs = append(specs, map[string]any{"title": fmt.Sprintf("Nhiệm vụ %d", i), "assignee": map[string]any{"agency": "UBND xã"}, "due_at": due.Format(time.RFC3339Nano)})
	}
	r := c.Do(http.MethodPost, "/api/v1/dialogues/"+dlg+"/session", map[string]any{"held_at": held.Add(-time.Minute).Format(time.RFC3339), "attendance": map[string]any{"total": 1},
		"conclusions": []map[string]any{{"content": "Kết luận", "tasks": specs}}})
	if r.Status != http.StatusOK {
		t.Fatalf("session: %d %.500s", r.Status, r.Body)
	}
	cl = outage(t, cl, held)
	time.Sleep(time.Until(due.Add(-5 * time.Second)))
	outage(t, cl, held)

	testenv.WaitFor(t, 3*time.Minute, "every task's writes after the outage", func() bool {
		var n int
		err := env.Store.DB.NewSelect().Table("tasks").Where("dialogue_id = ? AND overdue AND escalation_level = 1", dlg).ColumnExpr("count(*)").Scan(ctx, &n)
		return err == nil && n == tasks
	})
	var rows []store.Task
	if err := env.Store.DB.NewSelect().Model(&rows).Where("dialogue_id = ?", dlg).Scan(ctx); err != nil {
		t.Fatal(err)
	}
	for _, task := range rows {
		if task.Status != domain.TaskInProgress {
			t.Errorf("task %s is %s, want in_progress", task.ID, task.Status)
		}
		kinds := noticeKinds(t, env, task.ID)
		if kinds["notice"] != 1 || kinds["reminder"] != 1 {
			t.Errorf("task %s notices by kind %v, want one assignment notice and one reminder", task.ID, kinds)
		}
		var alerts int
		if err := env.Store.DB.NewSelect().Table("alerts").Where("task_id = ? AND level = 1", task.ID).ColumnExpr("count(*)").Scan(ctx, &alerts); err != nil {
			t.Fatal(err)
		}
		if alerts != 1 {
			t.Errorf("task %s has %d level-1 alerts, want exactly 1", task.ID, alerts)
		}
	}
}

// privateCluster starts a PostgreSQL cluster of the test's own, which the
// test may stop; it fails with what to install when there is none.
func privateCluster(t *testing.T) *pglocal.Cluster {
	t.Helper()
	parent, err := os.MkdirTemp("", "doithoai-outage-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(parent) })
	// initdb and postgres run as the postgres user when the test runs as
	// root: it must reach the data directory.
	if err := os.Chmod(parent, 0o755); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cl, err := pglocal.Start(ctx, pglocal.Options{Dir: filepath.Join(parent, "data"), Port: port})
	if errors.Is(err, pglocal.ErrNoPostgres) {
		t.Fatalf("this test runs a PostgreSQL cluster of its own and needs the server binaries: apt-get install -y postgresql (%v)", err)
	}
	if err != nil {
		t.Fatalf("start a private PostgreSQL cluster: %v", err)
	}
	t.Cleanup(func() { _ = cl.Stop() })
	return cl
}

// outage stops the private cluster for outageFor and starts it again on
// its directory and port; it returns the running cluster.
func outage(t *testing.T, cl *pglocal.Cluster, since time.Time) *pglocal.Cluster {
	t.Helper()
	if err := cl.Stop(); err != nil {
		t.Fatalf("stop PostgreSQL: %v", err)
	}
	t.Logf("PostgreSQL stopped %v after the session", time.Since(since).Round(time.Millisecond))
	time.Sleep(outageFor)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	again, err := pglocal.Start(ctx, pglocal.Options{Dir: cl.Dir(), Port: cl.Port()})
	if err != nil {
		t.Fatalf("restart PostgreSQL: %v", err)
	}
	t.Cleanup(func() { _ = again.Stop() })
	t.Logf("PostgreSQL back %v after the session", time.Since(since).Round(time.Millisecond))
	return again
}

// noticeKinds counts a task's notices by kind.
func noticeKinds(t *testing.T, env *testenv.Env, taskID string) map[string]int {
	t.Helper()
	var kinds []string
	if err := env.Store.DB.NewSelect().Table("notifications").Column("kind").Where("task_id = ?", taskID).Scan(context.Background(), &kinds); err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, k := range kinds {
		out[k]++
	}
	return out
}

// TestDatabaseOutageKeepsCommandNotices proves the notices a command sends
// in the background survive a database outage longer than any write's
// retry limit: a returned result and an extension decision each answer once
// their own change is saved, while their notices wait on a lock of the
// notifications table; PostgreSQL then stops (dropping the waiting writes)
// for outageFor. Once it is back, each task has exactly its returned-result
// or extension notice, stored once.
func TestDatabaseOutageKeepsCommandNotices(t *testing.T) {
	cl := privateCluster(t)
	env := testenv.Start(t, testenv.Options{Quiet: true, DatabaseURL: cl.URL()})
	ctx := context.Background()
	unit := env.NewClient(t).CreateUnit("Tỉnh Mất Điện Hai", "province", "")
	c := env.NewClient(t).As(testenv.Staff(unit))
	officer := env.NewClient(t).As(testenv.User("officer.outage", unit, auth.RoleOfficer))
	dlg := bench.ReadyForSession(t, env.Store, c, unit, map[string]any{"reminder_working_days": []int{}})
	held := time.Now()
	due := held.Add(time.Hour)
	r := c.Do(http.MethodPost, "/api/v1/dialogues/"+dlg+"/session", map[string]any{"held_at": held.Add(-time.Minute).Format(time.RFC3339), "attendance": map[string]any{"total": 1},
		"conclusions": []map[string]any{{"content": "Kết luận", "tasks": []map[string]any{
			{"title": "Trả lại kết quả", "assignee": map[string]any{"agency": "UBND xã"}, "due_at": due.Format(time.RFC3339)},
			{"title": "Gia hạn", "assignee": map[string]any{"agency": "UBND xã"}, "due_at": due.Format(time.RFC3339)}}}}})
	mustStatus(t, r, http.StatusOK, "session")
	var returned, extended string
	testenv.WaitFor(t, time.Minute, "the session's two tasks", func() bool {
		var rows []store.Task
		if err := env.Store.DB.NewSelect().Model(&rows).Where("dialogue_id = ? AND status = ?", dlg, domain.TaskInProgress).Scan(ctx); err != nil || len(rows) != 2 {
			return false
		}
		for _, task := range rows {
			if task.Title == "Trả lại kết quả" {
				returned = task.ID
			} else {
				extended = task.ID
			}
		}
		return true
	})
	mustStatus(t, officer.Do(http.MethodPost, "/api/v1/tasks/"+returned+"/result", map[string]any{"text": "Đã làm"}), http.StatusOK, "submit")
	mustStatus(t, officer.Do(http.MethodPost, "/api/v1/tasks/"+extended+"/extension", map[string]any{"reason": "Cần thêm thời gian", "proposed_due_at": due.Add(time.Hour).Format(time.RFC3339)}), http.StatusOK, "request extension")

	// Hold every notice write on a lock, then send both commands.
	lock, err := env.Store.DB.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = lock.Rollback() }() // the outage ends it
	if _, err := lock.ExecContext(ctx, "LOCK TABLE notifications IN EXCLUSIVE MODE"); err != nil {
		t.Fatal(err)
	}
	mustStatus(t, c.Do(http.MethodPost, "/api/v1/tasks/"+returned+"/review", map[string]any{"decision": "return", "reason": "Chưa đạt"}), http.StatusOK, "return the result")
	mustStatus(t, c.Do(http.MethodPost, "/api/v1/tasks/"+extended+"/extension/decision", map[string]any{"approve": true}), http.StatusOK, "approve the extension")
	testenv.WaitFor(t, time.Minute, "the commands' notice writes to wait on the lock", func() bool {
		var n int
		err := env.Store.DB.QueryRowContext(ctx, "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query ILIKE '%notifications%'").Scan(&n)
		return err == nil && n >= 2
	})
	outage(t, cl, held)

	notice := func(task, keyPart string) int {
		var n int
		err := env.Store.DB.NewSelect().Table("notifications").Where("task_id = ? AND dedup_key LIKE ?", task, "%/"+keyPart+"/%").ColumnExpr("count(*)").Scan(ctx, &n)
		if err != nil {
			return -1
		}
		return n
	}
	testenv.WaitFor(t, 3*time.Minute, "the returned-result and extension notices", func() bool { return notice(returned, "returned") >= 1 && notice(extended, "extension") >= 1 })
	if n := notice(returned, "returned"); n != 1 {
		t.Errorf("task %s has %d returned-result notices, want 1", returned, n)
	}
	if n := notice(extended, "extension"); n != 1 {
		t.Errorf("task %s has %d extension notices, want 1", extended, n)
	}
}

func mustStatus(t testing.TB, r *testenv.Response, want int, what string) {
	t.Helper()
	if r.Status != want {
		t.Fatalf("%s: status %d, want %d: %s", what, r.Status, want, r.Body)
	}
}
