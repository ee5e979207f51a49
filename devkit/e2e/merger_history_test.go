package e2e

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/doithoai/doithoai/devkit/testenv"
	"github.com/doithoai/doithoai/internal/auth"
	"github.com/doithoai/doithoai/internal/domain"
)

// TestMergerHistory: a commune with a closed dialogue, a done task and a
// report merges into another. The successor's users (and the province's)
// keep reading the predecessor's plan, dialogue, task and report, in lists
// too; they cannot act on them (403: they may read, not do); a commune
// outside the merger sees none of it (404).
func TestMergerHistory(t *testing.T) {
	env := testenv.Start(t, testenv.Options{})
	admin := env.NewClient(t)
	prov := admin.CreateUnit("Tỉnh Hưng Yên", "province", "")
	staff := admin.As(testenv.Staff(prov))
	old := staff.CreateUnit("Xã Vũ Hội", "commune", prov)
	succ := staff.CreateUnit("Xã Vũ Thư", "commune", prov)
	outside := staff.CreateUnit("Xã Tân Lập", "commune", prov)

	// The predecessor's dialogue: session, one task done, dialogue closed.
	oldStaff := admin.As(testenv.Staff(old))
	dlg := readyForSession(t, env, oldStaff, old, nil)
	r := oldStaff.Do(http.MethodPost, "/api/v1/dialogues/"+dlg+"/session", map[string]any{
		"held_at": time.Now().Add(-time.Minute).Format(time.RFC3339), "attendance": map[string]any{"total": 40},
		"opinions": []map[string]any{{"field": "Đất đai", "content": "MK-HIST opinion", "source": "floor"}},
		"conclusions": []map[string]any{{"content": "MK-HIST conclusion", "tasks": []map[string]any{{"title": "MK-HIST task",
			"assignee": map[string]any{"agency": "UBND xã"}, "due_at": time.Now().Add(time.Hour).Format(time.RFC3339)}}}}})
	mustStatus(t, r, http.StatusOK, "session")
	var rec struct {
		Tasks []created `json:"tasks"`
	}
	r.Decode(t, &rec)
	taskID := taskOf(t, oldStaff, dlg, rec.Tasks)
	r = admin.As(testenv.User("officer.old", old, auth.RoleOfficer)).Do(http.MethodPost, "/api/v1/tasks/"+taskID+"/result",
		map[string]any{"text": "Đã làm xong"})
	mustStatus(t, r, http.StatusOK, "result")
	mustStatus(t, oldStaff.Do(http.MethodPost, "/api/v1/tasks/"+taskID+"/review", map[string]any{"decision": "accept"}), http.StatusOK, "accept")
	d := waitPhase(t, oldStaff, dlg, domain.PhaseClosed, 30*time.Second)
	r = oldStaff.Do(http.MethodGet, "/api/v1/dialogues/"+dlg+"/report", nil)
	mustStatus(t, r, http.StatusOK, "report of the old commune")
	var rep created
	r.Decode(t, &rep)

	r = staff.Do(http.MethodPost, "/api/v1/units/mergers", map[string]any{"successor_id": succ, "source_ids": []string{old},
		"effective_at": time.Now().Format(time.RFC3339), "reference": "1666/NQ-UBTVQH15"})
	mustStatus(t, r, http.StatusCreated, "merger")

	reads := []string{
		"/api/v1/dialogues/" + dlg, "/api/v1/dialogues/" + dlg + "/report", "/api/v1/dialogues/" + dlg + "/events",
		"/api/v1/plans/" + d.PlanID, "/api/v1/plans/" + d.PlanID + "/report", "/api/v1/reports/" + rep.ID,
		"/api/v1/tasks/" + taskID,
	}
	lists := []string{
		"/api/v1/dialogues", "/api/v1/dialogues?unit_id=" + old, "/api/v1/plans", "/api/v1/plans?unit_id=" + old,
		"/api/v1/tasks", "/api/v1/tasks?unit_id=" + old,
	}
	for _, who := range []auth.Principal{
		testenv.User("planner.succ", succ, auth.RolePlanner), testenv.User("mttq.succ", succ, auth.RoleMTTQ),
		testenv.User("planner.prov", prov, auth.RolePlanner),
	} {
		c := admin.As(who)
		for _, p := range reads {
			mustStatus(t, c.Do(http.MethodGet, p, nil), http.StatusOK, who.Subject+" reads "+p)
		}
		for _, p := range lists {
			r := c.Do(http.MethodGet, p, nil)
			mustStatus(t, r, http.StatusOK, who.Subject+" lists "+p)
			if !strings.Contains(string(r.Body), dlg) && !strings.Contains(string(r.Body), taskID) && !strings.Contains(string(r.Body), d.PlanID) {
				t.Errorf("%s: %s does not show the predecessor's records: %s", who.Subject, p, r.Body)
			}
		}
	}
	// An officer of the successor reads the task once assigned to the
	// predecessor's agency.
	officer := admin.As(testenv.User("officer.succ", succ, auth.RoleOfficer))
	mustStatus(t, officer.Do(http.MethodGet, "/api/v1/tasks/"+taskID, nil), http.StatusOK, "the successor's officer reads the old task")
	if r := officer.Do(http.MethodGet, "/api/v1/tasks", nil); !strings.Contains(string(r.Body), taskID) {
		t.Errorf("the successor's officer does not list the old task: %s", r.Body)
	}

	// Acting stays as today: the successor's users may read, not act (403).
	succStaff := admin.As(testenv.Staff(succ))
	at := time.Now().Add(48 * time.Hour).Format(time.RFC3339)
	commands := []struct{ method, path string }{
		{http.MethodPost, "/api/v1/dialogues/" + dlg + "/reschedule"},
		{http.MethodPost, "/api/v1/dialogues/" + dlg + "/cancel"},
		{http.MethodPost, "/api/v1/dialogues/" + dlg + "/tasks"},
		{http.MethodPost, "/api/v1/plans/" + d.PlanID + "/dialogues"},
		{http.MethodPut, "/api/v1/reports/" + rep.ID + "/assessment"},
		{http.MethodPost, "/api/v1/reports/" + rep.ID + "/finalise"},
		{http.MethodPost, "/api/v1/tasks/" + taskID + "/reassign"},
	}
	body := map[string]any{"scheduled_at": at, "reason": "x", "assessment": "x", "kind": "periodic"}
	for _, cmd := range commands {
		expectError(t, succStaff.Do(cmd.method, cmd.path, body), http.StatusForbidden, "forbidden", "", "")
	}

	// A commune outside the merger sees nothing of it.
	out := admin.As(testenv.Staff(outside))
	for _, p := range reads {
		expectError(t, out.Do(http.MethodGet, p, nil), http.StatusNotFound, "not_found", "", "")
	}
	for _, cmd := range commands {
		expectError(t, out.Do(cmd.method, cmd.path, body), http.StatusNotFound, "not_found", "", "")
	}
	for _, p := range []string{"/api/v1/dialogues", "/api/v1/plans", "/api/v1/tasks"} {
		if r := out.Do(http.MethodGet, p, nil); strings.Contains(string(r.Body), "MK-HIST") || strings.Contains(string(r.Body), dlg) {
			t.Errorf("an outsider lists the merged commune's records at %s: %s", p, r.Body)
		}
	}
	expectError(t, out.Do(http.MethodGet, "/api/v1/dialogues?unit_id="+old, nil), http.StatusForbidden, "forbidden", "", "")
}

// taskOf returns the id of the dialogue's only task (from the session's
// answer when it names it, else from the task list).
func taskOf(t *testing.T, c *testenv.Client, dlg string, fromSession []created) string {
	t.Helper()
	if len(fromSession) == 1 && fromSession[0].ID != "" {
		return fromSession[0].ID
	}
	var page struct {
		Items []created `json:"items"`
	}
	r := c.Do(http.MethodGet, "/api/v1/tasks?dialogue_id="+dlg, nil)
	mustStatus(t, r, http.StatusOK, "tasks of the dialogue")
	r.Decode(t, &page)
	if len(page.Items) != 1 {
		t.Fatalf("dialogue %s has %d tasks, want 1: %s", dlg, len(page.Items), r.Body)
	}
	return page.Items[0].ID
}
