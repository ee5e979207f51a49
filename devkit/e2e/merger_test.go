package e2e

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/doithoai/doithoai/devkit/testenv"
	"github.com/doithoai/doithoai/internal/domain"
)

// TestMergerMidLadder: two communes with overdue tasks merge into a third
// between two rungs of the ladder. The tasks and their open dialogues move
// to the successor through their workflows; the next rung reaches the
// successor's MTTQ once per task, the first rung is not raised again, and
// the merged units take no new plans.
func TestMergerMidLadder(t *testing.T) {
	env := testenv.Start(t, testenv.Options{})
	admin := env.NewClient(t)
	prov := admin.CreateUnit("Tỉnh Hưng Yên", "province", "")
	c := admin.As(testenv.Staff(prov))
	a := c.CreateUnit("Xã Tân Lập", "commune", prov)
	b := c.CreateUnit("Xã Tân Phong", "commune", prov)
	succ := c.CreateUnit("Xã Tân Hưng", "commune", prov)
	ctx := context.Background()

	// One task in each commune: assignee alerted at the deadline, the
	// commune's MTTQ 8 s later.
	policy := map[string]any{"reminder_working_days": []int{}, "escalation": []map[string]any{
		{"after_working_days": 0, "recipients": []string{"assignee"}},
		{"after": "PT8S", "recipients": []string{"mttq"}}}}
	dialogues := map[string]string{}
	for _, u := range []string{a, b} {
		dlg := readyForSession(t, env, c, u, policy)
		dialogues[u] = dlg
		due := time.Now().Add(2 * time.Second)
		r := c.Do(http.MethodPost, "/api/v1/dialogues/"+dlg+"/session", map[string]any{"held_at": time.Now().Add(-time.Minute).Format(time.RFC3339),
			"attendance": map[string]any{"total": 1}, "conclusions": []map[string]any{{"content": "Kết luận",
				"tasks": []map[string]any{{"title": "Sửa đường liên thôn", "assignee": map[string]any{"agency": "UBND xã"}, "due_at": due.Format(time.RFC3339Nano)}}}}})
		mustStatus(t, r, http.StatusOK, "session")
	}
	count := func(where string, args ...any) int {
		var n int
		if err := env.Store.DB.NewSelect().Table("alerts").ColumnExpr("count(*)").Where(where, args...).Scan(ctx, &n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	waitFor(t, 30*time.Second, "the first rung of both tasks", func() bool { return count("kind = 'task_overdue' AND level = 1") == 2 })

	body := map[string]any{"successor_id": succ, "source_ids": []string{a, b}, "effective_at": time.Now().Format(time.RFC3339),
		"reference": "1666/NQ-UBTVQH15"}
	expectError(t, c.Do(http.MethodPost, "/api/v1/units/mergers", map[string]any{"successor_id": succ, "source_ids": []string{succ},
		"effective_at": time.Now().Format(time.RFC3339), "reference": "x"}), 422, "validation_failed", "source_ids[0]", "source_is_successor")
	r := c.Do(http.MethodPost, "/api/v1/units/mergers", body)
	mustStatus(t, r, http.StatusCreated, "merger")
	var m struct {
		ID             string   `json:"id"`
		SourceIDs      []string `json:"source_ids"`
		MovedDialogues int      `json:"moved_dialogues"`
		MovedTasks     int      `json:"moved_tasks"`
	}
	r.Decode(t, &m)
	if m.MovedDialogues != 2 || m.MovedTasks != 2 || len(m.SourceIDs) != 2 {
		t.Fatalf("merger moved %+v, want 2 dialogues and 2 tasks", m)
	}
	// Sent again (a retry): the same merger, nothing moves twice.
	r = c.Do(http.MethodPost, "/api/v1/units/mergers", body)
	mustStatus(t, r, http.StatusCreated, "merger again")
	var again struct {
		ID string `json:"id"`
	}
	r.Decode(t, &again)
	if again.ID != m.ID {
		t.Fatalf("the repeated merger is %s, want %s", again.ID, m.ID)
	}

	// The second rung reaches the successor's MTTQ, once per task.
	waitFor(t, 40*time.Second, "the second rung", func() bool { return count("kind = 'task_overdue' AND level = 2") == 2 })
	time.Sleep(2 * time.Second) // let a duplicate arrive before counting
	if n := count("kind = 'task_overdue' AND level = 2 AND unit_id = ? AND recipient_role = 'mttq'", succ); n != 2 {
		t.Errorf("%d second-rung alerts to the successor's MTTQ, want 2", n)
	}
	if n := count("kind = 'task_overdue'"); n != 4 {
		t.Errorf("%d overdue alerts in all, want 4 (2 rungs × 2 tasks)", n)
	}
	for _, u := range []string{a, b} {
		var unit, assignee string
		err := env.Store.DB.NewSelect().Table("tasks").Column("unit_id", "assignee_unit_id").Where("dialogue_id = ?", dialogues[u]).Scan(ctx, &unit, &assignee)
		if err != nil || unit != succ || assignee != succ {
			t.Errorf("task of %s: unit %s, assignee unit %s (%v), want the successor", u, unit, assignee, err)
		}
		if d, err := env.Store.GetDialogue(ctx, dialogues[u]); err != nil || d.UnitID != succ {
			t.Errorf("dialogue of %s is under %v (%v), want the successor", u, d, err)
		}
	}

	// A merged unit takes no new plan.
	year := time.Now().In(domain.Location).Year() + 1
	r = c.Do(http.MethodPost, "/api/v1/plans", map[string]any{"unit_id": a, "year": year, "reference_no": "1-KH", "issuing_body": "Đảng ủy xã",
		"dialogues": []map[string]any{}})
	expectError(t, r, 422, "validation_failed", "unit_id", "unit_merged")
	if n := count("kind = 'task_overdue' AND unit_id IN (?, ?) AND recipient_role = 'mttq'", a, b); n != 0 {
		t.Errorf("%d MTTQ alerts went to the merged communes", n)
	}
	t.Logf("merger %s moved %d dialogues and %d tasks mid-ladder", m.ID, m.MovedDialogues, m.MovedTasks)
}
