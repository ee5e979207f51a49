package e2e

import (
	"context"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/doithoai/doithoai/devkit/testenv"
	"github.com/doithoai/doithoai/internal/auth"
	"github.com/doithoai/doithoai/internal/domain"
)

// TestDeadWebhookHoldsBackNoReport gives a unit a webhook nobody answers
// and its plan a delivery bound of seconds: the task's notices cannot be
// delivered, the task settles, and the dialogue still closes with its
// supervision report — the task waited for its deliveries only as long as
// the bound, then recorded what was not through as undelivered (before it
// told the dialogue), and an operator finds it in GET /deliveries.
func TestDeadWebhookHoldsBackNoReport(t *testing.T) {
	env := testenv.Start(t, testenv.Options{Quiet: true})
	ctx := context.Background()
	admin := env.NewClient(t)
	unit := admin.CreateUnit("Tỉnh Webhook Chết", "province", "")
	c := admin.As(testenv.Staff(unit))
	dead, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	deadURL := "http://" + dead.Addr().String() + "/hook"
	dead.Close()
	mustStatus(t, c.Do(http.MethodPut, "/api/v1/units/"+unit+"/channels", map[string]any{"webhook_url": deadURL, "webhook_secret": "bí-mật-0123456789-0123456789-abc"}), 200, "set channels")

	dlg := readyForSession(t, env, c, unit, map[string]any{"delivery_within": "PT3S", "reminder_working_days": []int{}})
	r := c.Do(http.MethodPost, "/api/v1/dialogues/"+dlg+"/session", map[string]any{"held_at": time.Now().Add(-time.Minute).Format(time.RFC3339), "attendance": map[string]any{"total": 1},
		"conclusions": []map[string]any{{"content": "Kết luận", "tasks": []map[string]any{{"title": "Nhiệm vụ", "assignee": map[string]any{"agency": "UBND tỉnh"}, "due_at": time.Now().Add(time.Hour).Format(time.RFC3339)}}}}})
	mustStatus(t, r, http.StatusOK, "session")
	var tasks struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	c.Do(http.MethodGet, "/api/v1/tasks?dialogue_id="+dlg, nil).Decode(t, &tasks)
	if len(tasks.Items) != 1 {
		t.Fatalf("tasks: %+v", tasks)
	}
	task := tasks.Items[0].ID
	officer := admin.As(testenv.User("officer.webhook", unit, auth.RoleOfficer))
	mustStatus(t, officer.Do(http.MethodPost, "/api/v1/tasks/"+task+"/result", map[string]any{"text": "Đã làm xong"}), http.StatusOK, "submit")
	mustStatus(t, c.Do(http.MethodPost, "/api/v1/tasks/"+task+"/review", map[string]any{"decision": "accept"}), http.StatusOK, "accept")

	// The dialogue closes with its report although every delivery to its
	// unit fails (before the bound it waited up to a day).
	waitPhase(t, c, dlg, domain.PhaseClosed, 2*time.Minute)
	mustStatus(t, c.Do(http.MethodGet, "/api/v1/dialogues/"+dlg+"/report", nil), http.StatusOK, "dialogue report")

	// The assignment notice is listed as undelivered on the webhook.
	var page struct {
		Items []struct {
			ItemKind   string    `json:"item_kind"`
			ItemID     string    `json:"item_id"`
			TaskID     string    `json:"task_id"`
			UnitID     string    `json:"unit_id"`
			Status     string    `json:"status"`
			Channels   []string  `json:"channels"`
			Attempts   int       `json:"attempts"`
			RecordedAt time.Time `json:"recorded_at"`
		} `json:"items"`
		Total int `json:"total"`
	}
	r = admin.Do(http.MethodGet, "/api/v1/deliveries", nil)
	mustStatus(t, r, http.StatusOK, "deliveries")
	r.Decode(t, &page)
	found := 0
	for _, it := range page.Items {
		if it.TaskID != task {
			continue
		}
		found++
		if it.ItemKind != "notification" || it.Status != "undelivered" || it.UnitID != unit || len(it.Channels) != 1 || it.Channels[0] != "webhook" || it.Attempts < 1 {
			t.Errorf("undelivered item %+v, want an undelivered notification of the unit on the webhook, tried", it)
		}
	}
	if found == 0 {
		t.Fatalf("the task's notice is not listed as undelivered: %s", r.Body)
	}
	// Recorded before the dialogue's report was drafted: the task told its
	// dialogue only once its deliveries were through or recorded.
	var before bool
	if err := env.Store.DB.QueryRowContext(ctx, `SELECT max(u.recorded_at) <= (SELECT min(created_at) FROM reports WHERE kind = 'dialogue' AND scope_key LIKE '%' || ? || '%')
		FROM undelivered u JOIN notifications n ON n.id = u.item_id WHERE n.task_id = ?`, dlg, task).Scan(&before); err != nil {
		t.Fatal(err)
	}
	if !before {
		t.Errorf("the undelivered notice was recorded after the dialogue's report")
	}
	// Only a global admin lists deliveries; a filter it does not know is 422.
	expectError(t, c.Do(http.MethodGet, "/api/v1/deliveries", nil), http.StatusForbidden, "forbidden", "", "")
	expectError(t, admin.Do(http.MethodGet, "/api/v1/deliveries?status=lost", nil), http.StatusUnprocessableEntity, "validation_failed", "status", "invalid_enum")
	r = admin.Do(http.MethodGet, "/api/v1/deliveries?status=delivered", nil)
	mustStatus(t, r, http.StatusOK, "delivered items")
}
